import Foundation
import TestSupport
import Testing
import ThresherExtract
import ThresherFormats
@testable import ThresherPipeline
import ThresherState
import ThresherStore
@testable import ThresherSystem
@testable import ThresherTools

/// `thresh merge` of an archive's slices equals one scan of the whole:
/// the same ids, lines and records, in the same order, the same duplicate
/// kept; parts that disagree are refused; a merge that fails half way
/// leaves FINAL as it was, and running it again finishes the job.
@Suite(.serialized) struct MergeTests {
    /// Sessions in several projects, with resumed sessions replaying
    /// earlier turns (the same calls under new ids) into files that fall
    /// in other slices, and duplicates inside one file.
    static func archive(sessions: Int = 24, grown: Bool = false) -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        write(into: dir, sessions: sessions, grown: grown)
        return dir
    }

    static func write(into dir: TemporaryDirectory, sessions: Int, grown: Bool) {
        for s in 0..<sessions {
            var t = Transcript()
            t.session = "s\(s)"
            // Replays the turns of session s - 3 first, with fresh call ids.
            if s >= 3 { for i in 0..<4 { t.turn("session \(s - 3) turn \(i)", id: "r\(s)-\(i)", input: ["s": s - 3, "i": i]) } }
            for i in 0..<(grown && s % 5 == 0 ? 9 : 6) { t.turn("session \(s) turn \(i)", id: "c\(s)-\(i)", input: ["s": s, "i": i]) }
            t.turn("session \(s) turn 0", id: "again\(s)", input: ["s": s, "i": 0])
            dir.write("p\(s % 4)/session-\(s).jsonl", t.contents)
        }
    }

    /// FINAL's lines and records, as bytes.
    static func content(_ out: String) throws -> (lines: [String], records: [String]) {
        let lines = try readExamples(out).map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        var records: [String] = []
        let model = out + "/state/model"
        for name in try FileManager.default.contentsOfDirectory(atPath: model).sorted() {
            let bytes = try decompress(Array(try Data(contentsOf: URL(fileURLWithPath: model + "/" + name))), name: name)
            records += bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        }
        return (lines, records)
    }

    static func scanSlices(_ archive: TemporaryDirectory, count: Int, configure: @escaping (inout ScanConfiguration) -> Void = { _ in }) throws -> [String] {
        try (0..<count).map { k in
            try rescan(archive) { configuration in
                configuration.output = archive.path + "-part\(k)"
                configuration.partition = try! Partition(index: k, count: count)
                configure(&configuration)
            }.out
        }
    }

    static func merge(_ parts: [String], into output: String, sortRunLength: Int? = nil) throws -> OutputMerger.Report {
        var configuration = OutputMerger.Configuration(parts: parts, output: output)
        if let sortRunLength {
            configuration.sortRunLength = sortRunLength
            configuration.keyChunk = sortRunLength + 1
        }
        return try OutputMerger.merge(configuration)
    }

    /// Also with the keys sorted on disk in runs of 1 and of 7 occurrences
    /// (the default holds this archive in one run in memory), and new keys
    /// logged in chunks before the commit.
    @Test(arguments: [(1, nil), (3, nil), (8, nil), (3, 1), (8, 7)] as [(Int, Int?)])
    func mergedSlicesEqualOneScanOfTheWhole(count: Int, sortRunLength: Int?) throws {
        let archive = Self.archive()
        let single = try rescan(archive) { $0.output = archive.path + "-single" }
        #expect(single.report.duplicatesThisRun > 0)
        let parts = try Self.scanSlices(archive, count: count)
        // Every file is in exactly one slice.
        let read = try parts.map { try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0 + "/report.json"))) as! [String: Any] }
        #expect(read.map { $0["files"] as! Int }.reduce(0, +) == single.report.files)
        let report = try Self.merge(parts, into: archive.path + "-final", sortRunLength: sortRunLength)
        #expect(report.examplesWritten == single.report.examplesWritten)
        #expect(report.examplesRead == report.examplesWritten + report.duplicates)
        let merged = try Self.content(archive.path + "-final")
        let expected = try Self.content(single.out)
        #expect(merged.lines == expected.lines)
        #expect(merged.records == expected.records)
        #expect(try OutputVerifier.verify(output: archive.path + "-final").problems == [])
        // Nothing new: merging again writes nothing.
        #expect(try Self.merge(parts, into: archive.path + "-final").examplesWritten == 0)
    }

    /// Lines and records are copied as the parts hold them: split shards
    /// (whole records, lines per part) and CSV (rows formatted again) too.
    @Test(arguments: [(OutputFormat.sharegpt, true), (.csv, false), (.messages, true), (.unified, false)])
    func everyFormatAndSplitMergesToOneScan(format: OutputFormat, split: Bool) throws {
        let archive = Self.archive(sessions: 12)
        let shape: (inout ScanConfiguration) -> Void = { configuration in
            configuration.format = format
            configuration.compression = .zstd
            if split { configuration.split = try! DatasetSplit(parsing: "60,20,20") }
        }
        let single = try rescan(archive) { $0.output = archive.path + "-single"; shape(&$0) }
        let parts = try Self.scanSlices(archive, count: 3, configure: shape)
        _ = try Self.merge(parts, into: archive.path + "-final")
        let files = { (out: String) -> [String: [UInt8]] in
            var all: [String: [UInt8]] = [:]
            for name in OutputFolder.shardFiles(out + "/shards") + (try FileManager.default.contentsOfDirectory(atPath: out + "/state/model")).map({ "model/" + $0 }) {
                let path = name.hasPrefix("model/") ? out + "/state/" + name : out + "/shards/" + name
                all[name] = try decompress(Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: name)
            }
            return all
        }
        let merged = try files(archive.path + "-final")
        #expect(merged.keys.sorted() == (try files(single.out)).keys.sorted())
        #expect(merged == (try files(single.out)))
        #expect(try OutputVerifier.verify(output: archive.path + "-final").problems == [])
    }

    /// With several roots one scan meets files root by root: a turn in the
    /// second root's `p/a.jsonl` comes after the same turn in the first
    /// root's `p/z.jsonl`, though `p/a` sorts first. Records keep the root.
    @Test(arguments: [1, 2, 4])
    func severalRootsAreTakenInTheOrderGiven(count: Int) throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        for (dir, name, extra) in [(first, "p/z.jsonl", "first"), (second, "p/a.jsonl", "second"), (second, "q/z.jsonl", "more")] {
            var t = Transcript()
            t.session = name + extra
            t.turn("shared turn", id: "shared-\(extra)", input: ["same": true])
            for i in 0..<3 { t.turn("\(extra) turn \(i)", id: "\(extra)\(i)", input: ["i": i, "of": extra]) }
            dir.write(name, t.contents)
        }
        func scan(_ output: String, partition: Partition?) throws -> String {
            var configuration = ScanConfiguration(roots: [first.path, second.path], output: output)
            configuration.settle = 0
            configuration.compression = .none
            configuration.partition = partition
            _ = try ScanPipeline(configuration: configuration).run()
            return output
        }
        let single = try scan(first.path + "-single", partition: nil)
        let parts = try (0..<count).map { try scan(first.path + "-part\($0)", partition: try Partition(index: $0, count: count)) }
        _ = try Self.merge(parts, into: first.path + "-final")
        #expect(try Self.content(first.path + "-final").lines == (try Self.content(single).lines))
        #expect(try Self.content(first.path + "-final").records == (try Self.content(single).records))
        let files = try readExamples(single).map { ($0["metadata"] as! [String: Any])["file"] as! String }
        #expect(files.first == "p/z.jsonl")
    }

    /// A key met in several slices keeps the occurrence first in path
    /// order, whichever part comes first on the command line.
    @Test func theFirstOccurrenceInPathOrderWinsWhateverThePartOrder() throws {
        let archive = Self.archive()
        let single = try rescan(archive) { $0.output = archive.path + "-single" }
        let parts = try Self.scanSlices(archive, count: 3)
        _ = try Self.merge(parts.reversed(), into: archive.path + "-final")
        #expect(try Self.content(archive.path + "-final").lines == (try Self.content(single.out).lines))
    }

    @Test func partsThatDisagreeAreRefused() throws {
        let archive = Self.archive(sessions: 6)
        let parts = try Self.scanSlices(archive, count: 2)
        let other = try rescan(archive) { configuration in
            configuration.output = archive.path + "-other"
            configuration.partition = try! Partition(index: 1, count: 2)
            configuration.redaction = .none
        }
        #expect(throws: OutputMerger.Mismatch.self) { try Self.merge([parts[0], other.out], into: archive.path + "-final") }
        #expect(throws: OutputMerger.Mismatch.self) { try Self.merge([parts[0], parts[0]], into: archive.path + "-final") }
        let three = try rescan(archive) { configuration in
            configuration.output = archive.path + "-three"
            configuration.partition = try! Partition(index: 1, count: 3)
        }
        #expect(throws: OutputMerger.Mismatch.self) { try Self.merge([parts[0], three.out], into: archive.path + "-final") }
        #expect(!FileManager.default.fileExists(atPath: archive.path + "-final/manifest.json"))
        // A slice left out is merged, and named.
        #expect(try Self.merge([parts[0]], into: archive.path + "-final").missingSlices == [1])
    }

    /// A part scanned with --partition refuses a run without it, and the
    /// other way round: the slice is fixed for the folder.
    @Test func aPartKeepsItsSlice() throws {
        let archive = Self.archive(sessions: 4)
        let parts = try Self.scanSlices(archive, count: 2)
        #expect(throws: OutputFolder.OptionMismatch.self) { try rescan(archive) { $0.output = parts[0] } }
        #expect(throws: OutputFolder.OptionMismatch.self) {
            try rescan(archive) { $0.output = parts[0]; $0.partition = try! Partition(index: 1, count: 2) }
        }
        let whole = try rescan(archive)
        #expect(throws: OutputFolder.OptionMismatch.self) {
            try rescan(archive) { $0.output = whole.out; $0.partition = try! Partition(index: 0, count: 2) }
        }
    }

    /// After the archive grew, the parts scan again (incrementally) and the
    /// merge adds only what is new, keeping FINAL's shards: the same ids as
    /// one OUT scanned before and after.
    @Test func aMergeAfterThePartsGrewAddsOnlyWhatIsNew() throws {
        let archive = Self.archive()
        _ = try rescan(archive) { $0.output = archive.path + "-single" }
        var parts = try Self.scanSlices(archive, count: 3)
        _ = try Self.merge(parts, into: archive.path + "-final")
        let firstShards = try manifestJSON(archive.path + "-final")["shards"] as! [[String: Any]]
        Self.write(into: archive, sessions: 30, grown: true)
        let single = try rescan(archive) { $0.output = archive.path + "-single" }
        parts = try Self.scanSlices(archive, count: 3)
        let report = try Self.merge(parts, into: archive.path + "-final", sortRunLength: 5)
        #expect(report.examplesWritten == single.report.examplesWritten)
        #expect(report.examplesRead == report.examplesWritten + report.duplicates + report.alreadyInOutput)
        let shards = try manifestJSON(archive.path + "-final")["shards"] as! [[String: Any]]
        #expect(shards.prefix(firstShards.count).map { $0["name"] as! String } == firstShards.map { $0["name"] as! String })
        let ids = { (out: String) in Set(try readExamples(out).map { $0["id"] as! String }) }
        #expect(try ids(archive.path + "-final") == (try ids(single.out)))
        #expect(try readExamples(archive.path + "-final").count == (try readExamples(single.out).count))
    }

    /// A merge that fails while writing (disk full) leaves FINAL as it was;
    /// run again, it ends as one clean merge.
    @Test func aFailedMergeLeavesFinalAsItWasAndTheNextFinishes() throws {
        let archive = Self.archive()
        let single = try rescan(archive) { $0.output = archive.path + "-single" }
        let parts = try Self.scanSlices(archive, count: 3)
        let final = archive.path + "-final"
        var writes = 0
        let removeFault = WriteFaults.inject { path in
            guard path.hasPrefix(final + "/") else { return nil }
            writes += 1
            return writes == 3 ? ENOSPC : nil
        }
        defer { removeFault() }
        #expect(throws: SystemError.self) { try Self.merge(parts, into: final) }
        removeFault()
        #expect(!FileManager.default.fileExists(atPath: final + "/manifest.json"))
        _ = try Self.merge(parts, into: final)
        #expect(try Self.content(final).lines == (try Self.content(single.out).lines))
        #expect(try OutputVerifier.verify(output: final).problems == [])
    }

    /// `thresh merge` killed (SIGKILL) at random moments, then run to the
    /// end: FINAL is one clean merge, its folder holds only what it lists.
    @Test func aKilledMergeRunAgainEndsAsOneCleanMerge() throws {
        let archive = Self.archive(sessions: 40)
        let single = try rescan(archive) { $0.output = archive.path + "-single"; $0.shardSize = 3000 }
        let parts = try Self.scanSlices(archive, count: 3) { $0.shardSize = 3000 }
        let final = archive.path + "-final"
        let arguments = ["merge"] + parts + ["-o", final, "--shard-size", "3000", "--quiet"]
        var random = SeededRandom(state: 7)
        var kills = 0
        for _ in 0..<30 where kills < 10 {
            let run = try ThreshCommand.runKilled(arguments, after: UInt32(1_000 + random.below(120_000)))
            if run.killed { kills += 1 }
            // A merge that finished before the kill: start over, to kill more.
            if run.status == 0 { try? FileManager.default.removeItem(atPath: final) }
        }
        #expect(kills >= 5)
        let finish = try ThreshCommand.run(arguments)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Self.content(final).lines == (try Self.content(single.out).lines))
        #expect(try Self.content(final).records == (try Self.content(single.out).records))
        #expect(try OutputVerifier.verify(output: final).problems == [])
        let listed = (try manifestJSON(final)["shards"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(OutputFolder.shardFiles(final + "/shards").sorted() == listed.sorted())
    }

    @Test func slicesAreStableAndSpread() throws {
        #expect(Partition.slice(of: "p/session.jsonl", count: 8) == Partition.slice(of: "p/session.jsonl", count: 8))
        var sizes = [Int](repeating: 0, count: 8)
        for i in 0..<8000 { sizes[Partition.slice(of: "-home-dev-project-\(i % 40)/\(i).jsonl", count: 8)] += 1 }
        #expect(sizes.allSatisfy { $0 > 800 && $0 < 1200 })
        #expect(throws: Partition.ParseError.self) { try Partition(parsing: "8/8") }
        #expect(throws: Partition.ParseError.self) { try Partition(parsing: "1") }
        #expect(try Partition(parsing: "3/8") == Partition(index: 3, count: 8))
    }
}

