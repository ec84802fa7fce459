import ThresherSystem

/// One transcript found under a root, with what was true of it when found.
public struct TranscriptFile: Sendable, Hashable {
    /// Index of the root in the order given (dedup takes roots in order).
    public var rootIndex: Int
    /// The path to open, as bytes (file names need not be UTF-8).
    public var path: String
    /// Path relative to its root; the file's name when the root is a file.
    public var relativePath: String
    public var size: Int64
    /// Modification time, seconds since the epoch.
    public var modificationTime: Double
    public var device: UInt64
    public var inode: UInt64

    public init(rootIndex: Int, path: String, relativePath: String, size: Int64,
                modificationTime: Double, device: UInt64, inode: UInt64) {
        self.rootIndex = rootIndex
        self.path = path
        self.relativePath = relativePath
        self.size = size
        self.modificationTime = modificationTime
        self.device = device
        self.inode = inode
    }
}

extension TranscriptFile {
    /// What makes the file just opened no longer the one the walk found:
    /// not a regular file any more (a FIFO or device would hang or never
    /// end), or another file under the same name. Nil when it is the same.
    public func change(to info: FileStatus) -> String? {
        guard info.isRegularFile else { return "no longer a regular file" }
        guard UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode else { return "replaced by another file" }
        return nil
    }
}
