import Foundation
import Synchronization
import ThresherSystem

/// `thresh synth`: a deterministic synthetic `projects/` tree shaped like
/// real archives (or, by `Shape`, like the extremes), for benchmarks and
/// soak tests.
///
/// Session sizes are heavy-tailed (realistic: a fifth of the bytes in
/// sessions of 50-110 MB, the rest log-normal around 70-160 KB),
/// assistant turns are written one content block per line with a shared
/// `message.id`, tool results carry most bytes and are repeated in
/// `toolUseResult`, and the archive holds all three subagent layouts,
/// compaction, resumed sessions replaying earlier turns, interruptions,
/// progress copies of calls, base64 images, a few malformed lines and
/// partial last lines. The same seed and size give the same bytes.
public enum SynthArchive {
    public struct Configuration: Sendable {
        public var output: String
        public var size: Int64
        public var seed: UInt64
        /// Share of turns that call at least one MCP tool.
        public var mcpShare: Double
        public var jobs: Int
        public var shape: Shape

        public init(output: String, size: Int64, seed: UInt64 = 1, mcpShare: Double = 0.3, jobs: Int = 1,
                    shape: Shape = .realistic) {
            self.output = output
            self.size = size
            self.seed = seed
            self.mcpShare = mcpShare
            self.jobs = jobs
            self.shape = shape
        }
    }

    /// How the archive's bytes are spread over files.
    public enum Shape: String, CaseIterable, Sendable {
        /// Like real archives (docs/performance.md): ~1 000-2 500 files per
        /// GB, median file ~150 KB, p90 1-4 MB, a few sessions of 50 MB or
        /// more per GB.
        case realistic
        /// The first generator's: ~60 files per GB of 1-100 MB (heavy users'
        /// long sessions only).
        case fewLarge = "few-large"
        /// ~25 000 files per GB of a few KB to 200 KB: per-file costs.
        case manySmall = "many-small"

        /// Steps per turn at most: a turn of up to six tool rounds is
        /// ~40 KB, more than the many-small shape's sessions hold.
        var maxSteps: Int { self == .manySmall ? 2 : 6 }
    }

    public struct Summary: Sendable {
        public var files = 0
        public var bytes: Int64 = 0
        public var seconds = 0.0
        /// Every secret planted in the archive (`SecretPlanter`), in project order.
        public var secrets: [String] = []
    }

    /// One session file to write, with the subagents that go with it.
    struct SessionPlan {
        var project: Int
        var size: Int
        var layout: Layout
        var seed: UInt64
        var replay: Bool
        var partialTail: Bool
    }

    enum Layout { case inline, flatAgents, subagentFolder }

    public static func generate(_ configuration: Configuration) throws -> Summary {
        let started = ContinuousClock.now
        try Directory.makeAll(configuration.output)
        let plans = plan(configuration)
        let projects = Dictionary(grouping: plans, by: \.project).sorted { $0.key < $1.key }
        let pool = TextPool.shared(seed: configuration.seed)
        let results = ResultBox(count: projects.count)
        let jobs = max(1, configuration.jobs)
        // Projects in parallel; a project's sessions in order (resumes replay the previous one).
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            for index in stride(from: worker, to: projects.count, by: jobs) {
                let (project, sessions) = projects[index]
                results.set(index, Result { try writeProject(project, sessions, pool: pool, configuration: configuration) })
            }
        }
        var summary = Summary()
        for result in results.values {
            let part = try result!.get()
            summary.files += part.files
            summary.bytes += part.bytes
            summary.secrets += part.secrets
        }
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Session sizes for the shape, spread over projects.
    static func plan(_ configuration: Configuration) -> [SessionPlan] {
        var random = SplitMix64(seed: configuration.seed)
        var sizes = sessionSizes(configuration, random: &random)
        sizes.shuffle(using: &random)
        let projects = max(1, sizes.count / 12)
        return sizes.enumerated().map { index, size in
            // The first three sessions cover the three layouts, whatever the size.
            let roll = index < 3 ? [10, 30, 70][index] : random.below(100)
            return SessionPlan(
                project: index % projects, size: max(size, index < 3 ? 1 << 20 : 2048),
                layout: roll < 15 ? .inline : roll < 40 ? .flatAgents : .subagentFolder,
                seed: random.next(), replay: index >= projects && (index % 7 == 3 || random.chance(0.15)),
                partialTail: index % 10 == 1 || random.chance(0.1))
        }
    }

