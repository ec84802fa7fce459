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
