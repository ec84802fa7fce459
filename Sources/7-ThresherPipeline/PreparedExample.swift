import ThresherExtract
import ThresherFormats
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
