import ArgumentParser
import Foundation
import ThresherJSON
import ThresherPipeline
import ThresherStore
import ThresherSynth

/// `thresh bench`: end-to-end throughput, measured beside a floor, a parse ceiling and a peer.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure end-to-end scan throughput; write bench.md, bench.svg and bench.json.",
        discussion: """
            A warm-up round runs every configuration once, then --runs timed rounds run them all again \
            (interleaved, so slow drift of the machine touches every configuration alike); medians are \
            reported. Every scan runs as its own `thresh scan` process so peak RSS is per run. Beside \
            them, in every timed round: the floor (the same files read and newline-counted with memchr, \
            in process, on all cores), the parse ceiling (the same files through thresh's line reader and \
            tokenizer only: every line validated, nothing else) and the Python + orjson baseline (Benchmarks/baselines/extract.py), \
            whose example ids must equal thresh's before the speed ratio is reported. Once, after the \
            rounds: libzstd alone compressing the scan's shard lines on one thread, which with the parse \
            ceiling's CPU time gives the least wall time any scan at that level needs on these cores.
            """)

    @Argument(help: "Archive to scan (default: the default archive, unless --synth is given).")
    var root: String?

    @Option(help: "Generate a synthetic archive of this size to scan instead (e.g. 2GiB).")
    var synth: String?

    @Option(help: "Shape of the --synth archive: realistic, few-large or many-small.")
    var shape: SynthArchive.Shape = .realistic

    @Option(help: "Seed for --synth.")
    var seed: UInt64 = 1

    @Option(help: "Timed runs per configuration.")
    var runs: Int = 3

    @Option(name: [.short, .customLong("output")], help: "Folder for bench.md, bench.svg and bench.json.")
    var output: String = "bench-out"

    @Option(help: "Python interpreter with orjson and xxhash for the baseline (skipped if it lacks them).")
    var python: String = "python3"

    @Option(help: "Path of the baseline script.")
    var baseline: String = "Benchmarks/baselines/extract.py"

    @Flag(help: "Only the main configuration, the floor, the parse ceiling and the baseline (no --jobs 1, compression or format variants).")
    var quick = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        if let synth, ByteSize.parse(synth) == nil { throw ValidationError("--synth '\(synth)' is not a size") }
        if synth != nil && root != nil { throw ValidationError("give either ROOT or --synth, not both") }
    }

    func run() throws {
        do {
            try measure()
        } catch let error as RunFailed {
            throw error
        } catch {
            throw RunFailed(description: "\(error)")
        }
    }

    private func measure() throws {
        let scratch = NSTemporaryDirectory() + "thresh-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let (archive, synthSeconds) = try prepareArchive(scratch: scratch)
        let cores = ScanConfiguration.availableCores
        let configurations = self.configurations(cores: cores)
        let rounds = try runRounds(configurations, archive: archive, scratch: scratch, cores: cores)
        let results = zip(configurations, rounds.reports).map { BenchResult(name: $0.name, reports: $1) }
        let python = rounds.python.sorted { $0.seconds < $1.seconds }.dropFirst(rounds.python.count / 2).first

        // Example ids from thresh, against the Python baseline's from the same files.
        let idsOut = scratch + "/ids-out"
        // The baseline does not redact, so ids are compared on unredacted examples.
        _ = try scanChild(archive: archive, out: idsOut, arguments: ["--compression", "none", "--no-redact"])
        let threshIDs = try Self.exampleIDs(shards: idsOut + "/shards")
        let pythonIDs = python.map { Set((try? String(contentsOfFile: $0.idsPath, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []) }

        log("timing libzstd alone on those shard lines (level \(Compression.zstd.defaultLevel), one thread)…")
        let compression = try CompressionFloor.measure(shards: idsOut + "/shards", level: Compression.zstd.defaultLevel)

        log("counting the main configuration's system calls (strace -c -f, untimed)…")
        let syscalls = SyscallCount.measure(archive: archive, out: scratch + "/strace-out", arguments: configurations[0].arguments)
        let summary = BenchSummary(
            archive: root ?? (synth.map { "synthetic \($0), \(shape.rawValue), seed \(seed)" } ?? archive),
            synthSeconds: synthSeconds, runs: runs, cores: cores, results: results,
            floor: rounds.floor, ceiling: rounds.ceiling, compression: compression, python: python, idsMatch: pythonIDs.map { $0 == threshIDs },
            threshIDCount: threshIDs.count, pythonIDCount: pythonIDs?.count, syscalls: syscalls)
        try summary.write(to: output)
        FileHandle.standardError.write(Data((summary.markdownTable() + "\nwrote \(output)/bench.md, bench.svg, bench.json\n").utf8))
    }

    /// The archive to measure: the one given, or a synthetic one generated
    /// into `scratch` (with the seconds that took).
    private func prepareArchive(scratch: String) throws -> (path: String, synthSeconds: Double?) {
        var archive = root ?? ScanConfiguration.defaultRoot(environment: ProcessInfo.processInfo.environment)
        var synthSeconds: Double?
        if let synth {
            archive = scratch + "/archive"
            log("generating a \(synth) synthetic archive (seed \(seed))…")
            let summary = try SynthArchive.generate(.init(output: archive, size: ByteSize.parse(synth)!, seed: seed,
                                                          jobs: ScanConfiguration.availableCores, shape: shape))
            synthSeconds = summary.seconds
        }
        guard FileManager.default.fileExists(atPath: archive) else { throw RunFailed(description: "\(archive) does not exist") }
        return (archive, synthSeconds)
    }

    /// The `thresh scan` settings measured: the defaults, without redaction
    /// (its cost is the difference), and unless `--quick` the other jobs,
    /// levels, compressions and formats.
    private func configurations(cores: Int) -> [(name: String, arguments: [String])] {
        var configurations: [(name: String, arguments: [String])] = [
            ("thresh, \(cores) jobs, zstd 3", ["--jobs", "\(cores)"]),
            ("thresh, \(cores) jobs, zstd 3, --no-redact", ["--jobs", "\(cores)", "--no-redact"]),
        ]
        guard !quick else { return configurations }
        configurations += [
            ("thresh, 1 job, zstd 3", ["--jobs", "1"]),
            ("thresh, \(cores) jobs, zstd 1", ["--jobs", "\(cores)", "--level", "1"]),
            ("thresh, \(cores) jobs, zstd 6", ["--jobs", "\(cores)", "--level", "6"]),
            ("thresh, \(cores) jobs, gzip 6", ["--jobs", "\(cores)", "--compression", "gzip"]),
        ]
        // Every other format at the main settings: formatting must not become the bottleneck.
        for format in ["messages", "sharegpt", "chatml", "alpaca", "unified", "csv"] {
            configurations.append(("thresh, \(cores) jobs, zstd 3, \(format)", ["--jobs", "\(cores)", "--format", format]))
        }
        return configurations
    }

    /// What the timed rounds measured, per configuration and reference.
    private struct Rounds {
        var reports: [[ChildReport]]
        var floor: [ReferenceRun] = []
        var ceiling: [ReferenceRun] = []
        var python: [BaselineRun] = []
    }

    /// Round 0 warms the page cache and every code path; rounds 1...runs
    /// are timed. Each round runs every configuration once, so this VM's
    /// drift over minutes falls on all of them alike rather than on
    /// whichever happened to run last, and the ratios stay meaningful.
    private func runRounds(_ configurations: [(name: String, arguments: [String])], archive: String, scratch: String,
                           cores: Int) throws -> Rounds {
        let out = scratch + "/out"
        var rounds = Rounds(reports: [[ChildReport]](repeating: [], count: configurations.count))
        let baselineReady = baselineAvailable()
        for round in 0...runs {
            log(round == 0 ? "warm-up round: every configuration once…" : "round \(round) of \(runs)…")
            for (index, configuration) in configurations.enumerated() {
                let report = try scanChild(archive: archive, out: out, arguments: configuration.arguments)
                if round > 0 { rounds.reports[index].append(report) }
            }
            let floor = try NewlineFloor.measure(root: archive, threads: cores)
            let ceiling = try ParseCeiling.measure(root: archive, threads: cores)
            guard round > 0 else { continue }
            rounds.floor.append(floor)
            rounds.ceiling.append(ceiling)
            if baselineReady { rounds.python.append(try runBaseline(archive: archive, scratch: scratch)) }
        }
        return rounds
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("thresh bench: \(message)\n".utf8))
    }

    /// Runs `thresh scan` on a fresh OUT in its own process and reads its report.
    private func scanChild(archive: String, out: String, arguments: [String]) throws -> ChildReport {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["scan", archive, "-o", out, "--full", "--json", "--quiet"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RunFailed(description: "thresh scan \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return try ChildReport(json: Array(data))
    }

    struct BaselineRun {
        var seconds: Double
        var examples: Int
        var idsPath: String
    }

    /// Whether the baseline script and a Python with orjson and xxhash are there.
    private func baselineAvailable() -> Bool {
        guard FileManager.default.fileExists(atPath: baseline) else {
            log("baseline \(baseline) not found: skipped")
            return false
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [python, "-c", "import orjson, xxhash"]
        check.standardError = FileHandle.nullDevice
        try? check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            log("\(python) lacks orjson or xxhash (make bench installs them): baseline skipped")
            return false
        }
        return true
    }

    private func runBaseline(archive: String, scratch: String) throws -> BaselineRun {
        log("Python + orjson baseline…")
        let ids = scratch + "/python-ids.txt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, baseline, scratch + "/python-out.jsonl", ids, archive]
        let pipe = Pipe()
        process.standardOutput = pipe
        let started = ContinuousClock.now
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        guard process.terminationStatus == 0 else { throw RunFailed(description: "the Python baseline failed") }
        let examples = Int((try? ChildReport.topLevelNumbers(Array(data)))?["examples"] ?? 0)
        return BaselineRun(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                           examples: examples, idsPath: ids)
    }

    /// The `id` of every example in uncompressed shards.
    static func exampleIDs(shards: String) throws -> Set<String> {
        var ids = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: shards) {
            let data = try Data(contentsOf: URL(fileURLWithPath: shards + "/" + name))
            for line in data.split(separator: 0x0A) {
                // Every line starts {"id":"<32 hex>"
                ids.insert(String(decoding: line.dropFirst(7).prefix(32), as: UTF8.self))
            }
        }
        return ids
    }
}
