import Synchronization
import Foundation
import ThresherJSON
import ThresherScan

/// What one reference pass over the archive counted, and how long it took.
struct ReferenceRun {
    var seconds: Double
    var bytes: Int64
    var lines: Int
    /// Lines the tokenizer rejected (the parse ceiling only).
    var malformed: Int

    var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
}

/// The floor: the same files read and their newlines counted with memchr,
/// in this process, on all cores. Nothing can scan faster than this.
enum NewlineFloor {
    static func measure(root: String, threads: Int) throws -> ReferenceRun {
        try ReferencePass.run(root: root, threads: threads) { fd, _, buffer in
            var count = ReferencePass.Count()
            while true {
                let got = read(fd, buffer.baseAddress!, buffer.count)
                if got <= 0 { break }
                count.bytes += Int64(got)
                var at = buffer.baseAddress!
                var left = got
                while left > 0, let hit = memchr(at, 0x0A, left) {
                    count.lines += 1
                    left -= hit - at + 1
                    at = hit + 1
                }
            }
            return count
        }
    }
}

/// The parse ceiling: the same files read by thresh's line reader and every
/// line validated by its tokenizer into a reused tape, nothing else (no
/// records, turns, output), on all cores. SPEC §2 makes every line's
/// validation unavoidable, so no scan built on this tokenizer can run
/// faster; the gap between it and the scan is what everything after the
/// tokenizer costs.
enum ParseCeiling {
    static func measure(root: String, threads: Int) throws -> ReferenceRun {
        try ReferencePass.run(root: root, threads: threads) { fd, file, _ in
            var count = ReferencePass.Count()
            var tape = JSONTape()
            let reader = LineReader(method: .read)
            // The scan's two ways to a verdict: object lines parsed while
            // their end is found, everything else after a newline search.
            let result = try reader.forEachLine(fd: fd, path: file.path, range: 0..<file.size, measuring: { bytes, _ in
                guard bytes.first == UInt8(ascii: "{"), let newline = JSONParser.parseLine(bytes, into: &tape) else { return .unknown }
                count.lines += 1
                return .line(newline)
            }) { line, offset in
                count.lines += 1
                if !isValidObjectLine(line, atFileStart: offset == 0, tape: &tape) { count.malformed += 1 }
                return true
            }
            count.bytes = result.endOfLastLine + result.partialBytes
            return count
        }
    }

    /// SPEC §2's verdict on a line that did not parse in one go: blank
    /// lines pass; a BOM is allowed at the start of a file; otherwise it
    /// must be one JSON object.
    private static func isValidObjectLine(_ rawLine: UnsafeBufferPointer<UInt8>, atFileStart: Bool, tape: inout JSONTape) -> Bool {
        var line = rawLine
        if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if atFileStart, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line.dropFirst(3))
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return true }
        do {
            try JSONParser.parse(line, into: &tape)
        } catch {
            return false
        }
        return tape[tape.root].kind == .object
    }
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
                            bytes: shared.total.bytes, lines: shared.total.lines, malformed: shared.total.malformed)
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
