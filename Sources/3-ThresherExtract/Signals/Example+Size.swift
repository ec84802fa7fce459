extension Example {
    /// SPEC §10's `bytes`: the prompt, each assistant message's text, each
    /// call's name and canonical arguments, and each result's content, in
    /// UTF-8 bytes (reasoning is not counted).
    public var contentBytes: Int {
        var total = 0
        for message in messages {
            switch message {
            case .user(let text):
                total += text.rawCount
            case .assistant(let text, let calls, _):
                total += text?.rawCount ?? 0
                for call in calls { total += call.name.utf8.count + call.arguments.count }
            case .tool(_, _, _, let content, _):
                total += content.rawCount
            }
        }
        return total
    }
}
