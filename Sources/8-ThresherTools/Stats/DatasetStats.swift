import ThresherExtract
import ThresherJSON
import ThresherState

/// `thresh stats OUT`: what a dataset holds, read from its examples (the
/// lossless records beside the shards), never from the archive.
public struct DatasetStats: Sendable {
    /// Calls and failed calls of one MCP server or tool.
    public struct Tally: Sendable, Equatable {
        public var name: String
        public var calls = 0
        public var errors = 0

        public var errorRate: Double { calls > 0 ? Double(errors) / Double(calls) : 0 }
    }

    /// A distribution over examples: nearest-rank percentiles and a histogram.
    public struct Distribution: Sendable, Equatable {
        public var values: [Int] = []
        /// `(label, count)` per bucket.
        public var histogram: [(label: String, count: Int)] = []

        public var min: Int { values.first ?? 0 }
        public var max: Int { values.last ?? 0 }
        public var total: Int { values.reduce(0, +) }

        /// The nearest-rank percentile: the smallest value with at least
        /// `p` percent of the values at or below it.
        public func percentile(_ p: Int) -> Int {
            guard !values.isEmpty else { return 0 }
            let rank = (p * values.count + 99) / 100
            return values[Swift.max(0, rank - 1)]
        }

        public static func == (a: Distribution, b: Distribution) -> Bool {
            a.values == b.values && a.histogram.map(\.label) == b.histogram.map(\.label)
                && a.histogram.map(\.count) == b.histogram.map(\.count)
        }

        /// Sorts the values and counts them into buckets starting at `bounds`
        /// (each bucket holds values from its bound up to the next one).
        init(_ values: [Int], bounds: [Int], label: (Int, Int?) -> String) {
            self.values = values.sorted()
            histogram = bounds.indices.map { index in
                let low = bounds[index], high = index + 1 < bounds.count ? bounds[index + 1] : nil
                let count = self.values.filter { $0 >= low && (high == nil || $0 < high!) }.count
                return (label(low, high), count)
            }
        }

        public init() {}
    }

    public var output: String
    public var format = ""
    public var examples = 0
    public var perSplit: [(String, Int)] = []
    /// positive, neutral, negative, none (absent).
    public var perFeedback: [(String, Int)] = []
    public var perServer: [Tally] = []
    public var perTool: [Tally] = []
    public var perProject: [(String, Int)] = []
    public var perModel: [(String, Int)] = []
    /// `YYYY-MM` of `started_at`, in order; `unknown` last.
    public var perMonth: [(String, Int)] = []
    public var bytes = Distribution()
    public var calls = Distribution()
    public var messages = Distribution()
    /// `[REDACTED:<rule>]` markers found in the examples, per rule.
    public var redactions = RedactionCounts()

    public var totalCalls: Int { calls.total }
    public var totalErrors: Int { perTool.reduce(0) { $0 + $1.errors } }
    /// Tokens estimated as bytes / 4.
    public var estimatedTokens: Int { bytes.total / 4 }

    /// Reads every example of an output folder.
    public static func read(output: String) throws -> DatasetStats {
        guard let (manifest, _) = try OutputFolder.peek(path: output) else { throw OutputStatus.NotAnOutput(path: output) }
        var builder = Builder()
        try OutputExamples.forEach(in: output, manifest: manifest) { _, example in builder.add(example) }
        var stats = builder.finish(output: output)
        stats.format = manifest.format
        return stats
    }

    /// Accumulates examples one at a time.
    struct Builder {
        var count = 0
        var splits: [String: Int] = [:]
        var feedback: [String: Int] = [:]
        var servers = TallyList()
        var tools = TallyList()
        var projects: [String: Int] = [:]
        var models: [String: Int] = [:]
        var months: [String: Int] = [:]
        var bytes: [Int] = []
        var calls: [Int] = []
        var messages: [Int] = []
        var redactions = RedactionCounts()

