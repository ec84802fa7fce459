import Synchronization
import ThresherExtract
import ThresherJSON
import ThresherScan
import ThresherSystem

/// One transcript in the middle of being scanned: its open descriptor, the
/// byte limit fixed when it was opened, and the summaries of its units as
/// they come in. Phase 1 runs per unit (in parallel), phase 2 once per file
/// after its last unit (`FileScan+Assemble.swift`).
final class FileScan: Sendable {
    let file: TranscriptFile
    /// Where reading starts (0, or the resume cursor) and the lines before it.
    let start: Int64
    let lineBase: Int
    let units: [WorkUnit]
    /// The file is one unit: one worker runs its phase 1 and, right after,
    /// its phase 2 (claimed with other small files; its bytes may be kept).
    var isOneUnit: Bool { units.count == 1 }
    /// Hash of the file's first line, for the next run's identity check;
    /// nil: taken while its first unit is scanned (`Opening.fingerprint`).
    let fingerprint: String?
    /// More than `ScanConfiguration.hugeFileAbove` bytes to read: the file
    /// holds its examples on disk and, with several units, streams.
    let isHuge: Bool
    /// Phase 2 is fed unit by unit as units finish in order (a huge file:
    /// its summaries are never all held), rather than all at once after the last.
    let streamsAssembly: Bool
    /// Where a huge file's examples, and big ones, wait for the file's end
    /// (OUT's state folder); nil: in memory.
    let spillDirectory: String?
    private let state: Mutex<Progress>
    /// Whether `open` ran: the scheduler opens files ahead of their claim
    /// while a worker may reach the same file, and only one may open it.
    private let opened = Mutex(false)
    /// Phase 2 in progress; only the feeder (or the assembling worker) touches it.
    let assembly = Mutex<FileAssembly?>(nil)

    /// The file as opened, once, before its first unit runs.
    struct Opening: Sendable {
        var fd: Int32 = -1
        /// Bytes to read: the size when found (or less, if it shrank since).
        var limit: Int64 = 0
        var method: ReadMethod = .read
        /// Hash of its first line (`ResumePlan.fingerprint`): the plan's, or,
        /// for a new file, taken by the worker that scans its first unit,
        /// from the first line it reads (`FirstLineFingerprint`); not in
        /// `open`, which may run under the scheduler's lock or ahead of the claim.
        var fingerprint = ""
        /// Why it could not be opened, if so.
        var problem: String?
    }

    /// Where a unit stands.
    enum UnitState: Sendable {
        case pending
        /// Phase 1 done, its summary waiting to be fed.
        case ready(UnitSummary)
        case failed
        /// Fed to the assembly (its summary freed).
        case fed
    }

    /// What a worker does next for this file, after a unit or a feeding step.
    enum Step: Equatable {
        /// Nothing: another worker has the file's next step.
        case wait
        /// Feed the next unit (`feedNext`): this worker is the file's feeder.
        case feed
        /// Every unit is done (and fed): run `assemble`.
        case assemble
    }

    /// What the units have produced so far.
    struct Progress: Sendable {
        var opening = Opening()
        var units: [UnitState]
        var problems: [String] = []
        /// End of the last complete line over all units read so far.
        var endOfLastLine: Int64
        var truncated = false
        var remainingUnits: Int
        /// Streaming only: the next unit to feed, whether a worker is
        /// feeding, and whether a failed unit ended the feeding.
        var nextToFeed = 0
        var feeding = false
        var abandoned = false

        /// Who moves the file on, decided under the lock so exactly one
        /// worker feeds at a time and exactly one assembles.
        mutating func step(streaming: Bool) -> Step {
            if feeding { return .wait }
            if streaming, !abandoned, nextToFeed < units.count, case .ready = units[nextToFeed] {
                feeding = true
                return .feed
            }
            return remainingUnits == 0 ? .assemble : .wait
        }
    }

    init(file: TranscriptFile, start: Int64 = 0, lineBase: Int = 0, fingerprint: String? = "", units: [WorkUnit],
         huge: Bool = false, spillDirectory: String? = nil) {
        self.file = file
        self.spillDirectory = spillDirectory
        self.fingerprint = fingerprint
        self.start = start
        self.lineBase = lineBase
        self.units = units
        isHuge = huge
        streamsAssembly = huge && units.count > 1
        state = Mutex(Progress(units: Array(repeating: .pending, count: units.count), endOfLastLine: start,
                               remainingUnits: units.count))
    }

    deinit { closeFile() }

    var opening: Opening { state.withLock { $0.opening } }

    /// Opens the file, before its first unit runs (once: later calls do
    /// nothing). A file that grew since discovery is read only up to the
    /// size it had then.
    ///
    /// The kernel is asked to start reading the first bytes to be read
    /// (`readAheadBytes`): a file opened ahead of its claim is then on its
    /// way from disk while the workers parse the files before it, so a scan
    /// of an archive not in the page cache keeps more than one read in flight.
    func open(configuration: ScanConfiguration) {
        opened.withLock { opened in
            guard !opened else { return }
            opened = true
            state.withLock { $0.opening = openDescriptor(configuration: configuration) }
        }
    }

