import CByteMask
import ThresherJSON

extension Redactor {
    /// Redacts every string `example` carries (SPEC §9): the prompt,
    /// assistant texts, reasoning, results, and string values inside call
    /// arguments at any depth. Sets `metadata.redactions`; returns the
    /// replacements per rule.
    @discardableResult
    public func redact(_ example: inout Example) -> RedactionCounts {
        var counts = RedactionCounts()
        for index in example.messages.indices {
            switch example.messages[index] {
            case .user(let text):
                if let redacted = redact(text, counts: &counts) { example.messages[index] = .user(text: redacted) }
            case .assistant(let text, var calls, let reasoning):
                let newText = text.flatMap { redact($0, counts: &counts) }
                let newReasoning = reasoning.flatMap { redact($0, counts: &counts) }
                var callsChanged = false
                for call in calls.indices {
                    if let arguments = redactArguments(calls[call].arguments, counts: &counts) {
                        calls[call].arguments = arguments
                        callsChanged = true
                    }
                }
                if newText != nil || newReasoning != nil || callsChanged {
                    example.messages[index] = .assistant(text: newText ?? text, calls: calls, reasoning: newReasoning ?? reasoning)
                }
            case .tool(let callID, let name, let position, let content, let isError):
                if let redacted = redact(content, counts: &counts) {
                    example.messages[index] = .tool(callID: callID, name: name, position: position, content: redacted, isError: isError)
                }
            }
        }
        example.metadata.redactions = counts.total
        return counts
    }

    /// A text with its secrets replaced, or nil when it holds none.
    public func redact(_ text: JSONText, counts: inout RedactionCounts) -> JSONText? {
        // Escapes hide no anchor byte, so a text with none needs no unescaping.
        guard hasAnchor(text.escaped) else { return nil }
        return text.withRawBytes { raw in
            redact(raw, counts: &counts).map { redacted in redacted.withUnsafeBufferPointer { JSONText(raw: $0) } }
        }
    }

    /// Canonical JSON arguments with secrets replaced inside string values
    /// (object keys are left alone), or nil when none held one.
    func redactArguments(_ arguments: [UInt8], counts: inout RedactionCounts) -> [UInt8]? {
        guard hasAnchor(arguments) else { return nil }
        return arguments.withUnsafeBufferPointer { json -> [UInt8]? in
            var out: [UInt8] = []
            var copied = 0
            var i = 0
            while i < json.count {
                guard json[i] == 0x22 else {
                    i += 1
                    continue
                }
                // Canonical text: every quote outside a string opens one.
                var end = i + 1
                while json[end] != 0x22 { end += json[end] == 0x5C ? 2 : 1 }
                let isKey = end + 1 < json.count && json[end + 1] == 0x3A
                if !isKey, let redacted = redact(JSONText(escaped: Array(json[i + 1..<end])), counts: &counts) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: json[copied...i]))
                    out.append(contentsOf: redacted.escaped)
                    copied = end
                }
                i = end + 1
            }
            guard copied > 0 else { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: json[copied...]))
            return out
        }
    }

    private func hasAnchor(_ bytes: [UInt8]) -> Bool {
        guard !rules.isEmpty else { return false }
        return bytes.withUnsafeBufferPointer { $0.count > 0 && thresh_secret_anchor($0.baseAddress!, $0.count, 0) < $0.count }
    }
}
