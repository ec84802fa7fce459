import Synchronization
import ThresherSystem

/// Lines too long to read into memory, mapped instead (`LineReader`), and
/// the pages of each that a parser has passed: those are given back to
/// the kernel as the parse goes (`releaseBehind`, wired to
/// `JSONParser.progressHook`), so a line of 500 MB costs a few MB of
/// resident memory, not 500. A page read again later (the summary looks
/// at a few values) is faulted in again from the page cache.
public enum LongLineMappings {
    private struct Mapped {
        let start: UInt
        let end: UInt
        /// Pages before this were given back.
        var released: UInt
    }

    private static let mapped = Mutex<[Mapped]>([])
    private static let page = UInt(sysconf(Int32(_SC_PAGESIZE)))

    static func register(_ base: UnsafeRawPointer, length: Int) {
        let start = UInt(bitPattern: base)
        mapped.withLock { $0.append(Mapped(start: start, end: start + UInt(length), released: start)) }
    }

    static func unregister(_ base: UnsafeRawPointer) {
        let start = UInt(bitPattern: base)
        mapped.withLock { $0.removeAll { $0.start == start } }
    }

    /// Gives back the whole pages of a registered mapping before `address`;
    /// any other address (a line read into a buffer) is left alone.
    @Sendable public static func releaseBehind(_ address: UnsafeRawPointer) {
        let address = UInt(bitPattern: address)
        mapped.withLock { all in
            guard let index = all.firstIndex(where: { $0.start <= address && address < $0.end }) else { return }
            let upTo = address / page * page
            guard upTo > all[index].released else { return }
            madvise(UnsafeMutableRawPointer(bitPattern: all[index].released), Int(upTo - all[index].released), MADV_DONTNEED)
            all[index].released = upTo
        }
    }
}
