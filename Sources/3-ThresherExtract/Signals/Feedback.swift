import ThresherSystem

/// What the user said next about a turn (SPEC §10): read from the prompt
/// that closed it.
public enum Feedback: String, Sendable, CaseIterable {
    case positive, neutral, negative

    /// Classifies a next prompt's text.
    public init(nextPrompt text: String) {
        var text = text
        self = text.withUTF8 { Feedback(nextPromptUTF8: $0) }
    }

    /// Classifies a next prompt's text given as UTF-8 (valid, as every
    /// decoded text is).
    public init(nextPromptUTF8 text: UnsafeBufferPointer<UInt8>) {
        // Normalized text is ASCII (`a-z`, `0-9`, `'`, space): phrases are
        // matched on its bytes, word by word.
        let t = Self.normalize(utf8: text, spaced: true)
        let (negativeWord, positiveWord) = Self.phrasesOccurring(in: t)
        if negativeWord || Self.negativePhrases.starts.contains(where: { t.starts(with: $0) }) {
            self = .negative
        } else if positiveWord || Self.positivePhrases.starts.contains(where: { t.starts(with: $0) }) {
            self = .positive
        } else {
            self = .neutral
        }
    }

    /// U+2019 → `'`, `A`-`Z` lowercased, every run of characters other
    /// than `a-z`, `0-9` and `'` → one space, no spaces at either end.
    static func normalize(_ text: String) -> String {
        var text = text
        return String(decoding: text.withUTF8 { normalize(utf8: $0, spaced: false) }, as: UTF8.self)
    }

    /// `normalize` on UTF-8 bytes; `spaced` puts one space at either end
    /// (so phrases match as ` phrase `). Non-ASCII characters other than
    /// U+2019 (`E2 80 99`) are gaps: no other one becomes a kept character.
    static func normalize(utf8 text: UnsafeBufferPointer<UInt8>, spaced: Bool) -> [UInt8] {
        var out: [UInt8] = spaced ? [0x20] : []
        out.reserveCapacity(text.count + 2)
        var gap = false
        var i = 0
        while i < text.count {
            var c = text[i]
            i += 1
            if c >= 0x80 {
                guard c == 0xE2, i + 1 < text.count, text[i] == 0x80, text[i + 1] == 0x99 else {
                    gap = true
                    continue
                }
                c = 0x27
                i += 2
            }
            if c >= 0x41 && c <= 0x5A { c += 0x20 }
            guard (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x27 else {
                gap = true
                continue
            }
            if gap && out.count > (spaced ? 1 : 0) { out.append(0x20) }
            gap = false
            out.append(c)
        }
        if spaced { out.append(0x20) }
        return out
    }

    /// Whether a negative / a positive "occurs in" phrase is in ` t `: one
    /// pass over its word starts, each compared with the phrases that begin
    /// with its letter.
    static func phrasesOccurring(in t: [UInt8]) -> (negative: Bool, positive: Bool) {
        var negative = false, positive = false
        t.withUnsafeBufferPointer { t in
            for i in 0..<max(0, t.count - 1) where t[i] == 0x20 {
                for (phrase, isNegative) in anywhereByLetter[Int(t[i + 1])] where !(isNegative ? negative : positive) {
                    if i + phrase.count <= t.count,
                       phrase.withUnsafeBufferPointer({ memcmp(t.baseAddress! + i, $0.baseAddress!, $0.count) }) == 0 {
                        if isNegative { negative = true } else { positive = true }
                    }
                }
                if negative { break }
            }
        }
        return (negative, positive)
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
    /// The "occurs in" phrases by their first letter.
    private static let anywhereByLetter: [[(phrase: [UInt8], negative: Bool)]] = {
        var table = [[(phrase: [UInt8], negative: Bool)]](repeating: [], count: 256)
        for phrase in negativePhrases.anywhere { table[Int(phrase[1])].append((phrase, true)) }
        for phrase in positivePhrases.anywhere { table[Int(phrase[1])].append((phrase, false)) }
        return table
    }()

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
