import ThresherSystem

/// A file or folder as the kernel knows it: device and inode.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public init(_ info: FileStatus) {
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The identity of what `path` names (following links), or nil.
    public init?(path: String) {
        var info = FileStatus()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }
}
