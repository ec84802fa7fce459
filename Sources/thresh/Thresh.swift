import ArgumentParser
import Foundation

/// `thresh`: turns Claude Code session archives into fine-tuning data.
struct Thresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresh",
        abstract: "Extract MCP tool-call turns from Claude Code sessions as fine-tuning data.",
        version: "0.1.0",
        subcommands: [Scan.self, Merge.self, Status.self, Stats.self, Verify.self, Export.self, Synth.self, Bench.self],
        defaultSubcommand: Scan.self)
}

/// A run that failed as a whole (exit code 1), as opposed to bad usage (2).
struct RunFailed: Error, CustomStringConvertible {
    var description: String
}

/// Bad usage found only once the run looked at its output folder (exit code 2).
struct BadUsage: Error, CustomStringConvertible {
    var description: String
}

@main
enum Main {
    static func main() {
        do {
            var command = try Thresh.parseAsRoot()
            try command.run()
        } catch let failure as RunFailed {
            FileHandle.standardError.write(Data("thresh: error: \(failure)\n".utf8))
            exit(1)
        } catch let usage as BadUsage {
            FileHandle.standardError.write(Data("thresh: error: \(usage)\n".utf8))
            exit(2)
        } catch {
            // Help and version requests print and succeed; everything else
            // here is bad usage.
            if Thresh.exitCode(for: error) == .success {
                print(Thresh.fullMessage(for: error))
                exit(0)
            }
            FileHandle.standardError.write(Data((Thresh.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
    }
}
