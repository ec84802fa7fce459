/// `--split TRAIN,VAL[,TEST]`: integer percentages summing to 100. An
/// example's part follows from its id alone, so it never changes between
/// runs and duplicates cannot land in two parts.
public struct DatasetSplit: Sendable, Equatable {
    public let train: Int
    public let val: Int
    public let test: Int

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(train: Int, val: Int, test: Int) throws {
        guard train >= 0, val >= 0, test >= 0, train + val + test == 100 else {
            throw Invalid(description: "percentages must be whole numbers >= 0 that sum to 100")
        }
        self.train = train
        self.val = val
        self.test = test
    }

    /// Parses `90,5,5` or `98,2`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else {
            throw Invalid(description: "'\(text)' is not TRAIN,VAL[,TEST] (e.g. 90,5,5)")
        }
        try self.init(train: parts[0]!, val: parts[1]!, test: parts.count == 3 ? parts[2]! : 0)
    }

    /// `TRAIN,VAL,TEST` as the manifest keeps it.
    public var description: String { "\(train),\(val),\(test)" }

    /// h = the id's first 8 hex digits: train below ⌊2^32·TRAIN/100⌋, val
    /// below ⌊2^32·(TRAIN+VAL)/100⌋, test above.
    public func part(ofID id: String) -> SplitName {
        let h = UInt64(id.prefix(8), radix: 16) ?? 0
        if h < (UInt64(1) << 32) * UInt64(train) / 100 { return .train }
        if h < (UInt64(1) << 32) * UInt64(train + val) / 100 { return .val }
        return .test
    }
}
