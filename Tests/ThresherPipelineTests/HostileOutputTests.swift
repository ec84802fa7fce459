import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
@testable import ThresherState
import ThresherSystem

/// An output folder someone else prepared (issue 15): thresh never writes
/// through a link, never takes a folder that is not its own, never removes
/// what it did not write, and `--full` is crash-safe.
@Suite struct HostileOutputTests {
    private func archive() -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("one", id: "c1")
        t.turn("two", id: "c2")
        dir.write("p/s.jsonl", t.contents)
        return dir
    }

    private func expectRefused(_ dir: TemporaryDirectory, _ reason: String, configure: (inout ScanConfiguration) -> Void = { _ in }) {
        do {
            _ = try rescan(dir, configure: configure)
            Issue.record("the run went ahead")
        } catch let error as OutputFolder.UnsafeFolder {
            #expect(error.description.contains(reason), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: ["state/keys.bin", "state/lock", "manifest.json", "report.json"])
    func aLinkInsideOUTIsRefusedAndNeverWrittenThrough(_ name: String) throws {
        let dir = archive()
        _ = try rescan(dir)
        let out = dir.path + "-out"
        let victim = dir.write("victim.txt", "precious\n")
        unlink(out + "/" + name)
        #expect(symlink(victim, out + "/" + name) == 0)
        expectRefused(dir, "is a symbolic link")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func aLinkToAFileThatDoesNotExistYetIsNotCreated() throws {
        let dir = archive()
        _ = try rescan(dir)
        let out = dir.path + "-out"
        unlink(out + "/state/lock")
        #expect(symlink(dir.path + "/created-by-thresh", out + "/state/lock") == 0)
        expectRefused(dir, "is a symbolic link")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/created-by-thresh"))
    }

    @Test func anOUTOthersCanWriteIsRefusedAndLeftAsItIs() throws {
        let dir = archive()
        _ = try rescan(dir)
        let out = dir.path + "-out"
        #expect(chmod(out, 0o777) == 0)
        expectRefused(dir, "writable by group or others (mode 777)")
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int == 0o777)
    }

    @Test func aFolderThatIsNotThreshsIsRefusedUntouched() throws {
        let dir = archive()
        let out = dir.path + "-out"
        try FileManager.default.createDirectory(atPath: out + "/shards", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out + "/state/model", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: out + "/shards/mine.txt", contents: Data("mine".utf8)))
        #expect(FileManager.default.createFile(atPath: out + "/state/files-7.json", contents: Data("{}".utf8)))
        #expect(FileManager.default.createFile(atPath: out + "/state/model/c.txt", contents: Data("c".utf8)))
        #expect(FileManager.default.createFile(atPath: out + "/report.json", contents: Data("theirs".utf8)))
        let before = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        expectRefused(dir, "holds no thresh manifest")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: out).sorted() == before)
        #expect(FileManager.default.contents(atPath: out + "/report.json") == Data("theirs".utf8))
    }

    @Test func aKilledFirstRunsLeftoversAreTakenAsThreshs() throws {
        let dir = archive()
        let out = dir.path + "-out"
        try FileManager.default.createDirectory(atPath: out + "/shards", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out + "/state/model", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: out + "/state/lock", contents: Data()))
        #expect(FileManager.default.createFile(atPath: out + "/state/keys.bin", contents: Data(repeating: 7, count: 16)))
        #expect(FileManager.default.createFile(atPath: out + "/shards/part-00000.jsonl.partial", contents: Data("half".utf8)))
        let run = try rescan(dir)
        #expect(run.examples.count == 2)
        #expect(run.report.removedLeftovers == ["shards/part-00000.jsonl.partial"])
    }

    @Test func filesThreshDidNotNameAreNeverRemoved() throws {
        let dir = archive()
        _ = try rescan(dir)
        let out = dir.path + "-out"
        #expect(FileManager.default.createFile(atPath: out + "/shards/notes.txt", contents: Data("keep".utf8)))
        #expect(FileManager.default.createFile(atPath: out + "/state/model/readme", contents: Data("keep".utf8)))
        #expect(FileManager.default.createFile(atPath: out + "/state/backup.tmp", contents: Data("keep".utf8)))
        _ = try rescan(dir)
        _ = try rescan(dir) { $0.fresh = true }
        for kept in ["shards/notes.txt", "state/model/readme", "state/backup.tmp"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + kept) || FileManager.default.fileExists(
                atPath: OutputFolder.stagingPath(for: out) + "/" + kept), "\(kept) was removed")
        }
    }

    @Test func aFullRunThatFailsBeforeItsSwapLeavesTheOldOutput() throws {
        let dir = archive()
        let first = try rescan(dir)
        let out = first.out
        let oldIDs = first.examples.map { $0["id"] as! String }
        var t = Transcript()
        t.turn("three", id: "c3")
        dir.write("p/t.jsonl", t.contents)
        let staging = OutputFolder.stagingPath(for: out)
        // The new output's report is its last write before the swap.
        let removeFault = WriteFaults.inject { $0.hasPrefix(staging + "/report.json") ? ENOSPC : nil }
        defer { removeFault() }
        #expect(throws: SystemError.self) { _ = try rescan(dir) { $0.fresh = true } }
        removeFault()
        #expect(try readExamples(out).map { $0["id"] as! String } == oldIDs)
        // The next run clears the abandoned folder; a --full run swaps its output in.
        let full = try rescan(dir) { $0.fresh = true }
        #expect(full.examples.count == 3)
        #expect(full.report.examplesWritten == 3)
        #expect(!FileManager.default.fileExists(atPath: staging))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/shards") == ["part-00000.jsonl"])
    }

    /// Where the file system cannot swap two folders in one step
    /// (RENAME_EXCHANGE), `--full` renames twice; killed between the two,
    /// OUT is missing with its old output beside it, and the next run puts
    /// that back before anything else. (The switch is process-wide: a
    /// `--full` of another test meanwhile renames twice too, with the same result.)
    @Test func withoutAnAtomicSwapFullRenamesTwiceAndAKillBetweenIsUndone() throws {
        let dir = archive()
        let first = try rescan(dir)
        let out = first.out
        var t = Transcript()
        t.turn("three", id: "c3")
        dir.write("p/t.jsonl", t.contents)
        Directory.exchangeUnsupported = true
        defer { Directory.exchangeUnsupported = false }
        let full = try rescan(dir) { $0.fresh = true }
        Directory.exchangeUnsupported = false
        #expect(full.report.examplesWritten == 3)
        #expect(full.examples.count == 3)
        let old = OutputFolder.oldPath(for: out)
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(!FileManager.default.fileExists(atPath: OutputFolder.stagingPath(for: out)))

        // Killed after the first rename: OUT gone, the old output beside it.
        try FileManager.default.moveItem(atPath: out, toPath: old)
        let again = try rescan(dir)
        #expect(again.report.filesUnchanged == 2)
        #expect(again.report.examplesWritten == 0)
        #expect(again.examples.count == 3)
        #expect(!FileManager.default.fileExists(atPath: old))
        // Killed after the second: the old output left beside OUT is removed.
        try FileManager.default.createDirectory(atPath: old + "/state", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: old + "/manifest.json", contents: Data("{}".utf8)))
        _ = try rescan(dir)
        #expect(!FileManager.default.fileExists(atPath: old))
    }

    @Test func aFullRunKilledAtAnyMomentLeavesTheOldOrTheNewOutput() throws {
        let dir = TemporaryDirectory()
        for file in 0..<40 {
            var t = Transcript()
            for i in 0..<30 { t.turn("file \(file) turn \(i) " + String(repeating: "x", count: 400), id: "c\(i)") }
            dir.write("p/s\(file).jsonl", t.contents)
        }
        let out = dir.path + "-out"
        let arguments = ["scan", dir.path, "-o", out, "--settle", "0", "--all-tools", "--jobs", "1"]
        #expect(try ThreshCommand.run(arguments).status == 0)
        let complete = try manifestJSON(out)["examples"] as! Int
        var random = SeededRandom(state: 15)
        for _ in 0..<12 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ThreshCommand.binary)
            process.arguments = arguments + ["--full"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(5_000 + random.below(250_000)))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            // Old or new, OUT is always one whole output.
            #expect(try manifestJSON(out)["examples"] as? Int == complete)
            #expect(try readExamples(out).count == complete)
        }
        #expect(try ThreshCommand.run(arguments).status == 0)
        #expect(!FileManager.default.fileExists(atPath: OutputFolder.stagingPath(for: out)))
    }
}
