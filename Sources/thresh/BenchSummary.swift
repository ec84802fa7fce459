import Foundation
import ThresherJSON
import ThresherStore

/// Everything one `thresh bench` measured, rendered three ways.
struct BenchSummary {
    var archive: String
    var synthSeconds: Double?
    var runs: Int
    var cores: Int
    var results: [BenchResult]
    var floor: [ReferenceRun]
    var ceiling: [ReferenceRun]
    /// libzstd alone on the scan's shard lines.
    var compression: CompressionFloor.Run
    var python: Bench.BaselineRun?
    var idsMatch: Bool?
    var threshIDCount: Int
    var pythonIDCount: Int?
    /// One untimed run's system calls (nil without strace).
    var syscalls: SyscallCount?

    var main: BenchResult { results[0] }
    var floorMedian: ReferenceRun { floor.sorted { $0.seconds < $1.seconds }[floor.count / 2] }
    var floorMBps: Double { floorMedian.megabytesPerSecond }
    var ceilingMedian: ReferenceRun { ceiling.sorted { $0.seconds < $1.seconds }[ceiling.count / 2] }
    var ceilingMBps: Double { ceilingMedian.megabytesPerSecond }
    var pythonMBps: Double? { python.map { main.median.bytes / 1e6 / $0.seconds } }
    /// The least wall time a scan at zstd's default level can take on these
    /// cores: every line validated (the ceiling's CPU time) and every shard
    /// line compressed, spread over all cores, nothing else.
    var lowerBoundSeconds: Double { (ceilingMedian.cpuSeconds + compression.seconds) / Double(cores) }
    var lowerBoundMBps: Double { main.median.bytes / 1e6 / lowerBoundSeconds }

    /// (label, MB/s) bars for the chart: the three references, then each configuration, then the baseline.
    var bars: [(String, Double)] {
        var list = [("floor: read + memchr", floorMBps), ("parse ceiling: reader + tokenizer", ceilingMBps),
                    ("best possible: ceiling + zstd \(Compression.zstd.defaultLevel)", lowerBoundMBps)]
            + results.map { ($0.name, $0.megabytesPerSecond) }
        if let pythonMBps { list.append(("Python + orjson baseline", pythonMBps)) }
        return list
    }

    func markdownTable() -> String {
        var lines = ["| configuration | median s | MB/s | cores busy | lines/s | examples/s | peak RSS MB |", "|---|---:|---:|---:|---:|---:|---:|"]
        for result in results {
            let m = result.median
            lines.append(String(format: "| %@ | %.3f | %.0f | %.2f | %.0f | %.0f | %.0f |", result.name, m.wallSeconds,
                                result.megabytesPerSecond, m.coresBusy, m.lines / m.wallSeconds, m.examples / m.wallSeconds,
                                m.peakMemory / 1e6))
        }
        lines.append(String(format: "| floor: read + memchr, %d threads | %.3f | %.0f | | %.0f | | |", cores, floorMedian.seconds, floorMBps,
                            Double(floorMedian.lines) / floorMedian.seconds))
        lines.append(String(format: "| parse ceiling: line reader + tokenizer only, %d threads | %.3f | %.0f | | %.0f | | |", cores, ceilingMedian.seconds,
                            ceilingMBps, Double(ceilingMedian.lines) / ceilingMedian.seconds))
        if let python, let pythonMBps {
            lines.append(String(format: "| Python + orjson baseline, %d processes | %.3f | %.0f | | | %.0f | |", cores, python.seconds, pythonMBps,
                                Double(python.examples) / python.seconds))
        }
        return lines.joined(separator: "\n")
    }

    func write(to folder: String) throws {
        try Data(markdown().utf8).write(to: URL(fileURLWithPath: folder + "/bench.md"))
        try Data(svg().utf8).write(to: URL(fileURLWithPath: folder + "/bench.svg"))
        try Data(json()).write(to: URL(fileURLWithPath: folder + "/bench.json"))
    }

    /// The `--no-redact` run, beside the main one.
    var unredacted: BenchResult? { results.first { $0.name.hasSuffix("--no-redact") } }

