/// The SIMD search every string loop shares: the first byte that ends a
/// plain run inside a JSON string (`"`, `\` or a control byte below 0x20).
/// These are exactly the bytes the parser must stop at and the writer must
/// escape, so both skip everything else 16 bytes at a time.
enum ByteScan {
    /// Index of the first special byte in `p[start..<end]`, or `end`.
    /// ORs the bytes it passed (and possibly a few after the hit) into
    /// `highBits`, so callers learn conservatively whether any was >= 0x80.
    @inline(__always)
    static func firstSpecial(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, highBits: inout UInt8) -> Int {
        // Splat constants as locals: statics would cost a `swift_once` per call.
        let quotes = SIMD16<UInt8>(repeating: 0x22)
        let backslashes = SIMD16<UInt8>(repeating: 0x5C)
        let spaces = SIMD16<UInt8>(repeating: 0x20)
        let lanes = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
        var seen = SIMD16<UInt8>(repeating: 0)
        var j = start
        while j + 16 <= end {
            let block = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<UInt8>.self)
            seen |= block
            let special = (block .== quotes) .| (block .== backslashes) .| (block .< spaces)
            if any(special) {
                // The lane bits, folded into a 16-bit mask (pmovmskb's job).
                let bits = unsafeBitCast(special, to: SIMD16<UInt8>.self) & lanes
                let mask = UInt32(bits.lowHalf.wrappedSum()) | UInt32(bits.highHalf.wrappedSum()) << 8
                highBits |= seen.max()
                return j + mask.trailingZeroBitCount
            }
            j += 16
        }
        highBits |= seen.max()
        while j < end {
            let b = p[j]
            if b == 0x22 || b == 0x5C || b < 0x20 { return j }
            highBits |= b
            j += 1
        }
        return end
    }
}
