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
