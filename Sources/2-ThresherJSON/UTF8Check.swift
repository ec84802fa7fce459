import ThresherSystem

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
