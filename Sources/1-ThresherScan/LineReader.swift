import CByteMask
import ThresherSystem

/// Splits a byte range of an open file into lines, by either read method.
///
/// A line is handed over without its `\n` (a `\r` before it is the caller's
/// business). Lines may be of any length: windows and buffers grow to hold
/// them, and the newline search resumes where it stopped, so no byte is
/// searched twice when a line spans chunks.
public struct LineReader: Sendable {
    public var method: ReadMethod
    /// Window (mmap) or buffer (read) size; tests use tiny sizes to cross
    /// chunk boundaries everywhere.
    public var chunkSize: Int

    /// A line longer than this (read method) is mapped and handed over in
    /// place, its pages given back behind the parser (`LongLineMappings`),
    /// rather than read into a buffer of its size: a line of any length
    /// that no example keeps costs a few MB.
    public var mapLinesAbove: Int64

    /// 1 MiB: larger buffers and windows measured no faster (docs/performance.md).
    public static let defaultChunkSize = 1 << 20
    public static let defaultMapLinesAbove: Int64 = 16 << 20

    public init(method: ReadMethod, chunkSize: Int = LineReader.defaultChunkSize,
                mapLinesAbove: Int64 = LineReader.defaultMapLinesAbove) {
        precondition(chunkSize > 0)
        self.method = method
        self.chunkSize = chunkSize
        self.mapLinesAbove = mapLinesAbove
    }

    /// Calls `body(line, offset)` for each complete line in `range`, where
    /// `offset` is the file offset of the line's first byte, until `body`
    /// returns false. The buffer is valid only during the call and must not
    /// escape.
    ///
    /// `kept` (read method only; `kept.canHold` the range): the range is
    /// read into it, and every byte read stays there after the call
    /// (`KeptBytes`).
    public func forEachLine(
        fd: Int32, path: String, range: Range<Int64>, keepingIn kept: KeptBytes? = nil,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        try forEachLine(fd: fd, path: path, range: range, kept: kept, measuring: nil, body)
    }

    /// `forEachLine`, offering each line first to `measure`, which gets the
    /// bytes from the line's start through the last `\n` in memory (the
    /// whole line, and perhaps lines after it; never a partial line) and
    /// the line's file offset. When it finds the line's end itself (a
    /// parser that stops at the `\n` after a value), no separate search for
    /// the newline is made; when it answers `.unknown`, the line goes to
    /// `body` as usual.
    public func forEachLine(
        fd: Int32, path: String, range: Range<Int64>, keepingIn kept: KeptBytes? = nil,
        measuring measure: (UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        // Optional closures are escaping; this one is used only during the call.
        try withoutActuallyEscaping(measure) { measure in
            try forEachLine(fd: fd, path: path, range: range, kept: kept, measuring: Optional(measure), body)
        }
    }

    private func forEachLine(
        fd: Int32, path: String, range: Range<Int64>, kept: KeptBytes?,
        measuring measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        switch method {
        case .mmap:
            precondition(kept == nil, "bytes are kept by the read method only")
            return try mappedLines(fd: fd, path: path, range: range, measure, body)
        case .read:
            return try readLines(fd: fd, path: path, range: range, kept: kept, measure, body)
        }
    }

    private func mappedLines(
        fd: Int32, path: String, range: Range<Int64>,
        _ measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        // Every window is guarded against the file shrinking under it; with
        // no guard slot left, read instead of mapping unguarded.
        guard let slot = MappingGuard.claimSlot() else {
            return try readLines(fd: fd, path: path, range: range, kept: nil, measure, body)
        }
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        var lineStart = range.lowerBound
        var searchFrom = range.lowerBound
        var measured = false
        var windowLength = Int64(chunkSize)
        while searchFrom < range.upperBound {
            // Map from the page holding the current line's start, far enough
            // to reach past what has been searched already.
            let mapStart = lineStart / page * page
            let mapEnd = min(range.upperBound, max(searchFrom + windowLength, lineStart + Int64(chunkSize)))
            let length = Int(mapEnd - mapStart)
            // MAP_POPULATE maps the window in one go: far cheaper than a fault per page.
            guard let raw = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(mapStart)),
                  raw != MAP_FAILED else {
                throw MappingUnavailable(path: path, code: errno)
            }
            defer { munmap(raw, length) }
            let base = UnsafePointer(raw.assumingMemoryBound(to: UInt8.self))
            var cursor = LineCursor(lineStart: Int(lineStart - mapStart), searchFrom: Int(searchFrom - mapStart), measured: measured)
            let stopped = try slot.protect(raw, length: length) {
                // `measure` is offered whole lines only: past the window's last newline is a partial line.
                let complete = measure == nil ? 0 : cursor.endOfLastNewline(base, count: length) ?? cursor.lineStart
                return try cursor.split(base, count: length, complete: complete, offset: mapStart, measure, body)
            }
            lineStart = mapStart + Int64(cursor.lineStart)
            searchFrom = mapStart + Int64(cursor.searchFrom)
            measured = cursor.measured
            if stopped || Self.shrank(fd: fd, below: mapEnd) {
                return LineReadResult(endOfLastLine: lineStart, partialBytes: 0, truncated: !stopped, stopped: stopped)
            }
            // A line longer than the window: grow it so each byte is mapped
            // O(1) times on average.
            if searchFrom - lineStart >= windowLength / 2 { windowLength *= 2 }
        }
        return LineReadResult(endOfLastLine: lineStart, partialBytes: range.upperBound - lineStart, truncated: false, stopped: false)
    }

