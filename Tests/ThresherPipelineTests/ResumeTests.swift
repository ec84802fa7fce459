import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
import ThresherState
import ThresherSystem
@testable import ThresherTools

/// A live archive across runs (SPEC §8): every change Claude Code makes to
/// its files, each followed by an incremental run.
@Suite struct ResumeTests {
    static let old = Date(timeIntervalSinceNow: -3600)

    /// Runs a scan of `dir` with settling on (files written "now" are fresh).
    static func run(_ dir: TemporaryDirectory, settle: Double = 60) throws -> ScanRun {
        try rescan(dir) { $0.settle = settle }
    }

    static func prompts(_ run: ScanRun) -> [String] {
        run.messages.map { $0[0]["content"] as! String }
    }

    @Test func aPartialLastLineIsReadOnceItIsComplete() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        t.turn("two", id: "c2")
        let full = t.contents
        let cut = full.utf8.count - 20
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", String(decoding: Array(full.utf8)[0..<cut], as: UTF8.self), modified: Date())
        let first = try Self.run(dir)
        #expect(Self.prompts(first) == ["one"])
        #expect(first.report.counters.partialLines == 1)
        #expect(first.report.counters.turnsPending == 1)
        dir.write("p/s.jsonl", full, modified: Self.old)
        let second = try Self.run(dir)
        #expect(second.report.filesResumed == 1)
        #expect(Self.prompts(second) == ["one", "two"])
        #expect(second.metadata.map { $0["line_start"] as! Int } == [1, 5])
        #expect(second.report.duplicatesEarlierRuns == 0)
    }

    @Test func aTurnOpenAtTheEndIsFinishedInALaterRun() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        t.user("two")
        t.assistant("m2", [use("c2", "mcp__s__x")])
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", t.contents, modified: Date())
        let first = try Self.run(dir)
        #expect(Self.prompts(first) == ["one"])
        t.result("c2", "late result")
        t.assistant("a2", [text("late answer")])
        dir.write("p/s.jsonl", t.contents, modified: Self.old)
        let second = try Self.run(dir)
        #expect(Self.prompts(second) == ["one", "two"])
        let last = try #require(second.messages.last)
        #expect(last.last?["content"] as? String == "late answer")
        #expect(second.report.counters.turnsComplete == 1)
        #expect(second.report.counters.turnsNoAnswer == 0)
    }

    @Test func newFilesAndSubagentFoldersAreRead() throws {
        let dir = TemporaryDirectory()
        var main = Transcript()
        main.turn("main", id: "c1")
        dir.write("p/s1.jsonl", main.contents)
        _ = try Self.run(dir)
        var agent = Transcript()
        agent.sidechain = true
        agent.turn("sub", id: "c9")
        dir.write("p/s1/subagents/agent-a1.jsonl", agent.contents)
        var other = Transcript()
        other.turn("other session", id: "c5")
        dir.write("p/s2.jsonl", other.contents)
        let second = try Self.run(dir)
        #expect(second.report.filesUnchanged == 1)
        #expect(second.report.examplesWritten == 2)
        #expect(Set(Self.prompts(second)) == ["main", "sub", "other session"])
    }

    @Test func aFileThatShrankOrChangedItsFirstLineIsReadAgainWithoutDuplicates() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        t.turn("two", id: "c2")
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", t.contents)
        _ = try Self.run(dir)
        // Shrank: a new session reusing the name, with one old turn and a new one.
        var shorter = Transcript()
        shorter.turn("two", id: "c2")
        shorter.turn("3", id: "c3")
        dir.write("p/s.jsonl", shorter.contents)
        let second = try Self.run(dir)
        #expect(second.report.filesRestarted == 1)
        #expect(second.report.examplesWritten == 1)
        #expect(second.report.duplicatesEarlierRuns == 1)
        // Same length or longer but another first line.
        var rewritten = Transcript()
        rewritten.session = "other"
        rewritten.turn("one", id: "c1")
        rewritten.turn("two", id: "c2")
        rewritten.turn("four", id: "c4")
        dir.write("p/s.jsonl", rewritten.contents)
        let third = try Self.run(dir)
        #expect(third.report.filesRestarted == 1)
        #expect(third.report.examplesWritten == 1)
        #expect(Self.prompts(third) == ["one", "two", "3", "four"])
    }

    /// Phase 1 takes a new file's fingerprint from the first line it reads;
    /// it must be the one the plan reads on the next run, or every file
    /// would be read again from the start.
    @Test(arguments: [false, true])
    func aNewFilesFingerprintIsThePlansWhateverItsFirstLine(parsesLineEnds: Bool) throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        let limit = ResumePlan.fingerprintLimit
        let long = { (length: Int) in "\"" + String(repeating: "x", count: length - 2) + "\"" }
        let files: [String: String] = [
            "a.jsonl": t.contents,
            "b.jsonl": "{broken\n" + t.contents,
            "c.jsonl": "\n" + t.contents,
            "d.jsonl": long(limit - 1) + "\n" + t.contents,
            "e.jsonl": long(limit) + "\n" + t.contents,
            "f.jsonl": long(limit + 5) + "\n" + t.contents,
            "g.jsonl": "{\"partial\": 1",
            "h.jsonl": "",
        ]
        let dir = TemporaryDirectory()
        for (name, text) in files { dir.write("p/" + name, text) }
        let run = try rescan(dir) { $0.parsesLineEnds = parsesLineEnds; $0.chunkSize = 1 << 16 }
        let statePath = run.out + "/state/" + FileStateStore.fileName(generation: 1)
        let states = try FileStateStore.decode(Array(Data(contentsOf: URL(fileURLWithPath: statePath))), path: statePath)
        #expect(states.count == files.count)
        for state in states {
            let descriptor = try FileDescriptor.openInput(state.path, followLinks: false)
            defer { descriptor.closeQuietly() }
            #expect(state.fingerprint == ResumePlan.fingerprint(of: descriptor, path: state.path), "\(state.path)")
        }
        #expect(try rescan(dir).report.filesUnchanged == files.count)
    }

    @Test func aDeletedFileLeavesItsExamples() throws {
        let dir = TemporaryDirectory()
        var a = Transcript()
        a.turn("kept after deletion", id: "c1")
        var b = Transcript()
        b.turn("b", id: "c2")
        dir.write("p/a.jsonl", a.contents)
        dir.write("p/b.jsonl", b.contents)
        _ = try Self.run(dir)
        try FileManager.default.removeItem(atPath: dir.path + "/p/a.jsonl")
        let second = try Self.run(dir)
        #expect(Set(Self.prompts(second)) == ["kept after deletion", "b"])
        let status = try OutputStatus.inspect(output: second.out)
        #expect(status.filesTracked == 1)
        #expect(status.vanishedFiles == 0)
    }

    @Test func statusSaysWhatTheNextRunWouldRead() throws {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("one", id: "c1")
        dir.write("p/a.jsonl", t.contents)
        dir.write("p/b.jsonl", t.contents)
        let first = try Self.run(dir)
        var status = try OutputStatus.inspect(output: first.out)
        #expect(status.examples == 1)
        #expect(status.filesTracked == 2)
        #expect(status.bytesToRead == 0)
        #expect(status.unchangedFiles == 2)
        #expect(status.roots == [dir.path])
        var more = t
        more.turn("two", id: "c2")
        dir.write("p/a.jsonl", more.contents)
        dir.write("p/c.jsonl", t.contents)
        try FileManager.default.removeItem(atPath: dir.path + "/p/b.jsonl")
        status = try OutputStatus.inspect(output: first.out)
        #expect(status.grownFiles == 1 && status.newFiles == 1 && status.vanishedFiles == 1)
        #expect(status.bytesToRead == Int64(more.contents.utf8.count - t.contents.utf8.count + t.contents.utf8.count))
        #expect(throws: OutputStatus.NotAnOutput.self) { try OutputStatus.inspect(output: dir.path) }
    }

    @Test func linesKeepTheirNumbersAcrossRuns() throws {
        var t = Transcript()
        t.raw(#"{"type":"summary","summary":"s"}"#)
        t.turn("one", id: "c1")
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", t.contents)
        _ = try Self.run(dir)
        t.raw("not json")
        t.turn("two", id: "c2")
        dir.write("p/s.jsonl", t.contents)
        let second = try Self.run(dir)
        #expect(second.metadata.map { $0["line_start"] as! Int } == [2, 7])
        #expect(second.report.malformedSamples == ["p/s.jsonl:6: invalid literal at byte 0"])
    }
}
