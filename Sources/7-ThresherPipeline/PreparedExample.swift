import ThresherExtract
import ThresherState
import ThresherFormats
import ThresherStore
import ThresherSystem

/// An example ready for the writer: its dedup key and its formatted line,
/// both made by the worker that assembled the file.
public struct PreparedExample: Sendable {
    public var key: DedupKey
    /// One JSON line in the run's format, newline included (empty when
    /// it waits on disk: `spilledLine`).
    public var line: [UInt8]
    /// The lossless record of the example (`ExampleRecord`), for export
    /// (empty when `spilledRecord`).
    public var record: [UInt8]
    /// Where line and record wait on disk: an example of a huge file, or a big one.
    var spilledLine: SpilledBytes?
    var spilledRecord: SpilledBytes?
    /// The names of its calls, in order, for the report's tallies.
    public var callNames: [String]
    /// The prompt's line: examples of a file are written in this order.
    public var lineStart: Int
    /// Replacements per rule, counted in the report if it is written.
    public var redactions: RedactionCounts
    public var feedback: Feedback?
    public var split: SplitName?
}

extension PreparedExample {
    /// The line as the shards take it (read back if it waited on disk).
    func loadLine() throws(SystemError) -> [UInt8] {
        try spilledLine?.read() ?? line
    }

    /// The record as the records shard takes it.
    func loadRecord() throws(SystemError) -> [UInt8] {
        try spilledRecord?.read() ?? record
    }
}
