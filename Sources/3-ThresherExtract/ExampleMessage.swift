import ThresherJSON

/// Texts are `JSONText`: already in the escaped form every format writes.
public enum ExampleMessage: Sendable, Equatable {
    case user(text: JSONText)
    /// `text` is nil when the message has calls only.
    case assistant(text: JSONText?, calls: [ToolCall], reasoning: JSONText?)
    /// `position` is the answered call's position in the turn (first call = 0).
    case tool(callID: String, name: String, position: Int, content: JSONText, isError: Bool)
}
