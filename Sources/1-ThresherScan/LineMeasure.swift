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
