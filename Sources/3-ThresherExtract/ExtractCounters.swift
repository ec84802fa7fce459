/// Counters one file's extraction contributes to the report (SPEC §8).
public struct ExtractCounters: Sendable, Equatable {
    /// A malformed line: 1-based line number and the reason.
    public struct Malformed: Sendable, Equatable {
        public var line: Int
        public var reason: String
    }

    /// How many malformed-line samples a file keeps (the report shows 20).
    public static let malformedSampleLimit = 20

    public var lines = 0
    public var blankLines = 0
    public var partialLines = 0
    public var malformedCount = 0
    public var malformedSamples: [Malformed] = []
    public var recordsByType: [String: Int] = [:]
    public var ignoredSyntheticAssistant = 0
    public var turnsComplete = 0
    public var turnsInterrupted = 0
    public var turnsUnansweredCall = 0
    public var turnsNoAnswer = 0
    public var turnsPending = 0
    public var orphanToolResults = 0
    public var orphanAssistantRecords = 0
    public var sidechainStreamsDropped = 0
    public var selected = 0
    /// Selected turns left out by a filter, under the first they failed.
    public var filtered = FilterCounts()

    public init() {}

    mutating func addMalformed(line: Int, reason: String) {
        malformedCount += 1
        if malformedSamples.count < Self.malformedSampleLimit {
            malformedSamples.append(Malformed(line: line, reason: reason))
        }
    }

    /// Adds another unit's counters; `lineBase` shifts its malformed line numbers.
    public mutating func merge(_ other: ExtractCounters, lineBase: Int = 0) {
        lines += other.lines
        blankLines += other.blankLines
        partialLines += other.partialLines
        malformedCount += other.malformedCount
        for sample in other.malformedSamples where malformedSamples.count < Self.malformedSampleLimit {
            malformedSamples.append(Malformed(line: sample.line + lineBase, reason: sample.reason))
        }
        recordsByType.merge(other.recordsByType, uniquingKeysWith: +)
        ignoredSyntheticAssistant += other.ignoredSyntheticAssistant
        turnsComplete += other.turnsComplete
        turnsInterrupted += other.turnsInterrupted
        turnsUnansweredCall += other.turnsUnansweredCall
        turnsNoAnswer += other.turnsNoAnswer
        turnsPending += other.turnsPending
        orphanToolResults += other.orphanToolResults
        orphanAssistantRecords += other.orphanAssistantRecords
        sidechainStreamsDropped += other.sidechainStreamsDropped
        selected += other.selected
        filtered.add(other.filtered)
    }
}
