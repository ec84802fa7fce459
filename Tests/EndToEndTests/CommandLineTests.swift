import Foundation
import TestSupport
import Testing
import ThresherPipeline
import ThresherTools

/// `thresh` as a user runs it: exit codes and messages.
@Suite struct CommandLineTests {
    static func archive() -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("go", tool: "mcp__s__x", id: "c1")
        dir.write("p/s.jsonl", t.contents)
        return dir
    }

    @Test func aSuccessfulRunExitsZeroAndSummarizes() throws {
        let dir = Self.archive()
        let outcome = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/out", "--settle", "0", "--json"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("wrote 1 example in 1 shard to"))
        let report = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as! [String: Any]
        #expect(report["examples_written"] as? Int == 1)
        let quiet = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/out", "--settle", "0", "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
    }

    @Test(arguments: [
        (["scan", "/nonexistent/archive", "-o", "/tmp/x"], "root /nonexistent/archive does not exist"),
        (["scan", "ARCHIVE", "-o", "OUT", "--jobs", "0"], "--jobs must be at least 1"),
        (["scan", "ARCHIVE", "-o", "OUT", "--level", "42"], "--level 42 is out of range for zstd"),
        (["scan", "ARCHIVE", "-o", "OUT", "--compression", "gzip", "--level", "12"], "out of range for gzip"),
        (["scan", "ARCHIVE", "-o", "OUT", "--shard-size", "lots"], "--shard-size 'lots' is not a size"),
        (["scan", "ARCHIVE", "-o", "OUT", "--compression", "lz4"], "lz4"),
        (["scan", "ARCHIVE", "-o", "OUT", "--format", "yaml"], "yaml"),
        (["scan", "ARCHIVE", "-o", "OUT", "--settle", "-1"], "--settle"),
        (["scan", "ARCHIVE"], "--output"),
    ])
    func badUsageExitsTwo(_ arguments: [String], _ message: String) throws {
        let dir = Self.archive()
        let outcome = try ThreshCommand.run(arguments.map {
            $0.replacingOccurrences(of: "ARCHIVE", with: dir.path).replacingOccurrences(of: "OUT", with: dir.path + "/out")
        })
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test func anUnwritableOutputExitsOneNamingThePath() throws {
        let dir = Self.archive()
        dir.write("blocker", "a file where a folder should be")
        let outcome = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/blocker/out", "--settle", "0"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains(dir.path + "/blocker/out"), "\(outcome.stderr)")
    }

    @Test func progressGoesToStderrOnlyWhenAsked() throws {
        let dir = Self.archive()
        let plain = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/a", "--settle", "0"])
        #expect(!plain.stderr.contains("files, "))
        let asked = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/b", "--settle", "0", "--progress"])
        #expect(asked.stderr.contains("thresh: 1/1 files,"))
        #expect(asked.stderr.contains("MB/s, ETA"))
        let quiet = try ThreshCommand.run(["scan", dir.path, "-o", dir.path + "/c", "--settle", "0", "--progress", "--quiet"])
        #expect(quiet.stderr.isEmpty)
    }

    @Test func theDefaultRootFollowsClaudeConfigDir() {
        #expect(ScanConfiguration.defaultRoot(environment: ["CLAUDE_CONFIG_DIR": "/cfg", "HOME": "/home/u"]) == "/cfg/projects")
        #expect(ScanConfiguration.defaultRoot(environment: ["HOME": "/home/u"]) == "/home/u/.claude/projects")
        #expect(ScanConfiguration.defaultRoot(environment: ["CLAUDE_CONFIG_DIR": "", "HOME": "/home/u"]) == "/home/u/.claude/projects")
    }

    @Test func helpAndVersionSucceed() throws {
        let help = try ThreshCommand.run(["scan", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--shard-size"))
        #expect(try ThreshCommand.run(["--version"]).status == 0)
    }

    /// `thresh bench` end to end on a tiny archive: its files are written and
    /// well formed, the parse ceiling among them (what it measures is not
    /// asserted: timings are not tests).
    @Test func benchWritesItsReportFiles() throws {
        let dir = TemporaryDirectory()
        let out = dir.path + "/bench"
        let result = try ThreshCommand.run(["bench", "--synth", "3MiB", "--runs", "2", "--quick", "--python", "/nonexistent/python", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("round 2 of 2"))
        let markdown = try String(contentsOfFile: out + "/bench.md", encoding: .utf8)
        #expect(markdown.contains("| thresh, "))
        #expect(markdown.contains("floor: read + memchr"))
        let svg = try String(contentsOfFile: out + "/bench.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        #expect(svg.contains("best possible: ceiling + zstd 3"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/bench.json"))) as? [String: Any]
        let configurations = json?["configurations"] as? [[String: Any]]
        #expect(configurations?.count == 2)  // the main run and --no-redact
        // Cores busy: the child scans' CPU time over their wall time.
        #expect(markdown.contains("| cores busy |"))
        for configuration in configurations ?? [] {
            let busy = configuration["cores_busy"] as? Double ?? 0
            #expect(busy > 0.05 && busy < 64, "\(busy)")
        }
        #expect(json?["runs"] as? Int == 2)
        #expect(markdown.contains("parse ceiling / thresh"))
        #expect(markdown.contains("redaction cost"))
        // System calls per file, where strace is installed.
        #expect(markdown.contains("## System calls per file"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") {
            let perFile = json?["syscalls_per_file"] as? Double ?? 0
            #expect(perFile > 1 && perFile < 10_000, "\(perFile)")
            #expect((json?["syscalls"] as? [String: Int])?["openat"] ?? 0 > 0)
        }
    }

    /// The bench's parse ceiling reaches the scan's verdict on every kind of
    /// line (a BOM, CRLF, blank and indented lines, an array, bad JSON, a
    /// partial last line), so it validates what the scan validates.
    @Test func benchParseCeilingCountsWhatTheScanCounts() throws {
        let dir = TemporaryDirectory()
        let lines = [
            "\u{FEFF}{\"type\":\"system\",\"uuid\":\"u1\"}", "{\"type\":\"system\"}\r", "", "  \t", "  {\"type\":\"x\"}",
            "[1,2]", "{\"type\":", "{\"a\":1} x", "{\"a\":\"\u{1}\"}", "{\"a\":\"\\ud800\"}", "\u{FEFF}{\"late\":\"bom\"}",
        ]
        _ = dir.write("p/s.jsonl", lines.joined(separator: "\n") + "\n{\"partial\":")
        _ = dir.write("p/t.jsonl", "{}\n{\"ok\":[1,{\"b\":null}]}\n")
        let out = dir.path + "/bench"
        let result = try ThreshCommand.run(["bench", dir.path + "/p", "--runs", "1", "--quick", "--python", "/nonexistent/python", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/bench.json"))) as? [String: Any]
        let ceiling = json?["parse_ceiling"] as? [String: Any]
        #expect(json?["lines"] as? Int == 13)
        #expect(json?["malformed"] as? Int == 5)
        #expect(ceiling?["lines"] as? Int == 13)
        #expect(ceiling?["malformed"] as? Int == 5)
    }

    /// The bench's compression floor compresses exactly the lines a scan
    /// writes (those of an uncompressed, unredacted scan of the archive),
    /// and its lower bound is the ceiling's CPU time plus that, per core.
    @Test func benchCompressionFloorTakesTheScansShardLines() throws {
        let dir = TemporaryDirectory()
        var t = Transcript()
        for i in 0..<12 { t.turn("turn \(i)", id: "c\(i)", input: ["i": i]) }
        dir.write("p/session.jsonl", t.contents)
        let out = dir.path + "/bench"
        let result = try ThreshCommand.run(["bench", dir.path + "/p", "--runs", "1", "--quick", "--python", "/nonexistent/python", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/bench.json"))) as? [String: Any]
        let floor = json?["compression_floor"] as? [String: Any]
        let scan = try ThreshCommand.run(["scan", dir.path + "/p", "-o", dir.path + "/plain", "--compression", "none", "--no-redact", "--quiet"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let shards = dir.path + "/plain/shards"
        let lineBytes = try FileManager.default.contentsOfDirectory(atPath: shards).reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: shards + "/" + name)[.size] as? Int) ?? 0)
        }
        #expect(lineBytes > 0)
        #expect(floor?["line_bytes"] as? Int == lineBytes)
        let cores = json?["cores"] as? Int ?? 0
        let ceilingCPU = (json?["parse_ceiling"] as? [String: Any])?["cpu_seconds"] as? Double ?? -1
        let compressionCPU = floor?["cpu_seconds"] as? Double ?? -1
        let bound = (json?["lower_bound"] as? [String: Any])?["seconds"] as? Double ?? -1
        #expect(ceilingCPU >= 0 && compressionCPU > 0 && cores > 0)
        #expect(abs(bound - (ceilingCPU + compressionCPU) / Double(cores)) < 1e-9)
        #expect(try String(contentsOfFile: out + "/bench.md", encoding: .utf8).contains("lower bound at zstd 3 on \(cores) cores"))
    }

    @Test func theCommandExitsOneOnProblems() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        let run = try scan(t) { $0.compression = .zstd }
        #expect(try ThreshCommand.run(["verify", run.out]).status == 0)
        let shard = run.out + "/shards/part-00000.jsonl.zst"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: shard))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: shard))
        let outcome = try ThreshCommand.run(["verify", run.out])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("shards/part-00000.jsonl.zst"))
    }
}
