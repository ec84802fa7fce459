import CThreshSystem
import SystemPackage

/// A scratch file without a name (`O_TMPFILE`): written and read at
/// offsets, gone when closed, so nothing is left behind whatever happens
/// to the process. Closed in `deinit`.
public final class UnnamedFile: Sendable {
    public let descriptor: FileDescriptor
    /// What error messages call it: the folder it lives in.
    public let label: String

    public init(in directory: String) throws(SystemError) {
        label = directory + "/(temporary file)"
        let fd = thresh_open_unnamed(directory)
        guard fd >= 0 else { throw SystemError("create", path: label) }
        descriptor = FileDescriptor(rawValue: fd)
    }

    deinit { descriptor.closeQuietly() }

    /// Writes all of `bytes` at `offset`.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemError) {
        if let code = WriteFaults.error(writing: label) {
            throw SystemError("write", path: label, code: code)
        }
        var done = 0
        while done < bytes.count {
            done += try SystemError.attempt("write", path: label) {
                try descriptor.write(toAbsoluteOffset: offset + Int64(done), UnsafeRawBufferPointer(rebasing: bytes[done...]))
            }
        }
    }

    /// `count` bytes from `offset`, all of them (a short file is an error).
    public func read(count: Int, at offset: Int64) throws(SystemError) -> [UInt8] {
        var failure: SystemError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(SystemError) {
                initialized = try descriptor.readFully(into: UnsafeMutableRawBufferPointer(buffer), at: offset, path: label)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        guard bytes.count == count else { throw SystemError("read", path: label, code: EIO) }
        return bytes
    }

    /// Fixed-size records, as element `index` onwards of an array of them
    /// kept in the file (`ExternalSorter`, `ScratchArray`).
    public func write<Element: BitwiseCopyable>(_ elements: [Element], fromIndex index: Int) throws(SystemError) {
        let offset = Int64(index * MemoryLayout<Element>.stride)
        // `withUnsafeBytes` rethrows untyped: carry the error out instead.
        let failure: SystemError? = elements.withUnsafeBytes { bytes in
            do throws(SystemError) { try write(bytes, at: offset) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// `count` records from element `index` on (see `write(_:fromIndex:)`).
    public func read<Element: BitwiseCopyable>(_ type: Element.Type, count: Int, fromIndex index: Int) throws(SystemError) -> [Element] {
        let stride = MemoryLayout<Element>.stride
        let bytes = try read(count: count * stride, at: Int64(index * stride))
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * stride, as: Element.self) }
        }
    }
}
