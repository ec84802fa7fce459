import ThresherJSON

/// The lossless record of an example kept beside the shards
/// (`OUT/state/model/`), so `thresh export` can write any format later
/// without the archive. No training format holds everything (call ids,
/// positions, `is_error`, texts next to calls), so this one does.
public enum ExampleRecord {
    public static func encode(_ example: Example, id: String) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("messages")
        w.beginArray()
        for message in example.messages {
            w.beginObject()
            switch message {
            case .user(let text):
                w.key("role"); w.string("user")
                w.key("content"); w.text(text)
            case .assistant(let text, let calls, let reasoning):
                w.key("role"); w.string("assistant")
                w.key("content")
                if let text { w.text(text) } else { w.null() }
                if let reasoning { w.key("reasoning"); w.text(reasoning) }
                w.key("tool_calls")
                w.beginArray()
                for call in calls {
                    w.beginObject()
                    w.key("id"); w.string(call.id)
                    w.key("name"); w.string(call.name)
                    w.key("arguments"); w.raw(call.arguments)
                    w.endObject()
                }
                w.endArray()
            case .tool(let callID, let name, let position, let content, let isError):
                w.key("role"); w.string("tool")
                w.key("tool_call_id"); w.string(callID)
                w.key("name"); w.string(name)
                w.key("position"); w.int(position)
                w.key("content"); w.text(content)
                w.key("is_error"); w.bool(isError)
            }
            w.endObject()
        }
        w.endArray()
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
        w.bytes.append(0x0A)
        return w.bytes
    }

    public struct DecodeError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "not an example record: \(reason)" }
    }

    /// Reads a record back: its id and the example.
    public static func decode(_ line: [UInt8]) throws -> (id: String, example: Example) {
        try line.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                throw DecodeError(reason: "\(error)")
            }
            let reader = Reader(tape: tape, bytes: buffer)
            let root = tape.root
            guard tape[root].kind == .object, let messages = reader.member(root, "messages"), tape[messages].kind == .array,
                  let metadata = reader.member(root, "metadata") else { throw DecodeError(reason: "missing messages or metadata") }
            var out: [ExampleMessage] = []
            for message in tape.elements(of: messages) {
                switch try reader.string(message, "role") {
                case "user":
                    out.append(.user(text: try reader.text(message, "content")))
                case "assistant":
                    let content = reader.member(message, "content")
                    let text = content.flatMap { tape[$0].kind == .string ? tape.text($0, in: buffer) : nil }
                    let reasoning = reader.member(message, "reasoning").map { tape.text($0, in: buffer) }
                    var calls: [ToolCall] = []
                    if let list = reader.member(message, "tool_calls") {
                        for call in tape.elements(of: list) {
                            guard let arguments = reader.member(call, "arguments") else { throw DecodeError(reason: "call without arguments") }
                            var canonical: [UInt8] = []
                            tape.writeCanonical(arguments, in: buffer, to: &canonical)
                            calls.append(ToolCall(id: try reader.string(call, "id"), name: try reader.string(call, "name"), arguments: canonical))
                        }
                    }
                    out.append(.assistant(text: text, calls: calls, reasoning: reasoning))
                case "tool":
                    guard let position = reader.member(message, "position").flatMap({ Int(tape.canonicalString($0, in: buffer)) }) else {
                        throw DecodeError(reason: "tool message without position")
                    }
                    out.append(.tool(
                        callID: try reader.string(message, "tool_call_id"), name: try reader.string(message, "name"),
                        position: position, content: try reader.text(message, "content"),
                        isError: reader.member(message, "is_error").map { tape[$0].kind == .true } ?? false))
                default:
                    throw DecodeError(reason: "unknown role")
                }
            }
            return (try reader.string(root, "id"), Example(messages: out, metadata: try reader.metadata(metadata)))
        }
    }

    private struct Reader {
        let tape: JSONTape
        let bytes: UnsafeBufferPointer<UInt8>

        func member(_ object: Int, _ key: StaticString) -> Int? { tape.member(of: object, key, in: bytes) }

        func optionalString(_ object: Int, _ key: StaticString) -> String? {
            guard let index = member(object, key), tape[index].kind == .string else { return nil }
            return tape.decodeString(index, in: bytes)
        }

        func string(_ object: Int, _ key: StaticString) throws -> String {
            guard let value = optionalString(object, key) else { throw DecodeError(reason: "missing \(key)") }
            return value
        }

        func text(_ object: Int, _ key: StaticString) throws -> JSONText {
            guard let index = member(object, key), tape[index].kind == .string else { throw DecodeError(reason: "missing \(key)") }
            return tape.text(index, in: bytes)
        }

        func int(_ object: Int, _ key: StaticString) throws -> Int {
            guard let index = member(object, key), let value = Int(tape.canonicalString(index, in: bytes)) else {
                throw DecodeError(reason: "missing \(key)")
            }
            return value
        }

        func strings(_ object: Int, _ key: StaticString) -> [String] {
            guard let index = member(object, key), tape[index].kind == .array else { return [] }
            return tape.elements(of: index).map { tape.decodeString($0, in: bytes) }
        }

        func metadata(_ m: Int) throws -> ExampleMetadata {
            ExampleMetadata(
                file: try string(m, "file"), sessionID: optionalString(m, "session_id"), agentID: optionalString(m, "agent_id"),
                sidechain: member(m, "sidechain").map { tape[$0].kind == .true } ?? false, cwd: optionalString(m, "cwd"),
                gitBranch: optionalString(m, "git_branch"), clientVersion: optionalString(m, "client_version"),
                model: optionalString(m, "model"), startedAt: optionalString(m, "started_at"), endedAt: optionalString(m, "ended_at"),
                lineStart: try int(m, "line_start"), lineEnd: try int(m, "line_end"), tools: strings(m, "tools"),
                mcpServers: strings(m, "mcp_servers"), numToolCalls: try int(m, "num_tool_calls"),
                numToolErrors: try int(m, "num_tool_errors"))
        }
    }
}
