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
                var found: [TranscriptFile] = []
                var ancestors: Set<FileIdentity> = [FileIdentity(info)]
                walk(directory: root, relative: "", rootIndex: index, ancestors: &ancestors, into: &found, problems: &result.problems)
                found.sort { $0.relativePath.utf8Precedes($1.relativePath) }
                result.files.append(contentsOf: found)
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

    private func walk(
        directory: String, relative: String, rootIndex: Int,
        ancestors: inout Set<FileIdentity>, into files: inout [TranscriptFile], problems: inout [Problem]
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
                guard ancestors.insert(id).inserted else {
                    problems.append(Problem(path: path, reason: "symbolic link loop, not followed"))
                    continue
                }
                walk(directory: path, relative: relativePath, rootIndex: rootIndex,
                     ancestors: &ancestors, into: &files, problems: &problems)
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
