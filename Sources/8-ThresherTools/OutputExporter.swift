import Foundation
import ThresherExtract
import ThresherFormats
import ThresherJSON
import ThresherState
import ThresherStore
import ThresherSystem

/// `thresh export OUT --format F -o OUT2`: another format from the example
/// records an output folder keeps, without reading the archive again.
public enum OutputExporter {
    public struct Configuration: Sendable {
        public var source: String
        public var output: String
        public var format: OutputFormat
        public var compression: Compression = .zstd
        public var level = 3
        public var shardSize: Int64 = 128 << 20
        /// Applied to each example read (SPEC §10), on top of any the source used.
        public var filters = ExampleFilters()
        public var split: DatasetSplit?

        public init(source: String, output: String, format: OutputFormat) {
            self.source = source
            self.output = output
            self.format = format
        }
    }

    public struct Report: Sendable {
        public var examplesRead = 0
        public var examplesWritten = 0
        public var skippedByFormat = 0
        public var duplicates = 0
        public var filtered = FilterCounts()
        public var shards: [String] = []
    }

    public static func export(_ configuration: Configuration) throws -> Report {
        guard let (manifest, _) = try OutputFolder.peek(path: configuration.source) else {
            throw OutputStatus.NotAnOutput(path: configuration.source)
        }
        let folder = try OutputFolder(
            path: configuration.output, options: shapingOptions(configuration, source: manifest),
            compression: configuration.compression.rawValue, fresh: false)
        defer { folder.unlock() }
        let shards = SplitShardWriters(folder: folder, format: configuration.format, compression: configuration.compression,
                                       level: configuration.level, shardSize: configuration.shardSize)
        let records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
        var seen = Set(folder.committedKeys)
        var keys: [DedupKey] = []
        var report = Report()
        var writer = JSONWriter(capacity: 1 << 16)
        try OutputExamples.forEach(in: configuration.source, manifest: manifest) { id, example in
            var example = example
            report.examplesRead += 1
            guard let key = DedupKey(hex: id) else { throw ExportError(description: "\(configuration.source): bad id \(id)") }
            if let failed = configuration.filters.firstFailure(example.metadata) {
                report.filtered[failed] += 1
                return
            }
            guard seen.insert(key).inserted else {
                report.duplicates += 1
                return
            }
            example.metadata.split = configuration.split?.part(ofID: id)
            writer.reset()
            guard configuration.format.write(example, id: id, to: &writer) else {
                report.skippedByFormat += 1
                return
            }
            try shards.write(line: writer.bytes, split: example.metadata.split)
            let besides = configuration.split == nil ? configuration.format : nil
            try records.write(line: ExampleRecord.encode(example, id: id, besides: besides))
            keys.append(key)
            report.examplesWritten += 1
        }
        let written = try shards.finish()
        report.shards = written.map(\.name)
        var entry = JSONWriter()
        entry.beginObject()
        entry.key("started_at"); entry.string(UTCTime.iso8601(Date().timeIntervalSince1970))
        entry.key("export_from"); entry.string(configuration.source)
        entry.key("examples_written"); entry.int(report.examplesWritten)
        entry.key("options")
        entry.beginObject()
        entry.key("format"); entry.string(configuration.format.rawValue)
        entry.key("compression"); entry.string(configuration.compression.rawValue)
        entry.endObject()
        entry.endObject()
        try folder.commit(shards: written, records: try records.finish(), keys: keys,
                          states: Array(folder.fileStates.values), run: String(decoding: entry.bytes, as: UTF8.self))
        return report
    }

    /// The export's fixed options: the source's selection and redaction
    /// (the examples were shaped by them), this export's format, filters
    /// and split.
    static func shapingOptions(_ configuration: Configuration, source: Manifest) -> [ShapingOption] {
        let own = ShapingOption.list(
            format: configuration.format, selector: nil, includeSidechains: nil, keepThinking: nil, redaction: nil,
            filters: configuration.filters, split: configuration.split)
        let inherited = (source.options ?? []).filter { option in
            ["--tools", "--no-sidechains", "--keep-thinking", "--redact"].contains(option.name)
        }
        return [own[0]] + inherited + own.dropFirst()
    }

    public struct ExportError: Error, CustomStringConvertible {
        public var description: String
    }
}
