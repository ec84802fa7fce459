import ThresherJSON
import ThresherSystem

/// The rules that read a user record's text pieces (SPEC §4, steps 1-4).
public enum UserContent {
    /// What a non-tool-result user record means for its stream.
    public enum Meaning: Equatable, Sendable {
        case interrupt
        case close
        case prompt(String)
        case dropped
    }

    static let closingPrefixes: [StaticString] = [
        "<bash-input>", "<bash-stdout>", "<bash-stderr>",
        "<local-command-stdout>", "<local-command-stderr>", "<task-notification>",
    ]
    static let ignoredPrefixes: [StaticString] = ["<system-reminder>", "<local-command-caveat>"]

    /// Applies steps 1-4 in order to the record's pieces.
    public static func classify(_ pieces: [String]) -> Meaning {
        guard let first = pieces.first else { return .dropped }
        if first.utf8.starts(with: "[Request interrupted by user".utf8) { return .interrupt }
        for piece in pieces {
            if let command = slashCommand(in: piece) { return .prompt(command) }
        }
        if afterWhitespace(first, startsWithOneOf: closingPrefixes) == true { return .close }
        // Kept: not empty after whitespace, not an ignored tag (nil: all whitespace).
        let kept = pieces.filter { afterWhitespace($0, startsWithOneOf: ignoredPrefixes) == false }
        return kept.isEmpty ? .dropped : .prompt(kept.count == 1 ? kept[0] : kept.joined(separator: "\n\n"))
    }

    /// What `classify` says of a lone piece, read from its raw JSON string
    /// body, so that a prompt is not decoded in phase 1 (most turns are
    /// never emitted). `raw` must hold no `\u` or `\/` escape: the other
    /// escapes stand for characters that none of the rules' tags and
    /// prefixes contain, so the tests read the same on raw and decoded text.
    public enum RawMeaning: Equatable, Sendable {
        case interrupt
        case close
        case dropped
        /// A prompt whose text is the piece itself.
        case prompt
        /// A slash command: its text is rebuilt from the decoded piece.
        case needsDecoding
    }

    public static func classifyRaw(_ raw: UnsafeBufferPointer<UInt8>) -> RawMeaning {
        guard let base = raw.baseAddress else { return .dropped }
        if startsWith(raw, at: 0, "[Request interrupted by user") { return .interrupt }
        if firstIndex(of: "<command-name>", in: raw, from: 0) != nil { return .needsDecoding }
        // Leading SPEC whitespace: a space, or the escapes of tab, LF and CR
        // (a raw control byte cannot occur in a JSON string).
        var i = 0
        while i < raw.count {
            if base[i] == 0x20 {
                i += 1
            } else if base[i] == 0x5C, i + 1 < raw.count,
                      [UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r")].contains(base[i + 1]) {
                i += 2
            } else {
                break
            }
        }
        guard i < raw.count else { return .dropped }
        if closingPrefixes.contains(where: { startsWith(raw, at: i, $0) }) { return .close }
        if ignoredPrefixes.contains(where: { startsWith(raw, at: i, $0) }) { return .dropped }
        return .prompt
    }

    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ prefix: StaticString) -> Bool {
        prefix.utf8CodeUnitCount <= bytes.count - i
            && bytesEqual(bytes.baseAddress! + i, prefix.utf8Start, count: prefix.utf8CodeUnitCount)
    }

    /// Whether `text`, its leading SPEC whitespace skipped, starts with one
    /// of `prefixes`; nil when nothing but whitespace is left. On the bytes,
    /// without a generic prefix test per candidate.
    static func afterWhitespace(_ text: String, startsWithOneOf prefixes: [StaticString]) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            var i = 0
            while i < bytes.count && String.isSpecWhitespace(bytes[i]) { i += 1 }
            guard i < bytes.count else { return nil }
            return prefixes.contains { startsWith(bytes, at: i, $0) }
        }
    }

    /// `NAME` of `<command-name>NAME</command-name>`, then one space and the
    /// trimmed `<command-args>` text when that is not empty; nil if absent.
    static func slashCommand(in piece: String) -> String? {
        guard let name = enclosed(in: piece, open: "<command-name>", close: "</command-name>") else { return nil }
        let arguments = enclosed(in: piece, open: "<command-args>", close: "</command-args>")?.trimmingWhitespace() ?? ""
        return arguments.isEmpty ? name : name + " " + arguments
    }

    private static func enclosed(in text: String, open: StaticString, close: StaticString) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let openAt = firstIndex(of: open, in: bytes, from: 0) else { return nil }
            let from = openAt + open.utf8CodeUnitCount
            guard let closeAt = firstIndex(of: close, in: bytes, from: from) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<closeAt]), as: UTF8.self)
        }
    }

    /// Where `needle` first occurs in `haystack[from...]`: `memchr` for its
    /// first byte, then `memcmp` (prompts can be long, and all are searched).
    private static func firstIndex(of needle: StaticString, in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = haystack.baseAddress else { return nil }
        let count = needle.utf8CodeUnitCount
        let last = haystack.count - count
        var i = from
        while i <= last {
            guard let hit = memchr(base + i, Int32(needle.utf8Start[0]), last - i + 1) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + at, needle.utf8Start, count) == 0 { return at }
            i = at + 1
        }
        return nil
    }
}

extension String {
    /// SPEC whitespace: space, tab, LF, CR (not Unicode's wider set).
    @inline(__always)
    static func isSpecWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    func trimmingWhitespace() -> String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !String.isSpecWhitespace($0) }),
              let last = bytes.lastIndex(where: { !String.isSpecWhitespace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
