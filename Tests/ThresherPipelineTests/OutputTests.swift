import Crypto
import Foundation
import TestSupport
import Testing
import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
@testable import ThresherState
import ThresherStore
@testable import ThresherTools

/// Dedup, the output folder, shards, and run-to-run behaviour (SPEC §5, §7).
@Suite struct OutputTests {
    static func twoTurns(_ idPrefix: String, session: String = "s-1") -> Transcript {
        var t = Transcript()
        t.session = session
        t.turn("first", id: "\(idPrefix)1", input: ["n": 1])
        t.turn("second", id: "\(idPrefix)2", input: ["n": 2])
        return t
    }

    @Test func duplicatesAcrossFilesKeepTheFirstInPathOrder() throws {
        // Same messages, different call ids, sessions and line numbers.
        var replay = Self.twoTurns("x", session: "s-2")
        replay.lines.insert(Transcript.json(["type": "summary", "summary": "resumed"]), at: 0)
        let run = try scan([("b/later.jsonl", replay.contents), ("a/earlier.jsonl", Self.twoTurns("c").contents)])
        #expect(run.examples.count == 2)
        #expect(run.metadata.allSatisfy { $0["file"] as? String == "a/earlier.jsonl" })
        #expect(run.report.duplicatesThisRun == 2)
        #expect(Set(run.examples.map { $0["id"] as! String }).count == 2)
    }

