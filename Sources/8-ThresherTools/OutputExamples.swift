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
            guard let data = FileManager.default.contents(atPath: path) else { throw ReadError(description: "\(path): missing") }
            var records = Lines(bytes: try Decompressor.decompress(Array(data), .zstd))
            while let record = records.next() {
                // A delta record goes with its shard line: an OUT of one format
                // has deltas for every example or for none, in shard order.
                let (id, example) = ExampleRecord.isDelta(record)
                    ? try ExampleRecord.decode(delta: record, line: try shardLines.next(), argumentsAsString: argumentsAsString)
                    : try ExampleRecord.decode(record)
                try body(id, example)
            }
        }
    }

    /// The lines of an output folder's JSONL shards, one after the other.
    struct ShardLines {
        let folder: String
        var shards: [String]
        var lines = Lines(bytes: [])

        init(folder: String, shards: [String]) {
            self.folder = folder
            self.shards = shards
        }

        mutating func next() throws -> [UInt8] {
            while true {
                if let line = lines.next() { return line }
                guard !shards.isEmpty else { throw ReadError(description: "\(folder): fewer shard lines than records") }
                let name = shards.removeFirst()
                guard let data = FileManager.default.contents(atPath: folder + "/shards/" + name) else {
                    throw ReadError(description: "\(folder)/shards/\(name): missing")
                }
                lines = Lines(bytes: try Decompressor.decompress(Array(data), Decompressor.compression(ofShard: name)))
            }
        }
    }

    /// The non-empty lines of a buffer, without their newlines, found with
    /// `memchr` (a generic `split` over a shard of 128 MB cost a tenth of a merge).
    struct Lines {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func next() -> [UInt8]? {
            while offset < bytes.count {
                let start = offset
                let end = bytes.withUnsafeBufferPointer { buffer -> Int in
                    guard let hit = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) else { return buffer.count }
                    return UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.baseAddress!)
                }
                offset = end + 1
                if end > start { return Array(bytes[start..<end]) }
            }
            return nil
        }
    }
}
