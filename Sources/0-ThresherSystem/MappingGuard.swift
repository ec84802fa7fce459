import Synchronization

/// Keeps a file truncated under a mapping from killing the process.
///
/// Touching a mapped page past the end of a file that shrank raises
/// SIGBUS. A reader claims a `Slot` before mapping and registers each
/// window in it; a SIGBUS inside a registered window is answered by
/// mapping a zero page over the faulting page (`mmap(MAP_FIXED |
/// MAP_ANONYMOUS)`, async-signal-safe); the load is retried and reads
/// zeros. The reader then notices the file shrank (its size is checked
/// after each window) and the file's results are not trusted. A SIGBUS
/// anywhere else crashes as it always would.
///
/// Invariant: the signal handler touches only atomics. A slot's `end` is 0
/// when free, `reserved` while claimed but not covering a window, and the
/// window's end address (release-stored after its start) while covering one.
public enum MappingGuard {
    static let slotCount = 256
    private static let reserved = UInt.max
    private static let starts = InlineArray<256, Atomic<UInt>> { _ in Atomic(0) }
    private static let ends = InlineArray<256, Atomic<UInt>> { _ in Atomic(0) }
    private static let installed = Atomic<Bool>(false)
    private static let faultCount = Atomic<Int>(0)

    /// How many faults were answered since the process started.
    public static var faults: Int { faultCount.load(ordering: .relaxed) }

    /// Installs the SIGBUS handler (once per process; safe to call again).
    public static func install() {
        // Touch the statics before the handler can run: lazy initialization
        // is not async-signal-safe.
        _ = starts[0].load(ordering: .relaxed)
        _ = ends[0].load(ordering: .relaxed)
        _ = faultCount.load(ordering: .relaxed)
        guard installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        var action = sigaction()
        action.sa_flags = SA_SIGINFO
        action.__sigaction_handler.sa_sigaction = { _, info, _ in
            let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
            if MappingGuard.covers(address) {
                let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
                let start = UnsafeMutableRawPointer(bitPattern: address / page * page)
                _ = mmap(start, Int(page), PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                MappingGuard.faultCount.add(1, ordering: .relaxed)
                return
            }
            // Not ours: die as SIGBUS always does.
            signal(SIGBUS, SIG_DFL)
            raise(SIGBUS)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }

    private static func covers(_ address: UInt) -> Bool {
        for i in 0..<slotCount {
            let end = ends[i].load(ordering: .acquiring)
            guard end != 0 && end != reserved else { continue }
            if address >= starts[i].load(ordering: .relaxed) && address < end { return true }
        }
        return false
    }

    /// A claimed slot: one reader's registration, one window at a time.
    public struct Slot: ~Copyable {
        let index: Int

        /// Registers `base..<base+length` for the duration of `body`.
        public func protect<T>(_ base: UnsafeRawPointer, length: Int, _ body: () throws -> T) rethrows -> T {
            let start = UInt(bitPattern: base)
            MappingGuard.starts[index].store(start, ordering: .relaxed)
            MappingGuard.ends[index].store(start + UInt(length), ordering: .releasing)
            defer { MappingGuard.ends[index].store(MappingGuard.reserved, ordering: .releasing) }
            return try body()
        }

        deinit { MappingGuard.ends[index].store(0, ordering: .releasing) }
    }

    /// Installs the handler and claims a free slot, or nil when all are
    /// taken: the caller must then read instead of mapping.
    public static func claimSlot() -> Slot? {
        install()
        for i in 0..<slotCount where ends[i].compareExchange(expected: 0, desired: reserved, ordering: .acquiringAndReleasing).exchanged {
            return Slot(index: i)
        }
        return nil
    }
}
