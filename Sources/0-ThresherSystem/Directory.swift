import SystemPackage

/// Folders thresh creates (owner-only) and syncs.
public enum Directory {
    /// Creates a folder and any missing parents, each owner-only (0700).
    public static func makeAll(_ path: String) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
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
        var info = stat()
        guard code == EEXIST, stat(path, &info) == 0, info.isDirectory else {
            throw SystemError("create directory", path: path, code: code)
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
