import Dispatch
import ThresherExtract
import ThresherScan
import ThresherSystem

/// Hands work units to worker threads in file order and file results to
/// the writer in file order.
///
/// Workers claim units in order, a run of small whole files at once
/// (`claimUnits`), and run phase 1 on them (in parallel); the worker that
/// finishes a file's last unit runs phase 2 for it. The writer takes results
/// strictly in file order, several at a time (`nextResults`), so output
/// never depends on timing or the number of workers. Workers stay at most
/// `window` files and `byteBudget` bytes of input ahead of the file the
/// writer waits for (summaries and examples held for files not yet written
/// grow with those bytes), which bounds memory whatever the archive's size;
/// the file the writer waits for may always proceed.
///
/// At most `jobs` threads work at once, the writer included: workers and
/// the writer hold one of `jobs` core tokens while they compute and none
/// while they wait, so `--jobs 1` keeps about one core busy: zstd's own
/// compression thread (`Compressor.zstdWorkers`) runs beside the writer,
/// outside the tokens, since its output must not depend on `--jobs`. With
/// `jobs` at or above the core count the machine already allows no more,
/// and there are no tokens (handing them over only cost CPU use:
/// docs/performance.md).
final class ScanScheduler: Sendable {
    /// nil when `jobs` is at least the number of cores.
    private let coreTokens: DispatchSemaphore?
    private let files: [FileScan]
    private let units: [WorkUnit]
    private let configuration: ScanConfiguration
    private let now: Double
    private let window: Int
    private let byteBudget: Int64
    private var feedLag: Int { configuration.jobs * 2 + 2 }
    private let state: Monitor<Progress>

    /// What workers and the writer share.
    private struct Progress {
        /// Input bytes of units claimed for files the writer has not taken yet.
        var bytesInFlight: Int64 = 0
        var claimedBytes: [Int64]
        var nextUnit = 0
        var results: [FileResult?]
        var writerPosition = 0
        /// Files before this one were opened ahead (or are being).
        var openedAhead = 0
        var cancelled = false
        /// Seconds spent in each phase, summed over workers.
        var phaseSeconds = (scan: 0.0, assemble: 0.0)
    }

    /// `spillDirectory`: where huge files' examples, and big ones, wait (`FileScan`).
    init(tasks: [ScanTask], configuration: ScanConfiguration, now: Double, spillDirectory: String? = nil) {
        self.configuration = configuration
        self.now = now
        var scans: [FileScan] = []
        var units: [WorkUnit] = []
        for (index, task) in tasks.enumerated() {
            let planned = WorkUnit.plan(file: index, from: task.start, size: task.file.size, unitSize: configuration.unitSize)
            let huge = task.file.size - task.start > configuration.hugeFileAbove
            scans.append(FileScan(file: task.file, start: task.start, lineBase: task.lineBase, fingerprint: task.fingerprint,
                                  units: planned, huge: huge, spillDirectory: spillDirectory))
            units += planned
        }
        self.files = scans
        self.units = units
        state = Monitor(Progress(claimedBytes: Array(repeating: 0, count: tasks.count),
                                 results: Array(repeating: nil, count: tasks.count)))
        // Room for every worker's claim and a writer's batch besides, or
        // one worker's claim of small files would hold the others back.
        window = (configuration.jobs + 1) * max(1, configuration.claimFiles) + Self.writerBatchFiles
        byteBudget = configuration.inFlightBudget
        coreTokens = configuration.jobs < ScanConfiguration.availableCores ? DispatchSemaphore(value: configuration.jobs) : nil
    }

    /// Runs `body` holding a core token. `body` must not wait for another
    /// thread (only compute), or the threads holding every token could wait
    /// for one that has none.
    func busy<T>(_ body: () throws -> T) rethrows -> T {
        takeCore()
        defer { releaseCore() }
        return try body()
    }

    /// `busy` in two calls, for a loop body that holds the token throughout.
    func takeCore() { coreTokens?.wait() }
    func releaseCore() { coreTokens?.signal() }

