import ArgumentParser
import Foundation
import ThresherExtract
import ThresherFormats
import ThresherPipeline
import ThresherScan
import ThresherState
import ThresherStore

extension OutputFormat: ExpressibleByArgument {}
extension Compression: ExpressibleByArgument {}
extension ReadMethod: ExpressibleByArgument {}

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan session archives and write deduplicated, compressed JSONL shards.",
        discussion: """
            ROOT is a folder of transcripts (walked recursively) or a single .jsonl file. \
            With no ROOT, $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects is scanned.
            Running the same command again on the same OUT adds only examples not already in it.
            Secrets are redacted by default; rules for --redact: \(RedactionRule.allCases.map(\.name).joined(separator: ", ")).
            """)

    @Argument(help: "Folders or files to scan, in dedup priority order.")
    var roots: [String] = []

    @Option(name: [.short, .customLong("output")], help: "Output folder (created 0700 if missing).")
    var output: String

    @Option(help: "Example format.")
    var format: OutputFormat = .openai

    @Option(help: "Shard compression: zstd, gzip or none.")
    var compression: Compression = .zstd

    @Option(help: "Compression level (zstd 1-19, default 3; gzip 1-9, default 6).")
    var level: Int?

    @Option(help: "Uncompressed bytes per shard, e.g. 128MiB, 500MB, 1G.")
    var shardSize: String = "128MiB"

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int = ScanConfiguration.availableCores

    @Option(help: "Seconds a file must be unmodified before a turn open at its end is taken (0: off).")
    var settle: Double = 60

    @Option(help: "Select turns calling tools matching these comma-separated globs (default mcp__*).")
    var tools: String?

    @Flag(help: "Select every complete turn with at least one call (wins over --tools).")
    var allTools = false

    @Flag(help: "Drop subagent (sidechain) conversations.")
    var noSidechains = false

    @Flag(help: "Keep assistant thinking as a `reasoning` field.")
    var keepThinking = false

    @Flag(help: "Write secrets as they are: turn redaction off (it is on by default).")
    var noRedact = false

    @Option(help: "Redact only these comma-separated rules (default: all). `thresh scan --help` lists them below.")
    var redact: String?

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    @Option(help: ArgumentHelp(
        "Scan only slice K of N (0 <= K < N): the files whose path relative to its root hashes to K. Fixed for OUT; join the slices with `thresh merge`.",
        valueName: "K/N"))
    var partition: String?

    @Flag(help: "Follow symbolic links while walking folders (with loop detection).")
    var followSymlinks = false

    @Flag(help: "Start OUT afresh: remove its shards, keys and manifest first.")
    var full = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr unless something failed.")
    var quiet = false

    @Flag(help: "Print the run report as JSON on stdout.")
    var json = false

    @Flag(help: "Show the progress line even when stderr is not a terminal.")
    var progress = false

    @Option(help: "Read method: read (pread, the default) or mmap (mapped windows).")
    var readMethod: ReadMethod?

    @Option(help: ArgumentHelp("Read chunk size in bytes.", visibility: .hidden))
    var chunkSize: Int?

    @Option(help: ArgumentHelp("Work unit size in bytes.", visibility: .hidden))
    var unitSize: Int?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard settle >= 0, settle.isFinite else { throw ValidationError("--settle must be a number of seconds >= 0") }
        if let level, !compression.levels.contains(level) {
            throw ValidationError("--level \(level) is out of range for \(compression) (\(compression.levels.lowerBound)-\(compression.levels.upperBound))")
        }
        guard let size = ByteSize.parse(shardSize), size > 0 else {
            throw ValidationError("--shard-size '\(shardSize)' is not a size (e.g. 128MiB, 500MB, 1G)")
        }
        if let tools, Self.globs(tools).isEmpty { throw ValidationError("--tools needs at least one glob") }
        _ = try redactionRules()
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1") }
        if let unitSize, unitSize < 1 { throw ValidationError("--unit-size must be at least 1") }
        _ = try parsedPartition()
        for root in effectiveRoots where !FileManager.default.fileExists(atPath: root) {
            throw ValidationError(roots.isEmpty
                ? "no ROOT given and the default archive \(root) does not exist"
                : "root \(root) does not exist")
        }
    }

    func parsedPartition() throws -> Partition? {
        guard let partition else { return nil }
        do {
            return try Partition(parsing: partition)
        } catch {
            throw ValidationError("--partition: \(error)")
        }
    }

    func redactionRules() throws -> RedactionRules {
        if noRedact {
            guard redact == nil else { throw ValidationError("--no-redact and --redact cannot be given together") }
            return .none
        }
        guard let redact else { return .all }
        do {
            return try RedactionRules.parse(redact)
        } catch {
            throw ValidationError("--redact: \(error)")
        }
    }

    var effectiveRoots: [String] {
        roots.isEmpty ? [ScanConfiguration.defaultRoot(environment: ProcessInfo.processInfo.environment)] : roots
    }

    static func globs(_ list: String) -> [String] {
        list.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    }

    func run() throws {
        var configuration = ScanConfiguration(roots: effectiveRoots, output: output)
        configuration.format = format
        configuration.compression = compression
        configuration.level = level ?? compression.defaultLevel
        configuration.shardSize = ByteSize.parse(shardSize)!
        configuration.jobs = jobs
        configuration.settle = settle
        if allTools {
            configuration.selector = .all
        } else if let tools {
            configuration.selector = .globs(Self.globs(tools))
        }
        configuration.includeSidechains = !noSidechains
        configuration.keepThinking = keepThinking
        configuration.redaction = try redactionRules()
        configuration.filters = try selection.filters()
        configuration.split = try selection.datasetSplit()
        configuration.partition = try parsedPartition()
        configuration.followSymlinks = followSymlinks
        configuration.fresh = full
        configuration.readMethod = readMethod
        if let chunkSize { configuration.chunkSize = chunkSize }
        if let unitSize { configuration.unitSize = Int64(unitSize) }

        let display = ProgressLine(enabled: !quiet && (progress || isatty(2) != 0), overwrite: isatty(2) != 0)
        configuration.progress = { display.update($0) }
        let report: ScanReport
        do {
            report = try ScanPipeline(configuration: configuration).run()
            display.finish()
        } catch let mismatch as OutputFolder.OptionMismatch {
            display.finish()
            throw BadUsage(description: mismatch.description)
        } catch {
            display.finish()
            throw RunFailed(description: "\(error)")
        }
        if json {
            FileHandle.standardOutput.write(Data(report.json()))
        }
        if !quiet {
            FileHandle.standardError.write(Data((report.summary() + "\n").utf8))
        } else if !report.problems.isEmpty {
            FileHandle.standardError.write(Data(report.problems.map { "thresh: warning: \($0)\n" }.joined().utf8))
        }
    }
}
