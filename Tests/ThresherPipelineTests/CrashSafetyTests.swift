import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
import ThresherScan
@testable import ThresherStore
@testable import ThresherSystem
@testable import ThresherTools

/// Runs that fail or are killed leave OUT consistent, and the next run
/// finishes the job: the same ids as one clean run, each once (SPEC §8).
@Suite struct CrashSafetyTests {
    /// A small archive of several files with many turns.
    static func archive(turns: Int = 40) -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        for f in 0..<4 {
            var t = Transcript()
            t.session = "s\(f)"
            for i in 0..<turns { t.turn("file \(f) turn \(i) " + String(repeating: "x", count: 300), id: "c\(i)", input: ["f": f, "i": i]) }
            dir.write("p/s\(f).jsonl", t.contents)
        }
        return dir
    }

    static func ids(_ out: String) throws -> [String] {
        try readExamples(out).map { $0["id"] as! String }
    }

    @Test(arguments: ["shards/part-", "state/files-", "manifest.json", "state/keys.bin"])
    func aWriteErrorFailsTheRunNamingThePathAndTheNextRunFinishes(_ failing: String) throws {
        let dir = Self.archive()
        let clean = try rescan(dir) { $0.output = dir.path + "-clean"; $0.shardSize = 4000 }
        let out = dir.path + "-out"
        let removeFault = WriteFaults.inject { path in path.hasPrefix(out + "/") && path.contains(failing) ? ENOSPC : nil }
        defer { removeFault() }
        var failure: SystemError?
        do {
            // One job: below the core count the failing writer holds a core
            // token, which it must give back for the workers to finish.
            _ = try rescan(dir) { $0.shardSize = 4000; $0.jobs = 1 }
        } catch let error as SystemError {
            failure = error
        }
        removeFault()
        let error = try #require(failure)
        #expect(error.path.contains(failing))
        #expect(error.description.contains("No space left on device"))
        let finished = try rescan(dir) { $0.shardSize = 4000 }
        let listed = (try manifestJSON(finished.out)["shards"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(try FileManager.default.contentsOfDirectory(atPath: finished.out + "/shards").sorted() == listed.sorted())
        #expect(try Self.ids(finished.out).sorted() == (try Self.ids(clean.out)).sorted())
        #expect(Set(try Self.ids(finished.out)).count == clean.examples.count)
        try? FileManager.default.removeItem(atPath: dir.path + "-clean")
    }

    /// A huge file's examples wait in a nameless scratch file in OUT/state:
    /// nothing of it is left once the run ends, and a write to it that fails
    /// fails that file (reported, its cursor not moved, nothing of it
    /// written), not the run; the next run reads it again.
    @Test func aHugeFilesScratchFileLeavesNothingAndItsWriteErrorFailsOnlyThatFile() throws {
        let dir = Self.archive()
        let clean = try rescan(dir) { $0.output = dir.path + "-clean" }
        defer { try? FileManager.default.removeItem(atPath: dir.path + "-clean") }
        let huge = try rescan(dir) { $0.output = dir.path + "-huge"; $0.hugeFileAbove = 0; $0.unitSize = 5_000 }
        defer { try? FileManager.default.removeItem(atPath: dir.path + "-huge") }
        #expect(try Self.ids(huge.out) == (try Self.ids(clean.out)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: huge.out + "/state").sorted() == ["files-1.json", "keys.bin", "lock", "model"])

        let out = dir.path + "-out"
        var failures = 0
        let removeFault = WriteFaults.inject { path in
            guard path == out + "/state/(temporary file)" else { return nil }
            failures += 1
            // The second huge file's scratch file only.
            return failures == 2 ? ENOSPC : nil
        }
        defer { removeFault() }
        let failed = try rescan(dir) { $0.hugeFileAbove = 0; $0.unitSize = 5_000; $0.jobs = 1 }
        removeFault()
        #expect(failed.report.problems.count == 1)
        #expect(failed.report.problems.first?.contains("s1.jsonl: cannot hold its examples") == true)
        #expect(failed.report.problems.first?.contains("No space left on device") == true)
        #expect(failed.examples.count == clean.examples.count - 40)
        let again = try rescan(dir)
        #expect(again.report.filesRead == 1)
        #expect(try Self.ids(again.out).sorted() == (try Self.ids(clean.out)).sorted())
    }

    /// SIGKILL at random moments while the archive grows; resume each time.
    @Test func killedRunsLoseAndRepeatNothing() throws {
        let final = Self.archive(turns: 120)
        let clean = try rescan(final) { $0.output = final.path + "-clean" }
        defer { try? FileManager.default.removeItem(atPath: final.path + "-clean") }
        let expected = try Self.ids(clean.out).sorted()
        #expect(expected.count == 480)

        // The live archive: each step reveals more whole turns of every file.
        let live = TemporaryDirectory()
        let files = try FileManager.default.contentsOfDirectory(atPath: final.path + "/p").sorted()
        let contents = try files.map { try String(contentsOfFile: final.path + "/p/" + $0, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) }
        let out = live.path + "-out"
        var random = SeededRandom(state: 99)
        func reveal(_ step: Int, of steps: Int) {
            for (index, name) in files.enumerated() {
                let lines = contents[index].dropLast()  // the empty piece after the last newline
                let shown = lines.count * step / steps / 4 * 4  // whole turns (4 lines each)
                live.write("p/" + name, lines.prefix(shown).map { $0 + "\n" }.joined())
            }
        }
        let arguments = ["scan", live.path, "-o", out, "--settle", "0", "--compression", "none", "--shard-size", "20000", "--quiet"]
        // Kill runs at random moments (start-up, reading, shard writing,
        // commit) until 24 died, revealing more of the archive every other run.
        let steps = 16
        var step = 0
        var kills = 0
        var attempts = 0
        while kills < 24 && attempts < 400 {
            attempts += 1
            if attempts % 2 == 1 && step < steps {
                step += 1
                reveal(step, of: steps)
            }
            if try ThreshCommand.runKilled(arguments, after: UInt32(2_000 + random.below(150_000))).killed { kills += 1 }
        }
        #expect(kills >= 20)
        reveal(steps, of: steps)
        let finish = try ThreshCommand.run(arguments)
        #expect(finish.status == 0, "\(finish.stderr)")
        let got = try Self.ids(out)
        #expect(got.sorted() == expected, "after \(kills) kills in \(attempts) runs")
        #expect(Set(got).count == got.count)
        // OUT is consistent: exactly the listed shards, keys for every example.
        let manifest = try manifestJSON(out)
        let listed = (manifest["shards"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/shards").sorted() == listed.sorted())
        #expect(manifest["examples"] as? Int == got.count)
        #expect(manifest["dedup_keys"] as? Int == got.count)
        try? FileManager.default.removeItem(atPath: out)
    }
}