    private func openDescriptor(configuration: ScanConfiguration) -> Opening {
        var opening = Opening()
        do {
            let descriptor = try FileDescriptor.openInput(file.path, followLinks: configuration.followSymlinks)
            opening.fd = descriptor.rawValue
            let info = try descriptor.status(path: file.path)
            if let change = file.change(to: info) {
                opening.problem = "changed since it was found: \(change); not read"
                return opening
            }
            opening.limit = min(file.size, Int64(info.st_size))
            opening.fingerprint = fingerprint ?? ""
            // Mapping is there when asked for (a file truncated under it is
            // caught: MappingGuard); `pread` measured faster (docs/performance.md).
            opening.method = configuration.readMethod ?? .read
            let ahead = min(opening.limit - start, configuration.readAheadBytes)
            if ahead > 0 { _ = posix_fadvise(descriptor.rawValue, off_t(start), off_t(ahead), POSIX_FADV_WILLNEED) }
        } catch {
            opening.problem = "cannot \(error.operation): \(error.message)"
        }
        return opening
    }

    func closeFile() {
        let fd = state.withLock { progress in
            defer { progress.opening.fd = -1 }
            return progress.opening.fd
        }
        if fd >= 0 { FileDescriptor(rawValue: fd).closeQuietly() }
    }

    /// Phase 1 for one unit: every line that starts inside it, summarized.
    ///
    /// `kept`: where a file of one unit that it can hold is read, and kept
    /// for this file's phase 2 (`assemble`), which then reads its spans
    /// from there; the caller must run phase 2 before reusing it.
    func scanUnit(_ unit: WorkUnit, scanner: inout RecordScanner, configuration: ScanConfiguration,
                  keepingIn kept: KeptBytes? = nil) throws -> (UnitSummary, LineReadResult) {
        let opening = self.opening
        // A new file's fingerprint comes from the first line read below, or,
        // when that line is not read whole (too long, unfinished), a read of its own.
        var firstLine: FirstLineFingerprint = unit.index == 0 && fingerprint == nil ? .wanted : .notWanted
        defer {
            let taken: String? = switch firstLine {
            case .notWanted: nil
            case .wanted: ResumePlan.fingerprint(of: FileDescriptor(rawValue: opening.fd), path: file.path)
            case .taken(let fingerprint): fingerprint
            }
            if let taken { state.withLock { $0.opening.fingerprint = taken } }
        }
        var summary = UnitSummary()
        let limit = opening.limit
        let unitEnd = unit.index == units.count - 1 ? limit : min(unit.end, limit)
        let from = try WorkUnit.firstLineStart(fd: opening.fd, path: file.path, start: min(unit.start, limit), limit: limit)
        guard from < unitEnd else {
            // No line starts here; 0 leaves the file's last line end to the other units.
            return (summary, LineReadResult(endOfLastLine: 0, partialBytes: 0, truncated: false, stopped: true))
        }
        // About one record per 4 KiB of transcript: the array grows a few
        // times at most instead of a dozen.
        summary.records.reserveCapacity(Int((unitEnd - from) >> 12))
        var lineIndex = 0
        let keep = kept.flatMap { isOneUnit && opening.method == .read && $0.canHold(limit - from) ? $0 : nil }
        let result: LineReadResult
        do {
            result = try readLines(opening.method, from: from, to: unitEnd, scanner: &scanner, into: &summary,
                                   lineIndex: &lineIndex, firstLine: &firstLine, configuration: configuration,
                                   opening: opening, keepingIn: keep)
            keep?.holder = self
        } catch is MappingUnavailable where lineIndex == 0 {
            // Some files cannot be mapped (special file systems): read them instead.
            result = try readLines(.read, from: from, to: unitEnd, scanner: &scanner, into: &summary,
                                   lineIndex: &lineIndex, firstLine: &firstLine, configuration: configuration, opening: opening)
        }
        summary.foldTypeCounts()
        return (summary, result)
    }

    /// Summarizes the lines that start in `from..<end`. A method, not a
    /// closure over `scanUnit`'s variables: captured variables get a dynamic
    /// exclusivity check per access, on the hottest loop of the scan.
    ///
    /// `firstLine`: when `.wanted`, the fingerprint of the line at offset 0
    /// is taken from it, if it settles it.
    private func readLines(_ method: ReadMethod, from: Int64, to end: Int64, scanner: inout RecordScanner,
                           into summary: inout UnitSummary, lineIndex: inout Int, firstLine: inout FirstLineFingerprint,
                           configuration: ScanConfiguration, opening: Opening, keepingIn kept: KeptBytes? = nil) throws -> LineReadResult {
        let reader = LineReader(method: method, chunkSize: configuration.chunkSize, mapLinesAbove: configuration.mapLinesAbove)
        guard configuration.parsesLineEnds else {
            return try reader.forEachLine(fd: opening.fd, path: file.path, range: from..<opening.limit, keepingIn: kept) { line, offset in
                guard offset < end else { return false }
                if offset == 0 { firstLine.take(line) }
                scanner.scan(line: line, offset: offset, lineIndex: lineIndex, into: &summary)
                lineIndex += 1
                return true
            }
        }
        return try reader.forEachLine(fd: opening.fd, path: file.path, range: from..<opening.limit, keepingIn: kept,
                                      measuring: { bytes, offset in
            guard offset < end else { return .stop }
            guard let length = scanner.scanLine(at: bytes, offset: offset, lineIndex: lineIndex, into: &summary) else {
                return .unknown
            }
            if offset == 0 { firstLine.take(UnsafeBufferPointer(rebasing: bytes[0..<length])) }
            lineIndex += 1
            return .line(length)
        }) { line, offset in
            guard offset < end else { return false }
            if offset == 0 { firstLine.take(line) }
            scanner.scan(line: line, offset: offset, lineIndex: lineIndex, into: &summary)
            lineIndex += 1
            return true
        }
    }

