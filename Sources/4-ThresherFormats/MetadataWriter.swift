import ThresherExtract
import ThresherJSON

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
        w.strings(m.tools)
        w.key("mcp_servers")
        w.strings(m.mcpServers)
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
}
