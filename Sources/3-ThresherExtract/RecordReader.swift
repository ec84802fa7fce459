import ThresherJSON
import ThresherSystem

/// Reads one parsed record (a tape over one line) into a `RecordSummary`.
struct RecordReader {
    let tape: JSONTape
    let bytes: UnsafeBufferPointer<UInt8>
    /// File offset of `bytes[0]`.
    let fileOffset: Int64
    let options: ExtractOptions

    /// Record types seen in real archives, so counting them allocates nothing.
    /// `user` and `assistant` first: their positions are `userType` and `assistantType`.
    static let knownTypes: [StaticString] = [
        "user", "assistant", "progress", "system", "attachment", "summary", "file-history-snapshot",
        "queue-operation", "last-prompt", "permission-mode", "ai-title", "mode",
    ]
    static let userType = 0
    static let assistantType = 1
    static let missingType = "(no type)"

    /// The deepest values a summary reads, counting the root's members as
    /// depth 1: a tool result's one text block's `type` and `text`
    /// (record → message 1 → content 2 → block 3 → its `content` 4 → that
    /// array's block 5 → its members 6). A tape need store no deeper.
    static let deepestRead = 6

    /// The top-level fields a record summary needs; later duplicates win.
    private struct Fields {
        var type: Int?
        var uuid: Int?
        var parentUuid: Int?
        var isSidechain: Int?
        var message: Int?
        var isMeta: Int?
        var isCompactSummary: Int?
        var isVisibleInTranscriptOnly: Int?
        var isApiErrorMessage: Int?
        var timestamp: Int?
        var sessionId: Int?
        var agentId: Int?
        var cwd: Int?
        var gitBranch: Int?
        var version: Int?
    }

    func summarize(line: Int, lineOffset: Int64, into unit: inout UnitSummary, lastUUID: inout LastUUID) {
        var f = Fields()
        for (key, value) in tape.members(of: tape.root) {
            withText(key) { name in
                switch name.count {
                case 3: if equal(name, "cwd") { f.cwd = value }
                case 4:
                    if equal(name, "type") { f.type = value } else if equal(name, "uuid") { f.uuid = value }
                case 6: if equal(name, "isMeta") { f.isMeta = value }
                case 7:
                    if equal(name, "message") { f.message = value } else if equal(name, "version") { f.version = value } else if equal(name, "agentId") { f.agentId = value }
                case 9:
                    if equal(name, "sessionId") { f.sessionId = value } else if equal(name, "timestamp") { f.timestamp = value } else if equal(name, "gitBranch") { f.gitBranch = value }
                case 10: if equal(name, "parentUuid") { f.parentUuid = value }
                case 11: if equal(name, "isSidechain") { f.isSidechain = value }
                case 16: if equal(name, "isCompactSummary") { f.isCompactSummary = value }
                case 17: if equal(name, "isApiErrorMessage") { f.isApiErrorMessage = value }
                case 25: if equal(name, "isVisibleInTranscriptOnly") { f.isVisibleInTranscriptOnly = value }
                default: break
                }
            }
        }
        var knownType: Int?
        switch typeName(f.type) {
        case .known(let index):
            unit.knownTypeCounts[index] += 1
            knownType = index
        case .other(let name):
            unit.counters.recordsByType[name, default: 0] += 1
        }
        guard let uuidIndex = f.uuid, let uuid = recordID(uuidIndex) else { return }
        // The parent, looked up against the previous record's uuid before
        // this one is remembered in its place.
        let parentUuid = f.parentUuid.flatMap { index in
            (tape[index].kind == .string && tape[index].flags == 0 ? lastUUID.key(of: tape.rawBytes(index, in: bytes)) : nil)
                ?? recordID(index)
        }
        if tape[uuidIndex].flags == 0 { lastUUID.remember(tape.rawBytes(uuidIndex, in: bytes), as: uuid) }

        var event = RecordEvent.none
        if let message = f.message, tape[message].kind == .object,
           knownType == Self.userType || knownType == Self.assistantType {
            let m = fields(of: message)
            if knownType == Self.userType {
                event = userEvent(message: m, fields: f, into: &unit)
            } else if isTrue(f.isApiErrorMessage) || m.model.map({ tape.stringEquals($0, "<synthetic>", in: bytes) }) == true {
                unit.counters.ignoredSyntheticAssistant += 1
            } else {
                let record = assistantRecord(message: m, into: &unit)
                event = .assistant(Int32(unit.assistants.count))
                unit.assistants.append(record)
            }
        }
        unit.records.append(RecordSummary(
            line: line, lineOffset: lineOffset, uuid: uuid,
            parentUuid: parentUuid, isSidechain: isTrue(f.isSidechain),
            timestamp: f.timestamp.map(span), event: event))
    }

