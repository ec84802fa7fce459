import ThresherSystem

/// One run per output folder: an exclusive `flock` on `OUT/state/lock`,
/// held until the lock is released or the process ends (even by SIGKILL).
public final class OutputLock {
    public let path: String
    private var fd: Int32

    public struct Busy: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "another thresh run is using this output folder (lock held: \(path))" }
    }

    /// Takes the lock or throws `Busy` at once; never waits.
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemError("open lock", path: path) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            fd = -1
            if code == EWOULDBLOCK { throw Busy(path: path) }
            throw SystemError("lock", path: path, code: code)
        }
    }

    deinit { release() }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}
