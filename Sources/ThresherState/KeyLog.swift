#if canImport(Glibc)
import Glibc
#endif
import ThresherScan
import ThresherStore

/// `OUT/state/keys.bin`: the dedup keys of every example in OUT, 16 bytes
/// each, append-only. Only the first `Manifest.dedupKeys` entries count:
/// keys appended by a run that crashed before committing its manifest are
/// cut off at the next start.
public enum KeyLog {
    public static let fileName = "keys.bin"

    /// Loads the committed keys and truncates anything after them.
    public static func load(path: String, committed: Int) throws -> [DedupKey] {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT && committed == 0 { return [] }
            throw SystemError("open key log", path: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("stat", path: path) }
        let wanted = committed * 16
        guard Int(info.st_size) >= wanted else {
            throw SystemError("read key log (shorter than the manifest says)", path: path, code: EIO)
        }
        if Int(info.st_size) > wanted {
            guard ftruncate(fd, off_t(wanted)) == 0 else { throw SystemError("truncate", path: path) }
        }
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, wanted - done, off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SystemError("read", path: path) }
            done += n
        }
        return bytes.withUnsafeBytes { raw in
            (0..<committed).map { DedupKey(bytes: UnsafeRawBufferPointer(rebasing: raw[$0 * 16..<$0 * 16 + 16])) }
        }
    }

    /// Appends keys and fsyncs; they count once the manifest says so.
    public static func append(_ keys: [DedupKey], path: String) throws {
        guard !keys.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open key log", path: path) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * 16)
        for key in keys { bytes.append(contentsOf: key.bytes) }
        let failure: SystemError? = bytes.withUnsafeBytes { raw in
            do throws(SystemError) { try OutputFile.writeAll(fd: fd, path: path, raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        guard fsync(fd) == 0 else { throw SystemError("fsync", path: path) }
    }
}
