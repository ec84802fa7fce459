import ThresherFormats
import Crypto
import Foundation
import ThresherExtract
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
        let present = OutputFolder.shardFiles(output + "/shards")
        for name in present.sorted() where !listed.contains(name) {
            report.problems.append("shards/\(name): not listed in the manifest")
        }
        for shard in manifest.shards {
            report.shards += 1
            let path = output + "/shards/" + shard.name
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("shards/\(shard.name): missing")
                continue
            }
            let bytes = Array(data)
            if Int64(bytes.count) != shard.bytes {
                report.problems.append("shards/\(shard.name): \(bytes.count) bytes, the manifest says \(shard.bytes)")
            }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            if digest != shard.sha256 { report.problems.append("shards/\(shard.name): SHA-256 differs from the manifest") }
            let plain: [UInt8]
            do {
                plain = try Decompressor.decompress(bytes, Decompressor.compression(ofShard: shard.name))
            } catch {
                report.problems.append("shards/\(shard.name): cannot decompress: \(error)")
                continue
            }
            if format == .csv {
                let records = CSVRecords.split(plain)
                if records.first.map({ Array($0.joined(separator: ",").utf8) + [0x0D, 0x0A] }) != format.shardHeader {
                    report.problems.append("shards/\(shard.name):1: not the CSV header")
                }
                for (index, fields) in records.enumerated().dropFirst() {
                    if fields.count != CSVRecords.columns { report.problems.append("shards/\(shard.name): record \(index): \(fields.count) fields, not \(CSVRecords.columns)") }
                    if !ids.insert(fields[0]).inserted { report.problems.append("shards/\(shard.name): record \(index): duplicate id \(fields[0])") }
                }
                if max(0, records.count - 1) != shard.records {
                    report.problems.append("shards/\(shard.name): \(max(0, records.count - 1)) records, the manifest says \(shard.records)")
                }
                report.examples += max(0, records.count - 1)
                continue
            }
            var lines = plain.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() } else { report.problems.append("shards/\(shard.name): last line has no newline") }
            var records = 0
            for (index, line) in lines.enumerated() {
                let location = "shards/\(shard.name):\(index + 1)"
                guard String(validating: line, as: UTF8.self) != nil else {
                    report.problems.append("\(location): not valid UTF-8")
                    continue
                }
                records += 1
                for problem in format.problems(inLine: Array(line), ids: &ids) {
                    report.problems.append("\(location): \(problem)")
                }
            }
            if records != shard.records {
                report.problems.append("shards/\(shard.name): \(records) records, the manifest says \(shard.records)")
            }
            report.examples += records
        }
        // The example records `thresh export` reads: present and intact.
        for shard in manifest.recordShards {
            let path = output + "/state/model/" + shard.name
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("state/model/\(shard.name): missing")
                continue
            }
            if SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() != shard.sha256 {
                report.problems.append("state/model/\(shard.name): SHA-256 differs from the manifest")
            }
        }
        if report.examples != manifest.examples && report.problems.isEmpty {
            report.problems.append("manifest.json: \(manifest.examples) examples listed, \(report.examples) found")
        }
        return report
    }
}
