import Dispatch
import Synchronization
import ThresherSystem

/// Finds the transcripts under a list of roots (SPEC §1).
///
/// A root that is a file is taken whatever its name. A directory is walked
/// recursively; beneath it a transcript is a regular `*.jsonl` file, and
/// folders and worker files that never hold conversations are skipped. Files
/// of one root come in bytewise order of their relative paths.
public struct Discovery: Sendable {
    /// Folders whose contents are never transcripts.
    public static let skippedFolders: Set<String> = ["tool-results", "session-memory", "workflows"]

    public var followSymlinks: Bool
    /// Folders never walked into: thresh's own output folder, when it lies
    /// under a root, so a run never reads what it wrote.
    public var excluded: Set<FileIdentity>

    public init(followSymlinks: Bool = false, excluding excluded: Set<FileIdentity> = []) {
        self.followSymlinks = followSymlinks
        self.excluded = excluded
    }

    /// A path under a root that could not be examined; the walk goes on.
    public struct Problem: Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public struct Result: Sendable {
        public var files: [TranscriptFile] = []
        public var problems: [Problem] = []
    }

    /// Whether a file name beneath a directory root is a transcript to read.
    public static func isTranscriptName(_ name: String) -> Bool {
        guard name.hasSuffix(".jsonl"), name != "journal.jsonl" else { return false }
        return !name.hasPrefix("agent-acompact-") && !name.hasPrefix("agent-aprompt_suggestion-")
    }

    /// Walks every root. Throws only when a root itself is missing or
    /// unreadable; trouble below a root is collected in `problems`.
    public func discover(roots: [String]) throws(SystemError) -> Result {
        var result = Result()
        for (index, root) in roots.enumerated() {
            var info = stat()
            guard stat(root, &info) == 0 else { throw SystemError("stat", path: root) }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                guard access(root, R_OK | X_OK) == 0 else { throw SystemError("open directory", path: root) }
                let (found, problems) = walkRoot(root, identity: FileIdentity(info), rootIndex: index)
                result.files.append(contentsOf: found)
                result.problems.append(contentsOf: problems)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                let name = root.split(separator: "/").last.map(String.init) ?? root
                result.files.append(TranscriptFile(
                    rootIndex: index, path: root, relativePath: name, size: Int64(info.st_size),
                    modificationTime: info.modificationSeconds,
                    device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
            } else {
                throw SystemError("read (not a file or directory)", path: root, code: EINVAL)
            }
        }
        return result
    }

    /// A folder right under a root, walked on its own (`walkRoot`).
    private struct Folder: Sendable {
        var path: String
        var relative: String
        var identity: FileIdentity
    }

    /// A root's transcripts in bytewise order of their relative paths.
    /// The folders right under it (projects) are walked in parallel: with
    /// tens of thousands of small files, the `lstat` of each was a serial
    /// tenth of the scan before any worker started.
    private func walkRoot(_ root: String, identity: FileIdentity, rootIndex: Int) -> ([TranscriptFile], [Problem]) {
        var found: [TranscriptFile] = []
        var problems: [Problem] = []
        var ancestors: Set<FileIdentity> = [identity]
        var deferred: [Folder]? = []
        walk(directory: root, relative: "", rootIndex: rootIndex, ancestors: &ancestors, into: &found, problems: &problems,
             deferring: &deferred)
        let folders = deferred ?? []
        let parts = Mutex([([TranscriptFile], [Problem])?](repeating: nil, count: folders.count))
        DispatchQueue.concurrentPerform(iterations: folders.count) { k in
            let folder = folders[k]
            var files: [TranscriptFile] = []
            var folderProblems: [Problem] = []
            var ancestors: Set<FileIdentity> = [identity, folder.identity]
            var none: [Folder]? = nil
            walk(directory: folder.path, relative: folder.relative, rootIndex: rootIndex, ancestors: &ancestors,
                 into: &files, problems: &folderProblems, deferring: &none)
            parts.withLock { $0[k] = (files, folderProblems) }
        }
        for part in parts.withLock({ $0 }) {
            guard let (files, folderProblems) = part else { continue }
            found += files
            problems += folderProblems
        }
        // Sorted as indices: moving the records themselves costs reference counting per swap.
        let order = found.withUnsafeBufferPointer { files in
            files.indices.sorted { files[$0].relativePath.utf8Precedes(files[$1].relativePath) }
        }
        return (order.map { found[$0] }, problems)
    }

    /// `deferring`: when given, folders met here are listed there instead
    /// of walked (the root's own level, see `walkRoot`).
    private func walk(
        directory: String, relative: String, rootIndex: Int,
        ancestors: inout Set<FileIdentity>, into files: inout [TranscriptFile], problems: inout [Problem],
        deferring folders: inout [Folder]?
    ) {
        guard let dir = opendir(directory) else {
            problems.append(Problem(path: directory, reason: "cannot open directory: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            // A String made from bytes that are not UTF-8 repairs them, and
            // two names could become one: such a name is reported, not read.
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                let shown = Self.escaped(nameBytes)
                let parent = directory.hasSuffix("/") ? directory : directory + "/"
                problems.append(Problem(path: parent + shown, reason: "name is not valid UTF-8; not read"))
                continue
            }
            if name == "." || name == ".." { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else {
                problems.append(Problem(path: path, reason: "cannot stat: \(String(cString: strerror(errno)))"))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard followSymlinks else { continue }
                guard stat(path, &info) == 0 else {
                    problems.append(Problem(path: path, reason: "broken symbolic link"))
                    continue
                }
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if Self.skippedFolders.contains(name) { continue }
                let id = FileIdentity(info)
                if excluded.contains(id) { continue }
                // A directory already on the path from the root is a symlink loop.
                guard !ancestors.contains(id) else {
                    problems.append(Problem(path: path, reason: "symbolic link loop, not followed"))
                    continue
                }
                if folders != nil {
                    folders!.append(Folder(path: path, relative: relativePath, identity: id))
                    continue
                }
                ancestors.insert(id)
                var none: [Folder]? = nil
                walk(directory: path, relative: relativePath, rootIndex: rootIndex,
                     ancestors: &ancestors, into: &files, problems: &problems, deferring: &none)
                ancestors.remove(id)
            case S_IFREG:
                guard Self.isTranscriptName(name) else { continue }
                files.append(TranscriptFile(
                    rootIndex: rootIndex, path: path, relativePath: relativePath, size: Int64(info.st_size),
                    modificationTime: info.modificationSeconds,
                    device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
            default:
                continue
            }
        }
    }

    /// A name's bytes for a report: UTF-8 as it is, other bytes as `\xNN`.
    public static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var rest = bytes[...]
        while !rest.isEmpty {
            // The longest valid UTF-8 prefix goes as it is.
            var end = rest.endIndex
            while end > rest.startIndex, String(validating: rest[rest.startIndex..<end], as: UTF8.self) == nil { end -= 1 }
            if end > rest.startIndex {
                out += String(decoding: rest[rest.startIndex..<end], as: UTF8.self)
                rest = rest[end...]
            } else {
                let hex = String(rest.first!, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
