import ThresherJSON

extension SpanSource {
    public func prefetch(_ spans: [ByteSpan]) {}
}

/// Phase 2's access to kept values: reads a span's bytes again and decodes
/// them. Only selected turns get here, so nothing else is ever decoded.
public final class SpanDecoder {
    /// Reads the bytes of a span from the transcript (pread, typically).
    public typealias Reader = (ByteSpan) throws -> [UInt8]

    /// The span no longer holds the value it held in phase 1.
    public struct ChangedError: Error, CustomStringConvertible {
        public var span: ByteSpan
        public init(span: ByteSpan) { self.span = span }
        public var description: String { "file changed while being read (bytes at \(span.offset) no longer parse)" }
    }

    private let source: any SpanSource
    private var tape = JSONTape()

    public init(source: any SpanSource) {
        self.source = source
    }

    /// Reads spans through a closure that returns copies.
    public convenience init(reader: @escaping Reader) {
        self.init(source: ClosureSource(read: reader))
    }

    private struct ClosureSource: SpanSource {
        let read: Reader
        func withBytes<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
            try read(span).withUnsafeBufferPointer { try body($0) }
        }
    }

    /// Parses a span and hands the tape and bytes to `body` (must not escape).
    private func withValue<T>(_ span: ByteSpan, _ body: (JSONTape, UnsafeBufferPointer<UInt8>) -> T) throws -> T {
        try source.withBytes(span) { buffer in
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                throw ChangedError(span: span)
            }
            return body(tape, buffer)
        }
    }

    /// Tells the source which spans the next decodes read (see `SpanSource.prefetch`).
    public func prefetch(_ spans: [ByteSpan]) {
        source.prefetch(spans)
    }

    /// The decoded string at `span`, or nil when the value is not a string.
    public func string(_ span: ByteSpan?) throws -> String? {
        guard let span else { return nil }
        if span.kind == .string && span.flags & JSONNode.escaped == 0 {
            // No escapes (ids, paths, timestamps, models): the body is the
            // text, repaired if not UTF-8; no parse, as for `text`.
            return try withStringBody(span) { String(decoding: $0, as: UTF8.self) }
        }
        return try withValue(span) { tape, bytes in
            tape[tape.root].kind == .string ? tape.decodeString(tape.root, in: bytes) : nil
        }
    }

    /// The string at `span` as `JSONText`, or nil when it is not a string.
    /// Transcoded straight from the bytes with the flags phase 1 recorded:
    /// the string was validated then, so it is not parsed again.
    public func text(_ span: ByteSpan?) throws -> JSONText? {
        guard let span, span.kind == .string else { return nil }
        // Transcoding keeps the length but for rewritten escapes and
        // repaired UTF-8: one allocation instead of a dozen doublings.
        var out: [UInt8] = []
        out.reserveCapacity(span.length)
        try appendText(span, to: &out)
        return JSONText(escaped: out)
    }

    private func appendText(_ span: ByteSpan, to out: inout [UInt8]) throws {
        let ok = try withStringBody(span) { JSONText.appendTranscoded($0, flags: span.flags, to: &out) }
        guard ok else { throw ChangedError(span: span) }
    }

    /// The bytes between the quotes of the string phase 1 saw at `span`;
    /// throws if the quotes are gone (the file changed under us).
    private func withStringBody<T>(_ span: ByteSpan, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        try source.withBytes(span) { buffer in
            guard buffer.count >= 2, buffer.first == 0x22, buffer.last == 0x22 else { throw ChangedError(span: span) }
            return try body(UnsafeBufferPointer(rebasing: buffer[1..<buffer.count - 1]))
        }
    }

    /// The string phase 1 saw at `span`; throws if it is no longer one.
    public func requiredText(_ span: ByteSpan) throws -> JSONText {
        guard let text = try text(span) else { throw ChangedError(span: span) }
        return text
    }

    /// Canonical JSON text of a call's input: `{}` when absent.
    public func arguments(_ span: ByteSpan?) throws -> [UInt8] {
        guard let span else { return Array("{}".utf8) }
        return try withValue(span) { tape, bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)  // canonical text is rarely longer
            tape.writeCanonical(tape.root, in: bytes, to: &out)
            return out
        }
    }

    /// A tool result's `content` as text (SPEC §4): a string as is; an array's
    /// items joined with "\n" (`text` items as their text, others as
    /// `[type]`, untyped as `[unknown]`); absent or null as ""; any other
    /// value as its canonical JSON text.
    public func resultContent(_ span: ByteSpan?) throws -> JSONText {
        guard let span, span.kind != .null else { return JSONText(escaped: []) }
        if span.kind == .string { return try requiredText(span) }
        return try withValue(span) { tape, bytes in
            let root = tape.root
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            switch tape[root].kind {
            case .string:
                tape.appendEscapedBody(root, in: bytes, to: &out)
            case .null:
                break
            case .array:
                var first = true
                for item in tape.elements(of: root) {
                    if !first { out += [0x5C, UInt8(ascii: "n")] }
                    first = false
                    Self.appendResultItem(item, tape: tape, bytes: bytes, to: &out)
                }
            default:
                var canonical: [UInt8] = []
                tape.writeCanonical(root, in: bytes, to: &canonical)
                canonical.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, to: &out) }
            }
            return JSONText(escaped: out)
        }
    }

    private static func appendResultItem(_ item: Int, tape: JSONTape, bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard tape[item].kind == .object,
              let type = tape.member(of: item, "type", in: bytes), tape[type].kind == .string else {
            out.append(contentsOf: "[unknown]".utf8)
            return
        }
        if tape.stringEquals(type, "text", in: bytes) {
            if let text = tape.member(of: item, "text", in: bytes), tape[text].kind == .string {
                tape.appendEscapedBody(text, in: bytes, to: &out)
            }
            return
        }
        out.append(UInt8(ascii: "["))
        tape.appendEscapedBody(type, in: bytes, to: &out)
        out.append(UInt8(ascii: "]"))
    }
}
