import ArgumentParser
import Foundation
import ThresherTools

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an output folder: manifest, SHA-256, every line, unique ids, the format's rules.",
        discussion: "Exits 1 and lists shard:line: rule for every problem found.")

    @Argument(help: "The output folder to check.")
    var output: String

    func run() throws {
        let report: OutputVerifier.Report
        do {
            report = try OutputVerifier.verify(output: output)
        } catch {
            throw RunFailed(description: "\(error)")
        }
        for note in report.notes { print("note: " + note) }
        if report.ok {
            print("thresh verify: \(output) ok: \(report.examples) examples in \(report.shards) shards")
            return
        }
        for problem in report.problems.prefix(100) { print(problem) }
        if report.problems.count > 100 { print("… and \(report.problems.count - 100) more") }
        throw RunFailed(description: "\(report.problems.count) problems in \(output)")
    }
}