    /// Hands the line `from..<newline` to `body` from a mapping of it
    /// (not populated: pages come in as the parser reaches them and go
    /// behind it); nil when it cannot be mapped (no guard slot, or `mmap`
    /// failed), for the caller to read it instead. Returns whether `body`
    /// stopped.
    private static func mapLine(fd: Int32, path: String, from: Int64, to newline: Int64,
                                _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool) throws -> Bool? {
        guard let slot = MappingGuard.claimSlot() else { return nil }
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let mapStart = from / page * page
        let length = Int(newline - mapStart)
        guard let raw = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, off_t(mapStart)), raw != MAP_FAILED else { return nil }
        defer { munmap(raw, length) }
        madvise(raw, length, MADV_SEQUENTIAL)
        LongLineMappings.register(raw, length: length)
        defer { LongLineMappings.unregister(raw) }
        let line = UnsafeBufferPointer(start: UnsafePointer(raw.assumingMemoryBound(to: UInt8.self)) + Int(from - mapStart),
                                       count: Int(newline - from))
        return try slot.protect(raw, length: length) { try !body(line, from) }
    }

    /// Whether the file is now shorter than `end`: bytes a mapping showed
    /// past that point were zeros from `MappingGuard`, not the file.
    static func shrank(fd: Int32, below end: Int64) -> Bool {
        var info = FileStatus()
        return fstat(fd, &info) == 0 && Int64(info.st_size) < end
    }

    private func readLines(
        fd: Int32, path: String, range: Range<Int64>, kept: KeptBytes?,
        _ measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        let length = range.upperBound - range.lowerBound
        var buffer = if let kept {
            ReadBuffer(keepingIn: kept, length: Int(length), offset: range.lowerBound, readSize: chunkSize)
        } else {
            ReadBuffer(initialSize: Int(max(1, min(Int64(chunkSize), length))), offset: range.lowerBound)
        }
        defer {
            buffer.deallocate()
            if let kept {
                kept.offset = buffer.offset
                kept.count = buffer.filled
            }
        }
        var cursor = LineCursor(lineStart: 0, searchFrom: 0, measured: false)
        var complete = 0  // just past the last newline read (`measure` only)
        while true {
            let base = UnsafePointer(buffer.base)
            if try cursor.split(base, count: buffer.filled, complete: complete, offset: buffer.offset, measure, body) {
                return LineReadResult(endOfLastLine: buffer.offset + Int64(cursor.lineStart), partialBytes: 0, truncated: false, stopped: true)
            }
            let fileOffset = buffer.offset + Int64(buffer.filled)
            if fileOffset >= range.upperBound { break }
            // Keep the partial line: move it to the front, grow if it fills the buffer.
            let dropped = buffer.dropPrefix(cursor.lineStart)
            cursor.shift(by: dropped)
            complete = max(0, complete - dropped)
            if buffer.isFull {
                // One line fills the buffer: measure it before growing for it.
                switch try ReadBuffer.findNewline(fd: fd, path: path, from: fileOffset, to: range.upperBound) {
                case .at(let newline) where newline - buffer.offset > mapLinesAbove:
                    if let stopped = try Self.mapLine(fd: fd, path: path, from: buffer.offset, to: newline, body) {
                        if stopped || Self.shrank(fd: fd, below: newline + 1) {
                            return LineReadResult(endOfLastLine: buffer.offset, partialBytes: 0, truncated: !stopped, stopped: stopped)
                        }
                        // Go on after it, with the buffer as it was.
                        buffer.restart(at: newline + 1)
                        cursor = LineCursor(lineStart: 0, searchFrom: 0, measured: false)
                        complete = 0
                        continue
                    }
                    buffer.grow(to: max(buffer.storage.count * 2, Int(newline + 1 - buffer.offset)))
                case .at(let newline): buffer.grow(to: max(buffer.storage.count * 2, Int(newline + 1 - buffer.offset)))
                case .none:
                    let end = buffer.offset + Int64(cursor.lineStart)
                    return LineReadResult(endOfLastLine: end, partialBytes: range.upperBound - end, truncated: false, stopped: false)
                case .fileEnded:
                    let end = buffer.offset + Int64(cursor.lineStart)
                    return LineReadResult(endOfLastLine: end, partialBytes: fileOffset - end, truncated: true, stopped: false)
                }
            }
            let filledBefore = buffer.filled
            guard try buffer.fill(fd: fd, path: path, upTo: range.upperBound) else {
                let end = buffer.offset + Int64(cursor.lineStart)
                return LineReadResult(endOfLastLine: end, partialBytes: buffer.offset + Int64(buffer.filled) - end, truncated: true, stopped: false)
            }
            if measure != nil, let last = cursor.endOfLastNewline(UnsafePointer(buffer.base), from: filledBefore, count: buffer.filled) {
                complete = last
            }
        }
        let end = buffer.offset + Int64(cursor.lineStart)
        return LineReadResult(endOfLastLine: end, partialBytes: range.upperBound - end, truncated: false, stopped: false)
    }
}
