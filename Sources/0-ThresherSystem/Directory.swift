import CThreshSystem
import SystemPackage

/// Folders thresh creates (owner-only) and syncs.
public enum Directory {
    /// Creates a folder and any missing parents, each owner-only (0700).
    /// Parents that exist are used as they are (links included: they are
    /// the user's path to the folder, not thresh's).
    public static func makeAll(_ path: String) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        let components = path.split(separator: "/")
        for (index, component) in components.enumerated() {
            prefix += "/" + component
            var info = FileStatus()
            if index < components.count - 1, stat(prefix, &info) == 0, info.isDirectory { continue }
            try make(prefix)
        }
    }

    /// Creates a folder owner-only (0700) if it does not exist yet.
    public static func make(_ path: String) throws(SystemError) {
        if mkdir(path, 0o700) == 0 {
            guard chmod(path, 0o700) == 0 else { throw SystemError("chmod", path: path) }
            return
        }
        let code = errno
        var info = FileStatus()
        guard code == EEXIST, lstat(path, &info) == 0 else { throw SystemError("create directory", path: path, code: code) }
        // A link in a folder's place is never followed (lstat): writing
        // through it would write wherever it points.
        guard info.isDirectory else {
            throw SystemError("use as a directory (it exists and is not one: a link or a file)", path: path, code: ENOTDIR)
        }
    }

    /// fsyncs the folder holding `path`, so a name created or renamed in it
    /// survives a crash.
    public static func syncParent(of path: String) throws(SystemError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let folder = directory.isEmpty ? "." : directory
        let descriptor = try SystemError.attempt("open directory", path: folder) {
            try FileDescriptor.open(FilePath(folder), .readOnly, options: [.directory, .closeOnExec])
        }
        defer { descriptor.closeQuietly() }
        try descriptor.sync(path: folder)
    }
}

extension Directory {
    /// Swaps two folders in one atomic step, then syncs their parent: a
    /// crash leaves either both as they were or both swapped.
    public static func exchange(_ first: String, _ second: String) throws(SystemError) {
        if exchangeUnsupported { throw SystemError("exchange with \(second)", path: first, code: EINVAL) }
        guard thresh_exchange_paths(first, second) == 0 else { throw SystemError("exchange with \(second)", path: first) }
        try syncParent(of: second)
    }

    /// Test hook: behave as a file system without RENAME_EXCHANGE.
    nonisolated(unsafe) package static var exchangeUnsupported = false

    /// Renames, then syncs the parent of `to`.
    public static func rename(_ from: String, to: String) throws(SystemError) {
        guard Glibc.rename(from, to) == 0 else { throw SystemError("rename to \(to)", path: from) }
        try syncParent(of: to)
    }

    /// Removes the files a listing names in `path` (never following a
    /// link: `unlink` removes the link itself), then the folder if empty.
    public static func remove(_ names: [String], in path: String) {
        for name in names { unlink(path + "/" + name) }
        rmdir(path)
    }
}