        mutating func add(_ example: Example) {
            let m = example.metadata
            count += 1
            if let split = m.split { splits[split.rawValue, default: 0] += 1 }
            feedback[m.feedback?.rawValue ?? "none", default: 0] += 1
            projects[m.cwd ?? "(unknown)", default: 0] += 1
            models[m.model ?? "(unknown)", default: 0] += 1
            let month = m.startedAt.map { String($0.prefix(7)) }.flatMap { $0.count == 7 ? $0 : nil } ?? "unknown"
            months[month, default: 0] += 1
            bytes.append(m.bytes)
            messages.append(example.messages.count)
            var callCount = 0
            for message in example.messages {
                switch message {
                case .user(let text):
                    Self.countMarkers(text.escaped, into: &redactions)
                case .assistant(let text, let list, let reasoning):
                    if let text { Self.countMarkers(text.escaped, into: &redactions) }
                    if let reasoning { Self.countMarkers(reasoning.escaped, into: &redactions) }
                    for call in list {
                        callCount += 1
                        tools.addCall(call.name)
                        if let server = Example.mcpServer(of: call.name) { servers.addCall(server) }
                        Self.countMarkers(call.arguments, into: &redactions)
                    }
                case .tool(_, let name, _, let content, let isError):
                    Self.countMarkers(content.escaped, into: &redactions)
                    if isError {
                        tools.addError(name)
                        if let server = Example.mcpServer(of: name) { servers.addError(server) }
                    }
                }
            }
            calls.append(callCount)
        }

        /// Counts `[REDACTED:<rule>]` in an escaped text (the marker holds
        /// nothing JSON escapes).
        static func countMarkers(_ bytes: [UInt8], into counts: inout RedactionCounts) {
            let prefix = Array("[REDACTED:".utf8)
            guard bytes.count >= prefix.count + 2 else { return }
            var i = 0
            while let start = bytes[i...].firstIndex(of: 0x5B) {
                i = start + 1
                guard bytes[start...].starts(with: prefix) else { continue }
                let nameStart = start + prefix.count
                guard let end = bytes[nameStart...].prefix(24).firstIndex(of: 0x5D),
                      let rule = RedactionRule(name: String(decoding: bytes[nameStart..<end], as: UTF8.self)) else { continue }
                counts[rule] += 1
                i = end + 1
            }
        }

        func finish(output: String) -> DatasetStats {
            var stats = DatasetStats(output: output)
            stats.examples = count
            stats.perSplit = SplitName.allCases.compactMap { part in splits[part.rawValue].map { (part.rawValue, $0) } }
            stats.perFeedback = ["positive", "neutral", "negative", "none"].map { ($0, feedback[$0] ?? 0) }
            stats.perServer = servers.sorted
            stats.perTool = tools.sorted
            stats.perProject = Self.byCount(projects)
            stats.perModel = Self.byCount(models)
            stats.perMonth = months.sorted { ($0.key == "unknown" ? "~" : $0.key) < ($1.key == "unknown" ? "~" : $1.key) }
                .map { ($0.key, $0.value) }
            stats.bytes = Distribution(bytes, bounds: [0] + (0...10).map { 1024 << $0 }) { low, high in
                guard let high else { return "≥" + Self.size(low) }
                return low == 0 ? "<" + Self.size(high) : Self.size(low) + "–" + Self.size(high)
            }
            stats.calls = Distribution(calls, bounds: [1, 2, 3, 4, 5, 9, 17, 33]) { low, high in
                guard let high else { return "\(low)+" }
                return high - low == 1 ? "\(low)" : "\(low)–\(high - 1)"
            }
            stats.messages = Distribution(messages, bounds: [1, 5, 9, 17, 33, 65, 129]) { low, high in
                guard let high else { return "\(low)+" }
                return "\(low)–\(high - 1)"
            }
            stats.redactions = redactions
            return stats
        }

        static func byCount(_ counts: [String: Int]) -> [(String, Int)] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 ? "\(bytes >> 20)M" : "\(bytes >> 10)K"
        }
    }

    /// Tallies by name, most calls first in `sorted`.
    struct TallyList {
        var index: [String: Int] = [:]
        var tallies: [Tally] = []

        mutating func addCall(_ name: String) {
            tallies[slot(name)].calls += 1
        }

        mutating func addError(_ name: String) {
            tallies[slot(name)].errors += 1
        }

        private mutating func slot(_ name: String) -> Int {
            if let k = index[name] { return k }
            index[name] = tallies.count
            tallies.append(Tally(name: name))
            return tallies.count - 1
        }

        var sorted: [Tally] {
            tallies.sorted { $0.calls != $1.calls ? $0.calls > $1.calls : $0.name < $1.name }
        }
    }
}
