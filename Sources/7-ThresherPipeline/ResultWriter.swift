import ThresherExtract
import ThresherState
import ThresherStore

/// The writer side of a scan: takes file results in file order, dedups
/// their examples against OUT and this run, writes the survivors to the
/// shards and example records, keeps each file's cursor, and tallies the
/// report. Runs on one thread (the pipeline's caller).
final class ResultWriter {
    private let folder: OutputFolder
    /// Keys committed by earlier runs.
    private let earlier: Set<DedupKey>
    private var seen = Set<DedupKey>()
    /// Keys of the examples this run wrote, in write order.
    private(set) var newKeys: [DedupKey] = []
    /// Every file's cursor as the next run should find it.
    private(set) var states: [FileState]
    private var perServer = OrderedCounts()
    private var perTool = OrderedCounts()
    private let shards: SplitShardWriters
    private let records: ShardWriter

    init(folder: OutputFolder, configuration: ScanConfiguration, carried: [FileState]) {
        self.folder = folder
        earlier = Set(folder.committedKeys)
        states = carried
        shards = SplitShardWriters(folder: folder, format: configuration.format, compression: configuration.compression,
                                   level: configuration.level, shardSize: configuration.shardSize)
        records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
    }

    /// One file's result: its counts and cursor, then its examples.
    func take(_ result: FileResult, report: inout ScanReport) throws {
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
        for example in result.examples { try write(example, report: &report) }
    }

    /// Writes an example unless an earlier run or an earlier file of this
    /// run wrote its key (SPEC §5: the first occurrence in path order wins).
    private func write(_ example: PreparedExample, report: inout ScanReport) throws {
        if earlier.contains(example.key) {
            report.duplicatesEarlierRuns += 1
            return
        }
        guard seen.insert(example.key).inserted else {
            report.duplicatesThisRun += 1
            return
        }
        newKeys.append(example.key)
        // One at a time: a big example's line and record are not held together.
        try shards.write(line: try example.loadLine(), split: example.split)
        try records.write(line: try example.loadRecord())
        report.examplesWritten += 1
        report.redactions.add(example.redactions)
        report.writtenPerFeedback[example.feedback?.rawValue ?? "none", default: 0] += 1
        if let split = example.split { report.writtenPerSplit[split.rawValue, default: 0] += 1 }
        for name in example.callNames {
            perTool.add(name)
            if let server = Example.mcpServer(of: name) { perServer.add(server) }
        }
    }

    /// Closes the open shards; returns every shard this run finished.
    func finish(report: inout ScanReport) throws -> (shards: [ShardInfo], records: [ShardInfo]) {
        let written = (shards: try shards.finish(), records: try records.finish())
        report.shardsWritten = written.shards.map(\.name)
        report.callsPerServer = perServer.pairs
        report.callsPerTool = perTool.pairs
        return written
    }
}
