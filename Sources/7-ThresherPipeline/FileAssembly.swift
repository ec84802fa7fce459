import ThresherExtract
import ThresherState

/// Phase 2 of one file in progress: the turn assembler, fed unit summaries
/// in file order, and the examples it emitted, formatted. Fed all at once
/// after the file's last unit, or, for a huge file, unit by unit as they
/// finish in order, so its summaries are freed as the scan goes
/// (`FileScan.streamsAssembly`).
struct FileAssembly {
    private var assembler: TurnAssembler
    private let preparer: ExamplePreparer
    /// Lines of the units fed so far (plus those before the reading's start).
    private var lineBase: Int
    /// The fed units' counters (the assembler keeps its own).
    private var unitCounters = ExtractCounters()
    /// What stopped the feeding (a span that no longer reads), if anything.
    private var failure: String?

    /// `facts`: whether any unit holds a sidechain record and how many
    /// records all hold, when known before the first unit is fed (they size
    /// the assembler's uuid map, or spare it).
    /// `source`: where the file's spans are read again.
    init(scan: FileScan, source: any SpanSource, configuration: ScanConfiguration,
         facts: (hasSidechainRecords: Bool, recordCount: Int)?) {
        assembler = TurnAssembler(
            configuration: TurnAssembler.Configuration(
                selector: configuration.selector, includeSidechains: configuration.includeSidechains,
                keepThinking: configuration.keepThinking, redactor: configuration.redactor, filters: configuration.filters),
            file: scan.file.relativePath, decoder: SpanDecoder(source: source),
            hasSidechainRecords: facts?.hasSidechainRecords ?? true, recordCount: facts?.recordCount ?? 0)
        let preparer = ExamplePreparer(format: configuration.format, split: configuration.split, root: scan.file.rootIndex,
                                       spillDirectory: scan.spillDirectory, spillsAll: scan.isHuge)
        assembler.onExample = { example, redactions in preparer.add(example, redactions: redactions) }
        self.preparer = preparer
        lineBase = scan.lineBase
    }

    /// Feeds the next unit's records; after a failure, nothing more is fed.
    mutating func feed(_ summary: UnitSummary) {
        guard failure == nil else { return }
        do {
            for record in summary.records {
                try assembler.feed(record, of: summary, line: lineBase + record.line + 1)
            }
        } catch {
            failure = "\(error)"
            return
        }
        unitCounters.merge(summary.counters, lineBase: lineBase)
        lineBase += summary.counters.lines
    }

    /// Ends the file: closes (or leaves pending) the open turns and fills
    /// `result` with the examples, counters and resume point. `endOfLastLine`:
    /// where the reading's last complete line ends.
    mutating func finish(into result: inout FileResult, settled: Bool, endOfLastLine: Int64) -> String? {
        defer {
            result.counters.merge(unitCounters)
            result.counters.merge(assembler.counters)
        }
        if let failure { return failure }
        do {
            if let pending = try assembler.finish(settled: settled) {
                result.resumeOffset = pending.offset
                result.resumeLine = pending.line - 1
                result.pending = true
            } else {
                result.resumeOffset = endOfLastLine
                result.resumeLine = lineBase
            }
        } catch {
            return "\(error)"
        }
        if let spill = preparer.spill {
            spill.flush()
            if let failure = spill.failure { return "cannot hold its examples: \(failure)" }
        }
        result.examples = preparer.prepared.sorted { $0.lineStart < $1.lineStart }
        result.skippedByFormat = preparer.skipped
        return nil
    }
}
