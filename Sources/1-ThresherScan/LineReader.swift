import ThresherSystem
import CByteMask

/// How a byte range of a file is brought into memory.
public enum ReadMethod: String, Sendable, CaseIterable {
    /// `mmap` windows: no copy, but a file that shrinks under a mapping
    /// raises SIGBUS, so it is kept for files not modified recently.
    case mmap
    /// `pread` into a reused buffer: safe whatever happens to the file.
    case read
}

/// What one pass of `LineReader` saw.
public struct LineReadResult: Sendable, Equatable {
    /// Offset just past the last complete line (`\n` included): where the
    /// next reading starts. Bytes from here to the range end are a partial line.
    public var endOfLastLine: Int64
    /// Bytes after the last newline that were not processed.
    public var partialBytes: Int64
    /// The file ended (shrank) before the range's end.
    public var truncated: Bool
    /// `body` asked to stop; `endOfLastLine` is then the start of the line
    /// it declined.
    public var stopped: Bool

    public init(endOfLastLine: Int64, partialBytes: Int64, truncated: Bool, stopped: Bool) {
        self.endOfLastLine = endOfLastLine
        self.partialBytes = partialBytes
        self.truncated = truncated
        self.stopped = stopped
    }
}

/// What a `LineReader` caller did with the bytes from a line's start
/// (see `forEachLine(fd:path:range:measuring:_:)`).
public enum LineMeasure: Sendable, Equatable {
    /// It took the line, which is this many bytes long without its `\n`.
    case line(Int)
    /// It could not tell where the line ends: the reader finds the `\n`
    /// and hands the line to `body`.
    case unknown
    /// Stop before this line, as when `body` returns false.
    case stop
}

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

    /// 1 MiB: 128 KiB to 4 MiB buffers (some within L2, some not) and
    /// mapped windows of 1 to 64 MiB measured no faster.
    public static let defaultChunkSize = 1 << 20

    public init(method: ReadMethod, chunkSize: Int = LineReader.defaultChunkSize) {
        precondition(chunkSize > 0)
        self.method = method
        self.chunkSize = chunkSize
    }

    /// Calls `body(line, offset)` for each complete line in `range`, where
    /// `offset` is the file offset of the line's first byte, until `body`
    /// returns false. The buffer is valid only during the call and must not
    /// escape.
    public func forEachLine(
        fd: Int32, path: String, range: Range<Int64>,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        try forEachLine(fd: fd, path: path, range: range, measuring: nil, body)
    }

    /// `forEachLine`, offering each line first to `measure`, which gets the
    /// bytes from the line's start through the last `\n` in memory (the
    /// whole line, and perhaps lines after it; never a partial line) and
    /// the line's file offset. When it finds the line's end itself (a
    /// parser that stops at the `\n` after a value), no separate search for
    /// the newline is made; when it answers `.unknown`, the line goes to
    /// `body` as usual.
    public func forEachLine(
        fd: Int32, path: String, range: Range<Int64>,
        measuring measure: (UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        // Optional closures are escaping; this one is used only during the call.
        try withoutActuallyEscaping(measure) { measure in
            try forEachLine(fd: fd, path: path, range: range, measuring: Optional(measure), body)
        }
    }

    private func forEachLine(
        fd: Int32, path: String, range: Range<Int64>,
        measuring measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        switch method {
        case .mmap: return try mappedLines(fd: fd, path: path, range: range, measure, body)
        case .read: return try readLines(fd: fd, path: path, range: range, measure, body)
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
            return try readLines(fd: fd, path: path, range: range, measure, body)
        }
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        var lineStart = range.lowerBound
        var searchFrom = range.lowerBound
        var windowLength = Int64(chunkSize)
        // The current line was offered to `measure`, which could not tell.
        var measured = false
        while searchFrom < range.upperBound {
            // Map from the page holding the current line's start, far enough
            // to reach past what has been searched already.
            let mapStart = lineStart / page * page
            let wanted = max(searchFrom + windowLength, lineStart + Int64(chunkSize))
            let mapEnd = min(range.upperBound, wanted)
            let length = Int(mapEnd - mapStart)
            // MAP_POPULATE maps the window in one go: far cheaper than a fault per page.
            guard let raw = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(mapStart)),
                  raw != MAP_FAILED else {
                throw MappingUnavailable(path: path, code: errno)
            }
            defer { munmap(raw, length) }
            let base = raw.assumingMemoryBound(to: UInt8.self)
            let stopped = try slot.protect(raw, length: length) { () throws -> Bool in
            // Just past the window's last newline: `measure` is offered whole
            // lines only (the rest of the window is a partial line).
            var complete = lineStart
            if measure != nil, searchFrom < mapEnd,
               let hit = thresh_memrchr(base + Int(searchFrom - mapStart), 0x0A, Int(mapEnd - searchFrom)) {
                complete = mapStart + Int64(UnsafeRawPointer(hit) - UnsafeRawPointer(base)) + 1
            }
            while searchFrom < mapEnd {
                if let measure, !measured {
                    guard lineStart < complete else {
                        searchFrom = mapEnd
                        break
                    }
                    let lineOffset = Int(lineStart - mapStart)
                    switch try measure(UnsafeBufferPointer(start: base + lineOffset, count: Int(complete - lineStart)), lineStart) {
                    case .line(let count):
                        lineStart += Int64(count) + 1
                        searchFrom = lineStart
                        continue
                    case .stop: return true
                    case .unknown: measured = true
                    }
                }
                let from = Int(searchFrom - mapStart)
                guard let hit = memchr(base + from, 0x0A, length - from) else {
                    searchFrom = mapEnd
                    break
                }
                let newline = hit.assumingMemoryBound(to: UInt8.self) - base
                let lineOffset = Int(lineStart - mapStart)
                guard try body(UnsafeBufferPointer(start: base + lineOffset, count: newline - lineOffset), lineStart) else {
                    return true
                }
                lineStart = mapStart + Int64(newline) + 1
                searchFrom = lineStart
                measured = false
            }
            return false
            }
            if stopped || Self.shrank(fd: fd, below: mapEnd) {
                return LineReadResult(endOfLastLine: lineStart, partialBytes: 0, truncated: !stopped, stopped: stopped)
            }
            // A line longer than the window: grow it so each byte is mapped
            // O(1) times on average.
            if searchFrom - lineStart >= windowLength / 2 { windowLength *= 2 }
        }
        return LineReadResult(endOfLastLine: lineStart, partialBytes: range.upperBound - lineStart, truncated: false, stopped: false)
    }

    /// Whether the file is now shorter than `end`: bytes a mapping showed
    /// past that point were zeros from `MappingGuard`, not the file.
    static func shrank(fd: Int32, below end: Int64) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && Int64(info.st_size) < end
    }

    private func readLines(
        fd: Int32, path: String, range: Range<Int64>,
        _ measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> LineReadResult {
        // No bigger than the range: small files should not cost a full chunk.
        let initial = Int(max(1, min(Int64(chunkSize), range.upperBound - range.lowerBound)))
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: initial, alignment: 64)
        defer { buffer.deallocate() }
        var bufferOffset = range.lowerBound  // file offset of buffer[0]
        var filled = 0                       // bytes valid in buffer
        var lineStart = 0                    // buffer index of the current line
        var searchFrom = 0                   // buffer index the newline search resumes at
        var measured = false                 // the current line was offered to `measure`, which could not tell
        var complete = 0                     // buffer index just past the last newline read (`measure` only)
        var truncated = false
        while true {
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            while searchFrom < filled {
                if let measure, !measured {
                    // Whole lines only: past the last newline read is a partial line.
                    guard lineStart < complete else {
                        searchFrom = filled
                        break
                    }
                    let offset = bufferOffset + Int64(lineStart)
                    switch try measure(UnsafeBufferPointer(start: base + lineStart, count: complete - lineStart), offset) {
                    case .line(let count):
                        lineStart += count + 1
                        searchFrom = lineStart
                        continue
                    case .stop:
                        return LineReadResult(endOfLastLine: offset, partialBytes: 0, truncated: false, stopped: true)
                    case .unknown: measured = true
                    }
                }
                guard let hit = memchr(base + searchFrom, 0x0A, filled - searchFrom) else {
                    searchFrom = filled
                    break
                }
                let newline = hit.assumingMemoryBound(to: UInt8.self) - base
                let offset = bufferOffset + Int64(lineStart)
                guard try body(UnsafeBufferPointer(start: base + lineStart, count: newline - lineStart), offset) else {
                    return LineReadResult(endOfLastLine: offset, partialBytes: 0, truncated: false, stopped: true)
                }
                lineStart = newline + 1
                searchFrom = lineStart
                measured = false
            }
            let fileOffset = bufferOffset + Int64(filled)
            if fileOffset >= range.upperBound { break }
            // Keep the partial line: move it to the front, grow if it fills the buffer.
            if lineStart > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + lineStart, filled - lineStart)
                bufferOffset += Int64(lineStart)
                filled -= lineStart
                searchFrom -= lineStart
                complete = max(0, complete - lineStart)
                lineStart = 0
            }
            if filled == buffer.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
                bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
                buffer.deallocate()
                buffer = bigger
            }
            let want = min(buffer.count - filled, Int(range.upperBound - fileOffset))
            let got = try FileDescriptor(rawValue: fd).read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + want]), at: fileOffset, path: path)
            if got == 0 {
                truncated = true
                break
            }
            if measure != nil, let hit = thresh_memrchr(buffer.baseAddress! + filled, 0x0A, got) {
                complete = UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.baseAddress!) + 1
            }
            filled += got
        }
        let end = bufferOffset + Int64(lineStart)
        let stop = truncated ? bufferOffset + Int64(filled) : range.upperBound
        return LineReadResult(endOfLastLine: end, partialBytes: stop - end, truncated: truncated, stopped: false)
    }
}
