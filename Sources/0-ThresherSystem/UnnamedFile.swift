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
        if let inject = FileDescriptor.injectedWriteError, let code = inject(label) {
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
}
