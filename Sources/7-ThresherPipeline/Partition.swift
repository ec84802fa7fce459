import ThresherStore

/// One of `count` stable slices of an archive (`--partition K/N`): a file
/// belongs to slice `XXH3-128(path relative to its root) mod count`, so the
/// same file lands in the same slice on any machine, in any run, whatever
/// else the archive holds. Slices are numbered from 0, like Slurm array
/// task ids and Kubernetes completion indexes.
public struct Partition: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(index: Int, count: Int) throws(ParseError) {
        guard count >= 1, count <= 1 << 20, index >= 0, index < count else {
            throw ParseError(description: "partition \(index)/\(count): need 0 <= K < N (N at most 1048576)")
        }
        self.index = index
        self.count = count
    }

    /// `K/N`, e.g. `3/8`.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ParseError(description: "'\(text)' is not K/N (e.g. 0/4)")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The slice a file belongs to, by its path relative to its root.
    public static func slice(of relativePath: String, count: Int) -> Int {
        let key = DedupKey(hashing: Array(relativePath.utf8))
        return Int(key.low % UInt64(count))
    }

    public func contains(relativePath: String) -> Bool {
        Self.slice(of: relativePath, count: count) == index
    }
}
