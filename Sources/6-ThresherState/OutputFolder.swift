import ThresherStore
import ThresherSystem

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
    /// With `--full`: the folder this one replaces when published.
    private let replacing: String?

    /// A run whose example-shaping options differ from those the folder
    /// was written with (SPEC §8): bad usage, nothing is changed.
    public struct OptionMismatch: Error, CustomStringConvertible {
        public var path: String
        public var option: String
        public var existing: String
        public var requested: String
        public var description: String {
            "\(path) was written with \(option) \(existing); this run asks for \(option) \(requested). "
                + "The options that shape examples are fixed for an output folder: use --full to start it afresh, or another output folder."
        }
    }

    /// Opens (creating if needed) `path`. With `fresh` (`--full`), the new
    /// output is built in a folder beside it and swapped in by `publish`:
    /// killed at any moment, `path` holds either the old output or the new.
    /// `options` (the first is `--format`) must equal those the folder was
    /// written with.
    public init(path: String, options: [ShapingOption], compression: String, fresh: Bool) throws {
        let format = options.first { $0.name == "--format" }?.value ?? ""
        try Self.finishInterruptedSwitch(path)
        try Self.checkOwnership(path)
        let hasManifest = try Self.readFile(path + "/" + Manifest.fileName) != nil
        if !hasManifest { try Self.refuseForeignContent(path) }
        try Self.makeFolders(path)
        lock = try OutputLock(path: path + "/state/lock")
        // A killed --full run's folder: its new output never replaced the
        // old, or its old one was not removed yet. Either way it is garbage.
        let staging = Self.stagingPath(for: path)
        try Self.removeOutput(at: staging)
        if fresh && hasManifest {
            try Self.makeFolders(staging)
            self.path = staging
            replacing = path
        } else {
            self.path = path
            replacing = nil
        }
        let path = self.path
        let manifestPath = path + "/" + Manifest.fileName
        if let bytes = try Self.readFile(manifestPath) {
            manifest = try Manifest.decode(bytes, path: manifestPath)
            try Self.check(options, against: manifest, path: path)
            // Compression may change between runs: each shard's name says its own.
            manifest.compression = compression
        } else {
            manifest = Manifest(format: format, compression: compression)
            manifest.options = options
        }
        let listed = Set(manifest.shards.map(\.name))
        // Only names thresh gives are removed; anything else is left alone.
        for name in Self.shardFiles(path + "/shards") where !listed.contains(name) && OutputNames.isShardPath(name) {
            unlink(path + "/shards/" + name)
            removedLeftovers.append("shards/" + name)
        }
        let listedRecords = Set(manifest.recordShards.map(\.name))
        for name in Self.listDirectory(path + "/state/model") where !listedRecords.contains(name) && OutputNames.isShard(name) {
            unlink(path + "/state/model/" + name)
            removedLeftovers.append("state/model/" + name)
        }
        let current = FileStateStore.fileName(generation: manifest.stateGeneration)
        for name in Self.listDirectory(path + "/state")
        where OutputNames.isStateFile(name) && (name.hasSuffix(".tmp") || (name.hasPrefix("files-") && name != current)) {
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

    private static func check(_ options: [ShapingOption], against manifest: Manifest, path: String) throws {
        guard let stored = manifest.options else {
            // Written before options were kept: its examples were never redacted.
            let format = options.first { $0.name == "--format" }?.value ?? ""
            if manifest.format != format {
                throw OptionMismatch(path: path, option: "--format", existing: manifest.format, requested: format)
            }
            throw OptionMismatch(path: path, option: "--redact", existing: "none (written by a thresh before SPEC v1.2)",
                                 requested: options.first { $0.name == "--redact" }?.value ?? "all")
        }
        for option in options {
            let existing = stored.first { $0.name == option.name }?.value ?? "(not set)"
            if existing != option.value {
                throw OptionMismatch(path: path, option: option.name, existing: existing, requested: option.value)
            }
        }
        // An option the folder holds that this run leaves out (`--partition`).
        for option in stored where !options.contains(where: { $0.name == option.name }) {
            throw OptionMismatch(path: path, option: option.name, existing: option.value, requested: "(not set)")
        }
    }

    /// The files under `shards/`, with those of split folders
    /// (`train/part-…`) named relative to it.
    public static func shardFiles(_ path: String) -> [String] {
        var names: [String] = []
        for name in listDirectory(path) {
            if ["train", "val", "test"].contains(name), isDirectory(path + "/" + name) {
                names += listDirectory(path + "/" + name).map { name + "/" + $0 }
            } else {
                names.append(name)
            }
        }
        return names
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
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

    /// Index of the next shard to write (of one split, with `--split`).
    public var nextShardIndex: Int { manifest.shards.count }
    public func nextShardIndex(split: String?) -> Int { manifest.shards.filter { $0.split == split }.count }
    public var nextRecordShardIndex: Int { manifest.recordShards.count }

    /// Records a finished run whose shards are already in place: the new
    /// cursors and keys first, then the manifest that makes them current.
    /// Appends keys of the run in progress to the key log ahead of `commit`
    /// (a long merge need not hold them all); they count only once a
    /// commit's manifest does, with `appendedKeys` saying how many.
    public func appendKeys(_ keys: [DedupKey]) throws {
        try KeyLog.append(keys, path: keyLogPath)
    }

    public func commit(shards: [ShardInfo], records: [ShardInfo], keys: [DedupKey], appendedKeys: Int = 0,
                       states: [FileState], run: String) throws {
        var next = manifest
        next.stateGeneration += 1
        try OutputFile.writeAtomically(
            FileStateStore.encode(states, generation: next.stateGeneration),
            to: statePath + "/" + FileStateStore.fileName(generation: next.stateGeneration))
        try KeyLog.append(keys, path: keyLogPath)
        next.shards += shards
        next.recordShards += records
        next.dedupKeys += appendedKeys + keys.count
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

    /// With `--full`, swaps the new output (complete and committed) into
    /// place in one atomic step, then removes the old one; else nothing.
    public func publish() throws {
        guard let replacing else { return }
        if let failure = Self.exchange(path, replacing) {
            guard [.invalidArgument, .notSupported, .noFunction].contains(failure.errorNumber) else { throw failure }
            // No RENAME_EXCHANGE here: two renames. Killed between them, OUT
            // is missing and its old output waits beside it, which the next
            // start puts back (`finishInterruptedSwitch`).
            let old = Self.oldPath(for: replacing)
            try Directory.rename(replacing, to: old)
            try Directory.rename(path, to: replacing)
            try Self.removeOutput(at: old)
            return
        }
        try Self.removeOutput(at: path)
    }

    /// `Directory.exchange`, its error returned.
    private static func exchange(_ first: String, _ second: String) -> SystemError? {
        do throws(SystemError) {
            try Directory.exchange(first, second)
            return nil
        } catch {
            return error
        }
    }

    /// Where `publish` moves the old output while it renames the new one
    /// into place, where a file system cannot swap them in one step.
    static func oldPath(for path: String) -> String {
        String(stagingPath(for: path).dropLast("-full".count)) + "-old"
    }

    /// A `--full` switch killed between its two renames left OUT missing
    /// and the old output beside it: put it back (the new one, complete
    /// but not in place, is then removed as a killed `--full` run's). After
    /// the second rename, the old one is only garbage.
    private static func finishInterruptedSwitch(_ path: String) throws {
        let old = oldPath(for: path)
        var info = FileStatus()
        guard lstat(old, &info) == 0 else { return }
        if lstat(path, &info) != 0 && errno == ENOENT {
            try Directory.rename(old, to: path)
        } else {
            try removeOutput(at: old)
        }
    }

    public func unlock() { lock.release() }

    /// Where `--full` builds the new output: beside OUT, hidden.
    static func stagingPath(for path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let parent = parts.dropLast().joined(separator: "/")
        let name = "." + (parts.last.map(String.init) ?? "out") + ".thresh-full"
        return parts.count == 1 ? name : (parent.isEmpty ? "/" : parent + "/") + name
    }

    private static func makeFolders(_ path: String) throws {
        for folder in [path, path + "/state", path + "/shards", path + "/state/model"] { try Directory.make(folder) }
    }

    /// Removes an output folder thresh made, file by file and only the
    /// names thresh gives; a folder still holding anything else stays.
    static func removeOutput(at path: String) throws {
        var info = FileStatus()
        guard lstat(path, &info) == 0 else { return }
        try checkOwnership(path)
        Directory.remove(shardFiles(path + "/shards").filter(OutputNames.isShardPath), in: path + "/shards/")
        for split in OutputNames.splitFolders { rmdir(path + "/shards/" + split) }
        Directory.remove(listDirectory(path + "/state/model").filter(OutputNames.isShard), in: path + "/state/model")
        Directory.remove(listDirectory(path + "/state").filter(OutputNames.isStateFile), in: path + "/state")
        Directory.remove(listDirectory(path).filter { OutputNames.isTopLevel($0) && $0 != "state" && $0 != "shards" }, in: path)
        rmdir(path + "/shards")
        rmdir(path)
    }

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
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.openInput(path, followLinks: false)
        } catch where error.errorNumber == .noSuchFileOrDirectory {
            return nil
        }
        defer { descriptor.closeQuietly() }
        return try descriptor.readToEnd(path: path)
    }
}
