/// SPEC §9's rules tried at one position of a UTF-8 text, exactly as the
/// normative Python patterns match there (`pattern.match(text, position)`).
///
/// Every pattern's quantified runs end where their class ends (the next
/// character is outside the class, or the pattern fails), so each rule is
/// a few maximal runs and literal checks; comments name the few places
/// where the patterns' backtracking could pick another reading.
struct SecretMatcher {
    /// A rule's match: the whole match `start..<end` and the part replaced.
    struct Match: Equatable {
        var rule: RedactionRule
        var end: Int
        var secret: Range<Int>
    }

    /// Must not escape the caller's `withUnsafe…` scope.
    let bytes: UnsafeBufferPointer<UInt8>
    private let classes: UnsafePointer<UInt16>

    init(bytes: UnsafeBufferPointer<UInt8>, classes: UnsafePointer<UInt16>) {
        self.bytes = bytes
        self.classes = classes
    }

    // MARK: - Byte tests

    @inline(__always)
    func isIn(_ set: ByteClass, _ i: Int) -> Bool {
        i >= 0 && i < bytes.count && classes[Int(bytes[i])] & set.rawValue != 0
    }

    /// The lookbehind `(?<![set])`: position `p` is not preceded by a byte of `set`.
    @inline(__always)
    func boundaryBefore(_ p: Int, _ set: ByteClass) -> Bool { !isIn(set, p - 1) }

    /// The end of the run of `set` bytes starting at `p`.
    @inline(__always)
    func runEnd(_ set: ByteClass, from p: Int) -> Int {
        var i = p
        while i < bytes.count && classes[Int(bytes[i])] & set.rawValue != 0 { i += 1 }
        return i
    }

    func has(_ literal: StaticString, at p: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard p >= 0, p + n <= bytes.count else { return false }
        let start = literal.utf8Start
        for k in 0..<n where bytes[p + k] != start[k] { return false }
        return true
    }

    /// `literal` (lowercase ASCII letters) at `p`, ASCII letters in any case.
    func hasFolded(_ literal: StaticString, at p: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard p >= 0, p + n <= bytes.count else { return false }
        let start = literal.utf8Start
        for k in 0..<n {
            var c = bytes[p + k]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != start[k] { return false }
        }
        return true
    }

    func byte(_ i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }

    /// Whether `range` holds a byte of `set`.
    func contains(_ set: ByteClass, in range: Range<Int>) -> Bool {
        range.contains { classes[Int(bytes[$0])] & set.rawValue != 0 }
    }

    // MARK: - Rules

    func match(_ rule: RedactionRule, at p: Int) -> Match? {
        switch rule {
        case .privateKey: privateKey(p)
        case .awsAccessKeyID: awsKey(p)
        case .githubToken: githubToken(p)
        case .gitlabToken: prefixed(p, .gitlabToken, "glpat-", before: .token, body: .token, 20...255)
        case .slackToken: slackToken(p)
        case .anthropicKey: prefixed(p, .anthropicKey, "sk-ant-", before: .token, body: .token, 20...255)
        case .openaiKey: openaiKey(p)
        case .googleAPIKey: prefixed(p, .googleAPIKey, "AIza", before: .token, body: .token, 35...35)
        case .stripeKey: stripeKey(p)
        case .jwt: jwt(p)
        case .bearerToken: bearerToken(p)
        case .urlPassword: urlPassword(p)
        case .secretAssignment: secretAssignment(p)
        case .email: email(p)
        }
    }

    /// `(?<![before])PREFIX[body]{lengths}(?![body])`: the body is the whole run.
    private func prefixed(_ p: Int, _ rule: RedactionRule, _ prefix: StaticString, before: ByteClass,
                          body: ByteClass, _ lengths: ClosedRange<Int>) -> Match? {
        guard has(prefix, at: p), boundaryBefore(p, before) else { return nil }
        let from = p + prefix.utf8CodeUnitCount
        let end = runEnd(body, from: from)
        guard lengths.contains(end - from) else { return nil }
        return Match(rule: rule, end: end, secret: p..<end)
    }

    /// `-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----` then lazily to
    /// the first END line, else to the end of the text.
    private func privateKey(_ p: Int) -> Match? {
        guard has("-----BEGIN", at: p), let header = pemLine(from: p + 10) else { return nil }
        var q = header
        while q + 8 <= bytes.count {
            if bytes[q] == 0x2D, has("-----END", at: q), let end = pemLine(from: q + 8) {
                return Match(rule: .privateKey, end: end, secret: p..<end)
            }
            q += 1
        }
        return Match(rule: .privateKey, end: bytes.count, secret: p..<bytes.count)
    }

