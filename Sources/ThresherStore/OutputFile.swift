#if canImport(Glibc)
import Glibc
#endif

/// An error writing output, naming the path (disk full, permissions, …).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "\(path): \(operation) failed: \(String(cString: strerror(code)))" }
}

/// A file thresh writes: created owner-only (0600, whatever the umask),
/// written fully or not at all, fsynced before it is renamed into place.
/// Owns its descriptor and closes it in `deinit`.
public final class OutputFile {
    public let path: String
    private var fd: Int32

    /// Creates `path`, which must not exist yet (`O_EXCL`) unless `replace`.
    public init(creating path: String, replace: Bool = false) throws(OutputError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
        fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw OutputError("create", path: path) }
        guard fchmod(fd, 0o600) == 0 else { throw OutputError("chmod", path: path) }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError("write", path: path)
            }
            done += n
        }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        do {
            try bytes.withUnsafeBytes { try write($0) }
        } catch let error as OutputError {
            throw error
        } catch {
            fatalError("unreachable")
        }
    }

    /// fsync, then close.
    public func close() throws(OutputError) {
        guard fsync(fd) == 0 else { throw OutputError("fsync", path: path) }
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else { throw OutputError("close", path: path) }
    }

    /// Renames a finished file into place and fsyncs its folder, so the
    /// new name survives a crash.
    public static func commit(_ from: String, to: String) throws(OutputError) {
        guard rename(from, to) == 0 else { throw OutputError("rename to \(to)", path: from) }
        try syncDirectory(of: to)
    }

    public static func syncDirectory(of path: String) throws(OutputError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dirPath = directory.isEmpty ? "." : directory
        let dirFD = open(dirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw OutputError("open directory", path: dirPath) }
        defer { Glibc.close(dirFD) }
        guard fsync(dirFD) == 0 else { throw OutputError("fsync directory", path: dirPath) }
    }

    /// Writes a whole small file atomically: temp file, fsync, rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let file = try OutputFile(creating: temporary)
        try file.write(bytes)
        try file.close()
        try commit(temporary, to: path)
    }

    /// Creates a folder owner-only (0700) if it does not exist yet.
    public static func makeDirectory(_ path: String) throws(OutputError) {
        if mkdir(path, 0o700) == 0 {
            guard chmod(path, 0o700) == 0 else { throw OutputError("chmod", path: path) }
            return
        }
        let code = errno
        var info = stat()
        guard code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputError("create directory", path: path, code: code)
        }
    }
}
