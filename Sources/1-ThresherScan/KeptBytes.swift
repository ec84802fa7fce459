/// A worker's buffer for a small file read whole: phase 1 reads the file
/// into it and splits it into lines there (`LineReader`, `keepingIn:`), and
/// phase 2, run next by the same worker, reads the file's spans from it
/// instead of reading them from the file again: no system call, no copy,
/// and the bytes are exactly those phase 1 parsed.
///
/// One per worker, reused from file to file; it grows to the largest file
/// kept, at most `limit` bytes. Not shared between threads.
public final class KeptBytes {
    /// Files up to this many bytes (read from their start or cursor) are kept.
    public let limit: Int
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// File offset of the first byte held, and how many are held.
    public internal(set) var offset: Int64 = 0
    public internal(set) var count = 0
    /// Whose bytes they are (the file's scan), so phase 2 uses them only
    /// for the file phase 1 kept them for. A reference, not an identifier:
    /// a freed object's address may come back as another's.
    public var holder: AnyObject?

    public init(limit: Int) {
        self.limit = limit
        storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    deinit { storage.deallocate() }

    /// Whether `length` bytes fit the limit.
    public func canHold(_ length: Int64) -> Bool { length <= Int64(limit) }

    /// Makes room for `length` bytes (at most `limit`), forgetting what is held.
    func prepare(for length: Int) {
        precondition(length <= limit)
        offset = 0
        count = 0
        holder = nil
        guard length > storage.count || storage.baseAddress == nil else { return }
        storage.deallocate()
        // Doubling: a worker meets growing files a few times, not each time.
        storage = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(1, min(limit, max(length, storage.count * 2, 1 << 16))), alignment: 64)
    }

    /// The bytes held, from file offset `offset` on.
    public var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.baseAddress?.assumingMemoryBound(to: UInt8.self), count: count)
    }
}
