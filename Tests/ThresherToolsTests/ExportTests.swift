import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
import ThresherStore
@testable import ThresherTools

@Suite struct ExportTests {
    static let fixtures = Fixtures.directory

    /// Exported from the records of a zstd `openai` OUT, every format equals
    /// what a scan straight into that format writes.
    @Test(arguments: OutputFormat.allCases)
    func exportWritesWhatAScanWouldHave(format: OutputFormat) throws {
        let dir = TemporaryDirectory()
        var scan = ScanConfiguration(roots: [Self.fixtures + "/demo-archive"], output: dir.path + "/source")
        scan.settle = 0
        _ = try ScanPipeline(configuration: scan).run()
        var export = OutputExporter.Configuration(source: dir.path + "/source", output: dir.path + "/out", format: format)
        export.compression = .none
        let report = try OutputExporter.export(export)
        #expect(report.examplesRead == 8)
        let written = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/out/shards/part-00000.\(format.fileExtension)"))
        let expected = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/demo-archive.expected.\(format.rawValue).\(format.fileExtension)"))
        #expect(written == expected)
        #expect(try OutputVerifier.verify(output: dir.path + "/out").problems == [])
        // Exporting again adds nothing.
        #expect(try OutputExporter.export(export).examplesWritten == 0)
    }

    /// A turn with everything a format can drop: reasoning, text beside
    /// calls, a repeated call id, an error flag, typed arguments.
    static func awkwardTurn() -> Transcript {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [["type": "thinking", "thinking": "plan"], text("calling"), use("dup", "mcp__s__x", ["n": 1.50, "s": "é\u{1}"]), use("dup", "mcp__s__y", ["list": [1, "a"]])])
        t.results([("dup", "first", true)])
        t.assistant("B", [use("c3", "mcp__s__z", nil), use("c4", "mcp__s__w", "a plain string input")])
        t.results([("c3", "third", nil), ("dup", "second", false), ("c4", 7, nil)])
        t.assistant("C", [text("done")])
        return t
    }

    @Test func recordsRoundTripEveryField() throws {
        for format in [OutputFormat.openai, .chatml] {
            let run = try scan(Self.awkwardTurn()) { $0.keepThinking = true; $0.format = format }
            let records = try Decompressor.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: run.out + "/state/model/part-00000.record.jsonl.zst"))), .zstd)
            let record = Array(records.dropLast())
            let line = Array(try Data(contentsOf: URL(fileURLWithPath: run.out + "/shards/part-00000.jsonl")).dropLast())
            #expect(ExampleRecord.isDelta(record) == (format == .openai))
            let (id, example) = format == .openai ? try ExampleRecord.decode(delta: record, line: line, argumentsAsString: true) : try ExampleRecord.decode(record)
            #expect(ExampleRecord.encode(example, id: id, besides: format) == records)
            #expect(DedupKey(hashing: example.canonicalForm()).hex == id)
            #expect(example.callsWithResults.map(\.isError) == [true, false, false, false])
        }
    }

    /// The id hashes texts of 1 KiB or more where they lie (streamed) and
    /// the rest from the writer: it must equal the hash of the whole form.
    @Test func idsOfLargeTextsAreTheHashOfTheCanonicalForm() throws {
        var t = Transcript()
        t.user(String(repeating: "a long prompt, \"quoted\" é\n", count: 120))
        t.assistant("A", [text(String(repeating: "thinking aloud ", count: 90)), use("c1", "mcp__s__x", ["q": String(repeating: "x", count: 2000)])])
        t.results([("c1", String(repeating: "result line\n", count: 200), nil)])
        t.assistant("B", [text("short answer")])
        let run = try scan(t)
        let records = try Decompressor.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: run.out + "/state/model/part-00000.record.jsonl.zst"))), .zstd)
        let line = Array(try Data(contentsOf: URL(fileURLWithPath: run.out + "/shards/part-00000.jsonl")).dropLast())
        let (id, example) = try ExampleRecord.decode(delta: Array(records.dropLast()), line: line, argumentsAsString: true)
        #expect(DedupKey(hashing: example.canonicalForm()).hex == id)
        #expect(example.canonicalForm().count > 5_000)
    }

    @Test(arguments: [OutputFormat.openai, .messages], OutputFormat.allCases)
    func exportFromDeltaRecordsKeepsWhatTheLinesDrop(source: OutputFormat, format: OutputFormat) throws {
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", Self.awkwardTurn().contents)
        let direct = try rescan(dir) { $0.output = dir.path + "/direct"; $0.format = format; $0.keepThinking = true }
        _ = try rescan(dir) { $0.output = dir.path + "/source"; $0.format = source; $0.keepThinking = true; $0.compression = .gzip }
        var export = OutputExporter.Configuration(source: dir.path + "/source", output: dir.path + "/exported", format: format)
        export.compression = .none
        _ = try OutputExporter.export(export)
        let name = "part-00000.\(format.fileExtension)"
        // ShareGPT cannot hold this turn (a result arrives after later calls): no shard either way.
        let a = FileManager.default.contents(atPath: direct.out + "/shards/" + name)
        let b = FileManager.default.contents(atPath: dir.path + "/exported/shards/" + name)
        #expect(a == b)
        #expect((a == nil) == (format == .sharegpt))
    }

    @Test func anOutputWithoutRecordsCannotBeExported() throws {
        let run = try scan(Transcript())
        #expect(FileManager.default.createFile(atPath: run.out + "/manifest.json", contents: Data(
            #"{"thresh_manifest":1,"format":"openai","compression":"none","examples":1,"dedup_keys":0,"shards":[{"name":"x","records":1,"bytes":0,"uncompressed_bytes":0,"sha256":""}],"runs":[]}"#.utf8)))
        #expect(throws: OutputExamples.NoRecords.self) {
            try OutputExporter.export(.init(source: run.out, output: run.out + "2", format: .chatml))
        }
    }
}
