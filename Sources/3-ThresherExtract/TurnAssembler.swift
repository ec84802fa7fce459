/// Phase 2 for one file: places records in streams (SPEC §3), assembles
/// turns (SPEC §4), and decodes the selected complete ones into examples.
///
/// Records must be fed in file order with 1-based line numbers.
public struct TurnAssembler {
    public struct Configuration: Sendable {
        public var selector: ToolSelector
        public var includeSidechains: Bool
        public var keepThinking: Bool
        /// Applied to every selected turn before the filters; nil: `--no-redact`.
        public var redactor: Redactor?
        public var filters: ExampleFilters

        public init(selector: ToolSelector = .mcp, includeSidechains: Bool = true, keepThinking: Bool = false,
                    redactor: Redactor? = Redactor(), filters: ExampleFilters = ExampleFilters()) {
            self.selector = selector
            self.includeSidechains = includeSidechains
            self.keepThinking = keepThinking
            self.redactor = redactor
            self.filters = filters
        }
    }

    public let configuration: Configuration
    /// Path relative to its root, for metadata.
    public let file: String
    private let decoder: SpanDecoder

    public private(set) var counters = ExtractCounters()
    /// Selected complete turns, in order of their prompt line after `finish`
    /// (empty when `onExample` takes them instead).
    public private(set) var examples: [Example] = []
    /// Receives each selected turn that passed the filters as it closes,
    /// with its replacements per rule, instead of `examples`, so a caller
    /// can format it at once and let the decoded texts go.
    public var onExample: ((Example, RedactionCounts) -> Void)?

    private var streams: [Stream] = []
    private var mainStream: Int?
    /// Stream indexes as `Int32`: a big file's map holds one entry per
    /// record, and a file has fewer than 2^31 streams (each needs a record).
    private var streamOfUUID: [RecordID: Int32] = [:]

    private struct Stream {
        var isSidechain: Bool
        var open: DraftTurn?
    }

    /// Whether any record will look up its parent: without sidechain
    /// records (most main sessions) the uuid map is never needed.
    private let tracksParents: Bool

    /// `hasSidechainRecords`: whether the file holds any `isSidechain` record;
    /// `recordCount`: how many records will be fed (sizes the uuid map once).
    public init(configuration: Configuration, file: String, decoder: SpanDecoder,
                hasSidechainRecords: Bool = true, recordCount: Int = 0) {
        self.configuration = configuration
        self.file = file
        self.decoder = decoder
        self.tracksParents = hasSidechainRecords
        if hasSidechainRecords { streamOfUUID.reserveCapacity(recordCount) }
    }

    // MARK: - Feeding records

    /// `unit`: the summary `record` belongs to (it holds the record's blocks).
    public mutating func feed(_ record: RecordSummary, of unit: UnitSummary, line: Int) throws {
        let stream = place(record)
        guard configuration.includeSidechains || !streams[stream].isSidechain else { return }
        switch record.event {
        case .none:
            break
        case .prompt(let prompt):
            let next = unit.prompts[Int(prompt)]
            try close(stream, nextPrompt: next)
            streams[stream].open = DraftTurn(prompt: next, line: line, offset: record.lineOffset, timestamp: record.timestamp)
        case .interrupt:
            streams[stream].open?.interrupted = true
        case .close:
            try close(stream)
        case .toolResults(let range):
            guard streams[stream].open != nil else {
                counters.orphanToolResults += range.count
                return
            }
            counters.orphanToolResults += streams[stream].open!.addResults(unit.toolResults(range))
            streams[stream].open!.touch(line: line, timestamp: record.timestamp)
        case .assistant(let index):
            guard streams[stream].open != nil else {
                counters.orphanAssistantRecords += 1
                return
            }
            let assistant = unit.assistants[Int(index)]
            streams[stream].open!.add(assistant, blocks: unit.blocks(of: assistant))
            streams[stream].open!.touch(line: line, timestamp: record.timestamp)
        }
    }

    /// The stream a record belongs to; creates one for a sidechain record
    /// whose parent was not seen earlier in this reading.
    private mutating func place(_ record: RecordSummary) -> Int {
        let stream: Int
        if !record.isSidechain {
            if let main = mainStream {
                stream = main
            } else {
                stream = streams.count
                mainStream = stream
                streams.append(Stream(isSidechain: false))
            }
        } else if let parent = record.parentUuid, let parentStream = streamOfUUID[parent] {
            stream = Int(parentStream)
        } else {
            stream = streams.count
            streams.append(Stream(isSidechain: true))
            if !configuration.includeSidechains { counters.sidechainStreamsDropped += 1 }
        }
        if tracksParents { streamOfUUID[record.uuid] = Int32(truncatingIfNeeded: stream) }
        return stream
    }

    // MARK: - Closing turns

    /// Where the earliest pending turn starts: its prompt line.
    public struct PendingStart: Sendable, Equatable {
        /// File offset of the prompt's line.
        public var offset: Int64
        /// The prompt's 1-based line number.
        public var line: Int
    }

    /// Ends the file. With `settled` false, turns still open are pending:
    /// neither counted nor emitted. Returns where the earliest pending turn
    /// starts (where the next reading must begin), or nil.
    public mutating func finish(settled: Bool) throws -> PendingStart? {
        var pending: PendingStart?
        for stream in streams.indices {
            guard let turn = streams[stream].open else { continue }
            if settled {
                try close(stream)
            } else {
                counters.turnsPending += 1
                if pending == nil || turn.promptOffset < pending!.offset {
                    pending = PendingStart(offset: turn.promptOffset, line: turn.promptLine)
                }
                streams[stream].open = nil
            }
        }
        examples.sort { $0.metadata.lineStart < $1.metadata.lineStart }
        return pending
    }

    /// `nextPrompt`: the prompt that closes the turn, if one does (its
    /// feedback, SPEC §10).
    private mutating func close(_ stream: Int, nextPrompt: Prompt? = nil) throws {
        guard let turn = streams[stream].open else { return }
        streams[stream].open = nil
        switch turn.outcome() {
        case .interrupted: counters.turnsInterrupted += 1
        case .unansweredCall: counters.turnsUnansweredCall += 1
        case .noAnswer: counters.turnsNoAnswer += 1
        case .complete:
            counters.turnsComplete += 1
            guard turn.calls.contains(where: { configuration.selector.matches($0.name) }) else { return }
            counters.selected += 1
            var example = try turn.example(file: file, sidechain: streams[stream].isSidechain, decoder: decoder)
            let redactions = configuration.redactor?.redact(&example) ?? RedactionCounts()
            example.metadata.bytes = example.contentBytes
            if let nextPrompt { example.metadata.feedback = try feedback(from: nextPrompt) }
            if let failed = configuration.filters.firstFailure(example.metadata) {
                counters.filtered[failed] += 1
                return
            }
            if let onExample { onExample(example, redactions) } else { examples.append(example) }
        }
    }

    private func feedback(from prompt: Prompt) throws -> Feedback {
        switch prompt.text {
        case .span(let span): try decoder.requiredText(span).withRawBytes { Feedback(nextPromptUTF8: $0) }
        case .decoded(let text): Feedback(nextPrompt: text)
        }
    }
}
