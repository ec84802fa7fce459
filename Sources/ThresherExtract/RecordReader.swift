import ThresherJSON

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

    func summarize(line: Int, lineOffset: Int64, into unit: inout UnitSummary) {
        var f = Fields()
        for (key, value) in tape.members(of: tape.root) {
            let name = keyBytes(key)
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
        var knownType: Int?
        switch typeName(f.type) {
        case .known(let index):
            unit.knownTypeCounts[index] += 1
            knownType = index
        case .other(let name):
            unit.counters.recordsByType[name, default: 0] += 1
        }
        guard let uuidIndex = f.uuid, let uuid = recordID(uuidIndex) else { return }

        var event = RecordEvent.none
        if let message = f.message, tape[message].kind == .object {
            if knownType == Self.userType {
                event = userEvent(message: message, fields: f)
            } else if knownType == Self.assistantType {
                if isTrue(f.isApiErrorMessage) || isSynthetic(message: message) {
                    unit.counters.ignoredSyntheticAssistant += 1
                } else {
                    event = .assistant(assistantRecord(message: message))
                }
            }
        }
        unit.records.append(RecordSummary(
            line: line, lineOffset: lineOffset, uuid: uuid,
            parentUuid: f.parentUuid.flatMap(recordID), isSidechain: isTrue(f.isSidechain),
            timestamp: f.timestamp.map(span), event: event))
    }

    // MARK: - User records

    private func userEvent(message: Int, fields f: Fields) -> RecordEvent {
        guard let content = tape.member(of: message, "content", in: bytes) else { return .none }
        if tape[content].kind == .array {
            var results: [ToolResultBlock] = []
            for element in tape.elements(of: content) where blockType(element).map({ equal($0, "tool_result") }) == true {
                results.append(ToolResultBlock(
                    toolUseID: tape.member(of: element, "tool_use_id", in: bytes).flatMap(string),
                    content: tape.member(of: element, "content", in: bytes).map(span),
                    isError: isTrue(tape.member(of: element, "is_error", in: bytes))))
            }
            if !results.isEmpty { return .toolResults(results) }
        }
        if isTrue(f.isMeta) || isTrue(f.isCompactSummary) || isTrue(f.isVisibleInTranscriptOnly) { return .none }
        switch UserContent.classify(pieces(of: content)) {
        case .dropped: return .none
        case .interrupt: return .interrupt
        case .close: return .close
        case .prompt(let text):
            return .prompt(Prompt(
                text: text, sessionID: f.sessionId.map(span), agentID: f.agentId.map(span),
                cwd: f.cwd.map(span), gitBranch: f.gitBranch.map(span), version: f.version.map(span)))
        }
    }

    /// A user message's text pieces: its string content, or one piece per block.
    private func pieces(of content: Int) -> [String] {
        switch tape[content].kind {
        case .string:
            return [tape.decodeString(content, in: bytes)]
        case .array:
            return tape.elements(of: content).map { element in
                guard let type = blockType(element) else { return "[unknown]" }
                if equal(type, "text") {
                    return tape.member(of: element, "text", in: bytes).flatMap(string) ?? ""
                }
                return "[" + type.string + "]"
            }
        default:
            return []
        }
    }

    // MARK: - Assistant records

    private func isSynthetic(message: Int) -> Bool {
        guard let model = tape.member(of: message, "model", in: bytes) else { return false }
        return tape.stringEquals(model, "<synthetic>", in: bytes)
    }

    private func assistantRecord(message: Int) -> AssistantRecord {
        var record = AssistantRecord(
            messageID: tape.member(of: message, "id", in: bytes).flatMap(string),
            model: tape.member(of: message, "model", in: bytes).map(span),
            blocks: [])
        guard let content = tape.member(of: message, "content", in: bytes) else { return record }
        switch tape[content].kind {
        case .string:
            if !tape.isWhitespaceOnly(content, in: bytes) { record.blocks.append(.text(span(content))) }
        case .array:
            for element in tape.elements(of: content) {
                guard let type = blockType(element) else { continue }
                if equal(type, "text") {
                    if let text = tape.member(of: element, "text", in: bytes), tape[text].kind == .string,
                       !tape.isWhitespaceOnly(text, in: bytes) {
                        record.blocks.append(.text(span(text)))
                    }
                } else if equal(type, "tool_use") {
                    record.blocks.append(.toolUse(
                        id: tape.member(of: element, "id", in: bytes).flatMap(string),
                        name: tape.member(of: element, "name", in: bytes).flatMap(string) ?? "",
                        input: tape.member(of: element, "input", in: bytes).map(span)))
                } else if options.keepThinking && equal(type, "thinking") {
                    if let text = tape.member(of: element, "thinking", in: bytes), tape[text].kind == .string,
                       !tape.isWhitespaceOnly(text, in: bytes) {
                        record.blocks.append(.thinking(span(text)))
                    }
                }
            }
        default:
            break
        }
        return record
    }

    // MARK: - Helpers

    /// The `type` of a content block (raw bytes unless escaped: no copy per
    /// block), or nil when it is not an object or has no string type.
    private func blockType(_ element: Int) -> UnsafeBufferPointerOrArray? {
        guard tape[element].kind == .object,
              let type = tape.member(of: element, "type", in: bytes), tape[type].kind == .string else { return nil }
        return keyBytes(type)
    }

    private enum TypeName {
        case known(Int)
        case other(String)
    }

    private func typeName(_ index: Int?) -> TypeName {
        guard let index, tape[index].kind == .string else { return .other(Self.missingType) }
        let name = keyBytes(index)
        for (position, known) in Self.knownTypes.enumerated() where equal(name, known) {
            return .known(position)
        }
        return .other(tape.decodeString(index, in: bytes))
    }

    /// A key's bytes for comparison: raw when unescaped, decoded otherwise.
    private func keyBytes(_ index: Int) -> UnsafeBufferPointerOrArray {
        tape[index].flags == 0 ? .raw(tape.rawBytes(index, in: bytes)) : .decoded(tape.decodedBytes(index, in: bytes))
    }

    private func equal(_ a: UnsafeBufferPointerOrArray, _ b: StaticString) -> Bool {
        a.count == b.utf8CodeUnitCount && a.elementsEqual(UnsafeBufferPointer(start: b.utf8Start, count: b.utf8CodeUnitCount))
    }

    /// A uuid string as a `RecordID`, without allocating for canonical ones.
    private func recordID(_ index: Int) -> RecordID? {
        guard tape[index].kind == .string else { return nil }
        if tape[index].flags == 0, let packed = RecordID.packed(tape.rawBytes(index, in: bytes)) { return packed }
        let decoded = tape.decodedBytes(index, in: bytes)
        return decoded.withUnsafeBufferPointer { RecordID.packed($0) } ?? .text(String(decoding: decoded, as: UTF8.self))
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

/// Key bytes without copying in the common case (no escapes).
enum UnsafeBufferPointerOrArray {
    case raw(UnsafeBufferPointer<UInt8>)
    case decoded([UInt8])

    var count: Int {
        switch self {
        case .raw(let b): return b.count
        case .decoded(let a): return a.count
        }
    }

    /// The bytes as text (they are valid UTF-8 only after decoding; repaired here).
    var string: String {
        switch self {
        case .raw(let b): return String(decoding: b, as: UTF8.self)
        case .decoded(let a): return String(decoding: a, as: UTF8.self)
        }
    }

    func elementsEqual<S: Sequence>(_ other: S) -> Bool where S.Element == UInt8 {
        switch self {
        case .raw(let b): return b.elementsEqual(other)
        case .decoded(let a): return a.elementsEqual(other)
        }
    }
}
