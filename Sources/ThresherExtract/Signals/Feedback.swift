/// What the user said next about a turn (SPEC §10): read from the prompt
/// that closed it.
public enum Feedback: String, Sendable, CaseIterable {
    case positive, neutral, negative

    /// Classifies a next prompt's text.
    public init(nextPrompt text: String) {
        let t = Self.normalize(text)
        if Self.negativeStarts.contains(where: { Self.starts(t, $0) })
            || Self.negativeAnywhere.contains(where: { Self.occurs(t, $0) }) {
            self = .negative
        } else if Self.positiveStarts.contains(where: { Self.starts(t, $0) })
            || Self.positiveAnywhere.contains(where: { Self.occurs(t, $0) }) {
            self = .positive
        } else {
            self = .neutral
        }
    }

    /// U+2019 → `'`, `A`-`Z` lowercased, every run of characters other
    /// than `a-z`, `0-9` and `'` → one space, no spaces at either end.
    static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var gap = false
        for scalar in text.unicodeScalars {
            var c = scalar
            if c.value == 0x2019 { c = "'" }
            if c.value >= 0x41 && c.value <= 0x5A { c = Unicode.Scalar(c.value + 0x20)! }
            let kept = (c.value >= 0x61 && c.value <= 0x7A) || (c.value >= 0x30 && c.value <= 0x39) || c == "'"
            guard kept else {
                gap = true
                continue
            }
            if gap && !out.isEmpty { out.append(" ") }
            gap = false
            out.append(c)
        }
        return String(out)
    }

    /// `phrase` starts `t`: equal, or followed by a space.
    static func starts(_ t: String, _ phrase: String) -> Bool {
        t == phrase || t.hasPrefix(phrase + " ")
    }

    /// `phrase` occurs in `t` as whole words.
    static func occurs(_ t: String, _ phrase: String) -> Bool {
        (" " + t + " ").contains(" " + phrase + " ")
    }

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
