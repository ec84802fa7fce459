import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
import ThresherState
import ThresherStore
import ThresherSynth
@testable import ThresherTools

/// `thresh synth` plants secrets of every rule; none may reach a shard of
/// any format, and with `--no-redact` they do (so this test can fail).
@Suite(.serialized) struct PlantedSecretTests {
    nonisolated(unsafe) static let archive: (dir: TemporaryDirectory, secrets: [String]) = {
        let dir = TemporaryDirectory()
        // Seed 2 at 16 MiB plants secrets of all fourteen rules into selected turns.
        let summary = try! SynthArchive.generate(.init(output: dir.path + "/archive", size: 16 << 20, seed: 2, jobs: 2))
        return (dir, summary.secrets)
    }()

    /// The longest line of each secret: what a leak would show verbatim
    /// (none holds a character JSON escapes).
    static var needles: [String] {
        archive.secrets.map { $0.split(separator: "\n").map(String.init).max { $0.count < $1.count }! }
    }

    static func shardText(_ out: String) throws -> String {
        var text = ""
        for name in OutputFolder.shardFiles(out + "/shards") {
            let bytes = try decompress(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/shards/" + name))), name: name)
            text += String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    static func scan(format: OutputFormat, redaction: RedactionRules) throws -> (ScanReport, String) {
        let out = archive.dir.path + "/out-\(format.rawValue)-\(redaction.description)"
        var configuration = ScanConfiguration(roots: [archive.dir.path + "/archive"], output: out)
        configuration.settle = 0
        configuration.selector = .all
        configuration.format = format
        configuration.redaction = redaction
        let report = try ScanPipeline(configuration: configuration).run()
        return (report, try shardText(out))
    }

    @Test func everyRuleIsPlanted() {
        #expect(Self.archive.secrets.count >= 14)
    }

    @Test(arguments: OutputFormat.allCases)
    func noPlantedSecretReachesAShard(format: OutputFormat) throws {
        let (report, text) = try Self.scan(format: format, redaction: .all)
        let leaked = Self.needles.filter { text.contains($0) }
        #expect(leaked.isEmpty, "\(leaked.prefix(3))")
        for rule in RedactionRule.allCases {
            #expect(report.redactions[rule] > 0, "no \(rule.name) redacted")
        }
        // CSV rows hold the prompt and the answer only.
        if format != .csv { #expect(text.contains("[REDACTED:")) }
    }

    @Test func withoutRedactionThePlantedSecretsAreThere() throws {
        let (report, text) = try Self.scan(format: .openai, redaction: .none)
        let present = Self.needles.filter { text.contains($0) }
        #expect(present.count * 2 > Self.needles.count, "\(present.count) of \(Self.needles.count)")
        #expect(report.redactions.total == 0 && !text.contains("[REDACTED:"))
        #expect(!text.contains("\"redactions\""))
    }
}
