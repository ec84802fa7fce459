import ThresherExtract
import ThresherJSON

/// One row per example for review in a spreadsheet, RFC 4180 quoting and
/// CRLF line ends; every shard starts with the header row.
enum CSVFormat {
    static let columns = ["id", "prompt", "tools", "num_tool_calls", "num_tool_errors", "final_answer", "session_id", "file", "started_at", "feedback", "split"]

    static let header: [UInt8] = Array((columns.joined(separator: ",") + "\r\n").utf8)

    static func write<Sink: JSONByteSink & ~Copyable>(_ example: Example, id: String, to out: inout Sink) {
        let m = example.metadata
        let fields = [
            id, example.prompt.string, m.tools.joined(separator: ";"), String(m.numToolCalls), String(m.numToolErrors),
            example.finalAnswer.string, m.sessionID ?? "", m.file, m.startedAt ?? "",
            m.feedback?.rawValue ?? "", m.split?.rawValue ?? "",
        ]
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(byte: UInt8(ascii: ",")) }
            append(field, to: &out)
        }
        out.append(byte: 0x0D)
        out.append(byte: 0x0A)
    }

    /// A field, quoted when it holds a comma, a quote, CR or LF.
    static func append<Sink: JSONByteSink & ~Copyable>(_ field: String, to out: inout Sink) {
        let bytes = Array(field.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            bytes.withUnsafeBufferPointer { out.append(bytes: $0) }
            return
        }
        out.append(byte: 0x22)
        for b in bytes {
            if b == 0x22 { out.append(byte: 0x22) }
            out.append(byte: b)
        }
        out.append(byte: 0x22)
    }
}
