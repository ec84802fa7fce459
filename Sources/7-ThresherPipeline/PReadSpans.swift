import ThresherExtract
import ThresherSystem

/// Spans read again with `pread` into a reused buffer: safe whatever
/// happens to the file. A turn's spans are usually close together, so
/// `prefetch` reads them with one call when the bytes between them cost
/// less to copy than the calls they save.
final class PReadSpans: SpanSource {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    /// Bytes of the file from `windowStart`, read by `prefetch`.
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0
    private var windowCount = 0

    /// A read costs about as much as copying this many bytes (a system
    /// call's cost over a memory copy's rate; docs/performance.md).
    private static let bytesPerCall = 16 << 10
    /// The largest window read at once (memory per worker).
    private static let maxWindow = 8 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    func prefetch(_ spans: [ByteSpan]) {
        windowCount = 0
        guard spans.count > 1 else { return }
        var low = Int64.max
        var high = Int64.min
        var total = 0
        for span in spans {
            low = min(low, span.offset)
            high = max(high, span.offset + Int64(span.length))
            total += span.length
        }
        let length = Int(high - low)
        guard length <= Self.maxWindow, length - total <= Self.bytesPerCall * (spans.count - 1) else { return }
        if window.count < length { window = Self.uninitialized(min(max(length, window.count * 2), Self.maxWindow)) }
        // A short read (the file shrank) leaves no window: each span is then read, and fails, on its own.
        guard (try? readFully(into: &window, count: length, at: low)) == true else { return }
        windowStart = low
        windowCount = length
    }

    func withBytes<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        let offset = span.offset - windowStart
        if offset >= 0, offset + Int64(span.length) <= Int64(windowCount) {
            return try window.withUnsafeBufferPointer {
                try body(UnsafeBufferPointer(rebasing: $0[Int(offset)..<Int(offset) + span.length]))
            }
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
        guard try readFully(into: &target, count: span.length, at: span.offset) else {
            throw SpanDecoder.ChangedError(span: span)
        }
        return try target.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<span.length])) }
    }

    /// A buffer `pread` fills before anything reads it: not zeroed first
    /// (windows reach megabytes, and each file's reader starts afresh).
    private static func uninitialized(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Reads `count` bytes at `offset` into the start of `target`; false
    /// when the file ends first.
    private func readFully(into target: inout [UInt8], count: Int, at offset: Int64) throws -> Bool {
        let got = try target.withUnsafeMutableBytes { raw in
            try FileDescriptor(rawValue: fd).readFully(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]), at: offset, path: path)
        }
        return got == count
    }
}
