import ThresherExtract
import ThresherJSON

/// Thresher's flat review form: the prompt, the calls in position order with
/// arguments as JSON values and their results, and the final answer.
enum UnifiedFormat {
    static func write(_ example: Example, id: String, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("source")
        w.string("claude-code")
        w.key("user_message")
        w.text(example.prompt)
        w.key("tool_calls")
        w.beginArray()
        for (call, result, isError) in example.callsWithResults {
            w.beginObject()
            w.key("tool")
            w.string(call.name)
            w.key("arguments")
            w.raw(call.arguments)
            w.key("result")
            w.text(result)
            w.key("is_error")
            w.bool(isError)
            w.endObject()
        }
        w.endArray()
        w.key("response_text")
        w.text(example.finalAnswer)
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
    }

    /// SPEC §6: a `tool_calls` array and a string `response_text`.
    static func problems(_ line: ShardLine) -> [String] {
        var problems: [String] = []
        if line.kind(line.member(line.root, "tool_calls")) != .array { problems.append("no tool_calls array") }
        if line.string(line.member(line.root, "response_text")) == nil { problems.append("no response_text") }
        return problems
    }
}
