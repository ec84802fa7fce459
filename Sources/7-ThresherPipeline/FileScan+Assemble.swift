import ThresherExtract

/// Phase 2 for one file, run by the worker that finished its last unit:
/// streams, turns and examples from all units' summaries.
extension FileScan {
    func assemble(configuration: ScanConfiguration, now: Double) -> FileResult {
        var result = FileResult(file: file)
        result.fingerprint = fingerprint
        // The scan object lives on until the run ends; its summaries and descriptor do not.
        defer { closeFile() }
        let progress = outcome
        if let problem = progress.opening.problem {
            result.problem = problem
            return result
        }
        guard progress.problems.isEmpty, progress.allUnitsRead else {
            // A unit failed: its lines are unknown, so no turn of this file is trusted.
            result.problem = progress.problems.joined(separator: "; ")
            return result
        }
        result.bytesRead = max(0, progress.opening.limit - start)
        result.partialBytes = progress.opening.limit - progress.endOfLastLine
        result.counters.partialLines = result.partialBytes > 0 ? 1 : 0
        var problems = progress.truncated ? ["file shrank while being read"] : []
        do {
            try assembleExamples(into: &result, progress: progress, configuration: configuration, now: now)
        } catch {
            problems.append("\(error)")
            result.examples = []
        }
        if !problems.isEmpty { result.problem = problems.joined(separator: "; ") }
        return result
    }

    /// Feeds every unit's records to a turn assembler and keeps the examples
    /// it emits, formatted; sets the file's resume point.
    private func assembleExamples(into result: inout FileResult, progress: Outcome, configuration: ScanConfiguration,
                                  now: Double) throws {
        let (hasSidechainRecords, recordCount) = recordFacts()
        var assembler = TurnAssembler(
            configuration: TurnAssembler.Configuration(
                selector: configuration.selector, includeSidechains: configuration.includeSidechains,
                keepThinking: configuration.keepThinking, redactor: configuration.redactor, filters: configuration.filters),
            file: file.relativePath, decoder: SpanDecoder(source: PReadSpans(fd: progress.opening.fd, path: file.path)),
            hasSidechainRecords: hasSidechainRecords, recordCount: recordCount)
        let preparer = ExamplePreparer(format: configuration.format, split: configuration.split,
                                       compressHeld: progress.opening.limit - start > configuration.compressHeldExamplesAbove)
        assembler.onExample = { example, redactions in preparer.add(example, redactions: redactions) }
        // Assembly failures surface after the counters of what was read are kept.
        defer { result.counters.merge(assembler.counters) }
        var lineBase = self.lineBase
        for index in units.indices {
            // Each unit's summaries go as soon as they are fed: a big
            // file's summaries and its examples are not held at once.
            guard let summary = takeSummary(index) else { continue }
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
            result.resumeOffset = progress.endOfLastLine
            result.resumeLine = lineBase
        }
        result.examples = preparer.prepared.sorted { $0.lineStart < $1.lineStart }
        result.skippedByFormat = preparer.skipped
    }
}
