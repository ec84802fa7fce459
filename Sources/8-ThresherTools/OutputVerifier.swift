import Crypto
import Foundation
import ThresherExtract
import ThresherFormats
import ThresherJSON
import ThresherState
import ThresherStore

/// `thresh verify OUT`: everything a trainer would trip over, checked from
/// the files alone: the manifest (shards, sizes, SHA-256, counts), every line
/// valid UTF-8 JSON, ids unique across OUT, and the rules of the format.
public struct OutputVerifier {
    public struct Report: Sendable {
        public var shards = 0
        public var examples = 0
        /// `shard:line: rule` (or `shard: problem`), in shard and line order.
        public var problems: [String] = []
        /// Uncommitted leftovers of a run that was killed or is running now
        /// (`*.partial`, `*.tmp`): not part of OUT, removed by the next run.
        public var notes: [String] = []
        public var ok: Bool { problems.isEmpty }
    }

    public static func verify(output: String) throws -> Report {
        guard let (manifest, _) = try OutputFolder.peek(path: output) else { throw OutputStatus.NotAnOutput(path: output) }
        guard let format = OutputFormat(rawValue: manifest.format) else {
            throw OutputStatus.NotAnOutput(path: output + " (unknown format \(manifest.format))")
        }
        var report = Report()
        var ids = Set<String>()
        let listed = Set(manifest.shards.map(\.name))
        for name in OutputFolder.shardFiles(output + "/shards").sorted() where !listed.contains(name) {
            if name.hasSuffix(".partial") {
                report.notes.append("shards/\(name): not committed (a run was killed or is running); the next run removes it")
            } else {
                report.problems.append("shards/\(name): not listed in the manifest")
            }
        }
        for shard in manifest.shards {
            report.shards += 1
            guard let plain = readShard(shard, in: output + "/shards", problems: &report.problems) else { continue }
            let records = format == .csv
                ? checkCSV(plain, shard: shard.name, ids: &ids, problems: &report.problems)
                : checkJSONL(plain, format: format, shard: shard.name, ids: &ids, problems: &report.problems)
            if records != shard.records {
                report.problems.append("shards/\(shard.name): \(records) records, the manifest says \(shard.records)")
            }
            report.examples += records
        }
        // The example records `thresh export` reads: present and intact.
        for shard in manifest.recordShards {
            guard let data = FileManager.default.contents(atPath: output + "/state/model/" + shard.name) else {
                report.problems.append("state/model/\(shard.name): missing")
                continue
            }
            if sha256(Array(data)) != shard.sha256 {
                report.problems.append("state/model/\(shard.name): SHA-256 differs from the manifest")
            }
        }
        if report.examples != manifest.examples && report.problems.isEmpty {
            report.problems.append("manifest.json: \(manifest.examples) examples listed, \(report.examples) found")
        }
        return report
    }

    private static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// A shard's decompressed bytes, once its size and digest match the
    /// manifest's; nil (with the problem noted) when it cannot be read.
    private static func readShard(_ shard: ShardInfo, in folder: String, problems: inout [String]) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + shard.name) else {
            problems.append("shards/\(shard.name): missing")
            return nil
        }
        let bytes = Array(data)
        if Int64(bytes.count) != shard.bytes {
            problems.append("shards/\(shard.name): \(bytes.count) bytes, the manifest says \(shard.bytes)")
        }
        if sha256(bytes) != shard.sha256 { problems.append("shards/\(shard.name): SHA-256 differs from the manifest") }
        do {
            return try Decompressor.decompress(bytes, Decompressor.compression(ofShard: shard.name))
        } catch {
            problems.append("shards/\(shard.name): cannot decompress: \(error)")
            return nil
        }
    }

    /// Checks a CSV shard's header and records; returns the record count.
    private static func checkCSV(_ plain: [UInt8], shard: String, ids: inout Set<String>, problems: inout [String]) -> Int {
        let records = CSVRecords.split(plain)
        if records.first.map({ Array($0.joined(separator: ",").utf8) + [0x0D, 0x0A] }) != OutputFormat.csv.shardHeader {
            problems.append("shards/\(shard):1: not the CSV header")
        }
        for (index, fields) in records.enumerated().dropFirst() {
            if fields.count != CSVRecords.columns { problems.append("shards/\(shard): record \(index): \(fields.count) fields, not \(CSVRecords.columns)") }
            if !ids.insert(fields[0]).inserted { problems.append("shards/\(shard): record \(index): duplicate id \(fields[0])") }
        }
        return max(0, records.count - 1)
    }

    /// Checks every line of a JSONL shard against its format's rules;
    /// returns the count of lines that are valid UTF-8.
    private static func checkJSONL(_ plain: [UInt8], format: OutputFormat, shard: String, ids: inout Set<String>,
                                   problems: inout [String]) -> Int {
        var lines = plain.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() } else { problems.append("shards/\(shard): last line has no newline") }
        var records = 0
        for (index, line) in lines.enumerated() {
            let location = "shards/\(shard):\(index + 1)"
            guard String(validating: line, as: UTF8.self) != nil else {
                problems.append("\(location): not valid UTF-8")
                continue
            }
            records += 1
            for problem in format.problems(inLine: Array(line), ids: &ids) { problems.append("\(location): \(problem)") }
        }
        return records
    }
}
