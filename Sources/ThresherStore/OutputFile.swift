#if canImport(Glibc)
import Glibc
#endif
import ThresherScan

/// A file thresh writes: created owner-only (0600, whatever the umask),
/// written fully or not at all, fsynced before it is renamed into place.
/// Owns its descriptor and closes it in `deinit`.
public final class OutputFile {
    public let path: String
    private var fd: Int32

    /// Creates `path`, which must not exist yet (`O_EXCL`) unless `replace`.
    public init(creating path: String, replace: Bool = false) throws(SystemError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
        fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw SystemError("create", path: path) }
        guard fchmod(fd, 0o600) == 0 else { throw SystemError("chmod", path: path) }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Test hook: asked before every write with the file's path; an errno
    /// it returns fails that write (disk full, I/O error) as the kernel would.
    nonisolated(unsafe) package static var injectedWriteError: ((String) -> Int32?)?

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try Self.writeAll(fd: fd, path: path, bytes)
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR).
    public static func writeAll(fd: Int32, path: String, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        if let inject = injectedWriteError, let code = inject(path) {
            throw SystemError("write", path: path, code: code)
        }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", path: path)
            }
            done += n
        }
    }

    public func write(_ bytes: [UInt8]) throws(SystemError) {
        // Capture the result rather than throw through `withUnsafeBytes`, which is untyped.
        let failure: SystemError? = bytes.withUnsafeBytes { raw in
            do throws(SystemError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// fsync, then close.
    public func close() throws(SystemError) {
        guard fsync(fd) == 0 else { throw SystemError("fsync", path: path) }
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else { throw SystemError("close", path: path) }
    }

    /// Close without fsync, for scratch data that need not survive a crash.
    public func closeWithoutSync() throws(SystemError) {
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else { throw SystemError("close", path: path) }
    }

    /// Renames a finished file into place and fsyncs its folder, so the
    /// new name survives a crash.
    public static func commit(_ from: String, to: String) throws(SystemError) {
        guard rename(from, to) == 0 else { throw SystemError("rename to \(to)", path: from) }
        try syncDirectory(of: to)
    }

    public static func syncDirectory(of path: String) throws(SystemError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dirPath = directory.isEmpty ? "." : directory
        let dirFD = open(dirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw SystemError("open directory", path: dirPath) }
        defer { Glibc.close(dirFD) }
        guard fsync(dirFD) == 0 else { throw SystemError("fsync directory", path: dirPath) }
    }

    /// Writes a whole small file atomically: temp file, fsync, rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let file = try OutputFile(creating: temporary)
        try file.write(bytes)
        try file.close()
        try commit(temporary, to: path)
    }

    /// Creates a folder and any missing parents, each owner-only (0700).
    public static func makeDirectories(_ path: String) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            try makeDirectory(prefix)
        }
    }

    /// Creates a folder owner-only (0700) if it does not exist yet.
    public static func makeDirectory(_ path: String) throws(SystemError) {
        if mkdir(path, 0o700) == 0 {
            guard chmod(path, 0o700) == 0 else { throw SystemError("chmod", path: path) }
            return
        }
        let code = errno
        var info = stat()
        guard code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SystemError("create directory", path: path, code: code)
        }
    }
}
