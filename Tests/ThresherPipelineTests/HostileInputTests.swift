import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
@testable import ThresherScan
import ThresherSystem
@testable import ThresherTools

/// An archive that changes under thresh or holds what no transcript should
/// (issue 15): each case is skipped and reported, never hangs, never reads
/// the wrong file.
@Suite struct HostileInputTests {
    private func turn(_ prompt: String, _ id: String) -> String {
        var t = Transcript()
        t.turn(prompt, id: id)
        return t.contents
    }

    @Test func aFIFOSwappedInAfterTheWalkIsSkippedWithoutHanging() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("s.jsonl", turn("one", "c1"))
        let file = try FileChangeTests.discovered(path)
        let result = try FileChangeTests.scanFile(file, method: .read) {
            unlink(path)
            #expect(mkfifo(path, 0o600) == 0)
        }
        #expect(result.examples.isEmpty)
        #expect(result.problem?.contains("no longer a regular file") == true, "\(result.problem ?? "no problem")")
        // The plan's fingerprint read must not block on it either.
        #expect(ResumePlan.fingerprint(file) == "")
    }

    @Test func aFileReplacedAfterTheWalkIsNotReadInItsPlace() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("s.jsonl", turn("one", "c1"))
        let file = try FileChangeTests.discovered(path)
        let result = try FileChangeTests.scanFile(file, method: .read) {
            dir.write("s.jsonl", turn("another file", "c9"))
        }
        #expect(result.examples.isEmpty)
        #expect(result.problem?.contains("replaced by another file") == true)
    }

    @Test func aSymlinkSwappedInAfterTheWalkIsNotFollowed() throws {
        let dir = TemporaryDirectory()
        let secret = dir.write("elsewhere/secret.jsonl", turn("not for thresh", "c9"))
        let path = dir.write("s.jsonl", turn("one", "c1"))
        let file = try FileChangeTests.discovered(path)
        let result = try FileChangeTests.scanFile(file, method: .read) {
            unlink(path)
            #expect(symlink(secret, path) == 0)
        }
        #expect(result.examples.isEmpty)
        #expect(result.problem != nil)
    }

    @Test func aNameThatIsNotUTF8IsReportedAndNeverConfusedWithAnother() throws {
        let dir = TemporaryDirectory()
        dir.write("p/\u{FFFD}.jsonl", turn("the replacement character's file", "c1"))
        var raw = Array((dir.path + "/p/").utf8) + [0xFF] + Array(".jsonl".utf8) + [0]
        let fd = raw.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        }
        #expect(fd >= 0)
        try FileDescriptor(rawValue: fd).writeAll(Array(turn("the 0xFF file", "c2").utf8), path: "\\xff.jsonl")
        close(fd)
        let run = try rescan(dir)
        #expect(run.report.files == 1)
        #expect(run.examples.count == 1)
        #expect(run.messages.first?.first?["content"] as? String == "the replacement character's file")
        #expect(run.report.problems.contains { $0.hasSuffix("p/\\xff.jsonl: name is not valid UTF-8; not read") },
                "\(run.report.problems)")
    }

    @Test func anOutputFolderUnderARootIsNeverReadAsAnArchive() throws {
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", turn("one", "c1"))
        let out = dir.path + "/out"
        var configuration = ScanConfiguration(roots: [dir.path], output: out)
        configuration.settle = 0
        configuration.compression = .none
        configuration.selector = .all
        _ = try ScanPipeline(configuration: configuration).run()
        // An uncompressed shard is a `.jsonl` file under the root.
        #expect(FileManager.default.fileExists(atPath: out + "/shards/part-00000.jsonl"))
        dir.write("p/t.jsonl", turn("two", "c2"))
        let second = try ScanPipeline(configuration: configuration).run()
        #expect(second.files == 2)
        #expect(second.examplesWritten == 1)
        #expect(second.counters.malformedCount == 0)
    }

    @Test func verifyNotesACrashedRunsLeftoversWithoutFailing() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        let run = try scan(t) { $0.compression = .zstd }
        #expect(FileManager.default.createFile(atPath: run.out + "/shards/part-00001.jsonl.zst.partial", contents: Data([1, 2, 3])))
        let report = try OutputVerifier.verify(output: run.out)
        #expect(report.ok)
        #expect(report.notes.count == 1)
        #expect(report.notes.first?.hasPrefix("shards/part-00001.jsonl.zst.partial: not committed") == true)
    }
}
