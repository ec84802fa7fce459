/// Where phase 2 gets the bytes of a span: a mapping of the file, or
/// `pread` into a buffer. `body` must not let the buffer escape.
public protocol SpanSource {
    func withBytes<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T
    /// A hint: these spans (one turn's) are about to be read. A source may
    /// read them in one go; nothing may depend on it doing so.
    func prefetch(_ spans: [ByteSpan])
}
