import ThresherExtract
import ThresherScan

/// Spans read from a small file's bytes that phase 1 kept (`KeptBytes`):
/// no system call, no copy, and the bytes are those phase 1 parsed, so a
/// file changed since cannot make them disagree with its summaries.
struct KeptSpans: SpanSource {
    let kept: KeptBytes

    func withBytes<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        let start = span.offset - kept.offset
        guard start >= 0, start + Int64(span.length) <= Int64(kept.count) else { throw SpanDecoder.ChangedError(span: span) }
        return try body(UnsafeBufferPointer(rebasing: kept.bytes[Int(start)..<Int(start) + span.length]))
    }

    func prefetch(_ spans: [ByteSpan]) {}
}
