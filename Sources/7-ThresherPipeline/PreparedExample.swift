import ThresherExtract
import ThresherFormats
import ThresherStore
import ThresherSystem

/// An example ready for the writer: its dedup key and its formatted line,
/// both made by the worker that assembled the file.
public struct PreparedExample: Sendable {
    public var key: DedupKey
    /// One JSON line in the run's format, newline included (empty when
    /// `spilled`).
    public var line: [UInt8]
    /// The lossless record of the example (`ExampleRecord`), for export
    /// (empty when `spilled`).
    public var record: [UInt8]
    /// Where line and record wait on disk: an example of a huge file.
    var spilled: SpilledExample?
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
    /// The line and record as the shards take them.
    func plain() throws(SystemError) -> (line: [UInt8], record: [UInt8]) {
        guard let spilled else { return (line, record) }
        return try spilled.read()
    }
}
