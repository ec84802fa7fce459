import ThresherSystem

/// The buffer `LineReader` reads into with `pread`: it holds the file's
/// bytes from `offset` on, keeps a partial line by moving it to the front,
/// and doubles when one line fills it. Or, over a `KeptBytes`, it keeps
/// every byte read (the whole range fits) and never moves or grows.
struct ReadBuffer {
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// File offset of the buffer's first byte.
    private(set) var offset: Int64
    /// Bytes valid from the start.
    private(set) var filled = 0
    /// Over a `KeptBytes`: nothing is dropped, and a read takes at most
    /// this many bytes (the parser then finds them in the cache).
    private let keepingReads: Int?

    init(initialSize: Int, offset: Int64) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: initialSize, alignment: 64)
        self.offset = offset
        keepingReads = nil
    }

    /// A buffer over `kept`, which must hold the whole range read.
    init(keepingIn kept: KeptBytes, length: Int, offset: Int64, readSize: Int) {
        kept.prepare(for: length)
        storage = kept.storage
        self.offset = offset
        keepingReads = readSize
    }

    /// Frees the storage, unless it is a `KeptBytes`'s.
    func deallocate() {
        if keepingReads == nil { storage.deallocate() }
    }

    var base: UnsafeMutablePointer<UInt8> { storage.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    /// Drops the first `count` bytes (lines already handed over), moving the
    /// rest to the front; returns `count`.
    mutating func dropPrefix(_ count: Int) -> Int {
        guard count > 0, keepingReads == nil else { return 0 }
        memmove(storage.baseAddress!, storage.baseAddress! + count, filled - count)
        offset += Int64(count)
        filled -= count
        return count
    }

    /// Empties the buffer, to hold the file from `offset` on.
    mutating func restart(at offset: Int64) {
        precondition(keepingReads == nil, "a kept range is read whole")
        self.offset = offset
        filled = 0
    }

    /// Makes room for at least `count` bytes, keeping those filled.
    mutating func grow(to count: Int) {
        guard count > storage.count else { return }
        precondition(keepingReads == nil, "a kept range outgrew its buffer")
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
        storage.deallocate()
        storage = bigger
    }

    var isFull: Bool { filled == storage.count }

    /// Reads once more from the file, up to `end`, doubling first if full.
    /// False when the file ended (shrank) before `end`.
    mutating func fill(fd: Int32, path: String, upTo end: Int64) throws(SystemError) -> Bool {
        if isFull { grow(to: storage.count * 2) }
        let want = min(storage.count - filled, Int(end - (offset + Int64(filled))), keepingReads ?? .max)
        let got = try FileDescriptor(rawValue: fd).read(
            into: UnsafeMutableRawBufferPointer(rebasing: storage[filled..<filled + want]), at: offset + Int64(filled), path: path)
        filled += got
        return got > 0
    }

    /// Where the next `\n` at or after `from` lies, looking no further than
    /// `end`, through a small scratch buffer: a line too long for the
    /// buffer is measured before the buffer grows for it, so a partial
    /// last line (never processed) is never held. `.fileEnded` when the
    /// file is now shorter than `end` and holds no newline before its end.
    static func findNewline(fd: Int32, path: String, from: Int64, to end: Int64) throws(SystemError) -> NewlineSearch {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 64)
        defer { scratch.deallocate() }
        var offset = from
        while offset < end {
            let want = Int(min(Int64(scratch.count), end - offset))
            let got = try FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]), at: offset, path: path)
            if got == 0 { return .fileEnded }
            if let hit = memchr(scratch.baseAddress!, 0x0A, got) { return .at(offset + Int64(hit - scratch.baseAddress!)) }
            offset += Int64(got)
        }
        return .none
    }

    enum NewlineSearch: Equatable {
        case at(Int64)
        /// No newline before the end of the range.
        case none
        case fileEnded
    }
}
