/// Writes one transcript's worth of turns in the shapes real archives have.
struct SessionGenerator {
    var writer: RecordWriter
    let mcpShare: Double
    /// A turn makes 1 to this many steps (assistant message, calls,
    /// results) before its answer; the many-small shape keeps turns short.
    var maxSteps = 6

    static let mcpTools: [StaticString] = [
        "mcp__github__search_issues", "mcp__github__get_pull_request", "mcp__postgres__query",
        "mcp__openroad-mcp__interactive_openroad", "mcp__browser__navigate", "mcp__browser__screenshot",
        "mcp__notes__create", "mcp__weather__get_forecast", "mcp__linear__list_issues",
    ]
    static let builtinTools: [StaticString] = ["Bash", "Read", "Edit", "Grep", "Glob", "Write", "TodoWrite", "WebSearch"]

    /// Share of tool results that show a secret (`SecretPlanter`).
    static let secretRate = 0.02
    /// The secrets planted so far, as they must not appear in any shard.
    private(set) var plantedSecrets: [String] = []

    init(writer: RecordWriter, mcpShare: Double) {
        self.writer = writer
        self.mcpShare = mcpShare
    }

    /// The first turns of this session (up to 4 MiB), verbatim: what a
    /// resumed session replays into its new file.
    private(set) var replayable: [UInt8] = []
    private var flushed = 0

