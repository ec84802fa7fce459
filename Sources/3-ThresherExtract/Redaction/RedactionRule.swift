/// The secrets SPEC §9 redacts, in the order they are tried at a position.
public enum RedactionRule: Int, CaseIterable, Sendable {
    case privateKey, awsAccessKeyID, githubToken, gitlabToken, slackToken, anthropicKey, openaiKey,
         googleAPIKey, stripeKey, jwt, bearerToken, urlPassword, secretAssignment, email

    /// The name `--redact` takes and `[REDACTED:<name>]` shows.
    public var name: String {
        switch self {
        case .privateKey: "private-key"
        case .awsAccessKeyID: "aws-access-key-id"
        case .githubToken: "github-token"
        case .gitlabToken: "gitlab-token"
        case .slackToken: "slack-token"
        case .anthropicKey: "anthropic-key"
        case .openaiKey: "openai-key"
        case .googleAPIKey: "google-api-key"
        case .stripeKey: "stripe-key"
        case .jwt: "jwt"
        case .bearerToken: "bearer-token"
        case .urlPassword: "url-password"
        case .secretAssignment: "secret-assignment"
        case .email: "email"
        }
    }

    public init?(name: String) {
        guard let rule = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = rule
    }

    /// `[REDACTED:<name>]` as UTF-8.
    var replacement: [UInt8] { Array("[REDACTED:\(name)]".utf8) }
}

/// Which rules a run applies (`--redact`): a bit per rule.
public struct RedactionRules: Sendable, Equatable, Hashable {
    public var bits: UInt16

    public init(_ rules: some Sequence<RedactionRule>) {
        bits = rules.reduce(0) { $0 | 1 << $1.rawValue }
    }

    public static let all = RedactionRules(RedactionRule.allCases)
    public static let none = RedactionRules([])

    public var isEmpty: Bool { bits == 0 }

    public func contains(_ rule: RedactionRule) -> Bool { bits & 1 << rule.rawValue != 0 }

    public var rules: [RedactionRule] { RedactionRule.allCases.filter(contains) }

    /// Parses `--redact`'s list: `all`, or rule names separated by commas.
    /// Throws naming the first unknown rule.
    public static func parse(_ list: String) throws -> RedactionRules {
        var rules: [RedactionRule] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: " ")
            if name == "all" { return .all }
            guard let rule = RedactionRule(name: name) else { throw UnknownRule(name: name) }
            rules.append(rule)
        }
        return RedactionRules(rules)
    }

    /// How the manifest and messages name the set: `all`, `none`, or the rule names.
    public var description: String {
        if self == .all { return "all" }
        if isEmpty { return "none" }
        return rules.map(\.name).joined(separator: ",")
    }

    public struct UnknownRule: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown redaction rule '\(name)' (known: all, \(RedactionRule.allCases.map(\.name).joined(separator: ", ")))"
        }
    }
}

/// Replacements per rule, indexed by `RedactionRule.rawValue`.
public struct RedactionCounts: Sendable, Equatable {
    public var perRule = [Int](repeating: 0, count: RedactionRule.allCases.count)

    public init() {}

    public var total: Int { perRule.reduce(0, +) }

    public subscript(rule: RedactionRule) -> Int {
        get { perRule[rule.rawValue] }
        set { perRule[rule.rawValue] = newValue }
    }

    public mutating func add(_ other: RedactionCounts) {
        for index in perRule.indices { perRule[index] += other.perRule[index] }
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
