import ThresherJSON

/// One selected turn, fully decoded: the single internal model every output
/// format is written from.
public struct Example: Sendable, Equatable {
    public var messages: [ExampleMessage]
    public var metadata: ExampleMetadata

    public init(messages: [ExampleMessage], metadata: ExampleMetadata) {
        self.messages = messages
        self.metadata = metadata
    }
}

extension Example {
    /// The bytes the dedup key hashes: the message list with call ids
    /// replaced by positions, as compact canonical JSON —
    /// `["u",text]`, `["a",text|null,[[name,arguments],…]]`,
    /// `["t",position,content,is_error]` — inside one array. Metadata,
    /// reasoning and call ids are not part of it (SPEC §5).
    public func canonicalForm() -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        writeCanonicalForm(to: &w)
        return w.bytes
    }

    /// Appends the canonical form to `w` (a reused writer: no buffer per example).
    public func writeCanonicalForm(to w: inout JSONWriter) {
        writeCanonicalForm(to: &w, largeTexts: nil)
    }

    /// The canonical form with texts of 1 KiB or more handed to `largeTexts`
    /// in place instead of copied into `w` (see `JSONWriter.drain`): for a
    /// caller that only hashes the form, which then takes the bytes `w`
    /// holds at the end as the rest.
    public func writeCanonicalForm(to w: inout JSONWriter, largeTexts: ((UnsafeRawBufferPointer) -> Void)?) {
        func text(_ value: JSONText) {
            if let largeTexts, value.escaped.count >= 1024 {
                w.text(value, drainingInto: largeTexts)
            } else {
                w.text(value)
            }
        }
        w.beginArray()
        for message in messages {
            w.beginArray()
            switch message {
            case .user(let value):
                w.string("u")
                text(value)
            case .assistant(let value, let calls, _):
                w.string("a")
                if let value { text(value) } else { w.null() }
                w.beginArray()
                for call in calls {
                    w.beginArray()
                    w.string(call.name)
                    w.raw(call.arguments)
                    w.endArray()
                }
                w.endArray()
            case .tool(_, _, let position, let content, let isError):
                w.string("t")
                w.int(position)
                text(content)
                w.bool(isError)
            }
            w.endArray()
        }
        w.endArray()
    }

    /// The MCP server of a tool name: the text between `mcp__` and the next
    /// `__`; nil for names that are not MCP names.
    public static func mcpServer(of name: String) -> String? {
        // On the name's own UTF-8 (no copy): this runs for every call written.
        var name = name
        return name.withUTF8 { bytes -> String? in
            let prefix: StaticString = "mcp__"
            guard bytes.count >= 5, bytesEqual(bytes.baseAddress!, prefix.utf8Start, count: 5) else { return nil }
            var end = 5
            while end + 1 < bytes.count, !(bytes[end] == 0x5F && bytes[end + 1] == 0x5F) { end += 1 }
            if end + 1 >= bytes.count { end = bytes.count }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[5..<end]), as: UTF8.self)
        }
    }
}
