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
