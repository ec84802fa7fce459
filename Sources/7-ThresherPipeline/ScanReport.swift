import Foundation
import ThresherExtract

/// What a run did (SPEC §8): written to `report.json` and summarized on stderr.
public struct ScanReport: Sendable {
    public var output = ""
    /// Transcripts found under the roots.
    public var files = 0
    /// Of those: read this run (new, resumed or restarted), skipped as
    /// unchanged, resumed from a cursor, read again from the start.
    public var filesRead = 0
    public var filesUnchanged = 0
    public var filesResumed = 0
    public var filesRestarted = 0
    public var bytesRead: Int64 = 0
    public var counters = ExtractCounters()
    /// The first malformed lines of the run as `file:line: reason`.
    public var malformedSamples: [String] = []
    /// Files (or folders) that could not be read, with the reason.
    public var problems: [String] = []
    /// Selected turns the format cannot hold (ShareGPT's strict alternation).
    public var skippedByFormat = 0
    public var duplicatesThisRun = 0
    public var duplicatesEarlierRuns = 0
    public var examplesWritten = 0
    public var shardsWritten: [String] = []
    public var examplesInOutput = 0
    /// Replacements per rule over the examples written (SPEC §9).
    public var redactions = RedactionCounts()
    /// Whether redaction was on (the report says so rather than showing zeros).
    public var redactionRules: RedactionRules = .all
    /// Examples written per feedback value (`none` when absent) and per split.
    public var writtenPerFeedback: [String: Int] = [:]
    public var writtenPerSplit: [String: Int] = [:]
    public var callsPerServer: [(String, Int)] = []
    public var callsPerTool: [(String, Int)] = []
    public var removedLeftovers: [String] = []
    public var startedAt = ""
    public var wallSeconds = 0.0
    public var peakMemoryBytes = 0
    /// User + system CPU seconds of the process up to the commit: over
    /// `wallSeconds`, how many cores the run kept busy.
    public var cpuSeconds = 0.0
    /// Seconds per stage. `scan` (phase 1) and `assemble` (phase 2) are
    /// summed over worker threads; `discover`, `write` (dedup, compression,
    /// shard files, on the writer thread) and `commit` are wall time.
    public var stageSeconds: [(String, Double)] = []

    public var throughputMBps: Double { wallSeconds > 0 ? Double(bytesRead) / 1e6 / wallSeconds : 0 }

    public var incompleteTurns: Int {
        counters.turnsInterrupted + counters.turnsUnansweredCall + counters.turnsNoAnswer
    }

    /// A few lines for a person, on stderr.
    public func summary() -> String {
        let c = counters
        var lines: [String] = []
        let skipped = filesUnchanged > 0 ? " (\(filesUnchanged) unchanged, skipped)" : ""
        lines.append("thresh: \(plural(files, "file"))\(skipped), read \(megabytes(bytesRead)), \(plural(c.lines, "line")) in \(String(format: "%.2f", wallSeconds)) s (\(String(format: "%.1f", throughputMBps)) MB/s, peak \(megabytes(Int64(peakMemoryBytes))) RSS)")
        lines.append("  turns: \(c.turnsComplete) complete, \(incompleteTurns) incomplete (\(c.turnsInterrupted) interrupted, \(c.turnsUnansweredCall) unanswered call, \(c.turnsNoAnswer) no answer), \(c.turnsPending) pending; orphans: \(c.orphanToolResults) results, \(c.orphanAssistantRecords) assistant records")
        lines.append("  selected \(c.selected), duplicates \(duplicatesThisRun) this run + \(duplicatesEarlierRuns) from earlier runs; wrote \(plural(examplesWritten, "example")) in \(plural(shardsWritten.count, "shard")) to \(output) (\(examplesInOutput) in all)")
        if c.filtered.total > 0 {
            let parts = ExampleFilters.Filter.allCases.filter { c.filtered[$0] > 0 }.map { "\($0.option) \(c.filtered[$0])" }
            lines.append("  filtered out \(c.filtered.total): \(parts.joined(separator: ", "))")
        }
        if redactionRules.isEmpty {
            lines.append("  redaction off (--no-redact): secrets in the archive are in the shards as they are")
        } else if redactions.total > 0 {
            let parts = RedactionRule.allCases.filter { redactions[$0] > 0 }.map { "\($0.name) \(redactions[$0])" }
            lines.append("  redacted \(redactions.total) secrets: \(parts.joined(separator: ", "))")
        }
        if !writtenPerSplit.isEmpty {
            let parts = SplitName.allCases.map { "\($0.rawValue) \(writtenPerSplit[$0.rawValue] ?? 0)" }
            lines.append("  split: \(parts.joined(separator: ", "))")
        }
        if skippedByFormat > 0 {
            lines.append("  \(plural(skippedByFormat, "selected turn")) cannot be written in this format (skipped)")
        }
        if c.partialLines > 0 {
            lines.append("  \(plural(c.partialLines, "file")) end in a partial line, left for the next run")
        }
        if c.malformedCount > 0 {
            lines.append("  \(plural(c.malformedCount, "malformed line")) skipped:")
            for sample in malformedSamples.prefix(5) { lines.append("    \(sample)") }
        }
        if !problems.isEmpty {
            lines.append("  \(problems.count) files or folders could not be read:")
            for problem in problems.prefix(10) { lines.append("    \(problem)") }
        }
        return lines.joined(separator: "\n")
    }

    private func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1e6)
    }
}

