import ThresherExtract
import ThresherSystem

/// Spans read again with `pread` into a reused buffer: safe whatever
/// happens to the file. A turn's spans are usually close together, so
/// `prefetch` reads them in runs, one call per run of spans whose gaps cost
/// less to copy than a call.
final class PReadSpans: SpanSource {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    /// The runs `prefetch` read, in file order, back to back in `window`.
    private var window: [UInt8] = []
    private var runs: [Run] = []

    /// Bytes `fileStart..<fileEnd` of the file, at `windowStart` in the window.
    private struct Run {
        var fileStart: Int64
        var fileEnd: Int64
        var windowStart = 0
    }

    /// Spans this close are read with one call: on this machine a `pread`
    /// costs ~0.6 µs besides its copy, and copying from the page cache
    /// ~0.6 ns a byte, so a gap of 1 KiB costs about a call
    /// (docs/performance.md). Reading a whole turn at once copied 2.6 times
    /// the bytes of its spans (tool results are stored twice in a record).
    private static let mergeGap: Int64 = 1 << 10
    /// The most a turn's runs take in the window (memory per worker).
    private static let maxWindow = 8 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    func prefetch(_ spans: [ByteSpan]) {
        runs.removeAll(keepingCapacity: true)
        guard spans.count > 1 else { return }
        var planned: [Run] = []
        for span in spans.sorted(by: { $0.offset < $1.offset }) {
            let end = span.offset + Int64(span.length)
            if let last = planned.last, span.offset <= last.fileEnd + Self.mergeGap {
                planned[planned.count - 1].fileEnd = max(last.fileEnd, end)
            } else {
                planned.append(Run(fileStart: span.offset, fileEnd: end))
            }
        }
        // The runs that fit, in file order; the others are read when asked for.
        var total = 0
        for index in planned.indices {
            let length = Int(planned[index].fileEnd - planned[index].fileStart)
            guard total + length <= Self.maxWindow else { continue }
            planned[index].windowStart = total
            runs.append(planned[index])
            total += length
        }
        guard total > 0 else { return }
        if window.count < total { window = Self.uninitialized(min(max(total, window.count * 2), Self.maxWindow)) }
        for (index, run) in runs.enumerated() {
            // A short read (the file shrank) ends the runs there: the spans
            // after it are read, and fail, on their own.
            let count = Int(run.fileEnd - run.fileStart)
            guard (try? readFully(into: &window, at: run.windowStart, count: count, from: run.fileStart)) == true else {
                runs.removeSubrange(index...)
                return
            }
        }
    }

    /// The run holding all of `span`, if one does.
    private func run(holding span: ByteSpan) -> Run? {
        var low = 0
        var high = runs.count
        // The first run starting after the span's start; the one before may hold it.
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].fileStart <= span.offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0, span.offset + Int64(span.length) <= runs[low - 1].fileEnd else { return nil }
        return runs[low - 1]
    }

    func withBytes<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        if let run = run(holding: span) {
            let start = run.windowStart + Int(span.offset - run.fileStart)
            return try window.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<start + span.length])) }
        }
        // A span bigger than a window (a 100 MB tool result) is read into a
        // buffer of its own size, freed after: the reused one stays small.
        if span.length > Self.maxWindow {
            var own = Self.uninitialized(span.length)
            return try read(span, into: &own, body)
        }
        if buffer.count < span.length { buffer = Self.uninitialized(min(max(span.length, buffer.count * 2), Self.maxWindow)) }
        return try read(span, into: &buffer, body)
    }

    private func read<T>(_ span: ByteSpan, into target: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard try readFully(into: &target, count: span.length, from: span.offset) else {
            throw SpanDecoder.ChangedError(span: span)
        }
        return try target.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<span.length])) }
    }

    /// A buffer `pread` fills before anything reads it: not zeroed first
    /// (windows reach megabytes, and each file's reader starts afresh).
    private static func uninitialized(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Reads `count` bytes of the file at `offset` into `target` from
    /// index `start` on; false when the file ends first.
    private func readFully(into target: inout [UInt8], at start: Int = 0, count: Int, from offset: Int64) throws -> Bool {
        let got = try target.withUnsafeMutableBytes { raw in
            try FileDescriptor(rawValue: fd).readFully(
                into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + count]), at: offset, path: path)
        }
        return got == count
    }
}
