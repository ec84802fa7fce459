public enum AssistantBlock: Sendable {
    /// A text block that is not empty or all whitespace.
    case text(ByteSpan)
    /// `input` is nil when absent (arguments `{}`).
    case toolUse(id: ShortID?, name: String, input: ByteSpan?)
    /// Only collected with `--keep-thinking`.
    case thinking(ByteSpan)
}
