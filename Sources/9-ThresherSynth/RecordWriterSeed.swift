import Foundation
import Synchronization
import ThresherSystem

/// Identifiers outside a `RecordWriter` (file names).
enum RecordWriterSeed {
    static func hex(_ random: inout SplitMix64, count: Int) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<count).map { _ in digits[random.below(16)] }
    }

    static func uuid(_ random: inout SplitMix64) -> [UInt8] {
        let h = hex(&random, count: 32)
        return Array(h[0..<8]) + [0x2D] + Array(h[8..<12]) + [0x2D] + Array(h[12..<16]) + [0x2D]
            + Array(h[16..<20]) + [0x2D] + Array(h[20..<32])
    }
}
