import ArgumentParser
import Foundation
import ThresherTools

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a dataset holds: splits, feedback, calls and errors per server and tool, sizes, months.",
        discussion: "Reads the output folder's examples (never the archive). Tables on stdout by default.")

    @Argument(help: "An output folder written by `thresh scan` or `thresh export`.")
    var output: String

    @Flag(help: "Print the statistics as JSON instead of tables.")
    var json = false

    @Option(help: "Also write a self-contained HTML page with charts to FILE.")
    var html: String?

    func run() throws {
        do {
            let stats = try DatasetStats.read(output: output)
            if json {
                FileHandle.standardOutput.write(Data(stats.json()))
            } else {
                print(stats.table())
            }
            if let html {
                try Data(StatsPage.render(stats).utf8).write(to: URL(fileURLWithPath: html))
                if !json { FileHandle.standardError.write(Data("thresh stats: wrote \(html)\n".utf8)) }
            }
        } catch {
            throw RunFailed(description: "\(error)")
        }
    }
}
