import Foundation
import Testing
@testable import Thresher
@testable import ThresherExtract
import ThresherStore

@Suite struct ExportTests {
    static let fixtures = GoldenOutputTests.fixtures

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

    @Test func recordsRoundTripEveryField() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [["type": "thinking", "thinking": "plan"], text("calling"), use("c1", "mcp__s__x", ["n": 1.50, "s": "é\u{1}"])])
        t.results([("c1", "boom", true)])
        t.assistant("B", [text("done")])
        let run = try scan(t) { $0.keepThinking = true }
        let shard = try Decompressor.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: run.out + "/state/model/part-00000.record.jsonl.zst"))), .zstd)
        let (id, example) = try ExampleRecord.decode(Array(shard.dropLast()))
        #expect(id == run.examples[0]["id"] as? String)
        #expect(ExampleRecord.encode(example, id: id) == shard)
        #expect(DedupKey(hashing: example.canonicalForm()).hex == id)
    }

    @Test func anOutputWithoutRecordsCannotBeExported() throws {
        let run = try scan(Transcript())
        FileManager.default.createFile(atPath: run.out + "/manifest.json", contents: Data(
            #"{"thresh_manifest":1,"format":"openai","compression":"none","examples":1,"dedup_keys":0,"shards":[{"name":"x","records":1,"bytes":0,"uncompressed_bytes":0,"sha256":""}],"runs":[]}"#.utf8))
        #expect(throws: OutputExporter.NoRecords.self) {
            try OutputExporter.export(.init(source: run.out, output: run.out + "2", format: .chatml))
        }
    }
}
