import ArgumentParser
import Foundation
import ThresherJSON
import ThresherPipeline
import ThresherSynth
import ThresherTools

extension SynthArchive.Shape: ExpressibleByArgument {}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic session archive (for benchmarks).")

    @Argument(help: "Folder to write the archive into (a projects/ tree).")
    var output: String

    @Option(help: "Approximate total size, e.g. 256MiB, 2GiB.")
    var size: String = "256MiB"

    @Option(help: "Seed: the same seed and size give the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Share of turns with at least one MCP call (0-1).")
    var mcpShare: Double = 0.3

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int = ScanConfiguration.availableCores

    @Option(help: "How bytes spread over files: realistic (like real archives), few-large (~60 files per GB), many-small (~25 000 per GB).")
    var shape: SynthArchive.Shape = .realistic

    @Option(help: "Write the secrets planted in the archive to FILE, one JSON string per line.")
    var secrets: String?

    func validate() throws {
        guard let bytes = ByteSize.parse(size), bytes > 0 else { throw ValidationError("--size '\(size)' is not a size") }
        guard bytes <= 1 << 40 else { throw ValidationError("--size is limited to 1 TiB") }
        guard (0...1).contains(mcpShare) else { throw ValidationError("--mcp-share must be between 0 and 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let configuration = SynthArchive.Configuration(
            output: output, size: ByteSize.parse(size)!, seed: seed, mcpShare: mcpShare, jobs: jobs, shape: shape)
        let summary: SynthArchive.Summary
        do {
            summary = try SynthArchive.generate(configuration)
        } catch {
            throw RunFailed(description: "\(error)")
        }
        if let secrets {
            var lines: [UInt8] = []
            for secret in summary.secrets {
                JSONWriter.appendQuoted(secret, to: &lines)
                lines.append(0x0A)
            }
            do {
                try Data(lines).write(to: URL(fileURLWithPath: secrets))
            } catch {
                throw RunFailed(description: "\(secrets): \(error)")
            }
        }
        let megabytes = Double(summary.bytes) / 1e6
        FileHandle.standardError.write(Data(String(
            format: "thresh synth: %d files, %.1f MB in %.2f s (%.0f MB/s) -> %@\n",
            summary.files, megabytes, summary.seconds, megabytes / max(summary.seconds, 1e-9), output).utf8))
    }
}
