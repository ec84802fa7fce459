/// What phase 1 keeps of one record that has a `uuid`: enough to place it
/// in a stream and play its part in a turn, with large values left as spans.
public struct RecordSummary: Sendable {
    /// 0-based line index within the work unit; phase 2 makes it 1-based per file.
    public var line: Int
    /// File offset of the line's first byte (a resume cursor candidate).
    public var lineOffset: Int64
    public var uuid: RecordID
    public var parentUuid: RecordID?
    public var isSidechain: Bool
    public var timestamp: ByteSpan?
    public var event: RecordEvent
}

/// The part a record plays in turn assembly (SPEC §4).
public enum RecordEvent: Sendable {
    /// Placed in a stream only (progress, system, dropped user records, …).
    case none
    /// An index into `UnitSummary.prompts` (as for assistant records: the
    /// event holds no reference, so records copy and free as plain bytes).
    case prompt(Int32)
    /// `[Request interrupted by user…`: marks the open turn interrupted.
    case interrupt
    /// Shell / local-command output or a task notification: closes the open turn.
    case close
    /// The record's `tool_result` blocks, in `UnitSummary.toolResults`.
    case toolResults(Range<Int32>)
    /// An index into `UnitSummary.assistants`.
    case assistant(Int32)
}