    /// Sizes summing to about `configuration.size`.
    static func sessionSizes(_ configuration: Configuration, random: inout SplitMix64) -> [Int] {
        let total = configuration.size
        switch configuration.shape {
        case .fewLarge:
            let count = Int(min(5000, max(6, total / (16 << 20))))
            let weights = (1...count).map { pow(Double($0), -0.8) }
            let sum = weights.reduce(0, +)
            return weights.map { Int(Double(total) * $0 / sum) }
        case .realistic:
            // A fifth of the bytes in sessions of 50-110 MB (scaled down
            // for small archives), the rest log-normal around 70 KB (written files come out larger: a session is at least a turn).
            var sizes: [Int] = []
            var big = total / 5
            let bigSize = total >= 512 << 20 ? 50_000_000 : Int(total / 10)
            while big >= Int64(bigSize) {
                let size = bigSize + random.below(max(1, bigSize * 6 / 5))
                sizes.append(size)
                big -= Int64(size)
            }
            return sizes + logNormalSizes(filling: total - Int64(sizes.reduce(0, +)), median: 70_000, sigma: 2.0,
                                          range: 2_048...12_000_000, random: &random)
        case .manySmall:
            return logNormalSizes(filling: total, median: 15_000, sigma: 0.8, range: 2_048...200_000, random: &random)
        }
    }

    private static func logNormalSizes(filling total: Int64, median: Double, sigma: Double, range: ClosedRange<Int>,
                                       random: inout SplitMix64) -> [Int] {
        var sizes: [Int] = []
        var left = total
        while left > Int64(range.lowerBound) {
            let size = min(Int(left), random.logNormal(median: median, sigma: sigma, range: range))
            sizes.append(size)
            left -= Int64(size)
        }
        return sizes
    }

    /// Each project's outcome, set by the worker that wrote it.
    final class ResultBox: Sendable {
        private let slots: Mutex<[Result<Summary, Error>?]>
        init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
        var values: [Result<Summary, Error>?] { slots.withLock { $0 } }
        func set(_ index: Int, _ value: Result<Summary, Error>) { slots.withLock { $0[index] = value } }
    }

    private static func writeProject(_ project: Int, _ sessions: [SessionPlan], pool: TextPool, configuration: Configuration) throws -> Summary {
        let folder = configuration.output + "/-home-dev-project-\(project)"
        try Directory.make(folder)
        var summary = Summary()
        var previousTurns: [UInt8] = []
        // A session is at least a turn, and a resumed one replays earlier
        // turns: small planned sizes overshoot, so a project stops once it
        // holds its planned bytes (the archive stays near --size).
        let planned = sessions.reduce(0) { $0 + $1.size }
        for plan in sessions where summary.bytes < Int64(planned) {
            var random = SplitMix64(seed: plan.seed)
            let sessionID = RecordWriterSeed.uuid(&random)
            let name = String(decoding: sessionID, as: UTF8.self)
            let version: StaticString = plan.layout == .inline ? "1.0.98" : plan.layout == .flatAgents ? "2.0.31" : "2.1.39"
            let agents = plan.layout == .inline || plan.size < 1 << 20 ? 0 : random.below(3)
            let agentSize = plan.size / 12
            let mainSize = plan.size - agents * agentSize
            let writer = RecordWriter(random: random, pool: pool, sessionID: sessionID,
                                      cwd: Array("/home/dev/project-\(project)".utf8), version: version, clock: project * 100_000)
            var generator = SessionGenerator(writer: writer, mcpShare: configuration.mcpShare)
            generator.maxSteps = configuration.shape.maxSteps
            let file = try SynthFile(path: folder + "/" + name + ".jsonl")
            if plan.replay && !previousTurns.isEmpty {
                // A resumed session starts by replaying earlier turns verbatim.
                try file.write(previousTurns)
            }
            let images = plan.size > 20 << 20
            try generator.fill(to: mainSize - file.written, inlineSidechains: plan.layout == .inline, images: images) { bytes in
                try file.write(bytes)
            }
            if plan.partialTail {
                try file.write(Array("{\"parentUuid\":null,\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"still being wri".utf8))
            }
            previousTurns = generator.replayable
            summary.secrets += generator.plantedSecrets
            try file.close()
            summary.files += 1
            summary.bytes += Int64(file.written)
            for agent in 0..<agents {
                var agentRandom = SplitMix64(seed: plan.seed &+ UInt64(agent + 1))
                let agentID = RecordWriterSeed.hex(&agentRandom, count: 7)
                var agentWriter = RecordWriter(random: agentRandom, pool: pool, sessionID: sessionID,
                                               cwd: Array("/home/dev/project-\(project)".utf8), version: version, clock: project * 100_000)
                agentWriter.sidechain = true
                agentWriter.agentID = agentID
                var agentGenerator = SessionGenerator(writer: agentWriter, mcpShare: configuration.mcpShare)
                agentGenerator.maxSteps = configuration.shape.maxSteps
                let path = plan.layout == .flatAgents
                    ? folder + "/agent-" + String(decoding: agentID, as: UTF8.self) + ".jsonl"
                    : folder + "/" + name + "/subagents/agent-a" + String(decoding: agentID, as: UTF8.self) + ".jsonl"
                if plan.layout == .subagentFolder {
                    try Directory.make(folder + "/" + name)
                    try Directory.make(folder + "/" + name + "/subagents")
                }
                let agentFile = try SynthFile(path: path)
                try agentGenerator.fill(to: agentSize, inlineSidechains: false, images: false) { try agentFile.write($0) }
                try agentFile.close()
                summary.secrets += agentGenerator.plantedSecrets
                summary.files += 1
                summary.bytes += Int64(agentFile.written)
            }
        }
        return summary
    }
}
