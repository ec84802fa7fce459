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

/// Builds the escaped body of one JSON string from pieces: literal text,
/// texts already escaped, and JSON snippets (escaped as they go in).
struct EscapedText {
    var bytes: [UInt8] = []

    mutating func literal(_ text: StaticString) {
        JSONWriter.appendEscaped(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), to: &bytes)
    }

    mutating func text(_ text: JSONText) { bytes += text.escaped }

    /// Raw JSON (or any UTF-8 bytes) placed inside the string.
    mutating func json(_ json: [UInt8]) {
        json.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, to: &bytes) }
    }

    var jsonText: JSONText { JSONText(escaped: bytes) }
}

/// Small JSON snippets the formats put inside strings.
enum Snippet {
    /// `{"name": NAME, "arguments": ARGS}` as Qwen-style chat templates write
    /// it (`spaced`), or compact `{"name":NAME,"arguments":ARGS}`.
    static func call(_ call: ToolCall, spaced: Bool) -> [UInt8] {
        var out = Array((spaced ? #"{"name": "# : #"{"name":"#).utf8)
        JSONWriter.appendQuoted(call.name, to: &out)
        out += Array((spaced ? #", "arguments": "# : #","arguments":"#).utf8)
        out += call.arguments
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `[a,b,…]` from JSON values.
    static func list(_ items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += item
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A text as a JSON string value.
    static func quoted(_ text: JSONText) -> [UInt8] { [0x22] + text.escaped + [0x22] }
}
