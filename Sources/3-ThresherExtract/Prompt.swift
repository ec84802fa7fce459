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
