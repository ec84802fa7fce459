/// What is known about where an example came from (SPEC §6); nil = unknown.
public struct ExampleMetadata: Sendable, Equatable {
    public var file: String
    public var sessionID: String?
    public var agentID: String?
    public var sidechain: Bool
    public var cwd: String?
    public var gitBranch: String?
    public var clientVersion: String?
    public var model: String?
    public var startedAt: String?
    public var endedAt: String?
    public var lineStart: Int
    public var lineEnd: Int
    public var tools: [String]
    public var mcpServers: [String]
    public var numToolCalls: Int
    public var numToolErrors: Int
    /// UTF-8 bytes of the content after redaction (SPEC §10; see `Example.contentBytes`).
    public var bytes = 0
    /// From the prompt that closed the turn; nil when none did.
    public var feedback: Feedback?
    /// Replacements made by redaction; nil when redaction is off.
    public var redactions: Int?
    /// The example's part with `--split`; nil without.
    public var split: SplitName?

    /// The fields every example has; the signals are set after assembly.
    public init(
        file: String, sessionID: String? = nil, agentID: String? = nil, sidechain: Bool, cwd: String? = nil,
        gitBranch: String? = nil, clientVersion: String? = nil, model: String? = nil, startedAt: String? = nil,
        endedAt: String? = nil, lineStart: Int, lineEnd: Int,
        tools: [String], mcpServers: [String], numToolCalls: Int, numToolErrors: Int
    ) {
        self.file = file
        self.sessionID = sessionID
        self.agentID = agentID
        self.sidechain = sidechain
        self.cwd = cwd
        self.gitBranch = gitBranch
        self.clientVersion = clientVersion
        self.model = model
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.tools = tools
        self.mcpServers = mcpServers
        self.numToolCalls = numToolCalls
        self.numToolErrors = numToolErrors
    }
}
