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
        // At most one byte out per byte in, plus the two spaces.
        [UInt8](unsafeUninitializedCapacity: text.count + 2) { out, count in
            let first = spaced ? 1 : 0
            if spaced { out[0] = 0x20 }
            var n = first
            var gap = false
            var i = 0
            while i < text.count {
                var c = keptByte[Int(text[i])]
                i += 1
                if text[i - 1] == 0xE2, i + 1 < text.count, text[i] == 0x80, text[i + 1] == 0x99 {
                    c = 0x27
                    i += 2
                }
                guard c != 0 else {
                    gap = true
                    continue
                }
                if gap && n > first {
                    out[n] = 0x20
                    n += 1
                }
                gap = false
                out[n] = c
                n += 1
            }
            if spaced {
                out[n] = 0x20
                n += 1
            }
            count = n
        }
    }

    /// What each byte becomes in normalized text: `a-z`, `0-9` and `'` as
    /// they are, `A-Z` lowercased, 0 for a gap (every other byte; U+2019's
    /// first byte is looked at apart).
    private static let keptByte: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "'"): UInt8(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(byte) + 0x20
        default: 0
        }
    }

    /// Whether a negative / a positive "occurs in" phrase is in ` t `: one
    /// pass over its word starts, each compared with the phrases that begin
    /// with its letter.
    static func phrasesOccurring(in t: [UInt8]) -> (negative: Bool, positive: Bool) {
        var negative = false, positive = false
        let table = anywhere
        t.withUnsafeBufferPointer { t in
            table.bytes.withUnsafeBufferPointer { bytes in
                for i in 0..<max(0, t.count - 1) where t[i] == 0x20 {
                    for k in table.byLetter[Int(t[i + 1])] {
                        let phrase = table.phrases[k]
                        guard !(phrase.negative ? negative : positive), i + phrase.count <= t.count,
                              memcmp(t.baseAddress! + i, bytes.baseAddress! + phrase.offset, phrase.count) == 0 else { continue }
                        if phrase.negative { negative = true } else { positive = true }
                    }
                    if negative { break }
                }
            }
        }
        return (negative, positive)
    }

    /// The "occurs in" phrases as ` phrase ` bytes end to end, and where
    /// each starts, grouped by first letter: plain values, so the word loop
    /// retains nothing.
    private struct AnywhereTable {
        var bytes: [UInt8] = []
        var phrases: [(offset: Int, count: Int, negative: Bool)] = []
        /// The range of `phrases` beginning with each byte.
        var byLetter = [Range<Int>](repeating: 0..<0, count: 256)

        init(negative: [[UInt8]], positive: [[UInt8]]) {
            let all = (negative.map { ($0, true) } + positive.map { ($0, false) }).sorted { $0.0[1] < $1.0[1] }
            for (phrase, isNegative) in all {
                let letter = Int(phrase[1])
                if byLetter[letter].isEmpty { byLetter[letter] = phrases.count..<phrases.count }
                phrases.append((bytes.count, phrase.count, isNegative))
                byLetter[letter] = byLetter[letter].lowerBound..<phrases.count
                bytes += phrase
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
    private static let anywhere = AnywhereTable(negative: negativePhrases.anywhere, positive: positivePhrases.anywhere)

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
