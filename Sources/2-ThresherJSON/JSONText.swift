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
            guard let unit = hex4(raw, i + 2) else { return false }
            i += 6
            var scalar: UInt32 = 0xFFFD
            if unit >= 0xD800 && unit <= 0xDBFF {
                if i + 6 <= n && raw[i] == 0x5C && raw[i + 1] == UInt8(ascii: "u"), let low = hex4(raw, i + 2),
                   low >= 0xDC00 && low <= 0xDFFF {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
            } else if unit < 0xDC00 || unit > 0xDFFF {
                scalar = unit
            }
            if scalar < 0x80 {
                JSONWriter.appendEscaped(byte: UInt8(scalar), to: &out)
            } else {
                appendUTF8(scalar, to: &out)
            }
            runStart = i
        }
        return true
    }

    /// The four hex digits at `raw[at..<at + 4]`, or nil.
    @inline(__always)
    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= raw.count, let a = hexValue(raw[at]), let b = hexValue(raw[at + 1]),
              let c = hexValue(raw[at + 2]), let d = hexValue(raw[at + 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }
}

/// UTF-8 validity without building a String (RFC 3629's well-formed table).
enum UTF8Check {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        // Continuation bytes the sequences begun in the last block still
        // expect at the start of the next (bit k: byte k).
        var pending: UInt32 = 0
        // Blocks of 16 while a 17th byte follows (the byte after a lead is
        // tested against it): kept text is mostly ASCII with non-ASCII
        // characters sprinkled in, and testing a block's sequences all at
        // once on bit masks has no branch per character to mispredict.
        while i + 17 <= n {
            let block = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            if pending == 0 && ByteScan.bits(block) == 0 {
                i += 16
                continue
            }
            let next = UnsafeRawPointer(p + i + 1).loadUnaligned(as: SIMD16<UInt8>.self)
            guard let expected = sequenceMasks(block, next, pending: pending) else { return false }
            pending = expected
            i += 16
        }
        // The rest byte by byte, from the start of any sequence left open.
        if pending != 0 {
            repeat { i -= 1 } while p[i] & 0xC0 == 0x80
        }
        return isValidTail(p, from: i, count: n)
    }

    /// Checks the sequences of one block (`next` is the same bytes one
    /// position on), given the continuations the previous block left
    /// `pending`; returns the continuations this one leaves for the next,
    /// or nil when the block is not well-formed UTF-8.
    @inline(__always)
    private static func sequenceMasks(_ block: SIMD16<UInt8>, _ next: SIMD16<UInt8>, pending: UInt32) -> UInt32? {
        // Splats as locals and every operand a vector: Swift's vector-scalar
        // operators loop over the 16 lanes one by one.
        @inline(__always) func splat(_ byte: UInt8) -> SIMD16<UInt8> { SIMD16(repeating: byte) }
        let continuation = bits(block & splat(0xC0) .== splat(0x80))
        let lead2 = bits(block & splat(0xE0) .== splat(0xC0))
        let lead3 = bits(block & splat(0xF0) .== splat(0xE0))
        let lead4 = bits(block & splat(0xF8) .== splat(0xF0))
        // Every continuation byte must be one a lead expects, and every one
        // expected must be there.
        let expected = lead2 << 1 | lead3 << 1 | lead3 << 2 | lead4 << 1 | lead4 << 2 | lead4 << 3
        guard (expected | pending) & 0xFFFF == continuation else { return nil }
        // Leads never allowed (C0, C1: overlong; F5-FF: past U+10FFFF), and
        // second bytes ruled out for E0 (overlong), ED (surrogates), F0
        // (overlong) and F4 (past U+10FFFF).
        let overlong2 = bits(block & splat(0xFE) .== splat(0xC0))
        let tooHigh = bits(block .>= splat(0xF5))
        let overlong3 = bits((block .== splat(0xE0)) .& (next .< splat(0xA0)))
        let surrogate = bits((block .== splat(0xED)) .& (next .>= splat(0xA0)))
        let overlong4 = bits((block .== splat(0xF0)) .& (next .< splat(0x90)))
        let beyond = bits((block .== splat(0xF4)) .& (next .>= splat(0x90)))
        guard overlong2 | tooHigh | overlong3 | surrogate | overlong4 | beyond == 0 else { return nil }
        return expected >> 16
    }

    @inline(__always)
    private static func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt32 {
        ByteScan.bits(unsafeBitCast(mask, to: SIMD16<UInt8>.self))
    }

    /// `isValid` of `p[from..<count]`, one sequence at a time.
    private static func isValidTail(_ p: UnsafePointer<UInt8>, from start: Int, count n: Int) -> Bool {
        var i = start
        while i < n {
            if p[i] < 0x80 {
                i += 1
                continue
            }
            // p[i] >= 0x80: one multi-byte sequence, tested by its lead byte.
            let lead = p[i]
            @inline(__always) func isContinuation(_ k: Int) -> Bool { p[i + k] & 0xC0 == 0x80 }
            if lead < 0xE0 {
                guard lead >= 0xC2, i + 1 < n, isContinuation(1) else { return false }
                i += 2
            } else if lead < 0xF0 {
                guard i + 2 < n, isContinuation(1), isContinuation(2) else { return false }
                let second = p[i + 1]
                // No overlong forms (E0 80-9F), no surrogates (ED A0-BF).
                if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0) { return false }
                i += 3
            } else {
                guard lead <= 0xF4, i + 3 < n, isContinuation(1), isContinuation(2), isContinuation(3) else { return false }
                let second = p[i + 1]
                // No overlong forms (F0 80-8F), nothing above U+10FFFF (F4 90-BF).
                if (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second >= 0x90) { return false }
                i += 4
            }
        }
        return true
    }
}

