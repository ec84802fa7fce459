import TestSupport
@testable import ThresherExtract

/// Phase 1 and phase 2 run by hand over a transcript held in memory: the
/// lines scanned into one unit summary, the records fed to an assembler
/// whose spans are read back from the same bytes.
struct InMemoryTranscript {
    let bytes: [UInt8]

    init(_ transcript: Transcript) { bytes = Array(transcript.contents.utf8) }
    init(text: String) { bytes = Array(text.utf8) }

    /// Every line (without its `\n`) scanned in file order into one unit.
    func summary(options: ExtractOptions = ExtractOptions()) -> UnitSummary {
        var scanner = RecordScanner(options: options)
        var unit = UnitSummary()
        var lineStart = 0
        bytes.withUnsafeBufferPointer { buffer in
            for (index, newline) in buffer.indices.filter({ buffer[$0] == 0x0A }).enumerated() {
                scanner.scan(line: UnsafeBufferPointer(rebasing: buffer[lineStart..<newline]), offset: Int64(lineStart),
                             lineIndex: index, into: &unit)
                lineStart = newline + 1
            }
        }
        unit.foldTypeCounts()
        return unit
    }

    /// The assembler fed every record of `summary()`, then finished.
    func assemble(_ configuration: TurnAssembler.Configuration = .init(selector: .all, redactor: nil),
                  settled: Bool = true) throws -> (assembler: TurnAssembler, pending: TurnAssembler.PendingStart?) {
        let unit = summary(options: ExtractOptions(keepThinking: configuration.keepThinking))
        let bytes = self.bytes
        let decoder = SpanDecoder { span in Array(bytes[Int(span.offset)..<Int(span.offset) + span.length]) }
        var assembler = TurnAssembler(configuration: configuration, file: "p/s.jsonl", decoder: decoder)
        for record in unit.records { try assembler.feed(record, of: unit, line: record.line + 1) }
        let pending = try assembler.finish(settled: settled)
        return (assembler, pending)
    }
}
