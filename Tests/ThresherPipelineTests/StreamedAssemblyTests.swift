import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherPipeline
@testable import ThresherScan

/// A huge file's phase 2 fed unit by unit as units finish in order: one
/// feeder at a time, one assembler, the same examples as fed all at once.
@Suite struct StreamedAssemblyTests {
    /// A file of `turns` turns cut into units of `unitSize` bytes, opened,
    /// with phase 1 run on every unit (summaries not yet handed over).
    static func scanned(turns: Int, unitSize: Int64, streams: Bool) throws -> (FileScan, [(WorkUnit, UnitSummary, LineReadResult)], TemporaryDirectory) {
        let dir = TemporaryDirectory()
        var t = Transcript()
        for i in 0..<turns { t.turn("prompt \(i)", id: "c\(i)") }
        let path = dir.write("s.jsonl", t.contents)
        let file = try FileChangeTests.discovered(path)
        let configuration = FileChangeTests.settledConfiguration()
        let scan = FileScan(file: file, units: WorkUnit.plan(file: 0, size: file.size, unitSize: unitSize), huge: streams)
        scan.open(configuration: configuration)
        var scanner = RecordScanner()
        let phaseOne = try scan.units.map { unit in
            let (summary, read) = try scan.scanUnit(unit, scanner: &scanner, configuration: configuration)
            return (unit, summary, read)
        }
        return (scan, phaseOne, dir)
    }

    @Test func unitsFinishingOutOfOrderAreFedInOrderByOneFeeder() throws {
        let configuration = FileChangeTests.settledConfiguration()
        let (scan, units, dir) = try Self.scanned(turns: 12, unitSize: 900, streams: true)
        _ = dir
        #expect(scan.streamsAssembly && units.count >= 4)
        // The last unit first: nothing to feed yet.
        let (last, lastSummary, lastRead) = units[units.count - 1]
        #expect(scan.complete(last, summary: lastSummary, read: lastRead) == .wait)
        // The first unit: its worker becomes the feeder and feeds it.
        #expect(scan.complete(units[0].0, summary: units[0].1, read: units[0].2) == .feed)
        // While it feeds, a finishing unit leaves the feeding to it.
        #expect(scan.complete(units[1].0, summary: units[1].1, read: units[1].2) == .wait)
        #expect(scan.feedNext(configuration: configuration) == .feed)
        #expect(scan.feedNext(configuration: configuration) == .feed)
        #expect(scan.fedUnits == 2)
        // Unit 2 has not finished: the feeder stops; the unit's own worker takes over.
        #expect(scan.feedNext(configuration: configuration) == .wait)
        for (unit, summary, read) in units[2..<(units.count - 1)] {
            var step = scan.complete(unit, summary: summary, read: read)
            while step == .feed { step = scan.feedNext(configuration: configuration) }
            #expect(step == (unit.index == units.count - 2 ? .assemble : .wait))
        }
        #expect(scan.fedUnits == units.count)
        let streamed = scan.assemble(configuration: configuration, now: Date().timeIntervalSince1970)

        let (whole, wholeUnits, wholeDir) = try Self.scanned(turns: 12, unitSize: 900, streams: false)
        _ = wholeDir
        for (unit, summary, read) in wholeUnits { _ = whole.complete(unit, summary: summary, read: read) }
        let reference = whole.assemble(configuration: configuration, now: Date().timeIntervalSince1970)
        #expect(reference.examples.count == 12)
        #expect(streamed.examples.map(\.key) == reference.examples.map(\.key))
        #expect(streamed.counters == reference.counters)
        #expect(streamed.resumeOffset == reference.resumeOffset && streamed.resumeLine == reference.resumeLine)
    }

    @Test func aFailedUnitStopsTheFeedingAndNoTurnIsTrusted() throws {
        let configuration = FileChangeTests.settledConfiguration()
        let (scan, units, dir) = try Self.scanned(turns: 12, unitSize: 900, streams: true)
        _ = dir
        #expect(scan.complete(units[0].0, summary: units[0].1, read: units[0].2) == .feed)
        #expect(scan.feedNext(configuration: configuration) == .feed)
        #expect(scan.feedNext(configuration: configuration) == .wait)
        #expect(scan.fail(units[1].0, problem: "cannot read") == .wait)
        // Units finishing after the failure are not fed; the last one assembles.
        for (unit, summary, read) in units[2...] {
            let step = scan.complete(unit, summary: summary, read: read)
            #expect(step == (unit.index == units.count - 1 ? .assemble : .wait))
        }
        // No unit is held back for a feeding that will not come.
        #expect(scan.fedUnits == units.count)
        let result = scan.assemble(configuration: configuration, now: Date().timeIntervalSince1970)
        #expect(result.examples.isEmpty)
        #expect(result.problem == "cannot read")
    }
}
