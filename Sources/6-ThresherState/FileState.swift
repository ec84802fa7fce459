import ThresherScan
import ThresherSystem

/// Where the next run resumes one transcript (SPEC §8).
public struct FileState: Sendable, Equatable {
    /// The path as discovered (root joined with the relative path).
    public var path: String
    /// Size, modification time and inode when it was read: an unchanged
    /// file is skipped without being opened.
    public var size: Int64
    public var modificationTime: Double
    public var device: UInt64
    public var inode: UInt64
    /// Hash of the first line: a different first line means another file.
    public var fingerprint: String
    /// A line start the next reading begins at; never past the prompt of a
    /// turn still open (pending) when it was read.
    public var cursor: Int64
    /// Lines before `cursor`, so line numbers stay those of the whole file.
    public var line: Int
    /// A turn was pending at `cursor`: re-read once the file settles.
    public var pending: Bool

    public init(path: String, size: Int64, modificationTime: Double, device: UInt64, inode: UInt64,
                fingerprint: String, cursor: Int64, line: Int, pending: Bool) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.cursor = cursor
        self.line = line
        self.pending = pending
    }

    /// Whether `file` is exactly as it was when this state was taken.
    public func isUnchanged(_ file: TranscriptFile) -> Bool {
        file.size == size && file.modificationTime == modificationTime && file.inode == inode && file.device == device
    }
}
