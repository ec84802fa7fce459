import ThresherFormats
import ThresherSystem
import ThresherExtract
import ThresherJSON
import ThresherScan
import ThresherStore

/// One transcript in the middle of being scanned: its open descriptor, the
/// byte limit fixed when it was opened, and the summaries of its units as
/// they come in. Phase 1 runs per unit (in parallel), phase 2 once per file
/// after its last unit.
final class FileScan: @unchecked Sendable {
    let file: TranscriptFile
    /// Where reading starts (0, or the resume cursor) and the lines before it.
    let start: Int64
    let lineBase: Int
    let units: [WorkUnit]
    private(set) var fd: Int32 = -1
    /// Bytes to read: the size when found (or less, if it shrank since).
    private(set) var limit: Int64 = 0
    private(set) var method: ReadMethod = .read
    private(set) var openProblem: String?
    /// Per unit, filled by phase 1 (guarded by the scheduler's lock).
    var summaries: [UnitSummary?]
    var unitProblems: [String] = []
    /// End of the last complete line over all units read so far.
    private var endOfLastLine: Int64
    private var truncated = false
    var remainingUnits: Int

    let fingerprint: String

    init(file: TranscriptFile, start: Int64 = 0, lineBase: Int = 0, fingerprint: String = "", units: [WorkUnit]) {
        self.file = file
        self.fingerprint = fingerprint
        self.start = start
        self.lineBase = lineBase
        self.endOfLastLine = start
        self.units = units
        summaries = Array(repeating: nil, count: units.count)
        remainingUnits = units.count
    }

    deinit { closeFile() }

    /// Opens the file once, before its first unit runs. A file that grew
    /// since discovery is read only up to the size it had then.
    func open(configuration: ScanConfiguration) {
        let info: stat
        do {
            let descriptor = try FileDescriptor.openForReading(file.path)
            fd = descriptor.rawValue
            info = try descriptor.status(path: file.path)
        } catch {
            openProblem = "cannot \(error.operation): \(error.message)"
            return
        }
        limit = min(file.size, Int64(info.st_size))
        // Mapping is there when asked for (a file truncated under it is
        // caught: MappingGuard); `pread` measured faster (ScanConfiguration).
        method = configuration.readMethod ?? .read
    }

    func closeFile() {
        if fd >= 0 { FileDescriptor(rawValue: fd).closeQuietly() }
        fd = -1
    }

    /// Phase 1 for one unit: every line that starts inside it, summarized.
    func scanUnit(_ unit: WorkUnit, scanner: inout RecordScanner, configuration: ScanConfiguration) throws -> (UnitSummary, LineReadResult) {
        var summary = UnitSummary()
        let unitEnd = unit.index == units.count - 1 ? limit : min(unit.end, limit)
        let from = try WorkUnit.firstLineStart(fd: fd, path: file.path, start: min(unit.start, limit), limit: limit)
        guard from < unitEnd else {
            // No line starts here; 0 leaves the file's last line end to the other units.
            return (summary, LineReadResult(endOfLastLine: 0, partialBytes: 0, truncated: false, stopped: true))
        }
        // About one record per 4 KiB (transcript lines average ~2.7 KB):
        // the array grows a few times at most instead of a dozen.
        summary.records.reserveCapacity(Int((unitEnd - from) >> 12))
        var lineIndex = 0
        let result: LineReadResult
        do {
            result = try readLines(method, from: from, to: unitEnd, scanner: &scanner, into: &summary, lineIndex: &lineIndex, configuration: configuration)
        } catch is MappingUnavailable where lineIndex == 0 {
            // Some files cannot be mapped (special file systems): read them instead.
            result = try readLines(.read, from: from, to: unitEnd, scanner: &scanner, into: &summary, lineIndex: &lineIndex, configuration: configuration)
        }
        summary.foldTypeCounts()
        return (summary, result)
    }

    /// Summarizes the lines that start in `from..<end`. A method, not a
    /// closure over `scanUnit`'s variables: captured variables get a dynamic
    /// exclusivity check per access (~1% of the scan's instructions).
    private func readLines(_ method: ReadMethod, from: Int64, to end: Int64, scanner: inout RecordScanner,
                           into summary: inout UnitSummary, lineIndex: inout Int,
                           configuration: ScanConfiguration) throws -> LineReadResult {
        let reader = LineReader(method: method, chunkSize: configuration.chunkSize)
        guard configuration.parsesLineEnds else {
            return try reader.forEachLine(fd: fd, path: file.path, range: from..<limit) { line, offset in
                guard offset < end else { return false }
                scanner.scan(line: line, offset: offset, lineIndex: lineIndex, into: &summary)
                lineIndex += 1
                return true
            }
        }
        return try reader.forEachLine(fd: fd, path: file.path, range: from..<limit, measuring: { bytes, offset in
            guard offset < end else { return .stop }
            guard let length = scanner.scanLine(at: bytes, offset: offset, lineIndex: lineIndex, into: &summary) else {
                return .unknown
            }
            lineIndex += 1
            return .line(length)
        }) { line, offset in
            guard offset < end else { return false }
            scanner.scan(line: line, offset: offset, lineIndex: lineIndex, into: &summary)
            lineIndex += 1
            return true
        }
    }

