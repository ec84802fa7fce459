import ThresherExtract
import ThresherFormats
import ThresherStore

/// The example shards of one run: one writer, or with `--split` one per
/// part (`shards/train/`, …), each rolling its own shards.
public final class SplitShardWriters {
    private let make: (String?) -> ShardWriter
    private var writers: [String: ShardWriter] = [:]
    private var order: [String] = []

    public init(folder: OutputFolder, format: OutputFormat, compression: Compression, level: Int, shardSize: Int64) {
        make = { split in
            ShardWriter(
                directory: folder.shardsPath, compression: compression, level: level, shardSize: shardSize,
                firstIndex: folder.nextShardIndex(split: split), fileExtension: format.fileExtension,
                header: format.shardHeader, split: split)
        }
    }

    public func write(line: [UInt8], split: SplitName?) throws {
        let key = split?.rawValue ?? ""
        if writers[key] == nil {
            writers[key] = make(split?.rawValue)
            order.append(key)
        }
        try writers[key]!.write(line: line)
    }

    /// Every writer's finished shards, splits in the order they began.
    public func finish() throws -> [ShardInfo] {
        try order.flatMap { try writers[$0]!.finish() }
    }
}
