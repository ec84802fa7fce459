import Synchronization

/// Pre-escaped JSON string bodies the generator picks from, so writing a
/// line is a few memcpys. Thousands of bodies, each generated on its own
/// (source code, logs, JSON, shell output, prose with markdown and
/// unicode) from a vocabulary of thousands of words drawn Zipf-like, so
/// tool results compress like real ones (4-8x with zstd -3), not like a
/// small repeated pool (32x).
struct TextPool: Sendable {
    /// Escaped bodies (no surrounding quotes), each valid inside a JSON string.
    let code: [[UInt8]]
    let prose: [[UInt8]]
    let base64: [UInt8]

    /// Bodies per kind: ~9 MB in all, several zstd windows, so a shard
    /// rarely meets the same body twice within one.
    static let codeBodies = 2048
    static let proseBodies = 1024

    init(seed: UInt64) {
        var maker = TextMaker(seed: seed ^ 0x7E57_7E57)
        code = (0..<Self.codeBodies).map { index in maker.codeBody(unicodeEscapes: index % 5 == 0) }
        prose = (0..<Self.proseBodies).map { index in maker.proseBody(unicodeEscapes: index % 4 == 0) }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        base64 = (0..<(4 << 20)).map { _ in alphabet[maker.random.below(64)] }
    }

    /// One pool per seed, built once per process (tests make many archives).
    static func shared(seed: UInt64) -> TextPool {
        if let pool = cache.withLock({ $0[seed] }) { return pool }
        let pool = TextPool(seed: seed)
        cache.withLock { $0[seed] = pool }
        return pool
    }

    private static let cache = Mutex<[UInt64: TextPool]>([:])
}
