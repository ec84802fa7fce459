import ThresherExtract
import ThresherJSON

/// ChatML text (`<|im_start|>role\n…<|im_end|>\n`), calls as
/// `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`, results as a
/// user turn of `<tool_response>\n…\n</tool_response>` blocks (consecutive
/// results share one turn, as Qwen-style templates render them).
enum ChatMLFormat {
    static func write(_ example: Example, id: String, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("text")
        w.text(render(example, roleMarkers: true))
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
    }

    /// The turn as ChatML; without role markers, the assistant side only
    /// (calls, results and answers), blocks separated by newlines.
    static func render(_ example: Example, roleMarkers: Bool) -> JSONText {
        var out = EscapedText()
        var inResults = false
        var first = true
        func separate() {
            if !first && !roleMarkers { out.literal("\n") }
            first = false
        }
        func closeResults() {
            if inResults && roleMarkers { out.literal("<|im_end|>\n") }
            inResults = false
        }
        for message in example.messages {
            switch message {
            case .user(let text):
                guard roleMarkers else { continue }
                closeResults()
                out.literal("<|im_start|>user\n")
                out.text(text)
                out.literal("<|im_end|>\n")
            case .assistant(let text, let calls, _):
                closeResults()
                separate()
                if roleMarkers { out.literal("<|im_start|>assistant\n") }
                if let text { out.text(text) }
                for (index, call) in calls.enumerated() {
                    if text != nil || index > 0 { out.literal("\n") }
                    out.literal("<tool_call>\n")
                    out.json(Snippet.call(call, spaced: true))
                    out.literal("\n</tool_call>")
                }
                if roleMarkers { out.literal("<|im_end|>\n") }
            case .tool(_, _, _, let content, _):
                if inResults {
                    out.literal("\n")
                } else {
                    separate()
                    if roleMarkers { out.literal("<|im_start|>user\n") }
                    inResults = true
                }
                out.literal("<tool_response>\n")
                out.text(content)
                out.literal("\n</tool_response>")
            }
        }
        closeResults()
        return out.jsonText
    }

    /// SPEC §6: one string `text`.
    static func problems(_ line: ShardLine) -> [String] {
        line.string(line.member(line.root, "text")) == nil ? ["no text"] : []
    }
}
