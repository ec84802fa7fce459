import Testing
@testable import ThresherState
import ThresherStore

/// `manifest.json` (SPEC §7): what is written is read back, and what is not
/// a manifest is refused with the reason.
@Suite struct ManifestTests {
    private func sample() -> Manifest {
        var manifest = Manifest(format: "openai", compression: "zstd")
        manifest.shards = [
            ShardInfo(name: "part-00000.jsonl.zst", records: 10, bytes: 1_234, uncompressedBytes: 9_000, sha256: String(repeating: "a", count: 64)),
            ShardInfo(name: "part-00001.jsonl.zst", records: 5, bytes: 600, uncompressedBytes: 4_000, sha256: String(repeating: "b", count: 64)),
        ]
        var val = ShardInfo(name: "val/part-00000.jsonl.zst", records: 1, bytes: 90, uncompressedBytes: 300, sha256: String(repeating: "c", count: 64))
        val.split = "val"
        manifest.shards.append(val)
        manifest.recordShards = [ShardInfo(name: "part-00000.record.jsonl.zst", records: 16, bytes: 700, uncompressedBytes: 5_000, sha256: String(repeating: "d", count: 64))]
        manifest.dedupKeys = 16
        manifest.stateGeneration = 3
        manifest.runs = [#"{"examples_written":16,"started_at":"2026-12-02T00:00:00Z"}"#]
        manifest.options = [ShapingOption(name: "--format", value: "openai"), ShapingOption(name: "--split", value: "90,5,5")]
        return manifest
    }

    @Test func whatIsEncodedDecodesToTheSameManifest() throws {
        let manifest = sample()
        let decoded = try Manifest.decode(manifest.encoded(), path: "m")
        #expect(decoded == manifest)
        #expect(decoded.examples == 16)
    }

    @Test func theEncodingIsStable() throws {
        #expect(sample().encoded() == sample().encoded())
        #expect(try Manifest.decode(sample().encoded(), path: "m").encoded() == sample().encoded())
    }

    @Test func aManifestWithoutOptionsStaysWithout() throws {
        let manifest = Manifest(format: "chatml", compression: "none")
        let decoded = try Manifest.decode(manifest.encoded(), path: "m")
        #expect(decoded.options == nil)
        #expect(decoded.shards.isEmpty)
        #expect(decoded.examples == 0)
    }

    @Test(arguments: [
        ("[]", "thresh_manifest"),
        ("{\"format\":\"openai\"}", "thresh_manifest"),
        ("{\"thresh_manifest\":99,\"format\":\"openai\",\"compression\":\"zstd\"}", "thresh_manifest"),
        ("{\"thresh_manifest\":1,", "not a thresh manifest"),
    ])
    func whatIsNotAManifestIsRefusedWithTheReason(text: String, reasonContains: String) {
        do {
            _ = try Manifest.decode(Array(text.utf8), path: "OUT/manifest.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".contains("OUT/manifest.json"))
            #expect("\(error)".contains(reasonContains), "\(error)")
        }
    }
}
