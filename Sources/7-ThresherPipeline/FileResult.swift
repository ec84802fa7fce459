import ThresherExtract
import ThresherFormats
import ThresherScan

/// Everything the scan of one transcript produced, handed to the writer.
public struct FileResult: Sendable {
    public var file: TranscriptFile
    public var examples: [PreparedExample] = []
    /// Selected turns the format could not hold.
    public var skippedByFormat = 0
    public var counters = ExtractCounters()
    public var bytesRead: Int64 = 0
    /// Where the next incremental reading of this file starts: the
    /// earliest pending turn's prompt line, else the end of the last
    /// complete line. Persisted as the file's cursor.
    public var resumeOffset: Int64 = 0
    /// Lines before `resumeOffset`.
    public var resumeLine = 0
    /// A turn was left pending at `resumeOffset`.
    public var pending = false
    /// Hash of the file's first line, for the next run's identity check.
    public var fingerprint = ""
    /// Bytes after the last newline (a line being written right now).
    public var partialBytes: Int64 = 0
    /// Why the file could not be read (fully), if so.
    public var problem: String?

    public init(file: TranscriptFile) {
        self.file = file
    }
}