    @Test func rootsGivenFirstWinDuplicates() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        first.write("z.jsonl", Self.twoTurns("c", session: "from-first").contents)
        second.write("a.jsonl", Self.twoTurns("c", session: "from-second").contents)
        var configuration = ScanConfiguration(roots: [second.path, first.path], output: first.path + "-out")
        configuration.settle = 0
        configuration.compression = .none
        _ = try ScanPipeline(configuration: configuration).run()
        let examples = try readExamples(first.path + "-out")
        #expect(examples.map { ($0["metadata"] as! [String: Any])["session_id"] as! String } == ["from-second", "from-second"])
        try? FileManager.default.removeItem(atPath: first.path + "-out")
    }

    @Test func aSecondRunWritesNothingTwice() throws {
        let first = try scan([("p/s.jsonl", Self.twoTurns("c").contents)])
        let again = try rescan(first.archive)
        #expect(again.report.examplesWritten == 0)
        #expect(again.report.filesUnchanged == 1)
        #expect(again.report.bytesRead == 0)
        #expect(again.examples.count == 2)
        // New turns appended later are added in a new shard.
        var more = Self.twoTurns("c")
        more.turn("third", id: "c3", input: ["n": 3])
        first.archive.write("p/s.jsonl", more.contents)
        let third = try rescan(first.archive)
        #expect(third.report.examplesWritten == 1)
        #expect(third.report.filesResumed == 1)
        #expect(third.report.duplicatesEarlierRuns == 0)
        #expect(third.metadata.last?["line_start"] as? Int == 9)
        #expect(third.examples.count == 3)
        let manifest = try manifestJSON(first.out)
        #expect((manifest["runs"] as! [Any]).count == 3)
        #expect((manifest["shards"] as! [Any]).count == 2)
        #expect(manifest["examples"] as? Int == 3)
        #expect(manifest["dedup_keys"] as? Int == 3)
    }

    @Test func fullStartsAfresh() throws {
        let first = try scan([("p/s.jsonl", Self.twoTurns("c").contents)])
        let again = try rescan(first.archive) { $0.fresh = true }
        #expect(again.report.examplesWritten == 2)
        #expect(again.examples.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: first.out + "/shards") == ["part-00000.jsonl"])
    }

    @Test func filesAreOwnerOnlyAndTheManifestDescribesThem() throws {
        let run = try scan([("p/s.jsonl", Self.twoTurns("c").contents)]) { $0.compression = .zstd }
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        }
        for folder in ["", "/shards", "/state"] { #expect(try mode(run.out + folder) == 0o700) }
        for file in ["/manifest.json", "/report.json", "/state/keys.bin", "/shards/part-00000.jsonl.zst"] {
            #expect(try mode(run.out + file) == 0o600, "\(file)")
        }
        let manifest = try manifestJSON(run.out)
        let shard = (manifest["shards"] as! [[String: Any]])[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: run.out + "/shards/" + (shard["name"] as! String)))
        #expect(shard["sha256"] as? String == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(shard["bytes"] as? Int == bytes.count)
        #expect(shard["records"] as? Int == 2)
        #expect(shard["uncompressed_bytes"] as? Int == (try decompress(Array(bytes), name: ".zst")).count)
        #expect(manifest["format"] as? String == "openai")
    }

    @Test func shardsRollOverAtTheShardSize() throws {
        var t = Transcript()
        for i in 0..<7 { t.turn("prompt \(i)", id: "c\(i)") }
        let run = try scan(t) { $0.shardSize = 1500 }
        let shards = try manifestJSON(run.out)["shards"] as! [[String: Any]]
        #expect(shards.count > 1)
        #expect(shards.map { $0["records"] as! Int }.reduce(0, +) == 7)
        // A shard only exceeds the size when one example alone is larger.
        for shard in shards where (shard["records"] as! Int) > 1 { #expect((shard["uncompressed_bytes"] as! Int) <= 1500) }
        #expect(run.examples.map { ($0["messages"] as! [[String: Any]])[0]["content"] as! String } == (0..<7).map { "prompt \($0)" })
    }

    @Test(arguments: [Compression.zstd, .gzip])
    func compressedShardsHoldTheSameLines(compression: Compression) throws {
        var t = Transcript()
        // Lines from ~0.5 KiB to ~6 KiB: batched and compressed one by one (ShardWriter.directSize).
        for i in 0..<20 { t.turn("prompt \(i) " + String(repeating: "é", count: i * 150), id: "c\(i)") }
        let plain = try scan(t)
        let packed = try scan(t) { $0.compression = compression }
        #expect((packed.examples as NSArray) == (plain.examples as NSArray))
        #expect(try FileManager.default.contentsOfDirectory(atPath: packed.out + "/shards") == ["part-00000.jsonl" + compression.fileSuffix])
    }

    @Test func outputDoesNotDependOnJobsUnitsOrReadMethod() throws {
        let dir = TemporaryDirectory()
        for f in 0..<6 {
            var t = Transcript()
            t.session = "s\(f)"
            for i in 0..<15 { t.turn("file \(f) prompt \(i)", id: "c\(i)", input: ["f": f, "i": i]) }
            t.raw("{broken")
            dir.write("p\(f % 2)/s\(f).jsonl", t.contents + "{\"partial")
        }
        func shardBytes(_ configure: (inout ScanConfiguration) -> Void) throws -> (Data, ScanReport) {
            try Self.freshShard(of: dir, configure)
        }
        let (reference, report) = try shardBytes { $0.jobs = 1 }
        #expect(report.examplesWritten == 90)
        for variant: (inout ScanConfiguration) -> Void in [
            { $0.jobs = 4 },
            { $0.jobs = 3; $0.unitSize = 700 },
            { $0.jobs = 2; $0.unitSize = 1; $0.readMethod = .mmap; $0.chunkSize = 64 },
            { $0.readMethod = .read; $0.chunkSize = 7 },
            // In-flight budgets smaller than one file, and than two: only
            // the file the writer waits for runs, or it and one more.
            { $0.jobs = 3; $0.unitSize = 700; $0.inFlightBudget = 1 },
            { $0.jobs = 2; $0.unitSize = 700; $0.inFlightBudget = 2_500 },
            // One core token shared by the worker and the writer, handed
            // over at every unit.
            { $0.jobs = 1; $0.unitSize = 700; $0.inFlightBudget = 1 },
            // Line ends found by a newline search before parsing.
            { $0.parsesLineEnds = false },
            { $0.parsesLineEnds = false; $0.chunkSize = 7; $0.unitSize = 700 },
            // Lines longer than the buffer mapped and parsed in place.
            { $0.mapLinesAbove = 0; $0.chunkSize = 64 },
            { $0.mapLinesAbove = 300; $0.chunkSize = 100; $0.jobs = 3; $0.unitSize = 700 },
            { $0.mapLinesAbove = 0; $0.chunkSize = 64; $0.parsesLineEnds = false },
            // Every file huge: examples wait in a scratch file until written and,
            // with several units, phase 2 fed unit by unit as units finish
            // (at one job, the feeding lag and the budget handed over at once).
            { $0.hugeFileAbove = 0 },
            { $0.hugeFileAbove = 0; $0.jobs = 3; $0.unitSize = 700 },
            { $0.hugeFileAbove = 0; $0.jobs = 1; $0.unitSize = 300; $0.inFlightBudget = 1 },
            { $0.hugeFileAbove = 0; $0.jobs = 4; $0.unitSize = 1; $0.chunkSize = 64 },
            // Files opened ahead of their claim, or never: the same output.
            { $0.openAheadFiles = 0; $0.readAheadBytes = 0; $0.jobs = 3 },
            { $0.openAheadFiles = 1; $0.jobs = 2; $0.unitSize = 700 },
            { $0.openAheadFiles = 1_000; $0.readAheadBytes = 1; $0.jobs = 4; $0.unitSize = 1 },
        ] {
            let (bytes, other) = try shardBytes(variant)
            #expect(bytes == reference)
            #expect(other.counters == report.counters)
            #expect(other.malformedSamples == report.malformedSamples)
        }
    }

    /// The first shard of a fresh scan of `dir`, and the scan's report.
    private static func freshShard(of dir: TemporaryDirectory, _ configure: (inout ScanConfiguration) -> Void) throws -> (Data, ScanReport) {
        let run = try rescan(dir) { $0.fresh = true; configure(&$0) }
        return (try Data(contentsOf: URL(fileURLWithPath: run.out + "/shards/part-00000.jsonl")), run.report)
    }

    /// More files than the writer takes at once (`ScanScheduler.writerBatchFiles`):
    /// it waits for a batch only while workers can go on, so no budget,
    /// window or job count leaves it or them waiting for each other.
    @Test func manySmallFilesAreClaimedAndWrittenInBatchesWhateverTheLimits() throws {
        let dir = TemporaryDirectory()
        for f in 0..<60 {
            var t = Transcript()
            t.session = "s\(f)"
            for i in 0..<(1 + f % 3) { t.turn("file \(f) prompt \(i)", id: "c\(i)", input: ["f": f]) }
            dir.write("p\(f % 4)/s\(String(format: "%03d", f)).jsonl", t.contents)
        }
        let (reference, report) = try Self.freshShard(of: dir) { $0.jobs = 1 }
        #expect(report.examplesWritten == (0..<60).map { 1 + $0 % 3 }.reduce(0, +))
        // Only read by the scans, one at a time.
        nonisolated(unsafe) let archive = dir
        for variant: @Sendable (inout ScanConfiguration) -> Void in [
            { $0.jobs = 2 },
            { $0.jobs = 4; $0.unitSize = 200 },
            { $0.jobs = 3; $0.inFlightBudget = 1 },
            { $0.jobs = 2; $0.inFlightBudget = 3_000 },
            { $0.jobs = 1; $0.inFlightBudget = 1 },
            { $0.jobs = 3; $0.hugeFileAbove = 0; $0.unitSize = 200 },
            // Claims of one file, of several up to a byte limit, of more
            // files than the writer takes at once, under a tight budget.
            { $0.jobs = 2; $0.claimFiles = 1 },
            { $0.jobs = 3; $0.claimFiles = 7; $0.claimBytes = 1_000 },
            { $0.jobs = 2; $0.claimFiles = 64; $0.claimBytes = 1 << 30; $0.inFlightBudget = 3_000 },
            { $0.jobs = 4; $0.claimFiles = 5; $0.unitSize = 300 },
            // Phase 2 reading no file's kept bytes, or only the smallest files'.
            { $0.jobs = 2; $0.keptFileBytes = 0 },
            { $0.jobs = 3; $0.keptFileBytes = 400 },
        ] {
            // A writer and workers waiting for each other would hang: fail instead.
            let scanned = try finishing(within: 60) { try Self.freshShard(of: archive, variant) }
            guard let (bytes, other) = scanned else { Issue.record("the scan did not finish in 60 s"); return }
            #expect(bytes == reference)
            #expect(other.counters == report.counters)
        }
    }

    @Test func leftoversOfACrashedRunAreRemoved() throws {
        let run = try scan([("p/s.jsonl", Self.twoTurns("c").contents)])
        #expect(FileManager.default.createFile(atPath: run.out + "/shards/part-00001.jsonl.partial", contents: Data("x".utf8)))
        #expect(FileManager.default.createFile(atPath: run.out + "/shards/part-00001.jsonl", contents: Data("x".utf8)))
        // Keys appended by a run that never committed its manifest.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: run.out + "/state/keys.bin"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 7, count: 16))
        try handle.close()
        // A huge file's scratch file, where the file system could not make it nameless.
        #expect(FileManager.default.createFile(atPath: run.out + "/state/spill-a1B2c3.tmp", contents: Data("x".utf8)))
        let again = try rescan(run.archive)
        #expect(Set(again.report.removedLeftovers) == [
            "shards/part-00001.jsonl.partial", "shards/part-00001.jsonl", "state/spill-a1B2c3.tmp",
        ])
        #expect(again.examples.count == 2)
        #expect(try FileManager.default.attributesOfItem(atPath: run.out + "/state/keys.bin")[.size] as? Int == 32)
    }

    @Test func aSecondConcurrentRunStopsAtOnce() throws {
        let run = try scan([("p/s.jsonl", Self.twoTurns("c").contents)])
        let lock = try OutputLock(path: run.out + "/state/lock")
        #expect(throws: OutputLock.Busy.self) { try rescan(run.archive) }
        lock.release()
        #expect(try rescan(run.archive).report.filesUnchanged == 1)
    }

    /// SPEC §8: every example-shaping option is fixed for an OUT; a run
    /// that changes one is refused naming it and both values, and changes
    /// nothing. Compression may change.
    @Test(arguments: [
        ("--format", "openai", "sharegpt"), ("--tools", "* (--all-tools)", "mcp__*"), ("--no-sidechains", "off", "on"),
        ("--keep-thinking", "off", "on"), ("--redact", "all", "none"), ("--redact", "all", "email"),
        ("--max-tool-errors", "off", "0"), ("--min-calls", "off", "2"), ("--max-bytes", "off", "100"),
        ("--feedback", "off", "negative,none"), ("--since", "off", "2025"), ("--until", "off", "2026"),
        ("--project", "off", "/home/*"), ("--split", "off", "90,5,5"),
    ])
    func anOutputFolderKeepsItsShapingOptions(_ option: String, _ existing: String, _ requested: String) throws {
        let run = try scan([("p/s.jsonl", Self.twoTurns("c").contents)])
        let manifest = try Data(contentsOf: URL(fileURLWithPath: run.out + "/manifest.json"))
        let error = #expect(throws: OutputFolder.OptionMismatch.self) {
            try rescan(run.archive) { configuration in
                switch option {
                case "--format": configuration.format = .sharegpt
                case "--tools": configuration.selector = .mcp
                case "--no-sidechains": configuration.includeSidechains = false
                case "--keep-thinking": configuration.keepThinking = true
                case "--redact": configuration.redaction = requested == "none" ? .none : RedactionRules([.email])
                case "--max-tool-errors": configuration.filters.maxToolErrors = 0
                case "--min-calls": configuration.filters.minCalls = 2
                case "--max-bytes": configuration.filters.maxBytes = 100
                case "--feedback": configuration.filters.feedback = [.negative, nil]
                case "--since": configuration.filters.since = "2025"
                case "--until": configuration.filters.until = "2026"
                case "--project": configuration.filters.project = "/home/*"
                default: configuration.split = try! DatasetSplit(parsing: "90,5,5")
                }
            }
        }
        #expect(error?.option == option && error?.existing == existing && error?.requested == requested)
        #expect(try Data(contentsOf: URL(fileURLWithPath: run.out + "/manifest.json")) == manifest)
        #expect(try rescan(run.archive) { $0.compression = .gzip }.report.filesUnchanged == 1)
    }

    @Test func unreadableEntriesAreReportedAndTheRestIsProcessed() throws {
        let dir = TemporaryDirectory()
        dir.write("p/good.jsonl", Self.twoTurns("c").contents)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/p/dangling.jsonl", withDestinationPath: dir.path + "/nowhere")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/p/loop", withDestinationPath: dir.path + "/p")
        let run = try rescan(dir) { $0.followSymlinks = true }
        #expect(run.examples.count == 2)
        #expect(run.report.problems.contains { $0.contains("dangling.jsonl") && $0.contains("broken symbolic link") })
        #expect(run.report.problems.contains { $0.contains("loop") })
        let plain = try rescan(dir) { $0.fresh = true }
        #expect(plain.report.problems.isEmpty)
        #expect(plain.report.files == 1)
    }

    @Test func theReportAddsUp() throws {
        var t = Transcript()
        t.turn("a", id: "c1")
        t.turn("a", id: "c2")
        t.raw("nope")
        t.raw("")
        t.user("open")
        let run = try scan(t)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.out + "/report.json"))) as! [String: Any]
        let records = (report["records"] as! [String: Int]).values.reduce(0, +)
        #expect(report["lines"] as? Int == records + (report["malformed"] as! Int) + (report["blank_lines"] as! Int))
        let duplicates = report["duplicates"] as! [String: Int]
        #expect(report["selected"] as? Int == (report["examples_written"] as! Int) + duplicates["this_run"]! + duplicates["earlier_runs"]!)
        #expect(report["malformed_samples"] as? [String] == ["p/s.jsonl:9: invalid literal at byte 0"])
        #expect((report["turns"] as! [String: Int])["no_answer"] == 1)
        #expect(report["calls_per_mcp_server"] as? [String: Int] == ["srv": 1])
    }
}

