import Crypto
import ThresherSystem

/// What a finished shard holds, as the manifest records it.
public struct ShardInfo: Sendable, Equatable {
    public var name: String
    public var records: Int
    /// Compressed size on disk.
    public var bytes: Int64
    public var uncompressedBytes: Int64
    /// SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    /// The dataset part (`train`, `val`, `test`) with `--split`; its shards
    /// are named inside a folder of that name.
    public var split: String?

    public init(name: String, records: Int, bytes: Int64, uncompressedBytes: Int64, sha256: String) {
        self.name = name
        self.records = records
        self.bytes = bytes
        self.uncompressedBytes = uncompressedBytes
        self.sha256 = sha256
    }
}
