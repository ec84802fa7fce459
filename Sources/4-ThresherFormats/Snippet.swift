import ThresherExtract
import ThresherJSON

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