extension OutputTests {
    /// Lines of every shape the line parser must hand back to the newline
    /// search, scanned both ways: the same examples, counters and samples.
    @Test(arguments: [7, 64, 1 << 20])
    func findingLineEndsWhileParsingChangesNothing(chunk: Int) throws {
        let dir = TemporaryDirectory()
        var t = Transcript()
        for i in 0..<6 { t.turn("prompt \(i)", id: "c\(i)", input: ["i": i, "s": String(repeating: "x\\\"\n", count: 40 * i)]) }
        let plain = t.contents
        let odd = [
            "", "   ", "\t", "\r", " " + t.lines[0], t.lines[1] + "\r", t.lines[2] + "  \t ", "{\"a\":", "1}",
            "[1,2]", "\"text\"", "{\"a\":1} x", "{\"type\":\"user\"\r\r}", "{\"k\":\"\u{1}\"}", "{\"k\":\"\\x\"}",
            "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        ].map { $0 + "\n" }.joined()
        dir.write("p/bom.jsonl", "\u{FEFF}" + plain + odd)
        dir.write("p/odd.jsonl", odd + plain + "{\"partial\":")
        dir.write("p/crlf.jsonl", t.lines.map { $0 + "\r\n" }.joined())
        let parsed = try rescan(dir) { $0.fresh = true; $0.chunkSize = chunk; $0.compression = .none }
        let searched = try rescan(dir) { $0.fresh = true; $0.chunkSize = chunk; $0.compression = .none; $0.parsesLineEnds = false }
        #expect(parsed.report.counters == searched.report.counters)
        #expect(parsed.report.malformedSamples == searched.report.malformedSamples)
        #expect(parsed.report.counters.malformedCount >= 2 * 8)
        #expect(parsed.report.counters.blankLines >= 2 * 4)
        let shard = "/shards/part-00000.jsonl"
        #expect(try Data(contentsOf: URL(fileURLWithPath: parsed.out + shard)) == Data(contentsOf: URL(fileURLWithPath: searched.out + shard)))
        #expect(parsed.report.examplesWritten >= 6)
    }
}