    // MARK: - User records

    private func userEvent(message: ObjectFields, fields f: Fields, into unit: inout UnitSummary) -> RecordEvent {
        guard let content = message.content else { return .none }
        if tape[content].kind == .array {
            let first = unit.toolResults.count
            for element in tape.elements(of: content) where tape[element].kind == .object {
                let block = fields(of: element)
                guard let type = blockType(block), textIs(type, "tool_result") else { continue }
                // A one-item array holding a text block reads as that text
                // (SPEC §4): its string is kept, so phase 2 transcodes it
                // without parsing the array again.
                unit.toolResults.append(ToolResultBlock(
                    toolUseID: block.toolUseID.flatMap(shortID), content: block.content.map { span(lonePiece(of: $0) ?? $0) },
                    isError: isTrue(block.isError)))
            }
            if unit.toolResults.count > first { return .toolResults(Int32(first)..<Int32(unit.toolResults.count)) }
        }
        if isTrue(f.isMeta) || isTrue(f.isCompactSummary) || isTrue(f.isVisibleInTranscriptOnly) { return .none }
        func prompt(_ text: Prompt.Text) -> RecordEvent {
            unit.prompts.append(Prompt(
                text: text, sessionID: f.sessionId.map(span), agentID: f.agentId.map(span),
                cwd: f.cwd.map(span), gitBranch: f.gitBranch.map(span), version: f.version.map(span)))
            return .prompt(Int32(unit.prompts.count - 1))
        }
        if let piece = lonePiece(of: content), tape[piece].flags & JSONNode.nonMinimalEscape == 0 {
            switch UserContent.classifyRaw(tape.rawBytes(piece, in: bytes)) {
            case .dropped: return .none
            case .interrupt: return .interrupt
            case .close: return .close
            case .prompt: return prompt(.span(span(piece)))
            case .needsDecoding: break
            }
        }
        switch UserContent.classify(pieces(of: content)) {
        case .dropped: return .none
        case .interrupt: return .interrupt
        case .close: return .close
        case .prompt(let text): return prompt(.decoded(text))
        }
    }

    /// The string node that is a user message's (or a tool result's) only
    /// piece: its string content, or the text of its one `text` block; nil
    /// otherwise.
    private func lonePiece(of content: Int) -> Int? {
        switch tape[content].kind {
        case .string:
            return content
        case .array:
            var elements = tape.elements(of: content).makeIterator()
            guard let element = elements.next(), elements.next() == nil, tape[element].kind == .object else { return nil }
            let block = fields(of: element)
            guard let type = blockType(block), textIs(type, "text"), let text = block.text, tape[text].kind == .string else { return nil }
            return text
        default:
            return nil
        }
    }

    /// A user message's text pieces: its string content, or one piece per block.
    private func pieces(of content: Int) -> [String] {
        switch tape[content].kind {
        case .string:
            return [tape.decodeString(content, in: bytes)]
        case .array:
            return tape.elements(of: content).map { element in
                guard tape[element].kind == .object else { return "[unknown]" }
                let block = fields(of: element)
                guard let type = blockType(block) else { return "[unknown]" }
                if textIs(type, "text") {
                    return block.text.flatMap(string) ?? ""
                }
                return "[" + tape.decodeString(type, in: bytes) + "]"
            }
        default:
            return []
        }
    }

    // MARK: - Assistant records

    private func assistantRecord(message: ObjectFields, into unit: inout UnitSummary) -> AssistantRecord {
        let first = Int32(unit.assistantBlocks.count)
        if let content = message.content { appendBlocks(of: content, to: &unit.assistantBlocks) }
        return AssistantRecord(messageID: message.id.flatMap(shortID), model: message.model.map(span),
                               blocks: first..<Int32(unit.assistantBlocks.count))
    }

