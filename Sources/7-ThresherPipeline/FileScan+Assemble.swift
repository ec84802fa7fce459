import ThresherExtract
import ThresherScan

/// Phase 2 for one file, run by the worker whose step is `.assemble`:
/// streams, turns and examples from all units' summaries.
extension FileScan {
    /// `kept`: the buffer given to `scanUnit`; its bytes serve the spans
    /// when phase 1 kept this file's there.
    func assemble(configuration: ScanConfiguration, now: Double, kept: KeptBytes? = nil) -> FileResult {
        var result = FileResult(file: file)
        // The scan object lives on until the run ends; its summaries,
        // assembly and descriptor do not.
        defer {
            closeFile()
            assembly.withLock { $0 = nil }
        }
        let progress = outcome
        result.fingerprint = progress.opening.fingerprint
        if let problem = progress.opening.problem {
            result.problem = problem
            return result
        }
        guard progress.problems.isEmpty else {
            // A unit failed: its lines are unknown, so no turn of this file is trusted.
            result.problem = progress.problems.joined(separator: "; ")
            return result
        }
        result.bytesRead = max(0, progress.opening.limit - start)
        result.partialBytes = progress.opening.limit - progress.endOfLastLine
        result.counters.partialLines = result.partialBytes > 0 ? 1 : 0
        var problems = progress.truncated ? ["file shrank while being read"] : []
        let bytes = kept.flatMap { $0.holder === self ? $0 : nil }
        if let problem = finishAssembly(into: &result, progress: progress, configuration: configuration, now: now, kept: bytes) {
            problems.append(problem)
            result.examples = []
        }
        if !problems.isEmpty { result.problem = problems.joined(separator: "; ") }
        return result
    }

    /// Feeds the units not fed yet (all of them, unless the file streams)
    /// and ends the assembly; returns what went wrong, if anything.
    private func finishAssembly(into result: inout FileResult, progress: Outcome, configuration: ScanConfiguration,
                                now: Double, kept: KeptBytes?) -> String? {
        let facts = streamsAssembly ? nil : recordFacts()
        let settled = configuration.settle <= 0 || now - file.modificationTime >= configuration.settle
        return assembly.withLock { assembly in
            let fd = progress.opening.fd
            var current = assembly ?? FileAssembly(
                scan: self, source: kept.map(KeptSpans.init) ?? PReadSpans(fd: fd, path: file.path),
                configuration: configuration, facts: facts)
            assembly = nil
            for index in units.indices {
                // Each unit's summary goes as soon as it is fed: a big
                // file's summaries and its examples are not held at once.
                guard let summary = takeSummary(index) else { continue }
                current.feed(summary)
            }
            return current.finish(into: &result, settled: settled, endOfLastLine: progress.endOfLastLine)
        }
    }
}
