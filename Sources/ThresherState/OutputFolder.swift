#if canImport(Glibc)
import Glibc
#endif
import ThresherScan
import ThresherStore

/// An output folder opened for one run: locked, recovered from any crash
/// of an earlier run, with its committed manifest and dedup keys loaded.
///
/// Commit protocol: shards are complete under their final names first,
/// then new keys are appended to the key log and fsynced, then the
/// manifest is replaced atomically. Whatever a crash leaves behind that the
/// manifest does not list is removed at the next open and redone.
public final class OutputFolder {
    public let path: String
    public var shardsPath: String { path + "/shards" }
    public var statePath: String { path + "/state" }
    public var recordsPath: String { path + "/state/model" }
    public var manifestPath: String { path + "/" + Manifest.fileName }
    public var keyLogPath: String { statePath + "/" + KeyLog.fileName }
    public var reportPath: String { path + "/report.json" }

    public private(set) var manifest: Manifest
    public let committedKeys: [DedupKey]
    /// The committed cursors, by path.
    public let fileStates: [String: FileState]
    /// Leftovers of a crashed run removed while opening.
    public private(set) var removedLeftovers: [String] = []
    private let lock: OutputLock

    public struct FormatMismatch: Error, CustomStringConvertible {
        public var path: String
        public var existing: String
        public var requested: String
        public var description: String {
            "\(path) holds \(existing) output; this run asks for \(requested). Use another output folder or --full."
        }
    }

    /// Opens (creating if needed) `path`. With `fresh`, everything thresh
    /// wrote there before is removed first.
    public init(path: String, format: String, compression: String, fresh: Bool) throws {
        self.path = path
        try OutputFile.makeDirectory(path)
        try OutputFile.makeDirectory(path + "/state")
        try OutputFile.makeDirectory(path + "/shards")
        try OutputFile.makeDirectory(path + "/state/model")
        lock = try OutputLock(path: path + "/state/lock")
        if fresh {
            for name in Self.listDirectory(path + "/shards") { unlink(path + "/shards/" + name) }
            for name in Self.listDirectory(path + "/state/model") { unlink(path + "/state/model/" + name) }
            unlink(path + "/" + Manifest.fileName)
            unlink(path + "/state/" + KeyLog.fileName)
            for name in Self.listDirectory(path + "/state") where name.hasPrefix("files-") { unlink(path + "/state/" + name) }
            unlink(path + "/report.json")
        }
        let manifestPath = path + "/" + Manifest.fileName
        if let bytes = try Self.readFile(manifestPath) {
            manifest = try Manifest.decode(bytes, path: manifestPath)
            guard manifest.format == format && manifest.compression == compression else {
                throw FormatMismatch(
                    path: path, existing: "\(manifest.format)/\(manifest.compression)",
                    requested: "\(format)/\(compression)")
            }
        } else {
            manifest = Manifest(format: format, compression: compression)
        }
        let listed = Set(manifest.shards.map(\.name))
        for name in Self.listDirectory(path + "/shards") where !listed.contains(name) {
            unlink(path + "/shards/" + name)
            removedLeftovers.append("shards/" + name)
        }
        let listedRecords = Set(manifest.recordShards.map(\.name))
        for name in Self.listDirectory(path + "/state/model") where !listedRecords.contains(name) {
            unlink(path + "/state/model/" + name)
            removedLeftovers.append("state/model/" + name)
        }
        let current = FileStateStore.fileName(generation: manifest.stateGeneration)
        for name in Self.listDirectory(path + "/state")
        where name.hasSuffix(".tmp") || (name.hasPrefix("files-") && name != current) {
            unlink(path + "/state/" + name)
            removedLeftovers.append("state/" + name)
        }
        committedKeys = try KeyLog.load(path: path + "/state/" + KeyLog.fileName, committed: manifest.dedupKeys)
        var states: [String: FileState] = [:]
        if manifest.stateGeneration > 0 {
            let statePath = path + "/state/" + current
            guard let bytes = try Self.readFile(statePath) else {
                throw FileStateStore.ReadError(path: statePath, reason: "missing")
            }
            for state in try FileStateStore.decode(bytes, path: statePath) { states[state.path] = state }
        }
        fileStates = states
    }

    /// What a folder holds, read without the lock and without cleaning up
    /// (for `thresh status`, which may run beside a scan).
    public static func peek(path: String) throws -> (manifest: Manifest, states: [FileState])? {
        let manifestPath = path + "/" + Manifest.fileName
        guard let bytes = try readFile(manifestPath) else { return nil }
        let manifest = try Manifest.decode(bytes, path: manifestPath)
        guard manifest.stateGeneration > 0 else { return (manifest, []) }
        let statePath = path + "/state/" + FileStateStore.fileName(generation: manifest.stateGeneration)
        guard let state = try readFile(statePath) else { return (manifest, []) }
        return (manifest, try FileStateStore.decode(state, path: statePath))
    }

    /// Index of the next shard to write.
    public var nextShardIndex: Int { manifest.shards.count }
    public var nextRecordShardIndex: Int { manifest.recordShards.count }

    /// Records a finished run whose shards are already in place: the new
    /// cursors and keys first, then the manifest that makes them current.
    public func commit(shards: [ShardInfo], records: [ShardInfo], keys: [DedupKey], states: [FileState], run: String) throws {
        var next = manifest
        next.stateGeneration += 1
        try OutputFile.writeAtomically(
            FileStateStore.encode(states, generation: next.stateGeneration),
            to: statePath + "/" + FileStateStore.fileName(generation: next.stateGeneration))
        try KeyLog.append(keys, path: keyLogPath)
        next.shards += shards
        next.recordShards += records
        next.dedupKeys += keys.count
        next.runs.append(run)
        try OutputFile.writeAtomically(next.encoded(), to: manifestPath)
        if manifest.stateGeneration > 0 {
            unlink(statePath + "/" + FileStateStore.fileName(generation: manifest.stateGeneration))
        }
        manifest = next
    }

    public func writeReport(_ bytes: [UInt8]) throws {
        try OutputFile.writeAtomically(bytes, to: reportPath)
    }

    public func unlock() { lock.release() }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole file, or nil when it does not exist.
    static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemError("open", path: path)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw SystemError("read", path: path) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
