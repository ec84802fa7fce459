/// A turn being assembled from summaries; nothing in it is decoded yet.
struct DraftTurn {
    enum Outcome { case complete, interrupted, unansweredCall, noAnswer }

    struct Call {
        var id: ShortID?
        var name: String
        var input: ByteSpan?
        var hasResult = false
    }

    /// An assistant message: its blocks are in the turn's `pieces`, counted
    /// here (lists per message cost allocations on every turn, and most
    /// turns are never emitted).
    struct Assistant {
        var messageID: ShortID?
        var model: ByteSpan?
        var texts = 0
        var calls = 0

        /// An assistant message with no text and no calls is not emitted.
        var isEmitted: Bool { texts > 0 || calls > 0 }
    }

    /// An assistant message's block, in the order of the turn's records.
    enum Piece {
        case text(ByteSpan)
        case thinking(ByteSpan)
        /// An index into `calls`.
        case call(Int)
    }

    enum Message {
        /// An index into `assistants`: a message's blocks grow there in
        /// place (an enum payload would be copied out and back per record).
        case assistant(Int)
        case tool(call: Int, content: ByteSpan?, isError: Bool)
    }

    let prompt: Prompt
    let promptLine: Int
    let promptOffset: Int64
    let startedAt: ByteSpan?
    var messages: [Message] = []
    var assistants: [Assistant] = []
    var calls: [Call] = []
    /// Every assistant block of the turn with the `assistants` index it belongs to.
    var pieces: [(owner: Int, piece: Piece)] = []
    var interrupted = false
    var lastLine: Int
    var lastTimestamp: ByteSpan?
    /// `assistants` index of each assistant message id seen in this turn: a
    /// list searched in order while short (most turns have a few messages,
    /// and a dictionary per turn cost more to build than it saved), a
    /// dictionary once it is long.
    private var messageIDs: [(id: ShortID, index: Int)] = []
    private var messageOfID: [ShortID: Int] = [:]
    private static let listedIDs = 32
    /// The latest assistant message: records of one message usually come
    /// one after another, so most lookups stop here.
    private var lastAssistant: (id: ShortID, index: Int)?

    init(prompt: Prompt, line: Int, offset: Int64, timestamp: ByteSpan?) {
        self.prompt = prompt
        self.promptLine = line
        self.promptOffset = offset
        self.startedAt = timestamp
        self.lastLine = line
        self.lastTimestamp = timestamp
        // Room for a typical turn: one allocation each instead of a few doublings.
        messages.reserveCapacity(16)
        assistants.reserveCapacity(8)
        calls.reserveCapacity(8)
        pieces.reserveCapacity(16)
    }

    mutating func touch(line: Int, timestamp: ByteSpan?) {
        lastLine = line
        lastTimestamp = timestamp
    }

    /// Adds an assistant record's blocks: to the message with the same id if
    /// the turn has one (also across tool results), else to a new message.
    mutating func add(_ record: AssistantRecord, blocks: ArraySlice<AssistantBlock>) {
        let index: Int
        if let id = record.messageID, let last = lastAssistant, last.id == id {
            index = last.index
        } else if let id = record.messageID, let existing = messageIndex(of: id) {
            index = existing
        } else {
            index = assistants.count
            assistants.append(Assistant(messageID: record.messageID, model: record.model))
            messages.append(.assistant(index))
            if let id = record.messageID { remember(id, at: index) }
        }
        if let id = record.messageID { lastAssistant = (id, index) }
        for block in blocks {
            switch block {
            case .text(let span):
                pieces.append((index, .text(span)))
                assistants[index].texts += 1
            case .thinking(let span):
                pieces.append((index, .thinking(span)))
            case .toolUse(let id, let name, let input):
                pieces.append((index, .call(calls.count)))
                assistants[index].calls += 1
                calls.append(Call(id: id, name: name, input: input))
            }
        }
    }

    private func messageIndex(of id: ShortID) -> Int? {
        if messageIDs.count < Self.listedIDs {
            return messageIDs.first { $0.id == id }?.index
        }
        return messageOfID[id]
    }

    private mutating func remember(_ id: ShortID, at index: Int) {
        if messageIDs.count < Self.listedIDs {
            messageIDs.append((id, index))
            if messageIDs.count == Self.listedIDs {
                messageOfID = Dictionary(messageIDs.map { ($0.id, $0.index) }, uniquingKeysWith: { first, _ in first })
            }
        } else {
            messageOfID[id] = index
        }
    }

    /// Pairs each result with the first call of that id still unanswered;
    /// returns how many blocks were orphans.
    mutating func addResults(_ blocks: ArraySlice<ToolResultBlock>) -> Int {
        var orphans = 0
        for block in blocks {
            guard let id = block.toolUseID,
                  let call = calls.firstIndex(where: { !$0.hasResult && $0.id == id }) else {
                orphans += 1
                continue
            }
            calls[call].hasResult = true
            messages.append(.tool(call: call, content: block.content, isError: block.isError))
        }
        return orphans
    }

    /// The messages that are emitted, in order.
    var emitted: [Message] {
        messages.filter {
            if case .assistant(let k) = $0 { return assistants[k].isEmitted }
            return true
        }
    }

    func outcome() -> Outcome {
        if interrupted { return .interrupted }
        if calls.contains(where: { !$0.hasResult }) { return .unansweredCall }
        // The last emitted message must be an answer: text and no calls.
        for message in messages.reversed() {
            switch message {
            case .tool:
                return .noAnswer
            case .assistant(let k):
                guard assistants[k].isEmitted else { continue }
                return assistants[k].texts > 0 && assistants[k].calls == 0 ? .complete : .noAnswer
            }
        }
        return .noAnswer
    }

    /// Each assistant message's blocks, grouped (`pieces` interleaves them
    /// when one message's records come between another's).
    func piecesByMessage() -> [[Piece]] {
        var grouped = [[Piece]](repeating: [], count: assistants.count)
        for (owner, piece) in pieces { grouped[owner].append(piece) }
        return grouped
    }

    /// Every span `example` decodes for these messages.
    func spans(of kept: [Message], pieces grouped: [[Piece]]) -> [ByteSpan] {
        var spans = [prompt.sessionID, prompt.agentID, prompt.cwd, prompt.gitBranch, prompt.version,
                     startedAt, lastTimestamp].compactMap { $0 }
        if case .span(let text) = prompt.text { spans.append(text) }
        for message in kept {
            switch message {
            case .assistant(let k):
                if let model = assistants[k].model { spans.append(model) }
                for piece in grouped[k] {
                    switch piece {
                    case .text(let span), .thinking(let span): spans.append(span)
                    case .call(let call): if let input = calls[call].input { spans.append(input) }
                    }
                }
            case .tool(_, let content, _):
                if let content { spans.append(content) }
            }
        }
        return spans
    }
}
