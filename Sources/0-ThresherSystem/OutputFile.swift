import SystemPackage

/// A file thresh writes: created owner-only (0600, whatever the umask),
/// written fully or not at all, fsynced before it is renamed into place.
/// Owns its descriptor and closes it in `deinit`.
public final class OutputFile {
    public let path: String
    private var descriptor: FileDescriptor?

    /// Creates `path`, which must not exist yet (`O_EXCL`) unless `replace`.
    public init(creating path: String, replace: Bool = false) throws(SystemError) {
        self.path = path
        // Never through a link: O_EXCL refuses one, O_NOFOLLOW too when replacing.
        let options: FileDescriptor.OpenOptions = [.create, .closeOnExec, .noFollow, replace ? .truncate : .exclusiveCreate]
        let descriptor = try SystemError.attempt("create", path: path) {
            try FileDescriptor.open(FilePath(path), .writeOnly, options: options, permissions: [.ownerReadWrite])
        }
        self.descriptor = descriptor
        guard fchmod(descriptor.rawValue, 0o600) == 0 else { throw SystemError("chmod", path: path) }
    }

    deinit { descriptor?.closeQuietly() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try open().writeAll(bytes, path: path)
    }

    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try open().writeAll(bytes, path: path)
    }

    /// fsync, then close.
    public func close() throws(SystemError) {
        try open().sync(path: path)
        try closeWithoutSync()
    }

    /// Close without fsync, for scratch data that need not survive a crash.
    public func closeWithoutSync() throws(SystemError) {
        let descriptor = try open()
        self.descriptor = nil
        try SystemError.attempt("close", path: path) { try descriptor.close() }
    }

    private func open() throws(SystemError) -> FileDescriptor {
        guard let descriptor else { throw SystemError("write after close", path: path, code: EBADF) }
        return descriptor
    }

    /// Renames a finished file into place and fsyncs its folder, so the
    /// new name survives a crash.
    public static func commit(_ from: String, to: String) throws(SystemError) {
        guard rename(from, to) == 0 else { throw SystemError("rename to \(to)", path: from) }
        try Directory.syncParent(of: to)
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
}
