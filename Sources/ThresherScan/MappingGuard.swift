#if canImport(Glibc)
import Glibc
#endif

/// Keeps a file truncated under a mapping from killing the process.
///
/// Touching a mapped page past the end of a file that shrank raises
/// SIGBUS. While `MappingGuard` is installed, a SIGBUS inside a registered
/// window is answered by mapping a zero page over the faulting page
/// (`mmap(MAP_FIXED | MAP_ANONYMOUS)`, async-signal-safe); the load is
/// retried and reads zeros. The reader then notices the file shrank (its
/// size is checked after each window) and the file's results are not
/// trusted. A SIGBUS anywhere else crashes as it always would.
public enum MappingGuard {
    static let slotCount = 256
    /// Registered windows as (start, end) addresses; 0 marks a free slot.
    nonisolated(unsafe) static let slots = UnsafeMutablePointer<(UInt, UInt)>.allocate(capacity: slotCount)
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) private static let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// How many faults were answered since the process started.
    nonisolated(unsafe) public private(set) static var faults = 0

    /// Installs the SIGBUS handler (once per process).
    public static func install() {
        guard !installed else { return }
        pthread_mutex_init(lock, nil)
        slots.initialize(repeating: (0, 0), count: slotCount)
        var action = sigaction()
        action.sa_flags = SA_SIGINFO
        action.__sigaction_handler.sa_sigaction = { _, info, _ in
            let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
            for i in 0..<MappingGuard.slotCount {
                let slot = MappingGuard.slots[i]
                if slot.0 != 0 && address >= slot.0 && address < slot.1 {
                    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
                    let start = UnsafeMutableRawPointer(bitPattern: address / page * page)
                    _ = mmap(start, Int(page), PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    MappingGuard.faults += 1
                    return
                }
            }
            // Not ours: die as SIGBUS always does.
            signal(SIGBUS, SIG_DFL)
            raise(SIGBUS)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
        installed = true
    }

    /// Registers a window for the duration of `body`.
    static func protect<T>(_ base: UnsafeRawPointer, length: Int, _ body: () throws -> T) rethrows -> T {
        guard installed else { return try body() }
        let start = UInt(bitPattern: base)
        pthread_mutex_lock(lock)
        let slot = (0..<slotCount).first { slots[$0].0 == 0 }
        if let slot { slots[slot] = (start, start + UInt(length)) }
        pthread_mutex_unlock(lock)
        defer {
            if let slot {
                pthread_mutex_lock(lock)
                slots[slot] = (0, 0)
                pthread_mutex_unlock(lock)
            }
        }
        return try body()
    }
}
