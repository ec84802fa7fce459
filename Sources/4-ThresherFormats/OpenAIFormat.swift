import ThresherExtract
import ThresherJSON

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
                if !calls.isEmpty { writeCalls(calls, argumentsAsValues: argumentsAsValues, to: &w) }
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

    /// `"tool_calls": [{"id","type":"function","function":{"name","arguments"}}]`.
    private static func writeCalls(_ calls: [ToolCall], argumentsAsValues: Bool, to w: inout JSONWriter) {
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

    /// OpenAI: function names of at most 64 characters of [A-Za-z0-9_-].
    static func isValidFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
    }

    /// SPEC §6: a `messages` array starting with the user; assistant calls
    /// well formed, ids unique in the example; every tool message answers an
    /// earlier call. With `argumentsAsString` (OpenAI) arguments are a JSON
    /// string that parses and names follow OpenAI's rule.
    static func problems(_ line: ShardLine, argumentsAsString: Bool) -> [String] {
        guard let messages = line.member(line.root, "messages"), line.kind(messages) == .array else { return ["no messages array"] }
        var problems: [String] = []
        var calls = OpenCalls()
        for (position, message) in line.elements(messages).enumerated() {
            let at = "message \(position)"
            guard line.kind(message) == .object, let role = line.string(line.member(message, "role")) else {
                problems.append("\(at): no role")
                continue
            }
            if position == 0 && role != "user" { problems.append("\(at): the first message is \(role), not user") }
            switch role {
            case "user":
                if line.kind(line.member(message, "content")) != .string { problems.append("\(at): user content is not a string") }
            case "assistant":
                let content = line.kind(line.member(message, "content"))
                if content != .string && content != .null { problems.append("\(at): assistant content is neither a string nor null") }
                problems += callProblems(line, message, at: at, argumentsAsString: argumentsAsString, calls: &calls)
            case "tool":
                problems += resultProblems(line, message, at: at, calls: &calls)
            default:
                problems.append("\(at): unknown role \(role)")
            }
        }
        return problems
    }

    /// Call ids seen so far in one example, and those not yet answered.
    struct OpenCalls {
        var seen = Set<String>()
        var unanswered: [String: Int] = [:]
    }

    private static func callProblems(_ line: ShardLine, _ message: Int, at: String, argumentsAsString: Bool,
                                     calls: inout OpenCalls) -> [String] {
        guard let list = line.member(message, "tool_calls") else { return [] }
        guard line.kind(list) == .array else { return ["\(at): tool_calls is not an array"] }
        var problems: [String] = []
        for call in line.elements(list) {
            guard line.kind(call) == .object, let id = line.string(line.member(call, "id")),
                  let function = line.member(call, "function"), line.kind(function) == .object,
                  let name = line.string(line.member(function, "name")),
                  let arguments = line.member(function, "arguments") else {
                problems.append("\(at): a tool call lacks id, function, name or arguments")
                continue
            }
            if line.string(line.member(call, "type")) != "function" { problems.append("\(at): tool call type is not \"function\"") }
            if argumentsAsString {
                if !isValidFunctionName(name) {
                    problems.append("\(at): function name \(name) is not 1-64 characters of [A-Za-z0-9_-] (OpenAI rejects it)")
                }
                problems += argumentProblems(line, arguments, at: at)
            }
            // SPEC §6: call ids are unique within an example.
            if !calls.seen.insert(id).inserted { problems.append("\(at): call id \(id) repeats an earlier call's") }
            calls.unanswered[id, default: 0] += 1
        }
        return problems
    }

    private static func argumentProblems(_ line: ShardLine, _ arguments: Int, at: String) -> [String] {
        guard line.kind(arguments) == .string else { return ["\(at): arguments is not a JSON string"] }
        let text = line.tape.decodedBytes(arguments, in: line.buffer)
        var inner = JSONTape()
        let parses = text.withUnsafeBufferPointer { (try? JSONParser.parse($0, into: &inner)) != nil }
        return parses ? [] : ["\(at): arguments do not parse as JSON"]
    }

    private static func resultProblems(_ line: ShardLine, _ message: Int, at: String, calls: inout OpenCalls) -> [String] {
        guard let id = line.string(line.member(message, "tool_call_id")) else { return ["\(at): tool message without tool_call_id"] }
        var problems: [String] = []
        if calls.unanswered[id, default: 0] > 0 {
            calls.unanswered[id]! -= 1
        } else {
            problems.append("\(at): tool_call_id \(id) answers no earlier call")
        }
        if line.kind(line.member(message, "content")) != .string { problems.append("\(at): tool content is not a string") }
        return problems
    }
}
