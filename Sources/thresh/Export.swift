import ArgumentParser
import Foundation
import ThresherExtract
import ThresherFormats
import ThresherState
import ThresherStore
import ThresherTools

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an existing output folder's examples in another format, without reading the archive.")

    @Argument(help: "An output folder written by `thresh scan`.")
    var source: String

    @Option(help: "Format to write.")
    var format: OutputFormat

    @Option(name: [.short, .customLong("output")], help: "Output folder for the new format.")
    var output: String

    @Option(help: "Shard compression: zstd, gzip or none.")
    var compression: Compression = .zstd

    @Option(help: "Compression level.")
    var level: Int?

    @Option(help: "Uncompressed bytes per shard, e.g. 128MiB.")
    var shardSize: String = "128MiB"

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    func validate() throws {
        if let level, !compression.levels.contains(level) { throw ValidationError("--level \(level) is out of range for \(compression)") }
        guard let size = ByteSize.parse(shardSize), size > 0 else { throw ValidationError("--shard-size '\(shardSize)' is not a size") }
        guard FileManager.default.fileExists(atPath: source) else { throw ValidationError("\(source) does not exist") }
    }

    func run() throws {
        var configuration = OutputExporter.Configuration(source: source, output: output, format: format)
        configuration.compression = compression
        configuration.level = level ?? compression.defaultLevel
        configuration.shardSize = ByteSize.parse(shardSize)!
        configuration.filters = try selection.filters()
        configuration.split = try selection.datasetSplit()
        do {
            let report = try OutputExporter.export(configuration)
            var skipped = report.skippedByFormat > 0 ? ", \(report.skippedByFormat) the format cannot hold" : ""
            if report.filtered.total > 0 { skipped += ", \(report.filtered.total) filtered out" }
            FileHandle.standardError.write(Data(
                "thresh export: \(report.examplesRead) examples read, \(report.examplesWritten) written in \(report.shards.count) shards to \(output) (\(report.duplicates) already there\(skipped))\n".utf8))
        } catch let mismatch as OutputFolder.OptionMismatch {
            throw BadUsage(description: mismatch.description)
        } catch {
            throw RunFailed(description: "\(error)")
        }
    }
}
