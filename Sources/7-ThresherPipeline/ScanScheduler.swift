import Foundation
import ThresherExtract
import ThresherScan

/// Hands work units to worker threads in file order and file results to
/// the writer in file order.
///
/// Workers run phase 1 on units (any order, in parallel); the worker that
/// finishes a file's last unit runs phase 2 for it. The writer takes results
/// strictly in file order, so output never depends on timing or the number
/// of workers. Workers stay at most `window` files and `byteBudget` bytes
/// of input ahead of the file the writer waits for (summaries and examples
/// held for files not yet written grow with those bytes), which bounds
/// memory whatever the archive's size; the file the writer waits for may
/// always proceed.
///
/// At most `jobs` threads work at once, the writer included: workers and
/// the writer hold one of `jobs` core tokens while they compute and none
/// while they wait, so `--jobs 1` keeps one core busy, not one core for
/// the workers and another for compression. With `jobs` at or above the
/// core count the machine already allows no more, and there are no tokens:
/// handing them over lowered CPU use at 2 jobs on 2 cores from 1.93 to 1.88 cores.
final class ScanScheduler: @unchecked Sendable {
    private let condition = NSCondition()
    /// nil when `jobs` is at least the number of cores.
    private let coreTokens: DispatchSemaphore?
    private let files: [FileScan]
    private let units: [WorkUnit]
    private let configuration: ScanConfiguration
    private let now: Double
    private let window: Int
    private let byteBudget: Int64
    /// Input bytes of units claimed for files the writer has not taken yet.
    private var bytesInFlight: Int64 = 0
    private var claimedBytes: [Int64]
    private var nextUnit = 0
    private var results: [FileResult?]
    private var writerPosition = 0
    private var cancelled = false
    /// Seconds spent in each phase, summed over workers (guarded by the lock).
    private(set) var phaseSeconds = (scan: 0.0, assemble: 0.0)

    init(tasks: [ScanTask], configuration: ScanConfiguration, now: Double) {
        self.configuration = configuration
        self.now = now
        var scans: [FileScan] = []
        var units: [WorkUnit] = []
        for (index, task) in tasks.enumerated() {
            let planned = WorkUnit.plan(file: index, from: task.start, size: task.file.size, unitSize: configuration.unitSize)
            scans.append(FileScan(file: task.file, start: task.start, lineBase: task.lineBase, fingerprint: task.fingerprint, units: planned))
            units += planned
        }
        self.files = scans
        self.units = units
        results = Array(repeating: nil, count: tasks.count)
        window = max(16, configuration.jobs * 8)
        byteBudget = configuration.inFlightBudget
        claimedBytes = Array(repeating: 0, count: tasks.count)
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

    /// The next file's result, in file order; nil after the last.
    func nextResult() -> FileResult? {
        condition.lock()
        defer { condition.unlock() }
        guard writerPosition < results.count else { return nil }
        while results[writerPosition] == nil { condition.wait() }
        let result = results[writerPosition]
        results[writerPosition] = nil
        bytesInFlight -= claimedBytes[writerPosition]
        writerPosition += 1
        condition.broadcast()
        return result
    }

    private func work() {
        var scanner = RecordScanner(options: ExtractOptions(keepThinking: configuration.keepThinking))
        while let unit = claimUnit() {
            let scan = files[unit.file]
            var finishedFile: Bool
            if scan.fd < 0 {
                finishedFile = locked { scan.fail(unit, problem: "") }
            } else {
                do {
                    let ((summary, read), seconds) = try timedBusy {
                        try scan.scanUnit(unit, scanner: &scanner, configuration: configuration)
                    }
                    finishedFile = locked {
                        phaseSeconds.scan += seconds
                        return scan.complete(unit, summary: summary, read: read)
                    }
                } catch {
                    finishedFile = locked { scan.fail(unit, problem: "\(error)") }
                }
            }
            if finishedFile {
                let (result, seconds) = timedBusy { scan.assemble(configuration: configuration, now: now) }
                locked {
                    phaseSeconds.assemble += seconds
                    results[unit.file] = result
                    condition.broadcast()
                }
            }
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
        locked {
            cancelled = true
            condition.broadcast()
        }
    }

    /// The next unit in order, waiting while it is too far ahead of the writer.
    private func claimUnit() -> WorkUnit? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextUnit < units.count && !mayClaim(units[nextUnit]) {
            condition.wait()
        }
        guard !cancelled, nextUnit < units.count else { return nil }
        let unit = units[nextUnit]
        nextUnit += 1
        let size = unit.end - unit.start
        bytesInFlight += size
        claimedBytes[unit.file] += size
        if unit.index == 0 { files[unit.file].open(configuration: configuration) }
        return unit
    }

    /// The phase totals, read once the last result was taken.
    var stageTotals: (scan: Double, assemble: Double) { locked { phaseSeconds } }

    /// Called with the lock held. The bytes of the file the writer waits
    /// for are not counted: it is taken as soon as it is done, and a file
    /// larger than the budget would otherwise leave every other worker
    /// idle while one worker runs its phase 2.
    private func mayClaim(_ unit: WorkUnit) -> Bool {
        if unit.file == writerPosition { return true }
        let ahead = bytesInFlight - (writerPosition < claimedBytes.count ? claimedBytes[writerPosition] : 0)
        return unit.file < writerPosition + window && ahead + (unit.end - unit.start) <= byteBudget
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
