import ThresherSystem

/// A text held the way thresh writes it: the body of a JSON string with
/// SPEC §5's minimal escaping, valid UTF-8, without the quotes.
///
/// Kept texts go from a transcript's raw string straight to this form in
/// one pass (`JSONTape.appendEscapedBody`), so writing an example is a copy
/// and joining texts is concatenation: minimal escaping is per character.
public struct JSONText: Sendable, Hashable {
    public var escaped: [UInt8]

    public init(escaped: [UInt8]) {
        self.escaped = escaped
    }

    /// Escapes a Swift string.
    public init(_ string: String) {
        var out: [UInt8] = []
        var copy = string
        copy.withUTF8 { JSONWriter.appendEscaped($0, to: &out) }
        escaped = out
    }

    public var isEmpty: Bool { escaped.isEmpty }

    /// The text itself (unescaped), for consumers that need characters.
    public var string: String {
        var quoted: [UInt8] = [0x22]
        quoted += escaped
        quoted.append(0x22)
        var tape = JSONTape()
        return quoted.withUnsafeBufferPointer { buffer in
            // safe: `escaped` is always a valid string body.
            try! JSONParser.parse(buffer, into: &tape)
            return tape.decodeString(0, in: buffer)
        }
    }

    /// `texts` joined by `separator` (itself given unescaped).
    public static func joined(_ texts: [JSONText], separator: String) -> JSONText {
        let glue = JSONText(separator).escaped
        var out: [UInt8] = []
        out.reserveCapacity(texts.reduce(0) { $0 + $1.escaped.count + glue.count })
        for (index, text) in texts.enumerated() {
            if index > 0 { out += glue }
            out += text.escaped
        }
        return JSONText(escaped: out)
    }
}

extension JSONTape {
    /// Appends a string node's text in `JSONText` form (see
    /// `JSONText.appendTranscoded`).
    public func appendEscapedBody(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // The parser validated every escape, so this cannot fail.
        _ = JSONText.appendTranscoded(rawBytes(index, in: bytes), flags: nodes[index].flags, to: &out)
    }

    /// A string node as `JSONText`.
    public func text(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> JSONText {
        var out: [UInt8] = []
        appendEscapedBody(index, in: bytes, to: &out)
        return JSONText(escaped: out)
    }
}

extension JSONText {
    /// Rewrites a raw string body (between the quotes, as written in a
    /// transcript) into `JSONText` form in one pass: escapes rewritten
    /// minimally (`\/` → `/`, `\u00e9` → `é`, `\u001F` → `\u001f`, pairs
    /// joined, lone surrogates → U+FFFD) and invalid UTF-8 repaired.
    /// `flags` are the parser's `JSONNode` string flags for this body.
    /// Returns false (leaving `out` partly written) on a malformed escape,
    /// which only bytes that were never parsed can hold.
    public static func appendTranscoded(_ raw: UnsafeBufferPointer<UInt8>, flags: UInt8, to out: inout [UInt8]) -> Bool {
        // Escapes are ASCII, so the body is valid UTF-8 exactly when its runs
        // are: check it once whole, and run by run only if it is not.
        let checkUTF8 = flags & JSONNode.nonASCII != 0 && !UTF8Check.isValid(raw)
        if flags & JSONNode.nonMinimalEscape == 0 && !checkUTF8 {
            // Only escapes that minimal text keeps as they are (the parser
            // validated them): the body is its own minimal form.
            out.append(contentsOf: raw)
            return true
        }
        guard let base = raw.baseAddress else { return true }
        let n = raw.count
        var i = 0
        // Escapes minimal text keeps (`\n`, `\"`, …) stay inside the run
        // being copied; a run ends only at an escape that is rewritten.
        var runStart = 0
        func flushRun(to end: Int) {
            guard end > runStart else { return }
            let run = UnsafeBufferPointer(start: base + runStart, count: end - runStart)
            if checkUTF8 && !UTF8Check.isValid(run) {
                appendRepairedUTF8(run, to: &out)
            } else {
                out.append(contentsOf: run)
            }
        }
        while true {
            let next = memchr(base + i, 0x5C, n - i).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
            guard next < n else {
                flushRun(to: n)
                break
            }
            guard next + 1 < n else { return false }
            let e = raw[next + 1]
            switch e {
            case 0x22, 0x5C, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                i = next + 2
                continue
            case UInt8(ascii: "/"):
                flushRun(to: next)
                out.append(e)
                i = next + 2
                runStart = i
                continue
            case UInt8(ascii: "u"):
                flushRun(to: next)
                i = next
            default:
                return false
            }
            guard let (scalar, length) = unicodeEscape(raw, at: i) else { return false }
            i += length
            if scalar < 0x80 {
                JSONWriter.appendEscaped(byte: UInt8(scalar), to: &out)
            } else {
                appendUTF8(scalar, to: &out)
            }
            runStart = i
        }
        return true
    }

    /// The scalar of the `\uXXXX` escape at `raw[at]` and the bytes it
    /// takes: a surrogate pair is joined (12 bytes), a lone surrogate is
    /// U+FFFD (6 bytes); nil when malformed.
    @inline(__always)
    static func unicodeEscape(_ raw: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int)? {
        guard let unit = hex4(raw, i + 2) else { return nil }
        if unit >= 0xD800 && unit <= 0xDBFF {
            let next = i + 6
            if next + 6 <= raw.count && raw[next] == 0x5C && raw[next + 1] == UInt8(ascii: "u"), let low = hex4(raw, next + 2),
               low >= 0xDC00 && low <= 0xDFFF {
                return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
            }
            return (0xFFFD, 6)
        }
        return (unit < 0xDC00 || unit > 0xDFFF ? unit : 0xFFFD, 6)
    }

    /// The four hex digits at `raw[at..<at + 4]`, or nil.
    @inline(__always)
    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= raw.count, let a = hexValue(raw[at]), let b = hexValue(raw[at + 1]),
              let c = hexValue(raw[at + 2]), let d = hexValue(raw[at + 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }
}
