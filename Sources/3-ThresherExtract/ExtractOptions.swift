import ThresherJSON

/// Options that change what phase 1 keeps.
public struct ExtractOptions: Sendable {
    public var keepThinking: Bool
    public var maxDepth: Int
    /// A line of more JSON values than this (16 MB of tape by default) is
    /// stored shallow, its top-level members only, which is all records
    /// other than user and assistant ones are read for: memory then stays
    /// bounded whatever one progress or system line holds.
    public var shallowAbove = 1 << 20

    public init(keepThinking: Bool = false, maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.keepThinking = keepThinking
        self.maxDepth = maxDepth
    }
}