    /// Writes turns until about `target` bytes were produced, handing the
    /// buffer to `flush` whenever it grows past 8 MiB.
    mutating func fill(to target: Int, inlineSidechains: Bool, images: Bool, flush: ([UInt8]) throws -> Void) rethrows {
        writer.other("file-history-snapshot") { w in
            w.lit(",\"messageId\":")
            w.quoted(w.uuid())
            w.lit(",\"snapshot\":{\"trackedFileBackups\":{}},\"isSnapshotUpdate\":false")
        }
        if writer.random.chance(0.5) { attachment() }
        while flushed + writer.bytes.count < target {
            let roll = writer.random.below(100)
            switch roll {
            case 0..<2: compaction()
            case 2..<4 where inlineSidechains: inlineSidechain()
            case 4..<5 where images: imagePrompt()
            case 5..<7: writer.userText(Array("<command-message>review</command-message>\\n<command-name>/review</command-name>\\n<command-args>src/</command-args>".utf8))
                steps(mcp: writer.random.chance(mcpShare), interrupted: false)
            default:
                prompt()
                steps(mcp: writer.random.chance(mcpShare), interrupted: writer.random.chance(0.04))
            }
            if writer.random.chance(0.3) {
                writer.other("system") { w in
                    w.lit(",\"subtype\":\"turn_duration\",\"durationMs\":")
                    w.number(w.random.below(90000))
                    w.lit(",\"isMeta\":false")
                }
            }
            if writer.random.chance(0.002) {
                // A line cut short by a crash of the client, long ago.
                writer.lit("{\"type\":\"assistant\",\"message\":{\"content\":[}\n")
            }
            if flushed == 0 && writer.bytes.count <= 4 << 20 { replayable = writer.bytes }
            if writer.bytes.count >= 8 << 20 {
                try flush(writer.bytes)
                flushed += writer.bytes.count
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        try flush(writer.bytes)
        flushed += writer.bytes.count
        writer.bytes.removeAll()
    }

    private mutating func prompt() {
        if writer.random.chance(0.2) {
            writer.userBlocks { w in
                w.lit("{\"type\":\"text\",\"text\":\"<system-reminder>\\nThe user opened src/main.swift in the IDE.\\n</system-reminder>\"},{\"type\":\"text\",\"text\":")
                w.quoted(w.body(code: false).escapedPrefix(400))
                w.lit("}")
            }
        } else {
            // Some prompts open with what the user thought of the last
            // answer, as real ones do (SPEC §10 feedback).
            let reaction = writer.random.chance(0.3) ? Self.reactions[writer.random.below(Self.reactions.count)] : ""
            writer.userText(Array(reaction.utf8) + writer.body(code: false).escapedPrefix(600))
        }
    }

    static let reactions = [
        "Thanks! ", "Perfect, ", "Great, now ", "LGTM. ", "No, that's wrong. ", "Still failing: ", "That didn't work. ",
        "Wait, ", "ok ", "Next: ",
    ]

    private mutating func imagePrompt() {
        let size = writer.random.logNormal(median: 1_500_000, sigma: 0.5, range: 200_000...(4 << 20 - 8))
        writer.userBlocks { w in
            w.lit("{\"type\":\"text\",\"text\":\"What is wrong in this screenshot?\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"")
            w.raw(Array(w.pool.base64[0..<size / 4 * 4]))
            w.lit("\"}}")
        }
        steps(mcp: writer.random.chance(mcpShare), interrupted: false)
    }

    private mutating func attachment() {
        writer.other("attachment") { w in
            w.lit(",\"attachment\":{\"type\":\"deferred_tools_delta\",\"addedNames\":[")
            for (i, tool) in Self.mcpTools.enumerated() {
                if i > 0 { w.lit(",") }
                w.lit("\"")
                w.lit(tool)
                w.lit("\"")
            }
            w.lit("],\"removedNames\":[]}")
        }
    }

    private mutating func compaction() {
        writer.other("system") { w in
            w.lit(",\"subtype\":\"compact_boundary\",\"content\":\"Conversation compacted\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":")
            w.number(150_000 + w.random.below(10_000))
            w.lit("}")
        }
        writer.userText(Array("This session is being continued from a previous conversation that ran out of context. Summary:\\n".utf8) + writer.body(code: false),
                        extra: ",\"isCompactSummary\":true,\"isVisibleInTranscriptOnly\":true")
    }

    /// A Task subagent written inline (client 1.0.x): its own stream.
    private mutating func inlineSidechain() {
        prompt()
        let taskID = writer.identifier("toolu_")
        let messageID = writer.identifier("msg_")
        writer.assistant(id: messageID) { w in
            w.lit("{\"type\":\"tool_use\",\"id\":")
            w.quoted(taskID)
            w.lit(",\"name\":\"Task\",\"input\":{\"description\":\"Investigate\",\"prompt\":\"Find the failing test\",\"subagent_type\":\"general-purpose\"}}")
        }
        let mainParent = writer.parent
        writer.sidechain = true
        writer.parent = nil
        writer.userText(Array("Find the failing test".utf8))
        steps(mcp: writer.random.chance(mcpShare), interrupted: false)
        writer.sidechain = false
        writer.parent = mainParent
        toolResult(id: taskID, content: Array("The failing test is testParser in Tests/ParserTests.swift.".utf8), error: false)
        writer.assistant(id: writer.identifier("msg_")) { w in
            w.lit("{\"type\":\"text\",\"text\":\"The subagent found it: testParser fails.\"}")
        }
    }

    /// The assistant side of a turn: steps of thinking, text and calls with
    /// their results, then a final answer (or an interruption).
    mutating func steps(mcp: Bool, interrupted: Bool) {
        let count = 1 + writer.random.below(maxSteps)
        var usedMCP = false
        for step in 0..<count {
            let messageID = writer.identifier("msg_")
            thinkingAndText(messageID: messageID)
            let ids = calls(messageID: messageID, mcp: mcp, lastStep: step == count - 1, usedMCP: &usedMCP)
            if writer.random.chance(0.2) {
                writer.other("progress") { w in
                    w.lit(",\"data\":{\"type\":\"agent_progress\",\"message\":{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":")
                    w.quoted(w.identifier("toolu_"))
                    w.lit(",\"name\":\"mcp__github__search_issues\",\"input\":{\"q\":\"copied\"}}]}}},\"toolUseID\":")
                    w.quoted(ids[0])
                }
            }
            if interrupted && step == count - 1 {
                toolResult(id: ids[0], content: Array("[Request interrupted by user for tool use]".utf8), error: true)
                writer.userBlocks { w in w.lit("{\"type\":\"text\",\"text\":\"[Request interrupted by user for tool use]\"}") }
                return
            }
            for id in ids { result(id: id) }
        }
        writer.assistant(id: writer.identifier("msg_")) { w in
            w.lit("{\"type\":\"text\",\"text\":")
            w.quoted(w.body(code: false).escapedPrefix(2000))
            w.lit("}")
        }
    }

    /// Maybe a thinking block, maybe a text block, in one message.
    private mutating func thinkingAndText(messageID: [UInt8]) {
        if writer.random.chance(0.5) {
            writer.assistant(id: messageID) { w in
                w.lit("{\"type\":\"thinking\",\"thinking\":")
                w.quoted(w.body(code: false).escapedPrefix(1500))
                w.lit(",\"signature\":")
                w.quoted(Array(w.pool.base64[0..<(300 + w.random.below(1200)) / 4 * 4]))
                w.lit("}")
            }
        }
        if writer.random.chance(0.6) {
            writer.assistant(id: messageID) { w in
                w.lit("{\"type\":\"text\",\"text\":")
                w.quoted(w.body(code: false).escapedPrefix(700))
                w.lit("}")
            }
        }
    }

    /// One call, or a few in parallel; an MCP turn calls an MCP tool at
    /// least once. Returns the call ids.
    private mutating func calls(messageID: [UInt8], mcp: Bool, lastStep: Bool, usedMCP: inout Bool) -> [[UInt8]] {
        let parallel = writer.random.chance(0.15) ? 2 + writer.random.below(3) : 1
        var ids: [[UInt8]] = []
        for _ in 0..<parallel {
            let id = writer.identifier("toolu_")
            ids.append(id)
            let useMCP = mcp && (!usedMCP || writer.random.chance(0.5)) || (mcp && lastStep && !usedMCP)
            usedMCP = usedMCP || useMCP
            let tool = useMCP ? Self.mcpTools[writer.random.below(Self.mcpTools.count)]
                : Self.builtinTools[writer.random.below(Self.builtinTools.count)]
            writer.assistant(id: messageID) { w in
                w.lit("{\"type\":\"tool_use\",\"id\":")
                w.quoted(id)
                w.lit(",\"name\":\"")
                w.lit(tool)
                w.lit("\",\"input\":")
                w.input()
                w.lit("}")
            }
        }
        return ids
    }

    /// A call's result: code or prose, sometimes with a planted secret, sometimes an error.
    private mutating func result(id: [UInt8]) {
        var content = writer.random.chance(0.5) ? writer.body(code: true) : writer.body(code: false)
        if writer.random.chance(Self.secretRate) {
            let kind = writer.random.below(SecretPlanter.kinds)
            let (text, secret) = SecretPlanter.plant(kind: kind, random: &writer.random)
            content = text + content
            plantedSecrets.append(secret)
        }
        toolResult(id: id, content: content, error: writer.random.chance(0.05))
    }

    /// A tool result line; like the client, the content is repeated in `toolUseResult`.
    private mutating func toolResult(id: [UInt8], content: [UInt8], error: Bool) {
        let asArray = writer.random.chance(0.25)
        writer.begin("user")
        writer.lit(",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":")
        writer.quoted(id)
        writer.lit(",\"type\":\"tool_result\",\"content\":")
        if asArray {
            writer.lit("[{\"type\":\"text\",\"text\":")
            writer.quoted(content)
            writer.lit("}]")
        } else {
            writer.quoted(content)
        }
        writer.lit(error ? ",\"is_error\":true}]}" : "}]}")
        writer.lit(",\"toolUseResult\":{\"stdout\":")
        writer.quoted(content)
        writer.lit(",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}")
        writer.end()
    }
}

extension RecordWriter {
    /// A small tool input object, with numbers written in several ways.
    mutating func input() {
        switch random.below(4) {
        case 0:
            lit("{\"command\":\"swift build -c release 2>&1 | tail -n 20\",\"description\":\"Build\",\"timeout\":120000}")
        case 1:
            lit("{\"file_path\":\"/home/dev/project/Sources/App/main.swift\",\"offset\":")
            number(random.below(900))
            lit(",\"limit\":2000}")
        case 2:
            lit("{\"query\":\"is:open label:bug r\\u00e9sum\\u00e9\",\"limit\":25,\"threshold\":0.50,\"filters\":{\"state\":\"open\",\"since\":\"2026-01-01\",\"scale\":1E+3}}")
        default:
            lit("{\"command\":\"report_checks -path_delay max -format full_clock_expanded\",\"session_id\":\"s1\",\"timeout_ms\":30000}")
        }
    }
}

extension Array where Element == UInt8 {
    /// At most `length` bytes of this escaped body, cut back so they never
    /// end inside an escape or a multi-byte character.
    func escapedPrefix(_ length: Int) -> [UInt8] {
        var end = Swift.min(length, count)
        var i = 0
        while i < end {
            guard self[i] == 0x5C else { i += 1; continue }
            let length = i + 1 < end && self[i + 1] == UInt8(ascii: "u") ? 6 : 2
            if i + length > end {
                end = i
                break
            }
            i += length
        }
        // Never cut between a lead byte and its continuation bytes.
        while end > 0 && end < count && self[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(self[0..<end])
    }
}
