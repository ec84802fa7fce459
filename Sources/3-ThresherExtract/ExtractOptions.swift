import ThresherJSON

/// Options that change what phase 1 keeps.
public struct ExtractOptions: Sendable {
    public var keepThinking: Bool
    public var maxDepth: Int

    public init(keepThinking: Bool = false, maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.keepThinking = keepThinking
        self.maxDepth = maxDepth
    }
}
