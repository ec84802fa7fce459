import ThresherExtract
import ThresherJSON

/// LLaMA-Factory's ShareGPT form: `{"id","conversations":[{from,value}],"metadata"}`
/// with `human`, `function_call`, `observation`, `gpt` strictly alternating.
enum ShareGPTFormat {
    /// The conversation, or nil when the turn cannot alternate strictly
    /// (for example a text-only assistant message followed by one with calls).
    static func conversation(_ example: Example) -> [(from: StaticString, value: JSONText)]? {
        var out: [(from: StaticString, value: JSONText)] = [("human", example.prompt)]
        var answer: [JSONText] = []
        var position = 0
        var index = 1
        let messages = example.messages
        while index < messages.count {
            switch messages[index] {
            case .assistant(let text, let calls, _) where calls.isEmpty:
                // Consecutive text-only messages make the final answer.
                if let text { answer.append(text) }
                index += 1
            case .assistant(_, let calls, _):
                // Text next to calls is dropped in this format.
                guard answer.isEmpty else { return nil }
                let positions = position..<position + calls.count
                position += calls.count
                var call = EscapedText()
                call.json(calls.count == 1 ? Snippet.call(calls[0], spaced: false) : Snippet.list(calls.map { Snippet.call($0, spaced: false) }))
                out.append(("function_call", call.jsonText))
                // The results of exactly these calls must follow.
                var results: [Int: JSONText] = [:]
                index += 1
                while index < messages.count, case .tool(_, _, let p, let content, _) = messages[index], positions.contains(p) {
                    results[p] = content
                    index += 1
                }
                guard results.count == calls.count else { return nil }
                if calls.count == 1 {
                    out.append(("observation", results[positions.lowerBound]!))
                } else {
                    var list = EscapedText()
                    list.json(Snippet.list(positions.map { Snippet.quoted(results[$0]!) }))
                    out.append(("observation", list.jsonText))
                }
            case .tool, .user:
                return nil
            }
        }
        guard !answer.isEmpty else { return nil }
        out.append(("gpt", JSONText.joined(answer, separator: "\n\n")))
        return out
    }

    static func write(_ example: Example, id: String, to w: inout JSONWriter) -> Bool {
        guard let conversation = conversation(example) else { return false }
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("conversations")
        w.beginArray()
        for (from, value) in conversation {
            w.beginObject()
            w.key("from")
            w.string(from.description)
            w.key("value")
            w.text(value)
            w.endObject()
        }
        w.endArray()
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
        return true
    }

    /// SPEC §6: `human, (function_call observation)*, gpt`, every turn a
    /// `from` and a string `value`.
    static func problems(_ line: ShardLine) -> [String] {
        guard let turns = line.member(line.root, "conversations"), line.kind(turns) == .array else { return ["no conversations array"] }
        let froms: [String] = line.elements(turns).map { turn in
            guard line.kind(turn) == .object, let from = line.string(line.member(turn, "from")),
                  line.string(line.member(turn, "value")) != nil else { return "?" }
            return from
        }
        let alternates = froms.count >= 2 && froms.count % 2 == 0 && froms.first == "human" && froms.last == "gpt"
            && stride(from: 1, to: froms.count - 1, by: 2).allSatisfy { froms[$0] == "function_call" && froms[$0 + 1] == "observation" }
        return alternates ? [] : ["conversation does not alternate strictly: \(froms.joined(separator: ","))"]
    }
}
