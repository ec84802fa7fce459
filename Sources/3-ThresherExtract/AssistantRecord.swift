public struct AssistantRecord: Sendable {
    public var messageID: ShortID?
    public var model: ByteSpan?
    /// The record's blocks, in `UnitSummary.assistantBlocks`.
    public var blocks: Range<Int32>
}
