/// A message or tool-call id, compared exactly. Ids are about 30 bytes
/// (`msg_01…`, `toolu_01…`) and every assistant and tool-result record
/// carries one or two, so up to 32 bytes are kept inline (no allocation per
/// id; hashing four words); longer ones as their text. Built from the
/// decoded text, so two ids are equal exactly when their texts are.
public enum ShortID: Hashable, Sendable {
    case inline(UInt64, UInt64, UInt64, UInt64, count: UInt8)
    case text(String)

    /// `bytes`: the decoded id, valid UTF-8.
    init(decoded bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= 32 else {
            self = .text(String(decoding: bytes, as: UTF8.self))
            return
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(bytes))
        }
        self = .inline(words.0, words.1, words.2, words.3, count: UInt8(bytes.count))
    }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { ShortID(decoded: $0) }
    }

    /// The id as text (for output).
    public var string: String {
        switch self {
        case .text(let text):
            return text
        case .inline(let a, let b, let c, let d, let count):
            var words = (a, b, c, d)
            return withUnsafeBytes(of: &words) { raw in
                String(decoding: raw.prefix(Int(count)), as: UTF8.self)
            }
        }
    }
}
