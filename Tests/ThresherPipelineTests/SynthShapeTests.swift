import Foundation
import TestSupport
import Testing
import ThresherPipeline
import ThresherState
import ThresherStore
import ThresherSynth

/// `thresh synth`'s default archive has the shape of real ones (issue 16's
/// columns: `scripts/archive-shape.py` prints them for any archive). These
/// are properties of a deterministic generator, not timings.
@Suite struct SynthShapeTests {
    static func files(_ root: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root)!
        return walker.compactMap { ($0 as! String).hasSuffix(".jsonl") ? root + "/" + ($0 as! String) : nil }.sorted()
    }

    /// zstd -3 ratio of the files' bytes, concatenated.
    static func ratio(_ paths: [String]) throws -> Double {
        var raw: [UInt8] = []
        for path in paths { raw += try Data(contentsOf: URL(fileURLWithPath: path)) }
        let compressor = try Compressor(.zstd, level: 3)
        let compressed = try raw.withUnsafeBytes { try compressor.compress($0, final: true) }
        return Double(raw.count) / Double(compressed.count)
    }

    @Test func theRealisticShapeMatchesRealArchives() throws {
        let dir = TemporaryDirectory()
        let archive = dir.path + "/archive"
        let summary = try SynthArchive.generate(.init(output: archive, size: 96 << 20, seed: 3, jobs: 2))
        let paths = Self.files(archive)
        let sizes = try paths.map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as! Int }.sorted()
        let gigabytes = Double(summary.bytes) / 1e9
        #expect(paths.count == summary.files)
        #expect((90...130).contains(summary.bytes >> 20), "near --size: \(summary.bytes >> 20) MiB")
        let perGB = Double(paths.count) / gigabytes
        #expect((1_000...2_500).contains(perGB), "files per GB \(perGB)")
        let median = sizes[sizes.count / 2], p90 = sizes[sizes.count * 9 / 10]
        #expect((60_000...250_000).contains(median), "median file \(median)")
        #expect((1_000_000...4_000_000).contains(p90), "p90 file \(p90)")
        // Sessions far above the rest (50 MB or more at 1 GB and up; here a tenth of the size).
        #expect(sizes.last! >= 9_000_000, "largest \(sizes.last!)")

        let whole = try Self.ratio(stride(from: 0, to: paths.count, by: 3).map { paths[$0] })
        #expect((6...14).contains(whole), "whole files compress \(whole)x")
        var configuration = ScanConfiguration(roots: [archive], output: dir.path + "/out")
        configuration.settle = 0
        configuration.compression = .none
        let report = try ScanPipeline(configuration: configuration).run()
        #expect(report.examplesWritten > 500)
        let shards = OutputFolder.shardFiles(dir.path + "/out/shards").map { dir.path + "/out/shards/" + $0 }
        let examples = try Self.ratio(shards)
        #expect((4...8).contains(examples), "examples compress \(examples)x")
    }

    @Test(arguments: [(SynthArchive.Shape.manySmall, 8_000.0...60_000.0), (.fewLarge, 30.0...400.0)])
    func theOtherShapesSpreadBytesAsNamed(shape: SynthArchive.Shape, filesPerGB: ClosedRange<Double>) throws {
        let dir = TemporaryDirectory()
        let summary = try SynthArchive.generate(.init(output: dir.path, size: 48 << 20, seed: 3, jobs: 2, shape: shape))
        let perGB = Double(summary.files) / (Double(summary.bytes) / 1e9)
        #expect(filesPerGB.contains(perGB), "\(shape): \(perGB) files per GB")
    }
}
