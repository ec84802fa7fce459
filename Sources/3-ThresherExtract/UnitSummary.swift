/// What phase 1 produces for one work unit (a line-aligned byte range).
public struct UnitSummary: Sendable {
    /// Records with a `uuid`, in line order.
    public var records: [RecordSummary] = []
    /// The content blocks of the unit's assistant records and the results
    /// of its user records, each record holding a range: one array per unit
    /// rather than an allocation per record.
    public var assistantBlocks: [AssistantBlock] = []
    public var toolResults: [ToolResultBlock] = []
    /// The prompts and assistant records events point to.
    public var prompts: [Prompt] = []
    public var assistants: [AssistantRecord] = []
    public var counters = ExtractCounters()
    /// Counts of `RecordReader.knownTypes`, kept apart from
    /// `counters.recordsByType` so counting a record hashes nothing.
    var knownTypeCounts = [Int](repeating: 0, count: RecordReader.knownTypes.count)

    public init() {}

    public func blocks(of record: AssistantRecord) -> ArraySlice<AssistantBlock> {
        assistantBlocks[Int(record.blocks.lowerBound)..<Int(record.blocks.upperBound)]
    }

    public func toolResults(_ range: Range<Int32>) -> ArraySlice<ToolResultBlock> {
        toolResults[Int(range.lowerBound)..<Int(range.upperBound)]
    }

    /// Moves the known-type counts into `counters.recordsByType`; call once
    /// the unit's last line was scanned.
    public mutating func foldTypeCounts() {
        for (index, count) in knownTypeCounts.enumerated() where count > 0 {
            counters.recordsByType[RecordReader.knownTypes[index].description, default: 0] += count
            knownTypeCounts[index] = 0
        }
    }
}
