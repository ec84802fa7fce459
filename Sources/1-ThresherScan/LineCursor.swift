import CByteMask
import ThresherSystem

/// The line loop both read methods share: over bytes in memory (a mapped
/// window or a read buffer), it hands each complete line to `measure` or
/// `body` and remembers where it stopped, so the next bytes resume the
/// search where this one ended.
struct LineCursor {
    /// Index of the current line's first byte.
    var lineStart: Int
    /// Index the newline search resumes at (no byte is searched twice).
    var searchFrom: Int
    /// The current line was offered to `measure`, which could not tell.
    var measured: Bool

    /// Just past the last `\n` in `base[from..<count]`, or nil.
    func endOfLastNewline(_ base: UnsafePointer<UInt8>, from: Int? = nil, count: Int) -> Int? {
        let start = from ?? searchFrom
        guard start < count, let hit = thresh_memrchr(base + start, 0x0A, count - start) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
    }

    /// Splits `base[searchFrom..<count]` into lines; `offset` is the file
    /// offset of `base[0]`, `complete` is just past the last `\n` in memory
    /// (`measure` is offered whole lines only). Returns true when `measure`
    /// or `body` asked to stop; `lineStart` is then the declined line's.
    mutating func split(
        _ base: UnsafePointer<UInt8>, count: Int, complete: Int, offset: Int64,
        _ measure: ((UnsafeBufferPointer<UInt8>, Int64) throws -> LineMeasure)?,
        _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Bool
    ) throws -> Bool {
        while searchFrom < count {
            if let measure, !measured {
                guard lineStart < complete else {
                    searchFrom = count
                    break
                }
                switch try measure(UnsafeBufferPointer(start: base + lineStart, count: complete - lineStart), offset + Int64(lineStart)) {
                case .line(let length):
                    lineStart += length + 1
                    searchFrom = lineStart
                    continue
                case .stop: return true
                case .unknown: measured = true
                }
            }
            guard let hit = memchr(base + searchFrom, 0x0A, count - searchFrom) else {
                searchFrom = count
                break
            }
            let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            guard try body(UnsafeBufferPointer(start: base + lineStart, count: newline - lineStart), offset + Int64(lineStart)) else {
                return true
            }
            lineStart = newline + 1
            searchFrom = lineStart
            measured = false
        }
        return false
    }

    /// The bytes before `lineStart` were dropped from memory.
    mutating func shift(by dropped: Int) {
        lineStart -= dropped
        searchFrom -= dropped
    }
}
