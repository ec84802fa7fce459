import Foundation
import Synchronization
import ThresherPipeline
import ThresherScan

/// What one reference pass over the archive counted, and how long it took.
struct ReferenceRun {
    var seconds: Double
    /// CPU seconds of this process during the pass (all its threads).
    var cpuSeconds: Double
    var bytes: Int64
    var lines: Int
    /// Lines the tokenizer rejected (the parse ceiling only).
    var malformed: Int

    var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
}

/// Runs a per-file pass over every transcript under a root on `threads`
/// threads, largest files first (so that no thread is left with a big file
/// at the end), and adds up what the passes counted. Each pass gets its
/// thread's 1 MiB scratch buffer, allocated once per thread.
enum ReferencePass {
    struct Count {
        var bytes: Int64 = 0
        var lines = 0
        var malformed = 0
    }

    static func run(
        root: String, threads: Int, _ pass: @Sendable (Int32, TranscriptFile, UnsafeMutableRawBufferPointer) throws -> Count
    ) throws -> ReferenceRun {
        let files = try Discovery().discover(roots: [root]).files.sorted { $0.size > $1.size }
        let shared = Shared()
        let started = ContinuousClock.now
        let cpuBefore = ScanPipeline.resourceUsage().cpuSeconds
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
            defer { scratch.deallocate() }
            while let index = shared.take(below: files.count) {
                let fd = open(files[index].path, O_RDONLY)
                guard fd >= 0 else { continue }
                defer { close(fd) }
                do {
                    shared.add(try pass(fd, files[index], scratch))
                } catch {
                    shared.fail(error)
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        if let error = shared.error { throw error }
        return ReferenceRun(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                            cpuSeconds: ScanPipeline.resourceUsage().cpuSeconds - cpuBefore, bytes: shared.total.bytes,
                            lines: shared.total.lines, malformed: shared.total.malformed)
    }

    /// Hands out file indices and adds up what the threads counted.
    private final class Shared: Sendable {
        private struct State {
            var next = 0
            var total = Count()
            var error: Error?
        }
        private let state = Mutex(State())

        var total: Count { state.withLock { $0.total } }
        var error: Error? { state.withLock { $0.error } }

        func add(_ count: Count) {
            state.withLock {
                $0.total.bytes += count.bytes
                $0.total.lines += count.lines
                $0.total.malformed += count.malformed
            }
        }

        func fail(_ error: Error) {
            state.withLock { if $0.error == nil { $0.error = error } }
        }

        func take(below limit: Int) -> Int? {
            state.withLock { state in
                guard state.next < limit else { return nil }
                state.next += 1
                return state.next - 1
            }
        }
    }
}