    /// Stores a unit's phase-1 output and says what the worker does next.
    func complete(_ unit: WorkUnit, summary: sending UnitSummary, read: LineReadResult) -> Step {
        state.withLock { progress in
            if !progress.abandoned { progress.units[unit.index] = .ready(summary) }
            progress.endOfLastLine = max(progress.endOfLastLine, read.endOfLastLine)
            progress.truncated = progress.truncated || read.truncated
            progress.remainingUnits -= 1
            return progress.step(streaming: streamsAssembly)
        }
    }

    /// Records a unit that could not be read: no turn of the file is
    /// trusted, so feeding stops and waiting summaries are freed.
    func fail(_ unit: WorkUnit, problem: String) -> Step {
        state.withLock { progress in
            progress.problems.append(problem)
            progress.units[unit.index] = .failed
            progress.remainingUnits -= 1
            progress.abandoned = true
            for index in progress.units.indices {
                if case .ready = progress.units[index] { progress.units[index] = .fed }
            }
            return progress.step(streaming: streamsAssembly)
        }
    }

    /// Units fed so far (streaming): the scheduler keeps phase 1 of a huge
    /// file at most a few units ahead of its feeding. After a failure
    /// nothing is fed any more, so every unit counts as fed: the rest must
    /// still be claimed (and skipped), or the scan would wait forever.
    var fedUnits: Int { state.withLock { $0.abandoned ? units.count : $0.nextToFeed } }

    /// Feeds the next unit if it is ready (streaming), creating the
    /// assembly on the first; says what to do next (`.feed`: call again).
    func feedNext(configuration: ScanConfiguration) -> Step {
        let (summary, step): (UnitSummary?, Step) = state.withLock { progress in
            guard !progress.abandoned, progress.nextToFeed < units.count,
                  case .ready(let summary) = progress.units[progress.nextToFeed] else {
                progress.feeding = false
                return (nil, progress.step(streaming: streamsAssembly))
            }
            progress.units[progress.nextToFeed] = .fed
            progress.nextToFeed += 1
            return (summary, .feed)
        }
        if let summary {
            let fd = opening.fd
            assembly.withLock { assembly in
                if assembly == nil {
                    assembly = FileAssembly(scan: self, source: PReadSpans(fd: fd, path: file.path), configuration: configuration,
                                            facts: nil)
                }
                assembly!.feed(summary)
            }
        }
        return step
    }

    /// Whether any unit holds a sidechain record, and how many records all
    /// hold: what the turn assembler sizes itself by.
    func recordFacts() -> (hasSidechainRecords: Bool, recordCount: Int) {
        state.withLock { progress in
            var sidechain = false
            var count = 0
            for case .ready(let summary) in progress.units {
                sidechain = sidechain || summary.records.contains(where: \.isSidechain)
                count += summary.records.count
            }
            return (sidechain, count)
        }
    }

    /// Takes unit `index`'s summary out, so it is freed once fed.
    func takeSummary(_ index: Int) -> UnitSummary? {
        state.withLock { progress in
            guard case .ready(let summary) = progress.units[index] else { return nil }
            progress.units[index] = .fed
            return summary
        }
    }

    /// What phase 2 ends with, once every unit is done. Summaries not yet
    /// fed stay behind: `assemble` takes them one by one (`takeSummary`),
    /// so each is freed as soon as it is fed.
    struct Outcome {
        var opening: Opening
        var problems: [String]
        var endOfLastLine: Int64
        var truncated: Bool
    }

    var outcome: Outcome {
        state.withLock { progress in
            Outcome(opening: progress.opening, problems: progress.problems,
                    endOfLastLine: progress.endOfLastLine, truncated: progress.truncated)
        }
    }
}

/// A new file's fingerprint, as phase 1 takes it from the file's first line.
enum FirstLineFingerprint {
    /// The file has its fingerprint already.
    case notWanted
    /// Not taken yet: read on its own unless the first line settles it.
    case wanted
    case taken(String)

    /// Takes the fingerprint from `line`, the file's first line without its
    /// `\n`, when wanted and the line settles it.
    mutating func take(_ line: UnsafeBufferPointer<UInt8>) {
        guard case .wanted = self, let fingerprint = ResumePlan.fingerprint(firstLine: line) else { return }
        self = .taken(fingerprint)
    }
}
