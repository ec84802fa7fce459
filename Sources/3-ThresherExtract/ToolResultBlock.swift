public struct ToolResultBlock: Sendable {
    public var toolUseID: ShortID?
    /// The `content` value, or the string of its one text block when it is
    /// a one-item array of one (the same text, SPEC §4); nil when absent.
    public var content: ByteSpan?
    public var isError: Bool
}
