import ThresherSystem
import ThresherFormats
import Foundation
import ThresherExtract
import ThresherJSON
import ThresherScan
import ThresherState
import ThresherStore

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
        let now = Date().timeIntervalSince1970
        var report = ScanReport()
        report.output = configuration.output
        report.redactionRules = configuration.redaction
        report.startedAt = UTCTime.iso8601(now)

        // A file truncated under a mapping must not crash the run.
        MappingGuard.install()
        let discovery = try Discovery(followSymlinks: configuration.followSymlinks).discover(roots: configuration.roots)
        let discovered = clock.now
        report.problems = discovery.problems.map(\.description)
        let folder = try OutputFolder(
            path: configuration.output, options: configuration.shapingOptions,
            compression: configuration.compression.rawValue, fresh: configuration.fresh)
        defer { folder.unlock() }
        report.removedLeftovers = folder.removedLeftovers
        let earlier = Set(folder.committedKeys)
        var seen = Set<DedupKey>()
        var newKeys: [DedupKey] = []
        var perServer = OrderedCounts()
        var perTool = OrderedCounts()

        let shards = SplitShardWriters(folder: folder, format: configuration.format, compression: configuration.compression,
                                       level: configuration.level, shardSize: configuration.shardSize)
        let records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
        let plan = ResumePlan(files: discovery.files, states: folder.fileStates, settle: configuration.settle, now: now)
        report.files = discovery.files.count
        report.filesUnchanged = plan.unchanged
        report.filesResumed = plan.resumed
        report.filesRestarted = plan.restarted
        var states = plan.carried
        let scheduler = ScanScheduler(tasks: plan.tasks, configuration: configuration, now: now)
        scheduler.startWorkers()
        // On any early exit (a write error) the workers must not wait for us.
        defer { scheduler.cancel() }
        var writeTime = Duration.zero
        let bytesTotal = plan.tasks.reduce(Int64(0)) { $0 + max(0, $1.file.size - $1.start) }
        var filesDone = 0
        while let result = scheduler.nextResult() {
            filesDone += 1
            configuration.progress?(ScanProgress(
                filesDone: filesDone, filesTotal: plan.tasks.count, bytesDone: report.bytesRead + result.bytesRead,
                bytesTotal: bytesTotal, seconds: Self.seconds(clock.now - started)))
            // Dedup and compression hold a core token like the workers (see ScanScheduler).
            scheduler.takeCore()
            defer { scheduler.releaseCore() }
            let writeStarted = clock.now
            defer { writeTime += clock.now - writeStarted }
            report.filesRead += 1
            report.bytesRead += result.bytesRead
            report.counters.merge(result.counters)
            report.skippedByFormat += result.skippedByFormat
            for sample in result.counters.malformedSamples where report.malformedSamples.count < ExtractCounters.malformedSampleLimit {
                report.malformedSamples.append("\(result.file.relativePath):\(sample.line): \(sample.reason)")
            }
            if let problem = result.problem {
                report.problems.append("\(result.file.path): \(problem)")
                // Not trusted: keep the old cursor (if any) so the next run reads it again.
                if let old = folder.fileStates[result.file.path] { states.append(old) }
            } else {
                states.append(FileState(
                    path: result.file.path, size: result.file.size, modificationTime: result.file.modificationTime,
                    device: result.file.device, inode: result.file.inode, fingerprint: result.fingerprint,
                    cursor: result.resumeOffset, line: result.resumeLine, pending: result.pending))
            }
            for example in result.examples {
                if earlier.contains(example.key) {
                    report.duplicatesEarlierRuns += 1
                    continue
                }
                guard seen.insert(example.key).inserted else {
                    report.duplicatesThisRun += 1
                    continue
                }
                newKeys.append(example.key)
                try shards.write(line: example.line, split: example.split)
                try records.write(line: example.record)
                report.examplesWritten += 1
                report.redactions.add(example.redactions)
                report.writtenPerFeedback[example.feedback?.rawValue ?? "none", default: 0] += 1
                if let split = example.split { report.writtenPerSplit[split.rawValue, default: 0] += 1 }
                for name in example.callNames {
                    perTool.add(name)
                    if let server = Example.mcpServer(of: name) { perServer.add(server) }
                }
            }
        }
        let (written, writtenRecords) = try scheduler.busy {
            let finishStarted = clock.now
            defer { writeTime += clock.now - finishStarted }
            return (try shards.finish(), try records.finish())
        }
        report.shardsWritten = written.map(\.name)
        report.callsPerServer = perServer.pairs
        report.callsPerTool = perTool.pairs
        report.wallSeconds = Self.seconds(clock.now - started)
        report.peakMemoryBytes = Self.peakMemory()
        let commitStarted = clock.now
        try folder.commit(shards: written, records: writtenRecords, keys: newKeys, states: states, run: runEntry(report))
        report.examplesInOutput = folder.manifest.examples
        let phases = scheduler.stageTotals
        report.stageSeconds = [
            ("discover", Self.seconds(discovered - started)), ("scan", phases.scan), ("assemble", phases.assemble),
            ("write", Self.seconds(writeTime)), ("commit", Self.seconds(clock.now - commitStarted)),
        ]
        try folder.writeReport(report.json())
        return report
    }

    /// The manifest's record of this run.
    private func runEntry(_ report: ScanReport) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("started_at"); w.string(report.startedAt)
        w.key("roots")
        w.beginArray()
        for root in configuration.roots { w.string(root) }
        w.endArray()
        w.key("files"); w.int(report.files)
        w.key("files_read"); w.int(report.filesRead)
        w.key("bytes"); w.int(Int(report.bytesRead))
        w.key("examples_written"); w.int(report.examplesWritten)
        w.key("shards_written")
        w.beginArray()
        for shard in report.shardsWritten { w.string(shard) }
        w.endArray()
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

    /// Peak resident set size (`getrusage`), in bytes.
    static func peakMemory() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}

/// Counts by name, listed in first-seen order.
struct OrderedCounts {
    private var index: [String: Int] = [:]
    private(set) var pairs: [(String, Int)] = []

    mutating func add(_ name: String) {
        if let i = index[name] {
            pairs[i].1 += 1
        } else {
            index[name] = pairs.count
            pairs.append((name, 1))
        }
    }
}
