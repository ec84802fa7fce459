import ThresherExtract
import ThresherJSON

/// Alpaca: `{"id","instruction","input":"","output","metadata"}`; the output
/// is the assistant side rendered as in ChatML without role markers.
enum AlpacaFormat {
    static func write(_ example: Example, id: String, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("instruction")
        w.text(example.prompt)
        w.key("input")
        w.string("")
        w.key("output")
        w.text(ChatMLFormat.render(example, roleMarkers: false))
        w.key("metadata")
        MetadataWriter.write(example.metadata, to: &w)
        w.endObject()
    }

    /// SPEC §6: string `instruction`, `input` and `output`.
    static func problems(_ line: ShardLine) -> [String] {
        var problems: [String] = []
        if line.string(line.member(line.root, "instruction")) == nil { problems.append("no instruction") }
        if line.string(line.member(line.root, "input")) == nil { problems.append("no input") }
        if line.string(line.member(line.root, "output")) == nil { problems.append("no output") }
        return problems
    }
}
