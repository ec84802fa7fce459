import ThresherExtract
import ThresherJSON

/// Views of an example's messages that several formats share.
extension Example {
    /// The prompt (the first message).
    var prompt: JSONText {
        guard case .user(let text)? = messages.first else { return JSONText(escaped: []) }
        return text
    }

    /// The final assistant message's text (a complete turn ends with one).
    var finalAnswer: JSONText {
        for case .assistant(let text?, _, _) in messages.reversed() { return text }
        return JSONText(escaped: [])
    }

    /// Every call with its position, result and error flag, in position order.
    var callsWithResults: [(call: ToolCall, result: JSONText, isError: Bool)] {
        var results: [Int: (JSONText, Bool)] = [:]
        for case .tool(_, _, let position, let content, let isError) in messages { results[position] = (content, isError) }
        var out: [(call: ToolCall, result: JSONText, isError: Bool)] = []
        for case .assistant(_, let calls, _) in messages {
            for call in calls {
                let result = results[out.count] ?? (JSONText(escaped: []), false)
                out.append((call, result.0, result.1))
            }
        }
        return out
    }
}
