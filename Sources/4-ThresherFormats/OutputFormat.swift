import ThresherExtract
import ThresherJSON

/// A training-data layout an example can be written in (SPEC §6). Every
/// format is written from the same `Example`; none reads the archive.
public enum OutputFormat: String, Sendable, CaseIterable {
    case openai, messages, sharegpt, chatml, alpaca, unified, csv

    /// The shard file extension before any compression suffix.
    public var fileExtension: String { self == .csv ? "csv" : "jsonl" }

    /// Fields per CSV record.
    public static var csvColumnCount: Int { CSVFormat.columns.count }

    /// A line every shard starts with (the CSV header), if any.
    public var shardHeader: [UInt8]? { self == .csv ? CSVFormat.header : nil }

    /// Writes one example as one line (newline included). Returns false, and
    /// writes nothing, when the format cannot hold this turn (a ShareGPT
    /// conversation that cannot alternate strictly).
    public func write(_ example: Example, id: String, to writer: inout JSONWriter) -> Bool {
        switch self {
        case .openai: OpenAIFormat.write(example, id: id, argumentsAsValues: false, to: &writer)
        case .messages: OpenAIFormat.write(example, id: id, argumentsAsValues: true, to: &writer)
        case .sharegpt:
            guard ShareGPTFormat.write(example, id: id, to: &writer) else { return false }
        case .chatml: ChatMLFormat.write(example, id: id, to: &writer)
        case .alpaca: AlpacaFormat.write(example, id: id, to: &writer)
        case .unified: UnifiedFormat.write(example, id: id, to: &writer)
        case .csv:
            CSVFormat.write(example, id: id, to: &writer)
            return true
        }
        writer.newline()
        return true
    }
}
