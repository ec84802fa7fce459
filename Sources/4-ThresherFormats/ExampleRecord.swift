import ThresherExtract
import ThresherJSON

/// The lossless record of an example kept beside the shards
/// (`OUT/state/model/`), so `thresh export` can write any format later
/// without the archive. No training format holds everything (call ids,
/// positions, `is_error`, texts next to calls). Beside `openai` and
/// `messages` shards, which lack only the error flags (and, when call ids
/// repeat, which call a result answers), the record is just that delta;
/// beside the other formats it is the whole example.
public enum ExampleRecord {
    /// The record to keep beside a shard line of `format` (nil: the whole
    /// example, whatever the shards hold).
    public static func encode(_ example: Example, id: String, besides format: OutputFormat?) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        write(example, id: id, besides: format, to: &w)
        return w.bytes
    }

    /// `encode` into a reused writer. `root`: the index of the root the
    /// example's file was found under, kept (as `"root"`, last) when not 0
    /// so that `thresh merge` can order files as one scan does: by root,
    /// then path. No training format carries it.
    public static func write(_ example: Example, id: String, besides format: OutputFormat?, root: Int = 0,
                             to w: inout JSONWriter) {
        if format == .openai || format == .messages {
            writeDelta(example, id: id, root: root, to: &w)
        } else {
            write(example, id: id, root: root, to: &w)
        }
    }

    /// `{"id","errors":[positions],"positions":[…]}`: what an openai or
    /// messages line does not say. `positions` (of the tool messages, in
    /// order) only when call ids repeat.
    public static func encodeDelta(_ example: Example, id: String) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        writeDelta(example, id: id, to: &w)
        return w.bytes
    }

    static func writeDelta(_ example: Example, id: String, root: Int = 0, to w: inout JSONWriter) {
        var errors: [Int] = []
        var positions: [Int] = []
        var callIDs = Set<String>()
        var repeated = false
        for message in example.messages {
            switch message {
            case .assistant(_, let calls, _):
                for call in calls where !callIDs.insert(call.id).inserted { repeated = true }
            case .tool(_, _, let position, _, let isError):
                if isError { errors.append(position) }
                positions.append(position)
            case .user:
                break
            }
        }
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("errors")
        w.beginArray()
        for position in errors { w.int(position) }
        w.endArray()
        if repeated {
            w.key("positions")
            w.beginArray()
            for position in positions { w.int(position) }
            w.endArray()
        }
        if root > 0 { w.key("root"); w.int(root) }
        w.endObject()
        w.newline()
    }

    /// Whether a record is a delta that needs its shard line: both kinds
    /// start `{"id":"<32 hex>",` and then name `errors` or `messages`.
    public static func isDelta(_ record: [UInt8]) -> Bool {
        record.count > 41 && record[41...].starts(with: #""errors""#.utf8)
    }

    public static func encode(_ example: Example, id: String) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        write(example, id: id, to: &w)
        return w.bytes
    }

    static func write(_ example: Example, id: String, root: Int = 0, to w: inout JSONWriter) {
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
        if root > 0 { w.key("root"); w.int(root) }
        w.endObject()
        w.newline()
    }

    public struct DecodeError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "not an example record: \(reason)" }
    }

    /// Parses `line` and hands a reader over it to `body` (must not escape).
    private static func parse<T>(_ line: [UInt8], _ body: (Reader) throws -> T) throws -> T {
        try line.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                throw DecodeError(reason: "\(error)")
            }
            return try body(Reader(tape: tape, bytes: buffer))
        }
    }

    /// Reads a record back: its id and the example.
    public static func decode(_ line: [UInt8]) throws -> (id: String, example: Example) {
        try parse(line) { reader in
            let tape = reader.tape
            let root = tape.root
            guard tape[root].kind == .object, let messages = reader.member(root, "messages"), tape[messages].kind == .array,
                  let metadata = reader.member(root, "metadata") else { throw DecodeError(reason: "missing messages or metadata") }
            var out: [ExampleMessage] = []
            for message in tape.elements(of: messages) {
                switch try reader.string(message, "role") {
                case "user":
                    out.append(.user(text: try reader.text(message, "content")))
                case "assistant":
                    var calls: [ToolCall] = []
                    if let list = reader.member(message, "tool_calls") {
                        for call in tape.elements(of: list) {
                            guard let arguments = reader.member(call, "arguments") else { throw DecodeError(reason: "call without arguments") }
                            calls.append(ToolCall(id: try reader.string(call, "id"), name: try reader.string(call, "name"),
                                                  arguments: reader.arguments(arguments, asJSONString: false)))
                        }
                    }
                    out.append(.assistant(text: reader.optionalText(message, "content"), calls: calls,
                                          reasoning: reader.optionalText(message, "reasoning")))
                case "tool":
                    guard let position = reader.member(message, "position").flatMap({ Int(tape.canonicalString($0, in: reader.bytes)) }) else {
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

    /// An example from its delta record and its shard line: `openai`
    /// (`argumentsAsString`: arguments are JSON text inside a string) or
    /// `messages` (arguments are the JSON value).
    public static func decode(delta: [UInt8], line: [UInt8], argumentsAsString: Bool) throws -> (id: String, example: Example) {
        let (errors, positions) = try parse(delta) { reader -> (Set<Int>, [Int]?) in
            func ints(_ key: StaticString) -> [Int]? {
                guard let list = reader.member(reader.tape.root, key), reader.tape[list].kind == .array else { return nil }
                return reader.tape.elements(of: list).compactMap { Int(reader.tape.canonicalString($0, in: reader.bytes)) }
            }
            return (Set(ints("errors") ?? []), ints("positions"))
        }
        return try parse(line) { reader in
            let tape = reader.tape
            let root = tape.root
            guard tape[root].kind == .object, let messages = reader.member(root, "messages"), tape[messages].kind == .array,
                  let metadata = reader.member(root, "metadata") else { throw DecodeError(reason: "not an openai or messages line") }
            var out: [ExampleMessage] = []
            var calls: [ToolCall] = []
            var answered: [Bool] = []
            var toolIndex = 0
            for message in tape.elements(of: messages) {
                switch try reader.string(message, "role") {
                case "user":
                    out.append(.user(text: try reader.text(message, "content")))
                case "assistant":
                    var mine: [ToolCall] = []
                    if let list = reader.member(message, "tool_calls") {
                        for call in tape.elements(of: list) {
                            guard let function = reader.member(call, "function"), let arguments = reader.member(function, "arguments") else {
                                throw DecodeError(reason: "call without function arguments")
                            }
                            mine.append(ToolCall(id: try reader.string(call, "id"), name: try reader.string(function, "name"),
                                                 arguments: reader.arguments(arguments, asJSONString: argumentsAsString)))
                        }
                    }
                    calls += mine
                    answered += Array(repeating: false, count: mine.count)
                    out.append(.assistant(text: reader.optionalText(message, "content"), calls: mine,
                                          reasoning: reader.optionalText(message, "reasoning")))
                case "tool":
                    let callID = try reader.string(message, "tool_call_id")
                    // SPEC §4 pairing: the first call of that id without a result,
                    // unless the delta says which (ids that repeat).
                    let position: Int
                    if let positions, toolIndex < positions.count {
                        position = positions[toolIndex]
                    } else if let first = calls.indices.first(where: { !answered[$0] && calls[$0].id == callID }) {
                        position = first
                    } else {
                        throw DecodeError(reason: "result \(callID) answers no call")
                    }
                    guard position < calls.count else { throw DecodeError(reason: "bad position \(position)") }
                    answered[position] = true
                    toolIndex += 1
                    out.append(.tool(callID: callID, name: calls[position].name, position: position,
                                     content: try reader.text(message, "content"), isError: errors.contains(position)))
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

        /// A string member as text; nil when absent, null or not a string.
        func optionalText(_ object: Int, _ key: StaticString) -> JSONText? {
            guard let index = member(object, key), tape[index].kind == .string else { return nil }
            return tape.text(index, in: bytes)
        }

        /// Canonical arguments from a value, or from JSON text held in a string.
        func arguments(_ index: Int, asJSONString: Bool) -> [UInt8] {
            if asJSONString && tape[index].kind == .string { return tape.decodedBytes(index, in: bytes) }
            var canonical: [UInt8] = []
            tape.writeCanonical(index, in: bytes, to: &canonical)
            return canonical
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
            var metadata = ExampleMetadata(
                file: try string(m, "file"), sessionID: optionalString(m, "session_id"), agentID: optionalString(m, "agent_id"),
                sidechain: member(m, "sidechain").map { tape[$0].kind == .true } ?? false, cwd: optionalString(m, "cwd"),
                gitBranch: optionalString(m, "git_branch"), clientVersion: optionalString(m, "client_version"),
                model: optionalString(m, "model"), startedAt: optionalString(m, "started_at"), endedAt: optionalString(m, "ended_at"),
                lineStart: try int(m, "line_start"), lineEnd: try int(m, "line_end"), tools: strings(m, "tools"),
                mcpServers: strings(m, "mcp_servers"), numToolCalls: try int(m, "num_tool_calls"),
                numToolErrors: try int(m, "num_tool_errors"))
            metadata.bytes = (try? int(m, "bytes")) ?? 0
            metadata.feedback = optionalString(m, "feedback").flatMap(Feedback.init(rawValue:))
            metadata.redactions = try? int(m, "redactions")
            metadata.split = optionalString(m, "split").flatMap(SplitName.init(rawValue:))
            return metadata
        }
    }
}
