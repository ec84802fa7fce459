import Foundation
import ThresherExtract
import ThresherFormats
import ThresherState
import ThresherStore

/// Every example an output folder holds, read back from its lossless
/// records (`state/model/`) and, where a record is only a delta, its shard
/// line: what `thresh export` and `thresh stats` read instead of the archive.
public enum OutputExamples {
    public struct NoRecords: Error, CustomStringConvertible {
        public var path: String
        public var description: String {
            "\(path) keeps no example records (written before thresh kept them?): scan the archive into it again with --full"
        }
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Calls `body` with each example's id and example, in write order.
    public static func forEach(in folder: String, manifest: Manifest, _ body: (String, Example) throws -> Void) throws {
        guard manifest.recordShards.reduce(0, { $0 + $1.records }) == manifest.examples else {
            throw NoRecords(path: folder)
        }
        var shardLines = ShardLines(folder: folder, shards: manifest.shards.map(\.name))
        let argumentsAsString = manifest.format == OutputFormat.openai.rawValue
        for shard in manifest.recordShards {
            let path = folder + "/state/model/" + shard.name
            guard FileManager.default.fileExists(atPath: path) else { throw ReadError(description: "\(path): missing") }
            let records = try ShardLineReader(path: path, compression: .zstd)
            while let record = try records.next() {
                // A delta record goes with its shard line: an OUT of one format
                // has deltas for every example or for none, in shard order.
                let (id, example) = ExampleRecord.isDelta(record)
                    ? try ExampleRecord.decode(delta: record, line: try shardLines.next(), argumentsAsString: argumentsAsString)
                    : try ExampleRecord.decode(record)
                try body(id, example)
            }
        }
    }

    /// The lines of an output folder's JSONL shards, one after the other,
    /// each shard read as a stream (`ShardLineReader`).
    struct ShardLines {
        let folder: String
        var shards: [String]
        var reader: ShardLineReader?

        init(folder: String, shards: [String]) {
            self.folder = folder
            self.shards = shards
        }

        mutating func next() throws -> [UInt8] {
            while true {
                if let line = try reader?.next() { return line }
                guard !shards.isEmpty else { throw ReadError(description: "\(folder): fewer shard lines than records") }
                let name = shards.removeFirst()
                let path = folder + "/shards/" + name
                guard FileManager.default.fileExists(atPath: path) else { throw ReadError(description: "\(path): missing") }
                reader = try ShardLineReader(path: path, compression: Decompressor.compression(ofShard: name))
            }
        }
    }
}
