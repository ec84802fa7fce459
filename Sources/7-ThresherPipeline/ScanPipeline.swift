import ThresherExtract
import ThresherJSON
import ThresherScan
import ThresherState
import ThresherSystem

/// The scan pipeline façade: discover → read/tokenize/extract (parallel) →
/// dedup → write → commit → report.
public struct ScanPipeline {
    public let configuration: ScanConfiguration

    public init(configuration: ScanConfiguration) {
        self.configuration = configuration
    }

    /// Runs one scan. Throws when the run as a whole fails (a root or the
    /// output folder cannot be used, a write fails); trouble with single
    /// files is reported in the returned report.
    public func run() throws -> ScanReport {
        let clock = ContinuousClock()
        let started = clock.now
        let now = UTCTime.now
        var report = ScanReport()
        report.output = configuration.output
        report.redactionRules = configuration.redaction
        report.startedAt = UTCTime.iso8601(now)

        // A file truncated under a mapping must not crash the run.
        MappingGuard.install()
        // Long lines are mapped, and their pages given back as they are parsed.
        JSONParser.progressHook = LongLineMappings.releaseBehind
        // OUT may lie under a root: its shards are never read as transcripts.
        let output = FileIdentity(path: configuration.output).map { Set([$0]) } ?? []
        var discovery = try Discovery(followSymlinks: configuration.followSymlinks, excluding: output).discover(roots: configuration.roots)
        if let partition = configuration.partition {
            discovery.files.removeAll { !partition.contains(relativePath: $0.relativePath) }
        }
        let discovered = clock.now
        report.problems = discovery.problems.map(\.description)
        let folder = try OutputFolder(
            path: configuration.output, options: configuration.shapingOptions,
            compression: configuration.compression.rawValue, fresh: configuration.fresh)
        defer { folder.unlock() }
        report.removedLeftovers = folder.removedLeftovers
        let plan = ResumePlan(files: discovery.files, states: folder.fileStates, settle: configuration.settle, now: now)
        report.files = discovery.files.count
        report.filesUnchanged = plan.unchanged
        report.filesResumed = plan.resumed
        report.filesRestarted = plan.restarted

        let writer = ResultWriter(folder: folder, configuration: configuration, carried: plan.carried)
        let scheduler = ScanScheduler(tasks: plan.tasks, configuration: configuration, now: now,
                                      spillDirectory: folder.statePath)
        scheduler.startWorkers()
        // On any early exit (a write error) the workers must not wait for us.
        defer { scheduler.cancel() }
        var writeTime = Duration.zero
        try writeResults(of: scheduler, to: writer, plan: plan, report: &report, since: started, writeTime: &writeTime)
        let written = try scheduler.busy {
            try Self.timed(adding: &writeTime) { try writer.finish(report: &report) }
        }
        report.wallSeconds = Self.seconds(clock.now - started)
        (report.peakMemoryBytes, report.cpuSeconds) = Self.resourceUsage()
        let commitStarted = clock.now
        try folder.commit(shards: written.shards, records: written.records, keys: writer.newKeys, states: writer.states,
                          run: runEntry(report))
        report.examplesInOutput = folder.manifest.examples
        let phases = scheduler.stageTotals
        report.stageSeconds = [
            ("discover", Self.seconds(discovered - started)), ("scan", phases.scan), ("assemble", phases.assemble),
            ("write", Self.seconds(writeTime)), ("commit", Self.seconds(clock.now - commitStarted)),
        ]
        try folder.writeReport(report.json())
        try folder.publish()
        return report
    }

    /// Takes every file's result in file order and hands it to `writer`,
    /// reporting progress as files finish.
    private func writeResults(of scheduler: ScanScheduler, to writer: ResultWriter, plan: ResumePlan,
                              report: inout ScanReport, since started: ContinuousClock.Instant,
                              writeTime: inout Duration) throws {
        let bytesTotal = plan.tasks.reduce(Int64(0)) { $0 + max(0, $1.file.size - $1.start) }
        var filesDone = 0
        while let batch = scheduler.nextResults() {
            for result in batch {
                filesDone += 1
                configuration.progress?(ScanProgress(
                    filesDone: filesDone, filesTotal: plan.tasks.count, bytesDone: report.bytesRead + result.bytesRead,
                    bytesTotal: bytesTotal, seconds: Self.seconds(ContinuousClock.now - started)))
                // Dedup and compression hold a core token like the workers (see ScanScheduler).
                try scheduler.busy {
                    try Self.timed(adding: &writeTime) { try writer.take(result, report: &report) }
                }
            }
        }
    }

    /// Runs `body`, adding the time it took to `total`.
    private static func timed<T>(adding total: inout Duration, _ body: () throws -> T) rethrows -> T {
        let started = ContinuousClock.now
        defer { total += ContinuousClock.now - started }
        return try body()
    }

    /// The manifest's record of this run.
    private func runEntry(_ report: ScanReport) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("started_at"); w.string(report.startedAt)
        w.key("roots"); w.strings(configuration.roots)
        w.key("files"); w.int(report.files)
        w.key("files_read"); w.int(report.filesRead)
        w.key("bytes"); w.int(Int(report.bytesRead))
        w.key("examples_written"); w.int(report.examplesWritten)
        w.key("shards_written"); w.strings(report.shardsWritten)
        w.key("options")
        w.beginObject()
        w.key("format"); w.string(configuration.format.rawValue)
        w.key("compression"); w.string(configuration.compression.rawValue)
        w.key("level"); w.int(configuration.level)
        w.key("shard_size"); w.int(Int(configuration.shardSize))
        w.key("settle"); w.double(configuration.settle)
        w.key("tools")
        switch configuration.selector {
        case .mcp: w.string("mcp__*")
        case .all: w.string("*")
        case .globs(let globs): w.string(globs.joined(separator: ","))
        }
        for option in configuration.shapingOptions where option.name != "--format" && option.name != "--tools" {
            w.key(named: String(option.name.dropFirst(2))); w.string(option.value)
        }
        w.endObject()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Peak RSS in bytes and CPU seconds (user + system) of this process
    /// so far (`getrusage`).
    public static func resourceUsage() -> (peakMemory: Int, cpuSeconds: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (usage.ru_maxrss * 1024, seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }
}
