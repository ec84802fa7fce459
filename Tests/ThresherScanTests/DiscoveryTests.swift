import Foundation
import TestSupport
import Testing
@testable import ThresherScan

/// The walk of a root: projects are walked in parallel, so what comes out
/// must not depend on it: one bytewise order of relative paths, symlink
/// loops to the root or to a project reported, skipped folders skipped.
@Suite struct DiscoveryTests {
    @Test func filesComeInBytewiseOrderOfTheirRelativePaths() throws {
        let dir = TemporaryDirectory()
        // `-` (0x2D) and `.` (0x2E) sort before `/` (0x2F): a/… comes last.
        for path in ["a/s.jsonl", "a-b/s.jsonl", "a.c/s.jsonl", "a/sub/deeper/t.jsonl", "top.jsonl", "a-b/x/agent-1.jsonl",
                     "z/tool-results/no.jsonl", "é/s.jsonl", "a/notes.txt"] {
            dir.write(path, "{}\n")
        }
        for _ in 0..<3 {
            let result = try Discovery().discover(roots: [dir.path])
            #expect(result.files.map(\.relativePath) == [
                "a-b/s.jsonl", "a-b/x/agent-1.jsonl", "a.c/s.jsonl", "a/s.jsonl", "a/sub/deeper/t.jsonl", "top.jsonl", "é/s.jsonl",
            ])
            #expect(result.problems.isEmpty)
        }
    }

    @Test func loopsToTheRootOrToAProjectAreReportedOnce() throws {
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", "{}\n")
        dir.write("q/r/s.jsonl", "{}\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/p/root", withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/q/r/up", withDestinationPath: dir.path + "/q")
        let result = try Discovery(followSymlinks: true).discover(roots: [dir.path])
        #expect(result.files.map(\.relativePath) == ["p/s.jsonl", "q/r/s.jsonl"])
        #expect(result.problems.map(\.path).sorted() == [dir.path + "/p/root", dir.path + "/q/r/up"])
        #expect(result.problems.allSatisfy { $0.reason.contains("loop") })
    }

    @Test func anExcludedProjectIsNotWalked() throws {
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", "{}\n")
        dir.write("out/s.jsonl", "{}\n")
        var info = stat()
        #expect(stat(dir.path + "/out", &info) == 0)
        let result = try Discovery(excluding: [FileIdentity(info)]).discover(roots: [dir.path])
        #expect(result.files.map(\.relativePath) == ["p/s.jsonl"])
    }
}
