import ArgumentParser
import Foundation
import ThresherState
import ThresherTools

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join output folders of one archive's slices (scan --partition K/N) into the output one scan of the whole would write.",
        discussion: """
            Each example FINAL gets is the occurrence of its dedup key met first in path order, \
            whichever part holds it; ids, lines and records are those a single scan writes. \
            Run it again after the parts grew: only new examples are added. Parts must agree on \
            every option that shapes examples (exit 2 otherwise).
            """)

    @Argument(help: "Output folders written by `thresh scan --partition K/N` (one per slice).")
    var parts: [String]

    @Option(name: [.short, .customLong("output")], help: "The merged output folder (created 0700 if missing).")
    var output: String

    @Option(help: "Uncompressed bytes per shard, e.g. 128MiB.")
    var shardSize: String = "128MiB"

    @Flag(name: .shortAndLong, help: "Print nothing on stderr unless something failed.")
    var quiet = false

    @Flag(help: "Print the merge report as JSON on stdout.")
    var json = false

    func validate() throws {
        guard !parts.isEmpty else { throw ValidationError("give at least one part") }
        for part in parts where !FileManager.default.fileExists(atPath: part + "/manifest.json") {
            throw ValidationError("\(part) is not a thresh output folder (no manifest.json)")
        }
        guard let size = ByteSize.parse(shardSize), size > 0 else { throw ValidationError("--shard-size '\(shardSize)' is not a size") }
    }

    func run() throws {
        var configuration = OutputMerger.Configuration(parts: parts, output: output)
        configuration.shardSize = ByteSize.parse(shardSize)!
        let clock = ContinuousClock()
        let started = clock.now
        let report: OutputMerger.Report
        do {
            report = try OutputMerger.merge(configuration)
        } catch let mismatch as OutputFolder.OptionMismatch {
            throw BadUsage(description: mismatch.description)
        } catch let mismatch as OutputMerger.Mismatch {
            throw BadUsage(description: mismatch.description)
        } catch {
            throw RunFailed(description: "\(error)")
        }
        let duration = (clock.now - started).components
        let seconds = Double(duration.seconds) + Double(duration.attoseconds) / 1e18
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peak = usage.ru_maxrss * 1024
        if json {
            let fields: [(String, String)] = [
                ("parts", "\(report.parts)"), ("examples_read", "\(report.examplesRead)"),
                ("duplicates", "\(report.duplicates)"), ("already_in_output", "\(report.alreadyInOutput)"),
                ("examples_written", "\(report.examplesWritten)"), ("bytes_written", "\(report.bytesWritten)"),
                ("shards_written", "\(report.shards.count)"), ("missing_slices", "\(report.missingSlices)"),
                ("wall_seconds", String(format: "%.3f", seconds)), ("peak_memory_bytes", "\(peak)"),
            ]
            print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
        if !report.missingSlices.isEmpty {
            FileHandle.standardError.write(Data(
                "thresh merge: warning: no part holds slice(s) \(report.missingSlices.map(String.init).joined(separator: ", ")): FINAL lacks their files\n".utf8))
        }
        if !quiet {
            FileHandle.standardError.write(Data(String(
                format: "thresh merge: %d parts, %d examples read, %d duplicates, %d already in %@, %d written in %d shards; %.2f s, %.0f examples/s, %.1f MB/s, peak %.0f MB\n",
                report.parts, report.examplesRead, report.duplicates, report.alreadyInOutput, output, report.examplesWritten,
                report.shards.count, seconds, Double(report.examplesRead) / max(seconds, 1e-9),
                Double(report.bytesWritten) / 1e6 / max(seconds, 1e-9), Double(peak) / 1e6).utf8))
        }
    }
}
