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

/// A user prompt (slash-command prompts included) with its record's metadata.
public struct Prompt: Sendable {
    /// The prompt's text: a span when it is one string of the record as it
    /// stands (decoded only if its turn is emitted), decoded when SPEC's
    /// rules rebuilt it (slash commands, joined pieces).
    public enum Text: Sendable {
        case span(ByteSpan)
        case decoded(String)
    }

    public var text: Text
    public var sessionID: ByteSpan?
    public var agentID: ByteSpan?
    public var cwd: ByteSpan?
    public var gitBranch: ByteSpan?
    public var version: ByteSpan?
}

public struct ToolResultBlock: Sendable {
    public var toolUseID: ShortID?
    /// The `content` value, or the string of its one text block when it is
    /// a one-item array of one (the same text, SPEC §4); nil when absent.
    public var content: ByteSpan?
    public var isError: Bool
}

public struct AssistantRecord: Sendable {
    public var messageID: ShortID?
    public var model: ByteSpan?
    /// The record's blocks, in `UnitSummary.assistantBlocks`.
    public var blocks: Range<Int32>
}

public enum AssistantBlock: Sendable {
    /// A text block that is not empty or all whitespace.
    case text(ByteSpan)
    /// `input` is nil when absent (arguments `{}`).
    case toolUse(id: ShortID?, name: String, input: ByteSpan?)
    /// Only collected with `--keep-thinking`.
    case thinking(ByteSpan)
}