    /// The blocks of an assistant message's `content` that turns use.
    private func appendBlocks(of content: Int, to blocks: inout [AssistantBlock]) {
        switch tape[content].kind {
        case .string:
            if !tape.isWhitespaceOnly(content, in: bytes) { blocks.append(.text(span(content))) }
        case .array:
            for element in tape.elements(of: content) where tape[element].kind == .object {
                let block = fields(of: element)
                guard let type = blockType(block) else { continue }
                if textIs(type, "text") {
                    if let text = block.text, tape[text].kind == .string, !tape.isWhitespaceOnly(text, in: bytes) {
                        blocks.append(.text(span(text)))
                    }
                } else if textIs(type, "tool_use") {
                    blocks.append(.toolUse(
                        id: block.id.flatMap(shortID), name: block.name.flatMap(string) ?? "", input: block.input.map(span)))
                } else if options.keepThinking && textIs(type, "thinking") {
                    if let text = block.thinking, tape[text].kind == .string, !tape.isWhitespaceOnly(text, in: bytes) {
                        blocks.append(.thinking(span(text)))
                    }
                }
            }
        default:
            break
        }
    }

    // MARK: - Helpers

    /// The members of a message or content block that summaries read,
    /// found in one pass over the object (a repeated key takes its last value).
    private struct ObjectFields {
        var type: Int?
        var id: Int?
        var name: Int?
        var text: Int?
        var input: Int?
        var model: Int?
        var content: Int?
        var thinking: Int?
        var isError: Int?
        var toolUseID: Int?
    }

    private func fields(of object: Int) -> ObjectFields {
        var f = ObjectFields()
        for (key, value) in tape.members(of: object) {
            withText(key) { name in
                switch name.count {
                case 2: if equal(name, "id") { f.id = value }
                case 4:
                    if equal(name, "type") { f.type = value } else if equal(name, "text") { f.text = value } else if equal(name, "name") { f.name = value }
                case 5:
                    if equal(name, "input") { f.input = value } else if equal(name, "model") { f.model = value }
                case 7: if equal(name, "content") { f.content = value }
                case 8:
                    if equal(name, "thinking") { f.thinking = value } else if equal(name, "is_error") { f.isError = value }
                case 11: if equal(name, "tool_use_id") { f.toolUseID = value }
                default: break
                }
            }
        }
        return f
    }

    /// The `type` of a content block, or nil when it has no string type.
    private func blockType(_ block: ObjectFields) -> Int? {
        guard let type = block.type, tape[type].kind == .string else { return nil }
        return type
    }

    private enum TypeName {
        case known(Int)
        case other(String)
    }

    private func typeName(_ index: Int?) -> TypeName {
        guard let index, tape[index].kind == .string else { return .other(Self.missingType) }
        let known = withText(index) { name in Self.knownTypes.firstIndex { equal(name, $0) } }
        return known.map(TypeName.known) ?? .other(tape.decodeString(index, in: bytes))
    }

    /// Runs `body` on a string node's text: its raw bytes when it has no
    /// escapes or high bytes (nearly every key: no copy), decoded otherwise.
    @inline(__always)
    private func withText<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if tape[index].flags == 0 { return body(tape.rawBytes(index, in: bytes)) }
        return tape.decodedBytes(index, in: bytes).withUnsafeBufferPointer(body)
    }

    /// Whether the string node at `index` is `name` (decoded comparison).
    private func textIs(_ index: Int, _ name: StaticString) -> Bool {
        withText(index) { equal($0, name) }
    }

    @inline(__always)
    private func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: StaticString) -> Bool {
        a.count == b.utf8CodeUnitCount && bytesEqual(a.baseAddress!, b.utf8Start, count: a.count)
    }

    /// A uuid string as a `RecordID`; decoded first only when it has an
    /// escape or a non-ASCII byte (plain bytes are their own decoded form).
    private func recordID(_ index: Int) -> RecordID? {
        guard tape[index].kind == .string else { return nil }
        if tape[index].flags == 0 { return RecordID(decoded: tape.rawBytes(index, in: bytes)) }
        return tape.decodedBytes(index, in: bytes).withUnsafeBufferPointer { RecordID(decoded: $0) }
    }

    private func shortID(_ index: Int) -> ShortID? {
        guard tape[index].kind == .string else { return nil }
        return withText(index) { ShortID(decoded: $0) }
    }

    private func string(_ index: Int) -> String? {
        tape[index].kind == .string ? tape.decodeString(index, in: bytes) : nil
    }

    private func isTrue(_ index: Int?) -> Bool {
        guard let index else { return false }
        return tape[index].kind == .true
    }

    private func span(_ index: Int) -> ByteSpan {
        let range = tape.valueRange(index)
        let node = tape[index]
        return ByteSpan(offset: fileOffset + Int64(range.lowerBound), length: range.count, kind: node.kind, flags: node.flags)
    }
}