    /// `[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----` at `q`: its end, trying
    /// the label's lengths from the longest down as the greedy pattern does.
    private func pemLine(from q: Int) -> Int? {
        let longest = min(30, runEnd(.pemLabel, from: q) - q)
        for k in stride(from: longest, through: 0, by: -1) where has("PRIVATE KEY", at: q + k) {
            let r = q + k + 11
            if has(" BLOCK-----", at: r) { return r + 11 }
            if has("-----", at: r) { return r + 5 }
        }
        return nil
    }

    private func awsKey(_ p: Int) -> Match? {
        guard boundaryBefore(p, .alnum),
              has("AKIA", at: p) || has("ASIA", at: p) || has("ABIA", at: p) || has("ACCA", at: p) else { return nil }
        let end = p + 20
        guard end <= bytes.count, runEnd(.upperDigit, from: p + 4) >= end, !isIn(.alnum, end) else { return nil }
        return Match(rule: .awsAccessKeyID, end: end, secret: p..<end)
    }

    private func githubToken(_ p: Int) -> Match? {
        guard boundaryBefore(p, .word) else { return nil }
        if has("gh", at: p), let kind = byte(p + 2), "pousr".utf8.contains(kind), byte(p + 3) == 0x5F {
            let end = runEnd(.alnum, from: p + 4)
            guard (36...255).contains(end - p - 4), byte(end) != 0x5F else { return nil }
            return Match(rule: .githubToken, end: end, secret: p..<end)
        }
        if has("github_pat_", at: p) {
            let end = runEnd(.word, from: p + 11)
            guard (22...255).contains(end - p - 11) else { return nil }
            return Match(rule: .githubToken, end: end, secret: p..<end)
        }
        return nil
    }

    private func slackToken(_ p: Int) -> Match? {
        guard has("xox", at: p), let kind = byte(p + 3), "abposr".utf8.contains(kind), byte(p + 4) == 0x2D,
              boundaryBefore(p, .token) else { return nil }
        let end = runEnd(.slackBody, from: p + 5)
        // The run stops at `_` too, which the lookahead refuses.
        guard (10...255).contains(end - p - 5), byte(end) != 0x5F else { return nil }
        return Match(rule: .slackToken, end: end, secret: p..<end)
    }

    /// `sk-(?:proj-|svcacct-|admin-)?(?=…[0-9])[A-Za-z0-9_-]{20,255}`: with or
    /// without the optional prefix the body runs to the same end, so the
    /// two readings differ only in the length counted.
    private func openaiKey(_ p: Int) -> Match? {
        guard has("sk-", at: p), boundaryBefore(p, .token) else { return nil }
        let from = p + 3
        let end = runEnd(.token, from: from)
        guard contains(.digit, in: from..<end) else { return nil }
        var lengths = [end - from]
        for prefix: StaticString in ["proj-", "svcacct-", "admin-"] where has(prefix, at: from) {
            lengths.insert(end - from - prefix.utf8CodeUnitCount, at: 0)
        }
        guard lengths.contains(where: { (20...255).contains($0) }) else { return nil }
        return Match(rule: .openaiKey, end: end, secret: p..<end)
    }

    private func stripeKey(_ p: Int) -> Match? {
        guard has("sk_", at: p) || has("rk_", at: p), has("live_", at: p + 3) || has("test_", at: p + 3),
              boundaryBefore(p, .word) else { return nil }
        let end = runEnd(.alnum, from: p + 8)
        guard (16...255).contains(end - p - 8), byte(end) != 0x5F else { return nil }
        return Match(rule: .stripeKey, end: end, secret: p..<end)
    }

    private func jwt(_ p: Int) -> Match? {
        guard has("eyJ", at: p), boundaryBefore(p, .token) else { return nil }
        let first = runEnd(.token, from: p + 3)
        guard first - p - 3 >= 8, byte(first) == 0x2E, has("eyJ", at: first + 1) else { return nil }
        let second = runEnd(.token, from: first + 4)
        guard second - first - 4 >= 8, byte(second) == 0x2E else { return nil }
        let end = runEnd(.token, from: second + 1)
        guard end - second - 1 >= 8 else { return nil }
        return Match(rule: .jwt, end: end, secret: p..<end)
    }

    private func bearerToken(_ p: Int) -> Match? {
        guard hasFolded("bearer", at: p), boundaryBefore(p, .word) else { return nil }
        var start = p + 6
        while let c = byte(start), c == 0x20 || c == 0x09 { start += 1 }
        guard start > p + 6 else { return nil }
        let tokenEnd = runEnd(.bearer, from: start)
        guard tokenEnd - start >= 16, contains(.digit, in: start..<tokenEnd) else { return nil }
        var end = tokenEnd
        while byte(end) == 0x3D { end += 1 }
        return Match(rule: .bearerToken, end: end, secret: start..<end)
    }

