import Benchmark
import Foundation
import ThresherPipeline
import ThresherExtract
import ThresherJSON
import ThresherScan
import ThresherStore
import ThresherSynth

/// Inputs made once, outside every measured block: a synthetic archive and
/// slices of it in memory.
final class Fixtures: @unchecked Sendable {
    static let shared = Fixtures()

    let archive: String
    /// The largest transcript of the archive.
    let bigFile: String
    let bigFileSize: Int
    /// Lines of the largest transcript (without their newlines).
    let lines: [[UInt8]]
    /// Formatted example lines and their canonical forms, from one scan.
    let exampleLines: [UInt8]
    let canonicalForms: [[UInt8]]

    private init() {
        let root = NSTemporaryDirectory() + "thresh-bench-\(getpid())"
        archive = root + "/archive"
        _ = try! SynthArchive.generate(.init(output: archive, size: 256 << 20, seed: 42, mcpShare: 0.3, jobs: 2))
        let files = try! Discovery().discover(roots: [archive]).files
        let big = files.max { $0.size < $1.size }!
        bigFile = big.path
        bigFileSize = Int(big.size)
        let data = try! Data(contentsOf: URL(fileURLWithPath: big.path))
        lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        var configuration = ScanConfiguration(roots: [archive], output: root + "/out")
        configuration.compression = .none
        _ = try! ScanPipeline(configuration: configuration).run()
        let shard = try! Data(contentsOf: URL(fileURLWithPath: root + "/out/shards/part-00000.jsonl"))
        exampleLines = Array(shard.prefix(32 << 20))
        canonicalForms = shard.split(separator: 0x0A).prefix(20_000).map(Array.init)
    }
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]
    Benchmark.defaultConfiguration = .init(metrics: metrics, maxDuration: .seconds(10), maxIterations: 20)
    let fixtures = Fixtures.shared
    let megabytes = fixtures.bigFileSize >> 20

    for method in ReadMethod.allCases {
        Benchmark("Line splitting, \(method), \(megabytes) MiB") { benchmark in
            let fd = open(fixtures.bigFile, O_RDONLY)
            defer { close(fd) }
            var lines = 0
            benchmark.startMeasurement()
            let result = try LineReader(method: method).forEachLine(
                fd: fd, path: fixtures.bigFile, range: 0..<Int64(fixtures.bigFileSize)) { _, _ in
                lines += 1
                return true
            }
            benchmark.stopMeasurement()
            blackHole(lines)
            blackHole(result)
        }
    }

    Benchmark("Tokenizer, record mix, \(megabytes) MiB") { benchmark in
        var tape = JSONTape()
        var nodes = 0
        for line in fixtures.lines {
            try? line.withUnsafeBufferPointer { try JSONParser.parse($0, into: &tape) }
            nodes &+= tape.count
        }
        blackHole(nodes)
    }

    Benchmark("Extraction of one file (phases 1 and 2), \(megabytes) MiB") { benchmark in
        var scanner = RecordScanner()
        var unit = UnitSummary()
        var offset: Int64 = 0
        for (index, line) in fixtures.lines.enumerated() {
            line.withUnsafeBufferPointer { scanner.scan(line: $0, offset: offset, lineIndex: index, into: &unit) }
            offset += Int64(line.count + 1)
        }
        let fd = open(fixtures.bigFile, O_RDONLY)
        defer { close(fd) }
        let decoder = SpanDecoder { span in
            var bytes = [UInt8](repeating: 0, count: span.length)
            _ = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, span.length, off_t(span.offset)) }
            return bytes
        }
        var assembler = TurnAssembler(configuration: .init(), file: "bench.jsonl", decoder: decoder)
        for record in unit.records { try assembler.feed(record, of: unit, line: record.line + 1) }
        _ = try assembler.finish(settled: true)
        blackHole(assembler.examples.count)
    }

    Benchmark("Dedup key (XXH3-128), \(fixtures.canonicalForms.count) examples") { benchmark in
        for form in fixtures.canonicalForms { blackHole(DedupKey(hashing: form)) }
    }

    for level in [1, 3, 6] {
        Benchmark("zstd level \(level), \(fixtures.exampleLines.count >> 20) MiB of examples") { benchmark in
            let compressor = try Compressor(.zstd, level: level)
            var total = 0
            try fixtures.exampleLines.withUnsafeBytes { bytes in
                var at = 0
                while at < bytes.count {
                    let end = min(bytes.count, at + (1 << 18))
                    total += try compressor.compress(UnsafeRawBufferPointer(rebasing: bytes[at..<end]), final: end == bytes.count).count
                    at = end
                }
            }
            blackHole(total)
        }
    }

    Benchmark("End-to-end scan, 256 MiB synthetic archive", configuration: .init(maxIterations: 5)) { benchmark in
        let out = NSTemporaryDirectory() + "thresh-bench-out-\(getpid())"
        var configuration = ScanConfiguration(roots: [fixtures.archive], output: out)
        configuration.fresh = true
        benchmark.startMeasurement()
        let report = try ScanPipeline(configuration: configuration).run()
        benchmark.stopMeasurement()
        blackHole(report.examplesWritten)
    }
}
