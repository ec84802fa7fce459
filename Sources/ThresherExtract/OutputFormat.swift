import ThresherJSON

/// A training-data layout an example can be written in (SPEC §6).
public enum OutputFormat: String, Sendable, CaseIterable {
    case openai

    /// Writes one example as one JSON line (with its trailing `\n`).
    public func write(_ example: Example, id: String, to writer: inout JSONWriter) {
        switch self {
        case .openai: OpenAIFormat.write(example, id: id, to: &writer)
        }
        writer.bytes.append(0x0A)
    }
}

/// OpenAI chat fine-tuning form: `{"id","messages","metadata"}`, arguments
/// as a JSON string, `tool_calls` only where there are calls.
enum OpenAIFormat {
    static func write(_ example: Example, id: String, to w: inout JSONWriter) {
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
                        w.string(json: call.arguments)
                        w.endObject()
                        w.endObject()
                    }
                    w.endArray()
                }
                if let reasoning {
                    w.key("reasoning")
                    w.text(reasoning)
                }
            case .tool(let callID, _, _, let content, _):
                w.key("role")
                w.string("tool")
                w.key("tool_call_id")
                w.string(callID)
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