    private func urlPassword(_ p: Int) -> Match? {
        guard isIn(.letter, p), boundaryBefore(p, .scheme) else { return nil }
        let schemeEnd = runEnd(.scheme, from: p + 1)
        guard (1...20).contains(schemeEnd - p - 1), has("://", at: schemeEnd) else { return nil }
        let userStart = schemeEnd + 3
        let userEnd = runEnd(.urlUser, from: userStart)
        guard (1...128).contains(userEnd - userStart), byte(userEnd) == 0x3A else { return nil }
        let passwordEnd = runEnd(.urlPassword, from: userEnd + 1)
        guard (1...128).contains(passwordEnd - userEnd - 1), byte(passwordEnd) == 0x40 else { return nil }
        return Match(rule: .urlPassword, end: passwordEnd + 1, secret: userEnd + 1..<passwordEnd)
    }

    /// The name is the whole run of name bytes from `p` (the keyword must end
    /// it: what follows it, a quote, a blank or a separator, is no name
    /// byte). Separators are tried as the alternation orders them: `:=`
    /// failing can still match as `:` with a value that starts with `=`.
    private func secretAssignment(_ p: Int) -> Match? {
        guard boundaryBefore(p, .name) else { return nil }
        let nameEnd = runEnd(.name, from: p)
        guard nameEnd - p >= 5, endsWithSecretName(p..<nameEnd) else { return nil }
        var s = nameEnd
        if let c = byte(s), c == 0x22 || c == 0x27 { s += 1 }
        s = skipBlanks(s)
        for separator: StaticString in [":=", "=>", "=", ":"] where has(separator, at: s) {
            var v = skipBlanks(s + separator.utf8CodeUnitCount)
            if let c = byte(v), c == 0x22 || c == 0x27 { v += 1 }
            let end = runEnd(.value, from: v)
            if (8...200).contains(end - v), byte(end) != 0x28,
               contains(.letter, in: v..<end), contains(.digit, in: v..<end) {
                return Match(rule: .secretAssignment, end: end, secret: v..<end)
            }
        }
        return nil
    }

    private func skipBlanks(_ from: Int) -> Int {
        var i = from
        while let c = byte(i), c == 0x20 || c == 0x09 { i += 1 }
        return i
    }

    /// Whether a name ends with one of the keywords, in any case:
    /// password, passwd, secret, token, or api / access / secret / private
    /// + optional `_`/`-` + key, or client + optional `_`/`-` + secret
    /// (which already ends with secret).
    private func endsWithSecretName(_ name: Range<Int>) -> Bool {
        let end = name.upperBound
        func suffix(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            return end - n >= name.lowerBound && hasFolded(word, at: end - n)
        }
        if suffix("password") || suffix("passwd") || suffix("secret") || suffix("token") { return true }
        guard suffix("key") else { return false }
        var stem = end - 3
        if stem > name.lowerBound, let c = byte(stem - 1), c == 0x5F || c == 0x2D { stem -= 1 }
        for word: StaticString in ["api", "access", "secret", "private"] {
            let n = word.utf8CodeUnitCount
            if stem - n >= name.lowerBound && hasFolded(word, at: stem - n) { return true }
        }
        return false
    }

    /// SPEC §9's procedure: the local part is the whole run (1-64) before
    /// `@`; the domain the run after it without trailing `.` and `-`.
    private func email(_ p: Int) -> Match? {
        guard boundaryBefore(p, .local) else { return nil }
        let at = runEnd(.local, from: p)
        guard (1...64).contains(at - p), byte(at) == 0x40 else { return nil }
        var end = runEnd(.domain, from: at + 1)
        while end > at + 1, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
        let domain = at + 1..<end
        guard !domain.isEmpty, bytes[domain.lowerBound] != 0x2E else { return nil }
        var lastDot = -1
        for i in domain where bytes[i] == 0x2E {
            if bytes[i - 1] == 0x2E { return nil }
            lastDot = i
        }
        guard lastDot >= 0, (2...24).contains(end - lastDot - 1),
              runEnd(.letter, from: lastDot + 1) >= end else { return nil }
        let local = p..<at
        if equals(local, "git") || equals(local, "noreply") || equals(local, "no-reply") { return nil }
        for documentation: StaticString in ["example.com", "example.org", "example.net"] {
            let n = documentation.utf8CodeUnitCount
            if equals(domain, documentation) { return nil }
            if domain.count > n, has(documentation, at: end - n), bytes[end - n - 1] == 0x2E { return nil }
        }
        return Match(rule: .email, end: end, secret: p..<end)
    }

    private func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && has(literal, at: range.lowerBound)
    }
}
