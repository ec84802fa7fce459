import ThresherExtract
import ThresherJSON

/// `report.json` (SPEC §8): keys in a fixed order, so reports diff cleanly.
extension ScanReport {
    public func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        writeInput(&w)
        writeTurns(&w)
        writeOutput(&w)
        writeRun(&w)
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// What was read: files, bytes, lines and records.
    private func writeInput(_ w: inout JSONWriter) {
        let c = counters
        w.key("output"); w.string(output)
        w.key("started_at"); w.string(startedAt)
        w.key("files"); w.int(files)
        w.key("files_read"); w.int(filesRead)
        w.key("files_unchanged"); w.int(filesUnchanged)
        w.key("files_resumed"); w.int(filesResumed)
        w.key("files_restarted"); w.int(filesRestarted)
        w.key("bytes"); w.int(Int(bytesRead))
        w.key("lines"); w.int(c.lines)
        w.key("blank_lines"); w.int(c.blankLines)
        w.key("partial_lines"); w.int(c.partialLines)
        w.key("malformed"); w.int(c.malformedCount)
        w.key("malformed_samples")
        w.strings(malformedSamples)
        w.key("records")
        w.counts(c.recordsByType.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) })
        w.key("assistant_records_ignored"); w.int(c.ignoredSyntheticAssistant)
    }

    /// What the records made: turns by outcome, orphans, selection, filters.
    private func writeTurns(_ w: inout JSONWriter) {
        let c = counters
        w.key("turns")
        w.counts([
            ("complete", c.turnsComplete), ("interrupted", c.turnsInterrupted), ("unanswered_call", c.turnsUnansweredCall),
            ("no_answer", c.turnsNoAnswer), ("pending", c.turnsPending),
        ])
        w.key("orphans")
        w.counts([("tool_result", c.orphanToolResults), ("assistant_record", c.orphanAssistantRecords)])
        w.key("sidechain_streams_dropped"); w.int(c.sidechainStreamsDropped)
        w.key("selected"); w.int(c.selected)
        w.key("filtered")
        w.counts(ExampleFilters.Filter.allCases.map { ($0.rawValue, c.filtered[$0]) })
    }

    /// What was written: dedup, shards, redactions, signals, tallies.
    private func writeOutput(_ w: inout JSONWriter) {
        w.key("duplicates")
        w.counts([("this_run", duplicatesThisRun), ("earlier_runs", duplicatesEarlierRuns)])
        w.key("skipped_by_format"); w.int(skippedByFormat)
        w.key("examples_written"); w.int(examplesWritten)
        w.key("shards_written")
        w.strings(shardsWritten)
        w.key("examples_in_output"); w.int(examplesInOutput)
        w.key("redact"); w.string(redactionRules.description)
        w.key("redactions")
        w.counts(RedactionRule.allCases.map { ($0.name, redactions[$0]) })
        w.key("written_per_feedback")
        w.counts(["positive", "neutral", "negative", "none"].map { ($0, writtenPerFeedback[$0] ?? 0) })
        w.key("written_per_split")
        w.counts(SplitName.allCases.compactMap { part in writtenPerSplit[part.rawValue].map { (part.rawValue, $0) } })
        w.key("calls_per_mcp_server")
        w.counts(callsPerServer)
        w.key("calls_per_tool")
        w.counts(callsPerTool)
    }

    /// How the run went: problems, leftovers removed, time and memory.
    private func writeRun(_ w: inout JSONWriter) {
        w.key("problems")
        w.strings(problems)
        w.key("removed_leftovers")
        w.strings(removedLeftovers)
        w.key("wall_seconds"); w.double((wallSeconds * 1000).rounded() / 1000)
        w.key("throughput_mb_per_s"); w.double((throughputMBps * 10).rounded() / 10)
        w.key("peak_memory_bytes"); w.int(peakMemoryBytes)
        w.key("cpu_seconds"); w.double((cpuSeconds * 1000).rounded() / 1000)
        w.key("stage_seconds")
        w.beginObject()
        for (stage, seconds) in stageSeconds {
            w.key(named: stage); w.double((seconds * 1000).rounded() / 1000)
        }
        w.endObject()
    }
}