    func markdown() -> String {
        var out = ["# thresh bench", ""]
        out.append("Archive: \(archive), \(String(format: "%.1f", main.median.bytes / 1e6)) MB, \(Int(main.median.lines)) lines. "
                   + "\(cores) cores; a warm-up round, then \(runs) rounds each running every configuration once (interleaved); medians.")
        if let synthSeconds { out.append(String(format: "Synthetic archive generated in %.2f s (%.0f MB/s).", synthSeconds, main.median.bytes / 1e6 / synthSeconds)) }
        out += ["", "![throughput](bench.svg)", "", markdownTable(), "", "## Ratios", ""]
        out.append(String(format: "- floor / thresh: %.2fx (the scan runs at %.0f%% of the speed of reading the bytes)",
                          floorMBps / main.megabytesPerSecond, 100 * main.megabytesPerSecond / floorMBps))
        out.append(String(format: "- parse ceiling / thresh: %.2fx (the scan runs at %.0f%% of the speed of validating every line, "
                          + "the part SPEC §2 makes unavoidable; floor / parse ceiling: %.2fx)",
                          ceilingMBps / main.megabytesPerSecond, 100 * main.megabytesPerSecond / ceilingMBps, floorMBps / ceilingMBps))
        out.append(String(format: "- lower bound at zstd %d on %d cores: (parse ceiling's %.2f s of CPU + libzstd's %.2f s for the %.1f MB "
                          + "of shard lines, %.0f MB/s on one thread) / %d = %.3f s, %.0f MB/s; the scan takes %.2fx that",
                          Compression.zstd.defaultLevel, cores, ceilingMedian.cpuSeconds, compression.seconds,
                          Double(compression.bytes) / 1e6, compression.megabytesPerSecond, cores, lowerBoundSeconds, lowerBoundMBps,
                          main.median.wallSeconds / lowerBoundSeconds))
        if let single = results.first(where: { $0.name.contains("1 job") }) {
            out.append(String(format: "- %d jobs vs 1 job: %.2fx", cores, single.median.wallSeconds / main.median.wallSeconds))
        }
        if let plain = unredacted {
            func assemble(_ r: BenchResult) -> Double { r.median.stages.first { $0.0 == "assemble" }?.1 ?? 0 }
            out.append(String(format: "- redaction cost: the default scan's wall time is %+.1f%% of --no-redact's (%.3f s vs %.3f s; "
                              + "phase 2, where redaction runs, %.3f s vs %.3f s summed over workers)",
                              100 * (main.median.wallSeconds / plain.median.wallSeconds - 1), main.median.wallSeconds,
                              plain.median.wallSeconds, assemble(main), assemble(plain)))
        }
        let formats = results.filter { $0.name.hasSuffix("messages") || $0.name.hasSuffix("sharegpt") || $0.name.hasSuffix("chatml")
            || $0.name.hasSuffix("alpaca") || $0.name.hasSuffix("unified") || $0.name.hasSuffix("csv") }
        if let slowest = formats.min(by: { $0.megabytesPerSecond < $1.megabytesPerSecond }) {
            out.append(String(format: "- slowest format vs openai: %@ at %.0f%% of openai's MB/s",
                              String(slowest.name.split(separator: " ").last ?? ""), 100 * slowest.megabytesPerSecond / main.megabytesPerSecond))
        }
        if let pythonMBps {
            let match = idsMatch == true ? "same \(threshIDCount) example ids" : "ids DIFFER (thresh \(threshIDCount), Python \(pythonIDCount ?? 0))"
            out.append(String(format: "- thresh / Python + orjson: %.2fx (%@)", main.megabytesPerSecond / pythonMBps, match))
        } else {
            out.append("- Python baseline: not run (needs a python with orjson and xxhash; `make bench` installs them)")
        }
        out += ["", "## Time per stage (\(main.name), median run)", "", "| stage | seconds |", "|---|---:|"]
        for (stage, seconds) in main.median.stages { out.append(String(format: "| %@ | %.3f |", stage, seconds)) }
        out.append("")
        out.append("`scan` (phase 1: lines, tokenizer, record summaries) and `assemble` (phase 2: streams, turns, decoding, formatting) are summed over worker threads; the others are wall time on the writer thread.")
        out += ["", "## System calls per file (\(main.name), one untimed run under `strace -c -f`)", ""]
        if let syscalls {
            out.append(String(format: "%d files read, %d calls: %.1f per file. ", syscalls.files, syscalls.total, syscalls.perFile)
                       + syscalls.calls.prefix(8).map { String(format: "%@ %.2f", $0.name, Double($0.count) / Double(max(1, syscalls.files))) }
                       .joined(separator: ", ") + " per file.")
        } else {
            out.append("Not counted: strace is not installed (`apt-get install strace`).")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A horizontal bar chart of MB/s, readable at a glance.
    func svg() -> String {
        let width = 760.0
        let labelWidth = 290.0
        let barHeight = 26.0
        let top = 40.0
        let maximum = bars.map(\.1).max() ?? 1
        var out = [String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"13\">",
                          width, top + Double(bars.count) * (barHeight + 8) + 20)]
        out.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Scan throughput, MB/s (higher is better)</text>")
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * (barHeight + 8)
            let length = (width - labelWidth - 80) * bar.1 / maximum
            let reference = bar.0.hasPrefix("floor") || bar.0.hasPrefix("parse") || bar.0.hasPrefix("best possible")
            let color = reference ? "#a8a8a8" : bar.0.hasPrefix("Python") ? "#e07b39" : "#3b78c2"
            out.append(String(format: "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%@</text>", labelWidth - 8, y + 18, bar.0))
            out.append(String(format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%@\"/>", labelWidth, y, max(1, length), barHeight, color))
            out.append(String(format: "<text x=\"%.1f\" y=\"%.0f\">%.0f</text>", labelWidth + length + 6, y + 18, bar.1))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("archive"); w.string(archive)
        w.key("bytes"); w.int(Int(main.median.bytes))
        w.key("lines"); w.int(Int(main.median.lines))
        w.key("malformed"); w.int(Int(main.median.malformed))
        w.key("cores"); w.int(cores)
        w.key("runs"); w.int(runs)
        w.key("configurations")
        w.beginArray()
        for result in results {
            let m = result.median
            w.beginObject()
            w.key("name"); w.string(result.name)
            w.key("median_seconds"); w.double(m.wallSeconds)
            w.key("all_seconds")
            w.beginArray()
            for report in result.reports { w.double(report.wallSeconds) }
            w.endArray()
            w.key("mb_per_s"); w.double(result.megabytesPerSecond)
            w.key("lines_per_s"); w.double(m.lines / m.wallSeconds)
            w.key("examples_per_s"); w.double(m.examples / m.wallSeconds)
            w.key("peak_rss_bytes"); w.int(Int(m.peakMemory))
            w.key("cores_busy"); w.double(m.coresBusy)
            w.key("stage_seconds")
            w.beginObject()
            for (stage, seconds) in m.stages { w.key(named: stage); w.double(seconds) }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key("floor")
        w.beginObject()
        w.key("median_seconds"); w.double(floorMedian.seconds)
        w.key("mb_per_s"); w.double(floorMBps)
        w.endObject()
        w.key("floor_over_thresh"); w.double(floorMBps / main.megabytesPerSecond)
        w.key("parse_ceiling")
        w.beginObject()
        w.key("median_seconds"); w.double(ceilingMedian.seconds)
        w.key("cpu_seconds"); w.double(ceilingMedian.cpuSeconds)
        w.key("mb_per_s"); w.double(ceilingMBps)
        w.key("lines"); w.int(ceilingMedian.lines)
        w.key("malformed"); w.int(ceilingMedian.malformed)
        w.endObject()
        w.key("parse_ceiling_over_thresh"); w.double(ceilingMBps / main.megabytesPerSecond)
        w.key("compression_floor")
        w.beginObject()
        w.key("line_bytes"); w.int(Int(compression.bytes))
        w.key("cpu_seconds"); w.double(compression.seconds)
        w.key("mb_per_s"); w.double(compression.megabytesPerSecond)
        w.endObject()
        w.key("lower_bound")
        w.beginObject()
        w.key("seconds"); w.double(lowerBoundSeconds)
        w.key("mb_per_s"); w.double(lowerBoundMBps)
        w.endObject()
        w.key("thresh_over_lower_bound"); w.double(main.median.wallSeconds / lowerBoundSeconds)
        if let python, let pythonMBps {
            w.key("python")
            w.beginObject()
            w.key("seconds"); w.double(python.seconds)
            w.key("mb_per_s"); w.double(pythonMBps)
            w.key("examples"); w.int(python.examples)
            w.key("ids_match"); w.bool(idsMatch == true)
            w.endObject()
            w.key("thresh_over_python"); w.double(main.megabytesPerSecond / pythonMBps)
        }
        if let single = results.first(where: { $0.name.contains("1 job") }) {
            w.key("jobs_speedup"); w.double(single.median.wallSeconds / main.median.wallSeconds)
        }
        if let plain = unredacted {
            w.key("redaction_cost"); w.double(main.median.wallSeconds / plain.median.wallSeconds - 1)
        }
        if let syscalls {
            w.key("syscalls_per_file"); w.double(syscalls.perFile)
            w.key("syscalls")
            w.beginObject()
            for call in syscalls.calls { w.key(named: call.name); w.int(call.count) }
            w.endObject()
        }
        w.endObject()
        w.newline()
        return w.bytes
    }
}
