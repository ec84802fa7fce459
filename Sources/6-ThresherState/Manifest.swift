import ThresherJSON
import ThresherStore

/// `OUT/manifest.json`: what an output folder holds (SPEC §7). Shards are
/// listed with counts and SHA-256; `dedupKeys` says how many entries of the
/// key log are committed; each run adds one entry to `runs`.
public struct Manifest: Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let formatVersion = 1

    public var format: String
    public var compression: String
    public var shards: [ShardInfo] = []
    /// Lossless example records in `state/model/`, one per written example
    /// in the same order (what `thresh export` reads).
    public var recordShards: [ShardInfo] = []
    public var dedupKeys = 0
    /// Which `state/files-GEN.json` holds the committed cursors (0: none yet).
    public var stateGeneration = 0
    /// Earlier runs' entries as canonical JSON text, kept verbatim.
    public var runs: [String] = []
    /// The options that shape examples, fixed for the folder's life (SPEC
    /// §8); nil in a manifest written before thresh kept them.
    public var options: [ShapingOption]?

    public init(format: String, compression: String) {
        self.format = format
        self.compression = compression
    }

    public var examples: Int { shards.reduce(0) { $0 + $1.records } }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): not a thresh manifest (\(reason)); use --full to start this folder afresh" }
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("thresh_manifest")
        w.int(Self.formatVersion)
        w.key("format")
        w.string(format)
        w.key("compression")
        w.string(compression)
        w.key("examples")
        w.int(examples)
        w.key("shard_count")
        w.int(shards.count)
        w.key("bytes")
        w.int(Int(shards.reduce(0) { $0 + $1.bytes }))
        w.key("dedup_keys")
        w.int(dedupKeys)
        w.key("state_generation")
        w.int(stateGeneration)
        if let options {
            w.key("options")
            w.beginObject()
            for option in options {
                w.key(named: option.name)
                w.string(option.value)
            }
            w.endObject()
        }
        w.key("shards")
        w.beginArray()
        for shard in shards { Self.write(shard, to: &w) }
        w.endArray()
        w.key("record_shards")
        w.beginArray()
        for shard in recordShards { Self.write(shard, to: &w) }
        w.endArray()
        w.key("runs")
        w.beginArray()
        for run in runs { w.raw(run) }
        w.endArray()
        w.endObject()
        w.newline()
        return w.bytes
    }

    private static func write(_ shard: ShardInfo, to w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.string(shard.name)
        w.key("records"); w.int(shard.records)
        w.key("bytes"); w.int(Int(shard.bytes))
        w.key("uncompressed_bytes"); w.int(Int(shard.uncompressedBytes))
        w.key("sha256"); w.string(shard.sha256)
        if let split = shard.split { w.key("split"); w.string(split) }
        w.endObject()
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        try bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                throw ReadError(path: path, reason: "\(error)")
            }
            func fail(_ reason: String) -> ReadError { ReadError(path: path, reason: reason) }
            let root = tape.root
            guard tape[root].kind == .object,
                  let version = tape.member(of: root, "thresh_manifest", in: buffer),
                  tape.canonicalString(version, in: buffer) == String(formatVersion) else {
                throw fail("missing or unknown thresh_manifest version")
            }
            func string(_ object: Int, _ key: StaticString) throws -> String {
                guard let index = tape.member(of: object, key, in: buffer), tape[index].kind == .string else {
                    throw fail("missing \(key)")
                }
                return tape.decodeString(index, in: buffer)
            }
            func int(_ object: Int, _ key: StaticString) throws -> Int {
                guard let index = tape.member(of: object, key, in: buffer), tape[index].kind == .number,
                      let value = Int(tape.canonicalString(index, in: buffer)) else {
                    throw fail("missing \(key)")
                }
                return value
            }
            var manifest = Manifest(format: try string(root, "format"), compression: try string(root, "compression"))
            manifest.dedupKeys = try int(root, "dedup_keys")
            manifest.stateGeneration = (try? int(root, "state_generation")) ?? 0
            guard let shards = tape.member(of: root, "shards", in: buffer), tape[shards].kind == .array else {
                throw fail("missing shards")
            }
            func shardList(_ list: Int) throws -> [ShardInfo] {
                try tape.elements(of: list).map { shard in
                    guard tape[shard].kind == .object else { throw fail("bad shard entry") }
                    var info = ShardInfo(
                        name: try string(shard, "name"), records: try int(shard, "records"),
                        bytes: Int64(try int(shard, "bytes")), uncompressedBytes: Int64(try int(shard, "uncompressed_bytes")),
                        sha256: try string(shard, "sha256"))
                    info.split = try? string(shard, "split")
                    return info
                }
            }
            manifest.shards = try shardList(shards)
            if let records = tape.member(of: root, "record_shards", in: buffer), tape[records].kind == .array {
                manifest.recordShards = try shardList(records)
            }
            if let options = tape.member(of: root, "options", in: buffer), tape[options].kind == .object {
                manifest.options = tape.members(of: options).map { key, value in
                    ShapingOption(name: tape.decodeString(key, in: buffer), value: tape.decodeString(value, in: buffer))
                }
            }
            if let runs = tape.member(of: root, "runs", in: buffer), tape[runs].kind == .array {
                manifest.runs = tape.elements(of: runs).map { tape.canonicalString($0, in: buffer) }
            }
            return manifest
        }
    }
}
