import ThresherJSON

/// Decoding a complete draft turn into an `Example` (SPEC §6): the only
/// place its spans are read again.
extension DraftTurn {
    /// Decodes the turn into an example. Call positions follow the final
    /// message list: by message, then by block.
    func example(file: String, sidechain: Bool, decoder: SpanDecoder) throws -> Example {
        let kept = emitted
        let grouped = piecesByMessage()
        decoder.prefetch(spans(of: kept, pieces: grouped))
        let (position, callIDs) = callPositions(kept, grouped)
        var out: [ExampleMessage] = []
        switch prompt.text {
        case .span(let span): out.append(.user(text: try decoder.requiredText(span)))
        case .decoded(let text): out.append(.user(text: JSONText(text)))
        }
        var tally = CallTally()
        for message in kept {
            switch message {
            case .assistant(let k):
                if !tally.sawAssistant { tally.model = try decoder.string(assistants[k].model) }
                tally.sawAssistant = true
                out.append(try assistantMessage(grouped[k], callIDs: callIDs, decoder: decoder, tally: &tally))
            case .tool(let call, let content, let isError):
                if isError { tally.errors += 1 }
                out.append(.tool(
                    callID: callIDs[call], name: calls[call].name, position: position[call],
                    content: try decoder.resultContent(content), isError: isError))
            }
        }
        let metadata = ExampleMetadata(
            file: file, sessionID: try decoder.string(prompt.sessionID), agentID: try decoder.string(prompt.agentID),
            sidechain: sidechain, cwd: try decoder.string(prompt.cwd), gitBranch: try decoder.string(prompt.gitBranch),
            clientVersion: try decoder.string(prompt.version), model: tally.model,
            startedAt: try decoder.string(startedAt), endedAt: try decoder.string(lastTimestamp),
            lineStart: promptLine, lineEnd: lastLine, tools: tally.tools, mcpServers: tally.servers,
            numToolCalls: calls.count, numToolErrors: tally.errors)
        return Example(messages: out, metadata: metadata)
    }

    /// What the metadata says about the calls, gathered while decoding.
    private struct CallTally {
        /// The first emitted assistant message's model.
        var model: String?
        var sawAssistant = false
        /// Tool names and MCP servers, in first-call order.
        var tools: [String] = []
        var servers: [String] = []
        var errors = 0
    }

    /// Each call's position in the example and the id it is written with.
    private func callPositions(_ kept: [Message], _ grouped: [[Piece]]) -> (position: [Int], ids: [String]) {
        var position = [Int](repeating: -1, count: calls.count)
        // Each id is written twice (the call and its result): made a String once.
        var callIDs = calls.map { $0.id?.string ?? "" }
        var next = 0
        var idsSeen = Set<String>()
        for case .assistant(let k) in kept {
            for case .call(let call) in grouped[k] {
                position[call] = next
                // SPEC §6: an id that an earlier call of the example has is
                // written with its position, so ids are unique.
                if !idsSeen.insert(callIDs[call]).inserted { callIDs[call] += "_\(next)" }
                next += 1
            }
        }
        return (position, callIDs)
    }

    /// One assistant message: texts and thinking joined by blank lines, calls decoded.
    private func assistantMessage(_ pieces: [Piece], callIDs: [String], decoder: SpanDecoder,
                                  tally: inout CallTally) throws -> ExampleMessage {
        var texts: [JSONText] = []
        var thinking: [JSONText] = []
        var callList: [ToolCall] = []
        for piece in pieces {
            switch piece {
            case .text(let span): texts.append(try decoder.requiredText(span))
            case .thinking(let span): thinking.append(try decoder.requiredText(span))
            case .call(let index):
                let call = calls[index]
                callList.append(ToolCall(id: callIDs[index], name: call.name, arguments: try decoder.arguments(call.input)))
                if !tally.tools.contains(call.name) { tally.tools.append(call.name) }
                if let server = Example.mcpServer(of: call.name), !tally.servers.contains(server) { tally.servers.append(server) }
            }
        }
        let text = texts.isEmpty ? nil : JSONText.joined(texts, separator: "\n\n")
        let reasoning = thinking.isEmpty ? nil : JSONText.joined(thinking, separator: "\n\n")
        return .assistant(text: text, calls: callList, reasoning: reasoning)
    }
}
