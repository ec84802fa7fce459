import Crypto
import Foundation
import TestSupport
import Testing
import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
@testable import ThresherState
import ThresherStore
@testable import ThresherTools

/// The bundled demo archive against its reviewed output, byte for byte, in
/// every format.
@Suite struct GoldenOutputTests {
    static let fixtures = Fixtures.directory

    @Test(arguments: OutputFormat.allCases)
    func theDemoArchiveGivesItsReviewedExamples(format: OutputFormat) throws {
        let out = TemporaryDirectory()
        var configuration = ScanConfiguration(roots: [Self.fixtures + "/demo-archive"], output: out.path + "/out")
        configuration.settle = 0
        configuration.compression = .none
        configuration.format = format
        let report = try ScanPipeline(configuration: configuration).run()
        let shard = "part-00000.\(format.fileExtension)"
        let written = try Data(contentsOf: URL(fileURLWithPath: out.path + "/out/shards/" + shard))
        let expected = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/demo-archive.expected.\(format.rawValue).\(format.fileExtension)"))
        #expect(written == expected)
        #expect(report.duplicatesThisRun == 1)
        #expect(report.counters.malformedCount == 1)
        #expect(report.counters.partialLines == 1)
        #expect(report.counters.turnsInterrupted == 1)
    }
}
