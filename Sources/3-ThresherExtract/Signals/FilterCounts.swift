import ThresherSystem

/// Examples filtered out, per filter.
public struct FilterCounts: Sendable, Equatable {
    public var perFilter = [Int](repeating: 0, count: ExampleFilters.Filter.allCases.count)

    public init() {}

    public var total: Int { perFilter.reduce(0, +) }

    public subscript(filter: ExampleFilters.Filter) -> Int {
        get { perFilter[ExampleFilters.Filter.allCases.firstIndex(of: filter)!] }
        set { perFilter[ExampleFilters.Filter.allCases.firstIndex(of: filter)!] = newValue }
    }

    public mutating func add(_ other: FilterCounts) {
        for index in perFilter.indices { perFilter[index] += other.perFilter[index] }
    }
}
