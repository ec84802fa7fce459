import ThresherStore

extension ShardWriter {
    /// The writer of an output folder's lossless example records
    /// (`state/model/part-NNNNN.record.jsonl.zst`, zstd level 1).
    public static func forRecords(folder: OutputFolder, shardSize: Int64) -> ShardWriter {
        ShardWriter(directory: folder.recordsPath, compression: .zstd, level: 1, shardSize: shardSize,
                    firstIndex: folder.nextRecordShardIndex, fileExtension: "record.jsonl")
    }
}
