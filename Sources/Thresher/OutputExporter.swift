import Foundation
import ThresherExtract
import ThresherJSON
import ThresherState
import ThresherStore

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
        public var shards: [String] = []
    }

    public struct NoRecords: Error, CustomStringConvertible {
        public var path: String
        public var description: String {
            "\(path) keeps no example records (written before thresh kept them?): scan the archive into it again with --full"
        }
    }

    public static func export(_ configuration: Configuration) throws -> Report {
        guard let (manifest, _) = try OutputFolder.peek(path: configuration.source) else {
            throw OutputStatus.NotAnOutput(path: configuration.source)
        }
        guard manifest.recordShards.reduce(0, { $0 + $1.records }) == manifest.examples else {
            throw NoRecords(path: configuration.source)
        }
        let folder = try OutputFolder(
            path: configuration.output, format: configuration.format.rawValue,
            compression: configuration.compression.rawValue, fresh: false)
        defer { folder.unlock() }
        let shards = ShardWriter(
            directory: folder.shardsPath, compression: configuration.compression, level: configuration.level,
            shardSize: configuration.shardSize, firstIndex: folder.nextShardIndex,
            fileExtension: configuration.format.fileExtension, header: configuration.format.shardHeader)
        let records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
        var seen = Set(folder.committedKeys)
        var keys: [DedupKey] = []
        var report = Report()
        var writer = JSONWriter(capacity: 1 << 16)
        var shardLines = ShardLines(folder: configuration.source, shards: manifest.shards.map(\.name))
        for shard in manifest.recordShards {
            let path = configuration.source + "/state/model/" + shard.name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExportError(description: "\(path): missing")
            }
            let plain = try Decompressor.decompress(Array(data), .zstd)
            for recordLine in plain.split(separator: 0x0A) {
                let record = Array(recordLine)
                // A delta record goes with its shard line: an OUT of one format
                // has deltas for every example or for none, in shard order.
                let (id, example) = ExampleRecord.isDelta(record)
                    ? try ExampleRecord.decode(delta: record, line: try shardLines.next(), argumentsAsString: manifest.format == OutputFormat.openai.rawValue)
                    : try ExampleRecord.decode(record)
                report.examplesRead += 1
                guard let key = DedupKey(hex: id) else { throw ExportError(description: "\(shard.name): bad id \(id)") }
                guard seen.insert(key).inserted else {
                    report.duplicates += 1
                    continue
                }
                writer.reset()
                guard configuration.format.write(example, id: id, to: &writer) else {
                    report.skippedByFormat += 1
                    continue
                }
                try shards.write(line: writer.bytes)
                try records.write(line: ExampleRecord.encode(example, id: id, besides: configuration.format))
                keys.append(key)
                report.examplesWritten += 1
            }
        }
        let written = try shards.finish()
        report.shards = written.map(\.name)
        var entry = JSONWriter()
        entry.beginObject()
        entry.key("started_at"); entry.string(ScanPipeline.timestamp(Date().timeIntervalSince1970))
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

    /// The lines of an output folder's JSONL shards, one after the other.
    struct ShardLines {
        let folder: String
        var shards: [String]
        var lines: [ArraySlice<UInt8>] = []
        var position = 0

        init(folder: String, shards: [String]) {
            self.folder = folder
            self.shards = shards
        }

        mutating func next() throws -> [UInt8] {
            while position == lines.count {
                guard !shards.isEmpty else { throw ExportError(description: "\(folder): fewer shard lines than records") }
                let name = shards.removeFirst()
                guard let data = FileManager.default.contents(atPath: folder + "/shards/" + name) else {
                    throw ExportError(description: "\(folder)/shards/\(name): missing")
                }
                lines = try Decompressor.decompress(Array(data), Decompressor.compression(ofShard: name)).split(separator: 0x0A)
                position = 0
            }
            position += 1
            return Array(lines[position - 1])
        }
    }

    public struct ExportError: Error, CustomStringConvertible {
        public var description: String
    }
}
