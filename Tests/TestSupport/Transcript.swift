import Foundation

/// Builds a transcript line by line, chaining `parentUuid` like the client.
public struct Transcript {
    public init() {}

    public var lines: [String] = []
    public var count = 0
    public var parent: String?
    public var sidechain = false
    public var session = "s-1"
    public var prefix = "u"

    public static func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes, .sortedKeys]), as: UTF8.self)
    }

    private mutating func base(_ type: String, _ extra: [String: Any]) -> [String: Any] {
        count += 1
        let uuid = "\(prefix)-\(count)"
        var record: [String: Any] = [
            "type": type, "uuid": uuid, "parentUuid": parent as Any? ?? NSNull(), "isSidechain": sidechain,
            "sessionId": session, "timestamp": "2026-01-01T00:00:\(String(format: "%02d", count % 60))Z",
            "cwd": "/work", "version": "2.1.0", "gitBranch": "main",
        ]
        parent = uuid
        for (k, v) in extra { record[k] = v }
        return record
    }

    public mutating func user(_ content: Any, _ extra: [String: Any] = [:]) {
        var r = base("user", extra)
        r["message"] = ["role": "user", "content": content]
        lines.append(Self.json(r))
    }

    public mutating func assistant(_ id: String?, _ blocks: [[String: Any]], model: String = "claude-test", _ extra: [String: Any] = [:]) {
        var r = base("assistant", extra)
        var message: [String: Any] = ["role": "assistant", "model": model, "content": blocks]
        if let id { message["id"] = id }
        r["message"] = message
        lines.append(Self.json(r))
    }

    /// A user record of tool results: (tool_use_id, content, is_error).
    public mutating func results(_ blocks: [(String, Any?, Any?)]) {
        user(blocks.map { id, content, isError -> [String: Any] in
            var b: [String: Any] = ["type": "tool_result", "tool_use_id": id]
            if let content { b["content"] = content }
            if let isError { b["is_error"] = isError }
            return b
        })
    }

    public mutating func result(_ id: String, _ content: Any? = "ok") { results([(id, content, nil)]) }

    public mutating func other(_ type: String, _ extra: [String: Any] = [:]) {
        lines.append(Self.json(base(type, extra)))
    }

    public mutating func raw(_ line: String) { lines.append(line) }

    /// A whole turn: prompt, one call, its result, the answer.
    public mutating func turn(_ prompt: String, tool: String = "mcp__srv__do", id: String, input: Any = ["q": 1], answer: String = "done") {
        user(prompt)
        assistant("m-\(id)", [use(id, tool, input)])
        result(id, "result for \(prompt)")
        assistant("a-\(id)", [text(answer)])
    }

    public var contents: String { lines.map { $0 + "\n" }.joined() }
}

public func text(_ t: String) -> [String: Any] { ["type": "text", "text": t] }
public func use(_ id: String, _ name: String, _ input: Any? = ["q": 1]) -> [String: Any] {
    var b: [String: Any] = ["type": "tool_use", "id": id, "name": name]
    if let input { b["input"] = input }
    return b
}
