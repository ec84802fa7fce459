import ThresherExtract
import ThresherFormats
import ThresherStore

/// An example ready for the writer: its dedup key and its formatted line,
/// both made by the worker that assembled the file.
public struct PreparedExample: Sendable {
    public var key: DedupKey
    /// One JSON line in the run's format, newline included (a zstd frame
    /// of it when `isCompressed`).
    public var line: [UInt8]
    /// The lossless record of the example (`ExampleRecord`), for export
    /// (a zstd frame of it when `isCompressed`).
    public var record: [UInt8]
    /// Held compressed: the example of a huge file (`ExamplePreparer`).
    public var isCompressed = false
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
    func plain() throws -> (line: [UInt8], record: [UInt8]) {
        guard isCompressed else { return (line, record) }
        return (try Decompressor.decompress(line, .zstd), try Decompressor.decompress(record, .zstd))
    }
}