    /// Stores a unit's phase-1 output; returns true when it was the file's
    /// last unit to finish. Called under the scheduler's lock.
    func complete(_ unit: WorkUnit, summary: UnitSummary, read: LineReadResult) -> Bool {
        summaries[unit.index] = summary
        endOfLastLine = max(endOfLastLine, read.endOfLastLine)
        truncated = truncated || read.truncated
        remainingUnits -= 1
        return remainingUnits == 0
    }

    func fail(_ unit: WorkUnit, problem: String) -> Bool {
        unitProblems.append(problem)
        remainingUnits -= 1
        return remainingUnits == 0
    }

    /// Phase 2: streams, turns and examples from all units' summaries.
    func assemble(configuration: ScanConfiguration, now: Double) -> FileResult {
        var result = FileResult(file: file)
        result.fingerprint = fingerprint
        // Summaries are done with once assembled; the scan object lives on until the run ends.
        defer {
            closeFile()
            summaries = []
        }
        if let openProblem {
            result.problem = openProblem
            return result
        }
        guard summaries.allSatisfy({ $0 != nil }) else {
            // A unit failed: its lines are unknown, so no turn of this file is trusted.
            result.problem = unitProblems.joined(separator: "; ")
            return result
        }
        result.bytesRead = max(0, limit - start)
        result.partialBytes = limit - endOfLastLine
        result.counters.partialLines = result.partialBytes > 0 ? 1 : 0
        if truncated { unitProblems.append("file shrank while being read") }
        let decoder = SpanDecoder(source: spanSource())
        var assembler = TurnAssembler(
            configuration: TurnAssembler.Configuration(
                selector: configuration.selector, includeSidechains: configuration.includeSidechains,
                keepThinking: configuration.keepThinking, redactor: configuration.redactor, filters: configuration.filters),
            file: file.relativePath, decoder: decoder,
            hasSidechainRecords: summaries.contains { $0!.records.contains(where: \.isSidechain) },
            recordCount: summaries.reduce(0) { $0 + $1!.records.count })
        var prepared: [PreparedExample] = []
        var writer = JSONWriter(capacity: 1 << 16)
        let hasher = DedupKey.Hasher()
        let format = configuration.format
        let split = configuration.split
        var skipped = 0
        assembler.onExample = { example, redactions in
            if let ready = Self.prepare(example, redactions: redactions, format: format, split: split,
                                        writer: &writer, hasher: hasher) {
                prepared.append(ready)
            } else {
                skipped += 1
            }
        }
        var lineBase = self.lineBase
        do {
            for index in summaries.indices {
                // Each unit's summaries go as soon as they are fed: a big
                // file's summaries and its examples are not held at once.
                guard let summary = summaries[index] else { continue }
                summaries[index] = nil
                for record in summary.records {
                    try assembler.feed(record, of: summary, line: lineBase + record.line + 1)
                }
                result.counters.merge(summary.counters, lineBase: lineBase)
                lineBase += summary.counters.lines
            }
            let settled = configuration.settle <= 0 || now - file.modificationTime >= configuration.settle
            if let pending = try assembler.finish(settled: settled) {
                result.resumeOffset = pending.offset
                result.resumeLine = pending.line - 1
                result.pending = true
            } else {
                result.resumeOffset = endOfLastLine
                result.resumeLine = lineBase
            }
            prepared.sort { $0.lineStart < $1.lineStart }
            result.examples = prepared
            result.skippedByFormat = skipped
        } catch {
            unitProblems.append("\(error)")
            result.examples = []
        }
        result.counters.merge(assembler.counters)
        if !unitProblems.isEmpty { result.problem = unitProblems.joined(separator: "; ") }
        return result
    }

    /// Hashes and formats an example here, on the worker, so the writer
    /// thread only dedups and compresses.
    /// Nil when the format cannot hold the example.
    static func prepare(_ example: Example, redactions: RedactionCounts, format: OutputFormat, split: DatasetSplit?,
                        writer: inout JSONWriter, hasher: DedupKey.Hasher) -> PreparedExample? {
        var example = example
        // One reused writer for the canonical form, the record and the line;
        // what is kept is copied out at its exact size (a shared buffer
        // would be held, capacity and all, until written).
        // The canonical form is hashed, never kept: its large texts are
        // hashed where they lie rather than copied into the writer first.
        writer.reset()
        hasher.reset()
        example.writeCanonicalForm(to: &writer, largeTexts: hasher.update)
        writer.drain(into: hasher.update)
        let key = hasher.key
        let id = key.hex
        example.metadata.split = split?.part(ofID: id)
        writer.reset()
        // Split shards are not read in write order, so a record that needs
        // its shard line (a delta) cannot be used with them.
        ExampleRecord.write(example, id: id, besides: split == nil ? format : nil, to: &writer)
        let record = writer.bytes
        writer.reset()
        guard format.write(example, id: id, to: &writer) else { return nil }
        var names: [String] = []
        for case .assistant(_, let calls, _) in example.messages { names += calls.map(\.name) }
        return PreparedExample(key: key, line: writer.bytes, record: record, callNames: names,
                               lineStart: example.metadata.lineStart, redactions: redactions,
                               feedback: example.metadata.feedback, split: example.metadata.split)
    }

    /// Where phase 2 reads kept values: `pread` into a reused buffer.
    /// (Mapping the whole file instead was measured slower: a page fault per
    /// touched page costs more than the copy, and RSS grows with the file.)
    private func spanSource() -> any SpanSource {
        PReadSpans(fd: fd, path: file.path)
    }
}
