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

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
