import ThresherFormats
import ThresherExtract
import ThresherScan
import ThresherStore

/// An example ready for the writer: its dedup key and its formatted line,
/// both made by the worker that assembled the file.
public struct PreparedExample: Sendable {
    public var key: DedupKey
    /// One JSON line in the run's format, newline included.
    public var line: [UInt8]
    /// The lossless record of the example (`ExampleRecord`), for export.
    public var record: [UInt8]
    /// The names of its calls, in order, for the report's tallies.
    public var callNames: [String]
    /// The prompt's line: examples of a file are written in this order.
    public var lineStart: Int
    /// Replacements per rule, counted in the report if it is written.
    public var redactions: RedactionCounts
    public var feedback: Feedback?
    public var split: SplitName?
}

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
