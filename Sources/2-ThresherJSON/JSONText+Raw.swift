import ThresherSystem

extension JSONText {
    /// The text's characters as UTF-8 (escapes undone), handed to `body`
    /// (must not escape). A text without escapes is its own raw form, so
    /// only texts holding a backslash are copied.
    public func withRawBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try escaped.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, memchr(base, 0x5C, buffer.count) != nil else { return try body(buffer) }
            let raw = Self.unescape(buffer)
            return try raw.withUnsafeBufferPointer(body)
        }
    }

    /// A raw UTF-8 text in `JSONText` form.
    public init(raw: UnsafeBufferPointer<UInt8>) {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + raw.count / 16)
        JSONWriter.appendEscaped(raw, to: &out)
        self.init(escaped: out)
    }

    /// The number of UTF-8 bytes the text holds (escapes undone): each
    /// escape is one byte, `\u00XX` included (minimal escaping uses `\u`
    /// only for control characters).
    public var rawCount: Int {
        escaped.withUnsafeBufferPointer { Self.rawCount(of: $0) }
    }

    /// `rawCount` of a minimally escaped string body, 64 bytes at a time
    /// (code in tool results has an escape every few dozen bytes, so a
    /// search from one backslash to the next paid a call per escape). Every
    /// escape is `\\`, or `\` and one other byte (`StringBlock.escaped`
    /// finds those bytes): with B backslashes and E escaped other bytes
    /// there are E + (B - E) / 2 escapes, each one byte shorter raw, and a
    /// `\u00XX` four bytes more.
    public static func rawCount(of body: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = body.baseAddress else { return 0 }
        var tally = EscapeTally()
        var i = 0
        while i &+ 64 <= body.count {
            tally.add(base + i, valid: ~0)
            i &+= 64
        }
        if i < body.count {
            // The last bytes, zero-padded (a zero is neither `\` nor `u`).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
                let rest = body.count &- i
                block.initialize(repeating: 0)
                _ = UnsafeMutableBufferPointer(rebasing: block[..<rest]).initialize(from: UnsafeBufferPointer(rebasing: body[i...]))
                tally.add(UnsafePointer(block.baseAddress!), valid: (1 << UInt64(rest)) &- 1)
            }
        }
        let escapes = tally.escapedOthers &+ (tally.backslashes &- tally.escapedOthers) / 2
        return body.count &- escapes &- 4 &* tally.unicodeEscapes
    }

    /// What `rawCount` counts, block by block.
    private struct EscapeTally {
        var backslashes = 0
        var escapedOthers = 0
        var unicodeEscapes = 0
        /// The next block's byte 0 is escaped by this block's last backslash.
        var carry: UInt64 = 0

        @inline(__always)
        mutating func add(_ p: UnsafePointer<UInt8>, valid: UInt64) {
            let backslash = SIMD16<UInt8>(repeating: 0x5C), u = SIMD16<UInt8>(repeating: 0x75)
            var backslashMask: UInt64 = 0, uMask: UInt64 = 0
            for lane in 0..<4 {
                let v = UnsafeRawPointer(p + 16 &* lane).loadUnaligned(as: SIMD16<UInt8>.self)
                let shift = UInt64(16 &* lane)
                backslashMask |= UInt64(ByteScan.bits(unsafeBitCast(v .== backslash, to: SIMD16<UInt8>.self))) << shift
                uMask |= UInt64(ByteScan.bits(unsafeBitCast(v .== u, to: SIMD16<UInt8>.self))) << shift
            }
            let (escaped, carryOut) = StringBlock.escaped(backslashes: backslashMask & valid, carry: carry)
            backslashes &+= (backslashMask & valid).nonzeroBitCount
            escapedOthers &+= (escaped & valid).nonzeroBitCount
            unicodeEscapes &+= (escaped & uMask & valid).nonzeroBitCount
            carry = carryOut
        }
    }

    /// Undoes minimal escaping (SPEC §5): `\"` `\\` `\n` `\r` `\t` `\b` `\f`
    /// and `\u00XX`.
    public static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        guard let base = body.baseAddress else { return out }
        var i = 0
        while i < body.count {
            guard let found = memchr(base + i, 0x5C, body.count - i) else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: body[i...]))
                break
            }
            let at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
            out.append(contentsOf: UnsafeBufferPointer(rebasing: body[i..<at]))
            guard at + 1 < body.count else { break }
            switch body[at + 1] {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u") where at + 5 < body.count:
                out.append(hexValue(body[at + 4]) << 4 | hexValue(body[at + 5]))
                i = at + 6
                continue
            case let other: out.append(other)
            }
            i = at + 2
        }
        return out
    }

    private static func hexValue(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: digit - UInt8(ascii: "A") + 10
        }
    }
}