    /// Starts `jobs` workers on Dispatch (a parallel-for off the calling
    /// thread, which stays free to write); they end when every unit is done.
    func startWorkers() {
        let jobs = configuration.jobs
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in work() }
        }
    }

    /// The writer wakes for at most this many files' results at once, or
    /// this many of their input bytes: with tens of thousands of small
    /// files, a wake-up per file (a futex wait and wake and two context
    /// switches on two cores) cost more than writing the file's examples.
    static let writerBatchFiles = 16
    static let writerBatchBytes: Int64 = 16 << 20

    /// The next results in file order (at least one), as many as are done
    /// in a row up to `writerBatchFiles`; nil after the last.
    ///
    /// The writer waits until a batch is full, unless waiting longer could
    /// keep a worker idle: when every unit is claimed, or when the next
    /// unit may not be claimed until the writer moves on (`mayClaim`).
    /// Workers wake it when one of those becomes true.
    func nextResults() -> [FileResult]? {
        let batch: [FileResult]? = state.withLock(waitingUntil: { writerMayTake($0) }) { progress in
            guard progress.writerPosition < progress.results.count else { return nil }
            let positions = progress.writerPosition..<readyBatch(progress).end
            let batch = positions.map { progress.results[$0]! }
            for position in positions {
                progress.results[position] = nil
                progress.bytesInFlight -= progress.claimedBytes[position]
            }
            progress.writerPosition = positions.upperBound
            return batch
        }
        // Workers may wait for the window to move.
        state.broadcast()
        return batch
    }

    /// The batch the writer would take now: the results done in a row from
    /// its position, up to `writerBatchFiles` files or `writerBatchBytes` of
    /// their input; `waitsForMore` when it stopped at a file not done yet.
    private func readyBatch(_ progress: Progress) -> (end: Int, waitsForMore: Bool) {
        var position = progress.writerPosition
        var bytes: Int64 = 0
        while position - progress.writerPosition < Self.writerBatchFiles, bytes < Self.writerBatchBytes {
            guard position < progress.results.count else { return (position, false) }
            guard progress.results[position] != nil else { return (position, true) }
            bytes += progress.claimedBytes[position]
            position += 1
        }
        return (position, false)
    }

    /// Whether the writer should take results now (see `nextResults`).
    /// Workers check it after each change it depends on (a result stored,
    /// a unit claimed) and wake the writer when it holds.
    private func writerMayTake(_ progress: Progress) -> Bool {
        let head = progress.writerPosition
        guard head < progress.results.count else { return true }
        guard progress.results[head] != nil else { return false }
        if progress.cancelled || progress.nextUnit >= units.count || !mayClaim(units[progress.nextUnit], progress) {
            return true
        }
        return !readyBatch(progress).waitsForMore
    }

    private func work() {
        var scanner = RecordScanner(options: ExtractOptions(keepThinking: configuration.keepThinking))
        let kept = configuration.keptFileBytes > 0 ? KeptBytes(limit: configuration.keptFileBytes) : nil
        var claimed: [WorkUnit] = []
        var finished: [(file: Int, result: FileResult)] = []
        while claimUnits(into: &claimed) {
            openAhead(after: claimed.last!.file)
            var seconds = (scan: 0.0, assemble: 0.0)
            for unit in claimed {
                if let result = run(unit, scanner: &scanner, kept: kept, seconds: &seconds) {
                    finished.append((unit.file, result))
                }
            }
            let wakeWriter = state.withLock { progress in
                progress.phaseSeconds.scan += seconds.scan
                progress.phaseSeconds.assemble += seconds.assemble
                for (file, result) in finished { progress.results[file] = result }
                return !finished.isEmpty && writerMayTake(progress)
            }
            finished.removeAll(keepingCapacity: true)
            // Only the writer waits on results, and only for a batch:
            // another result would wake it for nothing.
            if wakeWriter { state.broadcast() }
        }
    }

    /// Phases 1 and, if this worker finishes the file, 2 for one unit;
    /// returns the file's result when phase 2 ran here. `kept`: the
    /// worker's buffer for a small file's bytes, reused once phase 2 is done
    /// (a file of one unit goes from phase 1 straight to phase 2).
    private func run(_ unit: WorkUnit, scanner: inout RecordScanner, kept: KeptBytes?,
                     seconds: inout (scan: Double, assemble: Double)) -> FileResult? {
        let scan = files[unit.file]
        // A file of one unit is opened here, outside the lock, unless it
        // was opened ahead (with thousands of small files, opening under
        // the lock kept the other workers waiting).
        if unit.index == 0 && scan.isOneUnit { scan.open(configuration: configuration) }
        var step = scanUnit(unit, of: scan, scanner: &scanner, kept: kept, seconds: &seconds.scan)
        // A unit finished or failed may let a waiting worker claim the file's next.
        if scan.streamsAssembly { state.broadcast() }
        while step == .feed {
            let (next, fed) = timedBusy { scan.feedNext(configuration: configuration) }
            step = next
            state.withLock { $0.phaseSeconds.assemble += fed }
            // Workers may be waiting for this file's feeding to advance.
            state.broadcast()
        }
        guard step == .assemble else { return nil }
        let (result, assembled) = timedBusy { scan.assemble(configuration: configuration, now: now, kept: kept) }
        seconds.assemble += assembled
        return result
    }

    /// Opens the files up to `openAheadFiles` past `file` that no worker
    /// opened yet, so the kernel reads their first bytes meanwhile
    /// (`FileScan.open`). Each file is taken by one worker, outside the lock.
    private func openAhead(after file: Int) {
        let taken = state.withLock { progress -> Range<Int> in
            let from = max(progress.openedAhead, file + 1)
            let end = min(files.count, file + 1 + configuration.openAheadFiles)
            guard from < end else { return 0..<0 }
            progress.openedAhead = end
            return from..<end
        }
        for ahead in taken { files[ahead].open(configuration: configuration) }
    }

    /// Phase 1 for one unit; says what the worker does next for its file.
    private func scanUnit(_ unit: WorkUnit, of scan: FileScan, scanner: inout RecordScanner, kept: KeptBytes?,
                          seconds: inout Double) -> FileScan.Step {
        guard scan.opening.fd >= 0 else { return scan.fail(unit, problem: "") }
        do {
            let ((summary, read), scanned) = try timedBusy {
                try scan.scanUnit(unit, scanner: &scanner, configuration: configuration, keepingIn: kept)
            }
            seconds += scanned
            return scan.complete(unit, summary: summary, read: read)
        } catch {
            return scan.fail(unit, problem: "\(error)")
        }
    }

    /// `busy`, also returning the seconds `body` took (the wait not counted).
    private func timedBusy<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        try busy {
            let started = ContinuousClock.now
            let value = try body()
            return (value, ScanPipeline.seconds(ContinuousClock.now - started))
        }
    }

    /// Stops handing out units (the writer gave up, e.g. on a write error),
    /// so no worker is left waiting for a writer that is gone.
    func cancel() {
        state.withLock { $0.cancelled = true }
        state.broadcast()
    }

    /// Claims the next units in order into `claimed` (see
    /// `ScanConfiguration.claimFiles`), waiting while the next is too far
    /// ahead of the writer; false when none is left.
    private func claimUnits(into claimed: inout [WorkUnit]) -> Bool {
        claimed.removeAll(keepingCapacity: true)
        let wakeWriter = state.withLock(waitingUntil: { progress in
            progress.cancelled || progress.nextUnit >= units.count || mayClaim(units[progress.nextUnit], progress)
        }) { progress -> Bool in
            guard !progress.cancelled else { return true }
            var bytes: Int64 = 0
            while progress.nextUnit < units.count {
                let unit = units[progress.nextUnit]
                let size = unit.end - unit.start
                if let first = claimed.first {
                    guard claimed.count < configuration.claimFiles, files[first.file].isOneUnit,
                          files[unit.file].isOneUnit, bytes + size <= configuration.claimBytes,
                          mayClaim(unit, progress) else { break }
                }
                progress.nextUnit += 1
                bytes += size
                progress.bytesInFlight += size
                progress.claimedBytes[unit.file] += size
                // A file of several units is opened while claiming its first,
                // under the lock: no other unit of it can be claimed before it is open.
                if unit.index == 0 && !files[unit.file].isOneUnit { files[unit.file].open(configuration: configuration) }
                claimed.append(unit)
            }
            // The claim may have used up what workers may claim, or the
            // last unit: the writer must not wait for a fuller batch.
            return writerMayTake(progress)
        }
        if wakeWriter { state.broadcast() }
        return !claimed.isEmpty
    }

    /// The phase totals, read once the last result was taken.
    var stageTotals: (scan: Double, assemble: Double) { state.withLock { $0.phaseSeconds } }

    /// The bytes of the file the writer waits for are not counted: it is
    /// taken as soon as it is done, and a file larger than the budget would
    /// otherwise leave every other worker idle while one worker runs its phase 2.
    ///
    /// A file that streams its phase 2 is scanned at most `feedLag` units
    /// ahead of its feeding, so its waiting summaries stay few however many
    /// cores scan it.
    private func mayClaim(_ unit: WorkUnit, _ progress: Progress) -> Bool {
        let scan = files[unit.file]
        if scan.streamsAssembly, unit.index >= scan.fedUnits + feedLag { return false }
        if unit.file == progress.writerPosition { return true }
        let waitedFor = progress.writerPosition < progress.claimedBytes.count ? progress.claimedBytes[progress.writerPosition] : 0
        let ahead = progress.bytesInFlight - waitedFor
        return unit.file < progress.writerPosition + window && ahead + (unit.end - unit.start) <= byteBudget
    }
}