/// The merge's on-disk sort: any run length gives the in-memory order.
@Suite struct ExternalSorterTests {
    struct Pair: BitwiseCopyable, Equatable {
        var a: UInt64
        var b: Int32
    }

    @Test(arguments: [1, 3, 1000, 50_000, 1 << 20])
    func runsMergeToTheSortedWhole(runLength: Int) throws {
        let dir = TemporaryDirectory()
        var random = SeededRandom(state: UInt64(runLength))
        let pairs = (0..<20_000).map { i in Pair(a: UInt64(random.below(5_000)), b: Int32(i)) }
        var sorter = ExternalSorter<Pair>(directory: dir.path, runLength: runLength) { ($0.a, $0.b) < ($1.a, $1.b) }
        for pair in pairs { try sorter.append(pair) }
        var merged = try sorter.sorted()
        var out: [Pair] = []
        while let next = try merged.next() { out.append(next) }
        let expected = pairs.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
        #expect(out.count == expected.count)
        #expect(out == expected)
        // Runs live in a nameless scratch file: nothing is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func aScratchArrayReadsBackEveryElementInAnyOrder() throws {
        let dir = TemporaryDirectory()
        var array = try ScratchArray<Pair>(directory: dir.path)
        for i in 0..<10_000 { try array.append(Pair(a: UInt64(i) * 7, b: Int32(i))) }
        #expect(array.count == 10_000)
        var random = SeededRandom(state: 11)
        for i in Array(0..<10_000) + (0..<2_000).map({ _ in random.below(10_000) }) {
            #expect(try array.element(at: i) == Pair(a: UInt64(i) * 7, b: Int32(i)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
