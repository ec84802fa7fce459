import ThresherExtract
import ThresherScan

/// Everything the scan of one transcript produced, handed to the writer.
public struct FileResult: Sendable {
    public var file: TranscriptFile
    public var examples: [Example] = []
    public var counters = ExtractCounters()
    public var bytesRead: Int64 = 0
    /// Where the next incremental reading of this file would start: the
    /// earliest pending turn's prompt line, else the end of the last
    /// complete line. Persisted by resume runs.
    public var resumeOffset: Int64 = 0
    /// Bytes after the last newline (a line being written right now).
    public var partialBytes: Int64 = 0
    /// Why the file could not be read (fully), if so.
    public var problem: String?

    public init(file: TranscriptFile) {
        self.file = file
    }
}
