#if canImport(Glibc)
import Glibc
#endif

/// What the user said next about a turn (SPEC §10): read from the prompt
/// that closed it.
public enum Feedback: String, Sendable, CaseIterable {
    case positive, neutral, negative

    /// Classifies a next prompt's text.
    public init(nextPrompt text: String) {
        // Normalized text is ASCII (`a-z`, `0-9`, `'`, space): phrases are
        // matched on its bytes, once per selected turn.
        let t = Array((" " + Self.normalize(text) + " ").utf8)
        if Self.negativePhrases.starts.contains(where: { Self.starts(t, $0) }) || Self.negativePhrases.anywhere.contains(where: { Self.occurs(t, $0) }) {
            self = .negative
        } else if Self.positivePhrases.starts.contains(where: { Self.starts(t, $0) }) || Self.positivePhrases.anywhere.contains(where: { Self.occurs(t, $0) }) {
            self = .positive
        } else {
            self = .neutral
        }
    }

    /// U+2019 → `'`, `A`-`Z` lowercased, every run of characters other
    /// than `a-z`, `0-9` and `'` → one space, no spaces at either end.
    static func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        var gap = false
        for scalar in text.unicodeScalars {
            var c = scalar.value
            if c == 0x2019 { c = 0x27 }
            if c >= 0x41 && c <= 0x5A { c += 0x20 }
            let kept = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x27
            guard kept else {
                gap = true
                continue
            }
            if gap && !out.isEmpty { out.append(0x20) }
            gap = false
            out.append(UInt8(c))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `phrase` (as ` phrase `) starts ` t `: T equals P or begins with P and a space.
    static func starts(_ spaced: [UInt8], _ phrase: [UInt8]) -> Bool {
        spaced.starts(with: phrase)
    }

    /// ` phrase ` occurs in ` t `.
    static func occurs(_ spaced: [UInt8], _ phrase: [UInt8]) -> Bool {
        // Phrases are ` word… `: a match starts at a space followed by the word's first letter.
        guard spaced.count >= phrase.count, phrase.count > 2 else { return false }
        let second = phrase[1]
        return spaced.withUnsafeBufferPointer { t in
            phrase.withUnsafeBufferPointer { p in
                var i = 0
                let last = t.count - p.count
                while i <= last {
                    if t[i] == 0x20 && t[i + 1] == second && memcmp(t.baseAddress! + i, p.baseAddress!, p.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// Phrase lists as ` phrase ` bytes.
    private struct Phrases {
        let starts: [[UInt8]]
        let anywhere: [[UInt8]]
        init(_ starts: [String], _ anywhere: [String]) {
            self.starts = starts.map { Array((" " + $0 + " ").utf8) }
            self.anywhere = anywhere.map { Array((" " + $0 + " ").utf8) }
        }
    }

    private static let negativePhrases = Phrases(negativeStarts, negativeAnywhere)
    private static let positivePhrases = Phrases(positiveStarts, positiveAnywhere)

    static let negativeStarts = [
        "no", "nope", "wrong", "not quite", "not what i", "that's wrong", "thats wrong", "that is wrong",
        "this is wrong", "that's not", "thats not", "that is not", "this is not", "doesn't work", "doesnt work",
        "didn't work", "didnt work", "it doesn't", "it doesnt", "still", "you broke", "revert", "undo", "stop",
        "wait", "why did you", "incorrect", "try again",
    ]
    static let negativeAnywhere = [
        "doesn't work", "doesnt work", "didn't work", "didnt work", "not working", "still broken", "still failing",
        "still fails", "you broke", "that's wrong", "thats wrong", "is wrong",
    ]
    static let positiveStarts = [
        "thanks", "thank you", "thx", "ty", "perfect", "great", "awesome", "excellent", "amazing", "nice", "cool",
        "sweet", "good", "good job", "good work", "well done", "looks good", "lgtm", "it works", "that works",
        "works", "brilliant", "fantastic", "love it",
    ]
    static let positiveAnywhere = [
        "thank you", "thanks", "works now", "that worked", "perfect", "great job", "good job", "well done", "lgtm",
        "looks good",
    ]
}
