import ThresherJSON

/// Where a JSON value lies in a transcript file: its full text (a string's
/// quotes included), so it can be decoded when kept. For a string the
/// parser's flags come along, so phase 2 can transcode it without parsing.
public struct ByteSpan: Sendable, Equatable {
    public var offset: Int64
    public var length: Int
    public var kind: JSONKind
    /// `JSONNode` string flags (escaped, non-ASCII); 0 for other kinds.
    public var flags: UInt8

    public init(offset: Int64, length: Int, kind: JSONKind, flags: UInt8 = 0) {
        self.offset = offset
        self.length = length
        self.kind = kind
        self.flags = flags
    }
}
