/// One value of a parsed document, stored flat on a `JSONTape`.
///
/// Offsets are relative to the parsed buffer. For a string, `start..<end` is
/// its body between the quotes; for every other kind it is the value's whole
/// text. `next` is the tape index just past this value's subtree, so skipping
/// a value (and all it contains) is one load.
public struct JSONNode: Sendable {
    public var kind: JSONKind
    /// String flags: `JSONNode.escaped`, `nonASCII`, `nonMinimalEscape`.
    public var flags: UInt8
    public var start: UInt32
    public var end: UInt32
    public var next: UInt32

    /// The string body holds at least one backslash escape.
    public static let escaped: UInt8 = 1
    /// The string body holds at least one byte >= 0x80 (UTF-8 to validate).
    public static let nonASCII: UInt8 = 2
    /// The string body holds a `\u` or `\/` escape (set with `escaped`):
    /// the only escapes minimal JSON text writes differently. Without one,
    /// a body that is valid UTF-8 is already in minimal form.
    public static let nonMinimalEscape: UInt8 = 4
}
