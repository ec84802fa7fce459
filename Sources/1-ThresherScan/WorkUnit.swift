import ThresherSystem

/// A slice of one file that one worker scans: the lines that *start* in
/// `start..<end`. Units of a file are cut at fixed byte offsets, so no
/// pass over the file is needed to plan them; a unit finds its first line
/// start itself (`firstLineStart`) and reads past `end` to finish its last line.
public struct WorkUnit: Sendable, Equatable {
    public var file: Int
    /// Position of this unit among its file's units.
    public var index: Int
    public var start: Int64
    public var end: Int64

    /// Cuts `from..<size` into units of about `unitSize` bytes (at least
    /// one); `from` is a line start (0, or a resume cursor).
    public static func plan(file: Int, from: Int64 = 0, size: Int64, unitSize: Int64) -> [WorkUnit] {
        let length = max(0, size - from)
        let count = max(1, Int((length + unitSize - 1) / unitSize))
        return (0..<count).map { i in
            WorkUnit(file: file, index: i, start: from + Int64(i) * unitSize, end: min(size, from + Int64(i + 1) * unitSize))
        }
    }

    /// The offset of the first line that starts at or after `start`: just
    /// past the first newline at or after `start - 1`. Returns `limit` when
    /// there is none before it.
    public static func firstLineStart(fd: Int32, path: String, start: Int64, limit: Int64) throws -> Int64 {
        guard start > 0 else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset = start - 1
        while offset < limit {
            let want = Int(min(Int64(buffer.count), limit - offset))
            let got = try buffer.withUnsafeMutableBytes { raw in
                try FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]), at: offset, path: path)
            }
            if got == 0 { return limit }
            // memchr: the line running into the unit may be megabytes long.
            let newline = buffer.withUnsafeBytes { raw in
                memchr(raw.baseAddress!, 0x0A, got).map { $0 - UnsafeMutableRawPointer(mutating: raw.baseAddress!) }
            }
            if let newline { return offset + Int64(newline) + 1 }
            offset += Int64(got)
        }
        return limit
    }
}
