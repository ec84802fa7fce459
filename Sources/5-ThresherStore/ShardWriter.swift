import Crypto
import Dispatch
import Synchronization
import ThresherSystem

/// Writes example lines into numbered shards (`part-00000.jsonl.zst`, …).
///
/// A shard is written as `NAME.partial` and renamed to its final name only
/// when complete and fsynced, so a final name always means a whole shard.
/// A new shard starts when the next line would take the current one past
/// `shardSize` uncompressed bytes; the full one is closed (its zstd frame
/// ended, fsynced, renamed) off the writer's thread (`ShardCloser`).
public final class ShardWriter {
    public let directory: String
    public let compression: Compression
    public let level: Int
    public let shardSize: Int64
    /// `jsonl` or `csv`: the shard name is `part-NNNNN.EXT` plus the compression suffix.
    public let fileExtension: String
    /// Bytes every shard starts with (a CSV header); not counted as a record.
    public let header: [UInt8]?
    /// The dataset part this writer's shards belong to: they go to
    /// `directory/SPLIT/` and are named `SPLIT/part-…`.
    public let split: String?
    public private(set) var finished: [ShardInfo] = []
    private var nextIndex: Int
    private var current: OpenShard?
    private let closer = ShardCloser()

    private final class OpenShard {
        let name: String
        let file: OutputFile
        let compressor: Compressor
        var hasher = SHA256()
        var records = 0
        var bytes: Int64 = 0
        var uncompressed: Int64 = 0
        /// Small lines waiting to be compressed, in batches for fewer C calls.
        var pending: [UInt8] = []

        init(name: String, file: OutputFile, compressor: Compressor) {
            self.name = name
            self.file = file
            self.compressor = compressor
        }

        func emit(_ compressed: [UInt8]) throws {
            guard !compressed.isEmpty else { return }
            hasher.update(data: compressed)
            try file.write(compressed)
            bytes += Int64(compressed.count)
        }

        /// Compresses the batched lines (ending the frame when `final`).
        func flush(final: Bool = false) throws {
            try emit(try pending.withUnsafeBytes { try compressor.compress($0, final: final) })
            pending.removeAll(keepingCapacity: true)
        }

        /// Ends the shard: the frame, fsync, the rename to `directory/name`.
        func close(directory: String, split: String?) throws -> ShardInfo {
            try flush(final: true)
            try file.close()
            try OutputFile.commit(file.path, to: directory + "/" + name)
            let digest = hasher.finalize().map { byte -> String in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
            var info = ShardInfo(name: name, records: records, bytes: bytes, uncompressedBytes: uncompressed, sha256: digest)
            info.split = split
            return info
        }
    }

    public init(directory: String, compression: Compression, level: Int, shardSize: Int64, firstIndex: Int,
                fileExtension: String = "jsonl", header: [UInt8]? = nil, split: String? = nil) {
        self.directory = directory
        self.split = split
        self.fileExtension = fileExtension
        self.header = header
        self.compression = compression
        self.level = level
        self.shardSize = shardSize
        self.nextIndex = firstIndex
    }

    /// A writer given up on (an error) still lets its shards in hand be
    /// closed before it goes: nothing renames into the folder afterwards.
    deinit { closer.waitForAll() }

    public static func shardName(index: Int, fileExtension: String = "jsonl", compression: Compression) -> String {
        let digits = String(index)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + "." + fileExtension + compression.fileSuffix
    }

    /// Appends one line (its trailing newline included).
    public func write(line: [UInt8]) throws {
        if let shard = current, shard.records > 0, shard.uncompressed + Int64(line.count) > shardSize {
            try closeCurrent()
        }
        let shard = try current ?? openNext()
        if line.count >= Self.directSize {
            // Big enough to be worth its own call: no copy into the batch.
            if !shard.pending.isEmpty { try shard.flush() }
            try shard.emit(try line.withUnsafeBytes { try shard.compressor.compress($0) })
        } else {
            shard.pending.append(contentsOf: line)
            if shard.pending.count >= Self.batchSize { try shard.flush() }
        }
        shard.records += 1
        shard.uncompressed += Int64(line.count)
    }

    static let batchSize = 1 << 18
    /// Lines from this size on go to the compressor directly (examples,
    /// typically; the small lines of example records are batched).
    static let directSize = 4 << 10

    /// Ends the open shard, if any, and waits until every shard is closed;
    /// returns them all, or the first error a close met.
    public func finish() throws -> [ShardInfo] {
        try closeCurrent()
        finished = try closer.closedShards()
        return finished
    }

    private func openNext() throws -> OpenShard {
        let name = (split.map { $0 + "/" } ?? "")
            + Self.shardName(index: nextIndex, fileExtension: fileExtension, compression: compression)
        nextIndex += 1
        if let split, finished.isEmpty { try Directory.make(directory + "/" + split) }
        let file = try OutputFile(creating: directory + "/" + name + ".partial")
        let shard = OpenShard(name: name, file: file, compressor: try Compressor(compression, level: level))
        if let header {
            shard.pending += header
            shard.uncompressed += Int64(header.count)
        }
        current = shard
        return shard
    }

    /// Hands the open shard, if any, to the closer; the writer goes on.
    private func closeCurrent() throws {
        guard let shard = current else { return }
        current = nil
        // safe: the writer never touches a shard again once it is handed over.
        nonisolated(unsafe) let handed = shard
        let directory = self.directory, split = self.split
        closer.close { try handed.close(directory: directory, split: split) }
    }
}

/// Closes shards one after another on a thread of its own. Ending a zstd
/// frame waits for libzstd's worker and fsync for the disk: on the writer's
/// thread that took ~0.2 s per 128 MiB shard, during which no result was
/// taken and the workers, a window ahead, stopped.
final class ShardCloser: Sendable {
    private let queue = DispatchQueue(label: "thresh.shard-closer")
    private let group = DispatchGroup()
    private let outcomes = Mutex<[Result<ShardInfo, any Error>]>([])

    func close(_ work: @escaping @Sendable () throws -> ShardInfo) {
        queue.async(group: group) { [self] in
            let outcome = Result { try work() }
            outcomes.withLock { $0.append(outcome) }
        }
    }

    /// Every shard closed so far, in order, once all closes ended; or the
    /// first error one of them met.
    func closedShards() throws -> [ShardInfo] {
        waitForAll()
        return try outcomes.withLock { $0 }.map { try $0.get() }
    }

    func waitForAll() { group.wait() }
}
