import CZlib
import CZstd

/// How shard bytes are compressed.
public enum Compression: String, Sendable, CaseIterable {
    case zstd, gzip, none

    /// The suffix after the format's own extension.
    public var fileSuffix: String {
        switch self {
        case .zstd: return ".zst"
        case .gzip: return ".gz"
        case .none: return ""
        }
    }

    public var defaultLevel: Int {
        switch self {
        case .zstd: return 3
        case .gzip: return 6
        case .none: return 0
        }
    }

    public var levels: ClosedRange<Int> {
        switch self {
        case .zstd: return 1...19
        case .gzip: return 1...9
        case .none: return 0...0
        }
    }
}
