import CByteMask

/// Replaces the secrets of SPEC §9 in texts: at each position the enabled
/// rules are tried in table order, the first match's secret becomes
/// `[REDACTED:<rule>]`, and the scan goes on after the match.
///
/// Most texts hold no secret, so a text is first searched for *anchors*
/// (`thresh_secret_anchor`, 16 or 32 bytes at a time): a byte every match must
/// hold at a known place. Each anchor is checked by trying the rules it
/// can belong to where they would start; only a text where one matches is
/// scanned position by position.
public struct Redactor: Sendable {
    public let rules: RedactionRules

    public init(rules: RedactionRules = .all) {
        self.rules = rules
    }

    /// `text` with its secrets replaced, or nil when it holds none.
    /// `counts` gains one per replacement.
    public func redact(_ text: UnsafeBufferPointer<UInt8>, counts: inout RedactionCounts) -> [UInt8]? {
        guard !rules.isEmpty, text.count > 0 else { return nil }
        return ByteClass.table.withUnsafeBufferPointer { table in
            let matcher = SecretMatcher(bytes: text, classes: table.baseAddress!)
            guard mayHoldSecret(matcher) else { return nil }
            return scan(matcher, counts: &counts)
        }
    }

    /// `redact` on a byte array (tests, and texts already in memory).
    public func redact(_ text: [UInt8], counts: inout RedactionCounts) -> [UInt8]? {
        text.withUnsafeBufferPointer { redact($0, counts: &counts) }
    }

    /// Every position, every enabled rule: the exact scan of SPEC §9.
    func scan(_ matcher: SecretMatcher, counts: inout RedactionCounts) -> [UInt8]? {
        let bytes = matcher.bytes
        var out: [UInt8] = []
        var copied = 0
        var p = 0
        while p < bytes.count {
            // Only rules that can start on this byte are tried (every rule starts on an ASCII byte).
            let candidates = Self.rulesStarting(matcher, at: p) & rules.bits
            guard candidates != 0, let found = firstMatch(matcher, at: p, candidates) else {
                p += 1
                continue
            }
            if out.isEmpty { out.reserveCapacity(bytes.count + 32) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<found.secret.lowerBound]))
            out.append(contentsOf: found.rule.replacement)
            copied = found.secret.upperBound
            counts[found.rule] += 1
            p = found.end
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return out
    }

    /// `candidates`: a bit per rule (`RedactionRules.bits`), tried in table order.
    private func firstMatch(_ matcher: SecretMatcher, at p: Int, _ candidates: UInt16) -> SecretMatcher.Match? {
        var left = candidates
        while left != 0 {
            let rule = RedactionRule(rawValue: left.trailingZeroBitCount)!
            if let found = matcher.match(rule, at: p) { return found }
            left &= left - 1
        }
        return nil
    }

    /// The rules that could match at `p`: those with a literal first byte
    /// equal to it, and the run-start rules (URL, assignment, e-mail) where a
    /// run of their class starts.
    @inline(__always)
    static func rulesStarting(_ m: SecretMatcher, at p: Int) -> UInt16 {
        let byte = m.bytes[p]
        guard byte < 0x80 else { return 0 }
        var bits = firstByteRules[Int(byte)]
        if m.isIn(.letter, p) && !m.isIn(.scheme, p - 1) { bits |= 1 << RedactionRule.urlPassword.rawValue }
        if m.isIn(.name, p) && !m.isIn(.name, p - 1) { bits |= 1 << RedactionRule.secretAssignment.rawValue }
        if m.isIn(.local, p) && !m.isIn(.local, p - 1) { bits |= 1 << RedactionRule.email.rawValue }
        return bits
    }

    /// The rules whose pattern starts with a literal, by that first byte.
    static let firstByteRules: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 256)
        let starts: [(Character, [RedactionRule])] = [
            ("-", [.privateKey]), ("A", [.awsAccessKeyID, .googleAPIKey]), ("g", [.githubToken, .gitlabToken]),
            ("x", [.slackToken]), ("s", [.anthropicKey, .openaiKey, .stripeKey]), ("r", [.stripeKey]), ("e", [.jwt]),
            ("b", [.bearerToken]), ("B", [.bearerToken]),
        ]
        for (character, rules) in starts { table[Int(character.asciiValue!)] = RedactionRules(rules).bits }
        return table
    }()

    /// Whether some enabled rule matches somewhere: each anchor names the
    /// rules that could hold it and where they would start.
    func mayHoldSecret(_ m: SecretMatcher) -> Bool {
        let bytes = m.bytes
        let base = bytes.baseAddress!
        var i = thresh_secret_anchor(base, bytes.count, 0)
        while i < bytes.count {
            if anchorMatches(m, at: i) { return true }
            i = thresh_secret_anchor(base, bytes.count, i + 1)
        }
        return false
    }

    private func tries(_ m: SecretMatcher, _ rule: RedactionRule, at p: Int) -> Bool {
        p >= 0 && rules.contains(rule) && m.match(rule, at: p) != nil
    }

    private func anchorMatches(_ m: SecretMatcher, at i: Int) -> Bool {
        switch m.bytes[i] {
        case UInt8(ascii: "-"):
            return tries(m, .privateKey, at: i) || tries(m, .anthropicKey, at: i - 2) || tries(m, .openaiKey, at: i - 2)
        case UInt8(ascii: "_"):
            return tries(m, .stripeKey, at: i - 2) || tries(m, .githubToken, at: i - 6)
        case UInt8(ascii: ":"):
            return tries(m, .urlPassword, at: runStart(m, .scheme, before: i))
                || tries(m, .secretAssignment, at: assignedNameStart(m, separator: i))
        case UInt8(ascii: "="):
            return tries(m, .secretAssignment, at: assignedNameStart(m, separator: i))
        case UInt8(ascii: "@"):
            return tries(m, .email, at: runStart(m, .local, before: i))
        case UInt8(ascii: "J"):
            return tries(m, .jwt, at: i - 2)
        case UInt8(ascii: "x"):
            return tries(m, .slackToken, at: i - 2)
        case UInt8(ascii: "h"), UInt8(ascii: "l"):
            return tries(m, .githubToken, at: i - 1) || tries(m, .gitlabToken, at: i - 1)
        case UInt8(ascii: "K"), UInt8(ascii: "S"), UInt8(ascii: "B"), UInt8(ascii: "C"), UInt8(ascii: "I"):
            return tries(m, .awsAccessKeyID, at: i - 1) || tries(m, .googleAPIKey, at: i - 1)
        default:
            // The last `r` of `bearer`, in any case.
            return tries(m, .bearerToken, at: i - 5)
        }
    }

    /// Where the run of `set` bytes that ends right before `i` starts.
    private func runStart(_ m: SecretMatcher, _ set: ByteClass, before i: Int) -> Int {
        var p = i
        while m.isIn(set, p - 1) { p -= 1 }
        return p
    }

    /// Where the name assigned by the separator at `i` starts: back over
    /// blanks, one quote and the name (`NAME["']?[ \t]*SEP`).
    private func assignedNameStart(_ m: SecretMatcher, separator i: Int) -> Int {
        var p = i
        while let c = m.byte(p - 1), c == 0x20 || c == 0x09 { p -= 1 }
        if let c = m.byte(p - 1), c == 0x22 || c == 0x27 { p -= 1 }
        guard m.isIn(.name, p - 1) else { return -1 }
        return runStart(m, .name, before: p)
    }
}
