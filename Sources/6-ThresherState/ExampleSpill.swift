import ThresherSystem

/// Where formatted examples wait when memory is no place for them (a huge
/// file's until its end, hundreds of MB for a 3 GB session, or one big
/// example; a merge's until they are written in order): an unnamed
/// scratch file in OUT's state folder.
/// Small appends go through a buffer; the writer reads each piece back once.
public final class ExampleSpill {
    private let file: UnnamedFile
    private var buffer: [UInt8] = []
    /// Bytes already in the file.
    private var written: Int64 = 0
    /// The first write that failed: the file's examples cannot be trusted.
    public private(set) var failure: SystemError?
    private static let bufferSize = 1 << 20

    public init(in directory: String) throws(SystemError) {
        file = try UnnamedFile(in: directory)
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends `bytes`; returns where they can be read back. A piece of
    /// half the buffer or more is written directly, not copied into it.
    public func append(_ bytes: UnsafeRawBufferPointer) -> SpilledBytes {
        if buffer.count + bytes.count > Self.bufferSize { flush() }
        let spilled = SpilledBytes(file: file, offset: written + Int64(buffer.count), count: bytes.count)
        if bytes.count >= Self.bufferSize / 2 {
            write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        return spilled
    }

    /// Where the next append lands.
    public var end: Int64 { written + Int64(buffer.count) }

    /// `count` bytes from `offset` (flushed first if they are still buffered).
    public func read(at offset: Int64, count: Int) throws(SystemError) -> [UInt8] {
        if offset + Int64(count) > written { flush() }
        if let failure { throw failure }
        return try file.read(count: count, at: offset)
    }

    /// Writes what the buffer holds; call before the examples are read.
    public func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        if failure == nil {
            do throws(SystemError) { try file.write(bytes, at: written) } catch { failure = error }
        }
        written += Int64(bytes.count)
    }
}

/// Bytes waiting in a spill file: an example's line or record.
public struct SpilledBytes: Sendable {
    let file: UnnamedFile
    let offset: Int64
    let count: Int

    public func read() throws(SystemError) -> [UInt8] {
        try file.read(count: count, at: offset)
    }
}
