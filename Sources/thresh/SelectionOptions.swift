import ArgumentParser
import ThresherExtract

/// The filters and split `thresh scan` and `thresh export` share (SPEC §10).
struct SelectionOptions: ParsableArguments {
    @Option(help: "Keep examples with at most N failed calls (0: only turns without a failed call).")
    var maxToolErrors: Int?

    @Option(help: "Keep examples with at least N calls.")
    var minCalls: Int?

    @Option(help: "Keep examples whose content is at most SIZE bytes (e.g. 64KiB).")
    var maxBytes: String?

    @Option(help: "Keep examples whose feedback is one of LIST (positive, neutral, negative, none).")
    var feedback: String?

    @Option(help: "Keep examples started at or after TIME (compared as text, e.g. 2025-06-01 or 2025-06-01T12:00).")
    var since: String?

    @Option(help: "Keep examples started before TIME (compared as text).")
    var until: String?

    @Option(help: "Keep examples whose project folder (cwd) matches this case-sensitive shell glob.")
    var project: String?

    @Option(help: "Split into train/val/test by id: TRAIN,VAL[,TEST] percentages summing to 100, e.g. 90,5,5.")
    var split: String?

    func validate() throws {
        _ = try filters()
        _ = try datasetSplit()
    }

    func filters() throws -> ExampleFilters {
        var filters = ExampleFilters()
        if let maxToolErrors {
            guard maxToolErrors >= 0 else { throw ValidationError("--max-tool-errors must be a number >= 0, not \(maxToolErrors)") }
            filters.maxToolErrors = maxToolErrors
        }
        if let minCalls {
            guard minCalls >= 0 else { throw ValidationError("--min-calls must be a number >= 0, not \(minCalls)") }
            filters.minCalls = minCalls
        }
        if let maxBytes {
            guard let size = ByteSize.parse(maxBytes) else {
                throw ValidationError("--max-bytes '\(maxBytes)' is not a size (e.g. 65536, 64KiB, 1MB)")
            }
            filters.maxBytes = size
        }
        do {
            if let feedback { filters.feedback = try ExampleFilters.parseFeedback(feedback) }
            if let project {
                try ExampleFilters.checkGlob(project)
                filters.project = project
            }
        } catch let invalid as ExampleFilters.InvalidValue {
            throw ValidationError(invalid.description)
        }
        for (option, value) in [("--since", since), ("--until", until)] where value?.isEmpty == true {
            throw ValidationError("\(option) needs a time, e.g. 2025-06-01")
        }
        filters.since = since
        filters.until = until
        return filters
    }

    func datasetSplit() throws -> DatasetSplit? {
        guard let split else { return nil }
        do {
            return try DatasetSplit(parsing: split)
        } catch {
            throw ValidationError("--split: \(error)")
        }
    }
}
