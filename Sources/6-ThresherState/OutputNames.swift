/// The names thresh gives the files of an output folder: only files with
/// these names are ever removed, and a folder holding anything else is not
/// taken for an output folder.
public enum OutputNames {
    /// `part-00000.jsonl.zst`, `part-00001.csv`, … and their `.partial` forms.
    public static func isShard(_ name: String) -> Bool {
        var rest = Substring(name)
        guard rest.hasPrefix("part-") else { return false }
        rest = rest.dropFirst(5)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 5 else { return false }
        rest = rest.dropFirst(digits.count)
        if rest.hasSuffix(".partial") { rest = rest.dropLast(8) }
        return [".jsonl", ".csv", ".record.jsonl"].contains { base in
            ["", ".zst", ".gz"].contains { rest == base + $0 }
        }
    }

    /// A shard name with its split folder (`train/part-…`), as `shardFiles` lists them.
    public static func isShardPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 { return splitFolders.contains(String(parts[0])) && isShard(String(parts[1])) }
        return parts.count == 1 && isShard(path)
    }

    public static let splitFolders: Set<String> = ["train", "val", "test"]

    /// What `state/` may hold: the lock, the key log, cursor files, the
    /// records folder, temporary files of an atomic write, and the scratch
    /// file a huge transcript's examples wait in (`spill-XXXXXX.tmp`, only
    /// where the file system cannot make it nameless, and a killed run can
    /// leave it behind).
    public static func isStateFile(_ name: String) -> Bool {
        if ["lock", KeyLog.fileName, "model"].contains(name) { return true }
        if name.hasPrefix("spill-"), name.hasSuffix(".tmp"), name.utf8.count == 16 { return true }
        let base = name.hasSuffix(".tmp") ? String(name.dropLast(4)) : name
        return base.hasPrefix("files-") && base.hasSuffix(".json") && base.dropFirst(6).dropLast(5).allSatisfy(\.isNumber)
    }

    /// What OUT's top level may hold.
    public static func isTopLevel(_ name: String) -> Bool {
        ["state", "shards", Manifest.fileName, Manifest.fileName + ".tmp", "report.json", "report.json.tmp"].contains(name)
    }
}
