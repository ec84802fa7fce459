/// One call of a tool, as every format writes it.
public struct ToolCall: Sendable, Equatable {
    /// The `tool_use` id as written (empty when absent).
    public var id: String
    public var name: String
    /// Canonical JSON text of the call's `input` (SPEC §5), UTF-8.
    public var arguments: [UInt8]

    public init(id: String, name: String, arguments: [UInt8]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
