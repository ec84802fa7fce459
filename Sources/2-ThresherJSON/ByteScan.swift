import CByteMask

/// The SIMD search every string loop shares: the first byte that ends a
/// plain run inside a JSON string (`"`, `\` or a control byte below 0x20).
/// These are exactly the bytes the parser must stop at and the writer must
/// escape, so both skip everything else 16 bytes at a time.
enum ByteScan {
    /// Index of the first special byte in `p[start..<end]`, or `end`.
    /// `p[0..<end]` must be readable. ORs 0x80 into `highBits` when a byte
    /// it passed is >= 0x80, so callers learn whether the run was all ASCII.
    @inline(__always)
    static func firstSpecial(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, highBits: inout UInt8) -> Int {
        var seen = SIMD16<UInt8>(repeating: 0)
        var j = start
        while j &+ 16 <= end {
            let block = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = specials(block)
            if hits != 0 {
                let k = hits.trailingZeroBitCount
                if bits(seen) | bits(block) & ((1 << k) &- 1) != 0 { highBits |= 0x80 }
                return j &+ k
            }
            seen |= block
            j &+= 16
        }
        if bits(seen) != 0 { highBits |= 0x80 }
        guard j < end else { return end }
        guard end >= 16 else {
            while j < end {
                let b = p[j]
                if b == 0x22 || b == 0x5C || b < 0x20 { return j }
                highBits |= b
                j += 1
            }
            return end
        }
        // The rest, under 16 bytes, as the last 16 of the range, shifted so
        // that bit 0 is p[j]: one step instead of a byte loop.
        let skip = j &- (end &- 16)
        let block = UnsafeRawPointer(p + (end &- 16)).loadUnaligned(as: SIMD16<UInt8>.self)
        let hits = specials(block) >> skip
        let k = min(hits.trailingZeroBitCount, end &- j)
        if bits(block) >> skip & ((1 << k) &- 1) != 0 { highBits |= 0x80 }
        return j &+ k
    }

    /// Bit k set when byte k of `block` is `"`, `\` or below 0x20.
    @inline(__always)
    static func specials(_ block: SIMD16<UInt8>) -> UInt32 {
        // Splats as locals: statics would cost a `swift_once` per call.
        let quotes = SIMD16<UInt8>(repeating: 0x22)
        let backslashes = SIMD16<UInt8>(repeating: 0x5C)
        let spaces = SIMD16<UInt8>(repeating: 0x20)
        let special = (block .== quotes) .| (block .== backslashes) .| (block .< spaces)
        return bits(unsafeBitCast(special, to: SIMD16<UInt8>.self))
    }

    /// Bit k set when byte k of `v` has its high bit set (SSE2 `movemask`,
    /// which Swift's SIMD types do not expose).
    @inline(__always)
    static func bits(_ v: SIMD16<UInt8>) -> UInt32 {
        thresh_movemask(v)
    }
}
