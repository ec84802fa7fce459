import ArgumentParser
import Foundation
import ThresherTools

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what an output folder holds and how much the next run would read (reads no transcript).")

    @Argument(help: "The output folder of earlier `thresh scan` runs.")
    var output: String

    @Option(help: "The --settle of the next run, to tell whether pending turns are due.")
    var settle: Double = 60

    func run() throws {
        do {
            print(try OutputStatus.inspect(output: output, settle: settle).summary)
        } catch {
            throw RunFailed(description: "\(error)")
        }
    }
}
