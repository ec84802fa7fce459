import SystemPackage

public typealias FileDescriptor = SystemPackage.FileDescriptor

/// The descriptor operations thresh needs, on swift-system's
/// `FileDescriptor` (which retries EINTR), throwing `SystemError`s that
/// name the path.
extension FileDescriptor {
    /// Opens `path` read-only, close-on-exec.
    public static func openForReading(_ path: String) throws(SystemError) -> FileDescriptor {
        try SystemError.attempt("open", path: path) {
            try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        }
    }

    /// One `pread`, retried on EINTR: the count read, 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws(SystemError) -> Int {
        try SystemError.attempt("read", path: path) {
            try read(fromAbsoluteOffset: offset, into: buffer)
        }
    }

    /// Fills `buffer` from `offset` on; returns how many bytes were read,
    /// fewer than asked only where the file ends.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + Int64(done), path: path)
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Reads from the current position to the end of the file.
    public func readToEnd(path: String) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try SystemError.attempt("read", path: path) {
                try chunk.withUnsafeMutableBytes { try read(into: $0) }
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Writes all of `bytes` (retrying short writes and EINTR).
    public func writeAll(_ bytes: UnsafeRawBufferPointer, path: String) throws(SystemError) {
        if let code = WriteFaults.error(writing: path) {
            throw SystemError("write", path: path, code: code)
        }
        var done = 0
        while done < bytes.count {
            done += try SystemError.attempt("write", path: path) {
                try write(UnsafeRawBufferPointer(rebasing: bytes[done...]))
            }
        }
    }

    public func writeAll(_ bytes: [UInt8], path: String) throws(SystemError) {
        // `withUnsafeBytes` rethrows untyped: carry the error out instead.
        let failure: SystemError? = bytes.withUnsafeBytes { raw in
            do throws(SystemError) { try writeAll(raw, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// fsync: the bytes written so far survive a crash.
    public func sync(path: String) throws(SystemError) {
        guard fsync(rawValue) == 0 else { throw SystemError("fsync", path: path) }
    }

    /// The file's status (`fstat`).
    public func status(path: String) throws(SystemError) -> FileStatus {
        var info = FileStatus()
        guard fstat(rawValue, &info) == 0 else { throw SystemError("stat", path: path) }
        return info
    }

    /// Closes, ignoring errors: for descriptors only read from.
    public func closeQuietly() {
        try? close()
    }
}

extension FileStatus {
    /// Modification time, seconds since the epoch.
    public var modificationSeconds: Double {
        Double(st_mtim.tv_sec) + Double(st_mtim.tv_nsec) / 1e9
    }

    public var isRegularFile: Bool { (st_mode & S_IFMT) == S_IFREG }
    public var isDirectory: Bool { (st_mode & S_IFMT) == S_IFDIR }
}

extension FileDescriptor {
    /// Opens an input file for reading without blocking (a FIFO put in a
    /// file's place after the walk would otherwise hang the open) and,
    /// unless `followLinks`, without following a symbolic link in its
    /// place. The caller checks what it opened (`status`).
    public static func openInput(_ path: String, followLinks: Bool) throws(SystemError) -> FileDescriptor {
        var options: FileDescriptor.OpenOptions = [.closeOnExec, .nonBlocking]
        if !followLinks { options.insert(.noFollow) }
        return try SystemError.attempt("open", path: path) {
            try FileDescriptor.open(FilePath(path), .readOnly, options: options)
        }
    }
}
