/// Counts by name, listed in first-seen order.
struct OrderedCounts {
    private var index: [String: Int] = [:]
    private(set) var pairs: [(String, Int)] = []

    mutating func add(_ name: String) {
        if let i = index[name] {
            pairs[i].1 += 1
        } else {
            index[name] = pairs.count
            pairs.append((name, 1))
        }
    }
}
