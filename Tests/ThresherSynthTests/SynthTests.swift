import Crypto
import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
@testable import ThresherSynth
@testable import ThresherSystem
@testable import ThresherTools

@Suite struct SynthTests {
    static func tree(_ root: String) throws -> [String: String] {
        var digests: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)!
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
            digests[relative] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return digests
    }

    @Test func theSameSeedGivesTheSameArchive() throws {
        let a = TemporaryDirectory()
        let b = TemporaryDirectory()
        let c = TemporaryDirectory()
        _ = try SynthArchive.generate(.init(output: a.path + "/p", size: 6 << 20, seed: 9, jobs: 1))
        _ = try SynthArchive.generate(.init(output: b.path + "/p", size: 6 << 20, seed: 9, jobs: 3))
        _ = try SynthArchive.generate(.init(output: c.path + "/p", size: 6 << 20, seed: 10, jobs: 1))
        let treeA = try Self.tree(a.path + "/p")
        #expect(!treeA.isEmpty)
        #expect(treeA == (try Self.tree(b.path + "/p")))
        #expect(treeA != (try Self.tree(c.path + "/p")))
    }

    @Test func theArchiveHasTheShapesOfARealOne() throws {
        let dir = TemporaryDirectory()
        let summary = try SynthArchive.generate(.init(output: dir.path + "/p", size: 48 << 20, seed: 5, mcpShare: 0.3, jobs: 2))
        #expect(summary.bytes > 40 << 20)
        let files = try Self.tree(dir.path + "/p").keys
        #expect(files.contains { $0.contains("/subagents/agent-a") })
        #expect(files.contains { ($0 as NSString).lastPathComponent.hasPrefix("agent-") && !$0.contains("/subagents/") })
        var configuration = ScanConfiguration(roots: [dir.path + "/p"], output: dir.path + "/out")
        configuration.compression = .none
        let report = try ScanPipeline(configuration: configuration).run()
        let c = report.counters
        #expect(report.problems.isEmpty)
        #expect(c.turnsPending == 0, "synthetic files are old, so settled")
        #expect(c.malformedCount > 0 && c.malformedCount < 50)
        #expect(report.malformedSamples.allSatisfy { $0.hasSuffix("unexpected character '}' at byte 42") })
        #expect(c.partialLines > 0)
        #expect(c.turnsInterrupted > 0)
        #expect(report.duplicatesThisRun > 0, "resumed sessions replay earlier turns")
        #expect(c.recordsByType["progress"]! > 0 && c.recordsByType["attachment"]! > 0)
        let examples = try readExamples(dir.path + "/out")
        #expect(examples.count == report.examplesWritten)
        // Roughly the MCP share of complete turns is selected.
        let share = Double(c.selected) / Double(c.turnsComplete)
        #expect(share > 0.2 && share < 0.4, "\(share)")
        let sidechains = examples.filter { ($0["metadata"] as! [String: Any])["sidechain"] as! Bool }
        #expect(!sidechains.isEmpty)
        #expect(sidechains.contains { !((($0["metadata"] as! [String: Any])["file"] as! String).contains("agent-")) },
                "inline sidechains of 1.0.x sessions")
    }
}
