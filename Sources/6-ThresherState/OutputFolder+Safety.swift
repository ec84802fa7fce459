import ThresherSystem

/// What thresh checks before it touches a folder it is asked to write to:
/// another user must not be able to aim its writes anywhere else, and a
/// folder that is not thresh's is never changed.
extension OutputFolder {
    /// Why a folder cannot be used as OUT; nothing in it was changed.
    public struct UnsafeFolder: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path) \(reason)" }
    }

    /// An existing OUT must be a real folder of this user that no one else
    /// can write into, holding no link where thresh reads or writes: then
    /// no other user can swap a link in later either.
    static func checkOwnership(_ path: String) throws(UnsafeFolder) {
        var info = FileStatus()
        guard lstat(path, &info) == 0 else { return }  // created by this run, owner-only
        if (info.st_mode & S_IFMT) == S_IFLNK {
            throw UnsafeFolder(path: path, reason: "is a symbolic link; thresh never writes through one: give the folder it points to")
        }
        guard info.isDirectory else { throw UnsafeFolder(path: path, reason: "exists and is not a folder") }
        guard info.st_uid == geteuid() else {
            throw UnsafeFolder(path: path, reason: "belongs to uid \(info.st_uid), not to you (uid \(geteuid())): its owner could redirect what thresh writes")
        }
        guard info.st_mode & 0o022 == 0 else {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            throw UnsafeFolder(path: path, reason: "is writable by group or others (mode \(mode)): they could redirect what thresh writes; run chmod go-w on it or use another folder")
        }
        for folder in ["state", "shards", "state/model"] + OutputNames.splitFolders.map({ "shards/" + $0 }) {
            try refuseLinks(in: path, folder)
        }
        try refuseLinks(in: path, "")
    }

    /// A link among the entries of `path/folder` (or the folder itself) is an error naming it.
    private static func refuseLinks(in path: String, _ folder: String) throws(UnsafeFolder) {
        let full = folder.isEmpty ? path : path + "/" + folder
        var info = FileStatus()
        guard lstat(full, &info) == 0 else { return }
        guard info.isDirectory else { throw UnsafeFolder(path: full, reason: "is not a folder (a link or a file where thresh keeps its own)") }
        for name in listDirectory(full) {
            guard lstat(full + "/" + name, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw UnsafeFolder(path: full + "/" + name, reason: "is a symbolic link; thresh never follows links inside an output folder")
            }
        }
    }

    /// A folder without a manifest is taken as OUT only when it is empty or
    /// holds nothing but what a first run, killed before its first commit,
    /// leaves: thresh's own names. The first other entry is named.
    static func refuseForeignContent(_ path: String) throws(UnsafeFolder) {
        func foreign(_ name: String) -> UnsafeFolder {
            UnsafeFolder(path: path, reason: "is not empty and holds no thresh manifest (it has \(name), which thresh did not write): give an empty or new folder")
        }
        for name in listDirectory(path).sorted() where !OutputNames.isTopLevel(name) { throw foreign(name) }
        for name in listDirectory(path + "/state").sorted() where !OutputNames.isStateFile(name) { throw foreign("state/" + name) }
        for name in listDirectory(path + "/state/model").sorted() where !OutputNames.isShard(name) { throw foreign("state/model/" + name) }
        for name in shardFiles(path + "/shards").sorted() where !OutputNames.isShardPath(name) { throw foreign("shards/" + name) }
    }
}
