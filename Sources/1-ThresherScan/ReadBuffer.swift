import ThresherSystem

/// The buffer `LineReader` reads into with `pread`: it holds the file's
/// bytes from `offset` on, keeps a partial line by moving it to the front,
/// and doubles when one line fills it.
struct ReadBuffer {
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// File offset of the buffer's first byte.
    private(set) var offset: Int64
    /// Bytes valid from the start.
    private(set) var filled = 0

    init(initialSize: Int, offset: Int64) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: initialSize, alignment: 64)
        self.offset = offset
    }

    func deallocate() { storage.deallocate() }

    var base: UnsafeMutablePointer<UInt8> { storage.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    /// Drops the first `count` bytes (lines already handed over), moving the
    /// rest to the front; returns `count`.
    mutating func dropPrefix(_ count: Int) -> Int {
        guard count > 0 else { return 0 }
        memmove(storage.baseAddress!, storage.baseAddress! + count, filled - count)
        offset += Int64(count)
        filled -= count
        return count
    }

    /// Reads once more from the file, up to `end`, growing first if full.
    /// False when the file ended (shrank) before `end`.
    mutating func fill(fd: Int32, path: String, upTo end: Int64) throws(SystemError) -> Bool {
        if filled == storage.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 64)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
            storage.deallocate()
            storage = bigger
        }
        let want = min(storage.count - filled, Int(end - (offset + Int64(filled))))
        let got = try FileDescriptor(rawValue: fd).read(
            into: UnsafeMutableRawBufferPointer(rebasing: storage[filled..<filled + want]), at: offset + Int64(filled), path: path)
        filled += got
        return got > 0
    }
}
