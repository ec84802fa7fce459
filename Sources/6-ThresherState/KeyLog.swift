import ThresherStore
import ThresherSystem

/// `OUT/state/keys.bin`: the dedup keys of every example in OUT, 16 bytes
/// each, append-only. Only the first `Manifest.dedupKeys` entries count:
/// keys appended by a run that crashed before committing its manifest are
/// cut off at the next start.
public enum KeyLog {
    public static let fileName = "keys.bin"

    /// Loads the committed keys and truncates anything after them.
    public static func load(path: String, committed: Int) throws -> [DedupKey] {
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT && committed == 0 { return [] }
            throw SystemError("open key log", path: path)
        }
        let descriptor = FileDescriptor(rawValue: fd)
        defer { descriptor.closeQuietly() }
        let size = Int(try descriptor.status(path: path).st_size)
        let wanted = committed * DedupKey.byteCount
        guard size >= wanted else {
            throw SystemError("read key log (shorter than the manifest says)", path: path, code: EIO)
        }
        if size > wanted {
            guard ftruncate(fd, off_t(wanted)) == 0 else { throw SystemError("truncate", path: path) }
        }
        var bytes = [UInt8](repeating: 0, count: wanted)
        let got = try bytes.withUnsafeMutableBytes { try descriptor.readFully(into: $0, at: 0, path: path) }
        guard got == wanted else { throw SystemError("read key log (shrank while read)", path: path, code: EIO) }
        return bytes.withUnsafeBytes { raw in
            (0..<committed).map { i in
                DedupKey(bytes: UnsafeRawBufferPointer(rebasing: raw[i * DedupKey.byteCount..<(i + 1) * DedupKey.byteCount]))
            }
        }
    }

    /// Appends keys and fsyncs; they count once the manifest says so.
    public static func append(_ keys: [DedupKey], path: String) throws {
        guard !keys.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemError("open key log", path: path) }
        let descriptor = FileDescriptor(rawValue: fd)
        defer { descriptor.closeQuietly() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * DedupKey.byteCount)
        for key in keys { bytes.append(contentsOf: key.bytes) }
        try descriptor.writeAll(bytes, path: path)
        try descriptor.sync(path: path)
    }
}
