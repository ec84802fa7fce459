import ThresherExtract
import ThresherJSON

/// A training-data layout an example can be written in (SPEC §6). Every
/// format is written from the same `Example`; none reads the archive.
public enum OutputFormat: String, Sendable, CaseIterable {
    case openai, messages, sharegpt, chatml, alpaca, unified, csv

    /// The shard file extension before any compression suffix.
    public var fileExtension: String { self == .csv ? "csv" : "jsonl" }

    /// Fields per CSV record.
    public static var csvColumnCount: Int { CSVFormat.columns.count }

    /// A line every shard starts with (the CSV header), if any.
    public var shardHeader: [UInt8]? { self == .csv ? CSVFormat.header : nil }

    /// Writes one example as one line (newline included). Returns false, and
    /// writes nothing, when the format cannot hold this turn (a ShareGPT
    /// conversation that cannot alternate strictly).
    public func write(_ example: Example, id: String, to writer: inout JSONWriter) -> Bool {
        switch self {
        case .openai: OpenAIFormat.write(example, id: id, argumentsAsValues: false, to: &writer)
        case .messages: OpenAIFormat.write(example, id: id, argumentsAsValues: true, to: &writer)
        case .sharegpt:
            guard ShareGPTFormat.write(example, id: id, to: &writer) else { return false }
        case .chatml: ChatMLFormat.write(example, id: id, to: &writer)
        case .alpaca: AlpacaFormat.write(example, id: id, to: &writer)
        case .unified: UnifiedFormat.write(example, id: id, to: &writer)
        case .csv:
            CSVFormat.write(example, id: id, to: &writer)
            return true
        }
        writer.newline()
        return true
    }
}

/// OpenAI chat fine-tuning form: `{"id","messages","metadata"}`, arguments
/// as a JSON string, `tool_calls` only where there are calls. With
/// `argumentsAsValues` it is the TRL / Axolotl `messages` form instead:
/// arguments as JSON values and tool messages carrying `name`.
enum OpenAIFormat {
    static func write(_ example: Example, id: String, argumentsAsValues: Bool, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("messages")
        w.beginArray()
        for message in example.messages {
            w.beginObject()
            switch message {
            case .user(let text):
                w.key("role")
                w.string("user")
                w.key("content")
                w.text(text)
            case .assistant(let text, let calls, let reasoning):
                w.key("role")
                w.string("assistant")
                w.key("content")
                if let text { w.text(text) } else { w.null() }
                if !calls.isEmpty {
                    w.key("tool_calls")
                    w.beginArray()
                    for call in calls {
                        w.beginObject()
                        w.key("id")
                        w.string(call.id)
                        w.key("type")
                        w.string("function")
                        w.key("function")
                        w.beginObject()
                        w.key("name")
                        w.string(call.name)
                        w.key("arguments")
                        if argumentsAsValues { w.raw(call.arguments) } else { w.string(json: call.arguments) }
                        w.endObject()
                        w.endObject()
                    }
                    w.endArray()
                }
                if let reasoning {
                    w.key("reasoning")
                    w.text(reasoning)
                }
            case .tool(let callID, let name, _, let content, _):
                w.key("role")
                w.string("tool")
                w.key("tool_call_id")
                w.string(callID)
                if argumentsAsValues {
                    w.key("name")
                    w.string(name)
                }
                w.key("content")
                w.text(content)
            }
            w.endObject()
        }
        w.endArray()
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
    }
}

/// The `metadata` object, identical in every format (keys absent when unknown).
enum MetadataWriter {
    static func write(_ m: ExampleMetadata, to w: inout JSONWriter) {
        w.beginObject()
        w.key("source")
        w.string("claude-code")
        w.key("file")
        w.string(m.file)
        optional(&w, "session_id", m.sessionID)
        optional(&w, "agent_id", m.agentID)
        w.key("sidechain")
        w.bool(m.sidechain)
        optional(&w, "cwd", m.cwd)
        optional(&w, "git_branch", m.gitBranch)
        optional(&w, "client_version", m.clientVersion)
        optional(&w, "model", m.model)
        optional(&w, "started_at", m.startedAt)
        optional(&w, "ended_at", m.endedAt)
        w.key("line_start")
        w.int(m.lineStart)
        w.key("line_end")
        w.int(m.lineEnd)
        w.key("tools")
        stringArray(&w, m.tools)
        w.key("mcp_servers")
        stringArray(&w, m.mcpServers)
        w.key("num_tool_calls")
        w.int(m.numToolCalls)
        w.key("num_tool_errors")
        w.int(m.numToolErrors)
        w.key("bytes")
        w.int(m.bytes)
        optional(&w, "feedback", m.feedback?.rawValue)
        if let redactions = m.redactions {
            w.key("redactions")
            w.int(redactions)
        }
        optional(&w, "split", m.split?.rawValue)
        w.endObject()
    }

    private static func optional(_ w: inout JSONWriter, _ key: StaticString, _ value: String?) {
        guard let value else { return }
        w.key(key)
        w.string(value)
    }

    private static func stringArray(_ w: inout JSONWriter, _ values: [String]) {
        w.beginArray()
        for value in values { w.string(value) }
        w.endArray()
    }
}
