import Foundation
import ThresherExtract
import ThresherFormats
import ThresherJSON
import ThresherState
import ThresherStore

/// One part of a merge read as the bytes it holds: each example's record
/// (`state/model/`) and, for the JSONL formats, its shard line, paired in
/// write order, with where the example was met (its file and prompt line,
/// from the metadata). Nothing is decoded beyond those fields: the merge
/// copies lines and records as they are, which is what a scan of the whole
/// archive writes for the same example. CSV rows may span lines, so a CSV
/// part yields no lines (the merge formats its examples again).
struct MergePart {
    let folder: String
    let manifest: Manifest
    let format: OutputFormat

    struct Item {
        var id: String
        /// The index of the root the file was found under (the record's `root`).
        var root = 0
        var file: String
        var lineStart: Int
        var split: SplitName?
        var record: [UInt8]
        /// The shard line, newline included; nil for CSV.
        var line: [UInt8]?
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Calls `body` with each example in write order.
    func forEach(_ body: (Item) throws -> Void) throws {
        guard manifest.recordShards.reduce(0, { $0 + $1.records }) == manifest.examples else {
            throw OutputExamples.NoRecords(path: folder)
        }
        var streams: [String: OutputExamples.ShardLines] = [:]
        if format != .csv {
            for split in Set(manifest.shards.map { $0.split ?? "" }) {
                streams[split] = OutputExamples.ShardLines(
                    folder: folder, shards: manifest.shards.filter { ($0.split ?? "") == split }.map(\.name))
            }
        }
        var tape = JSONTape()
        for shard in manifest.recordShards {
            let path = folder + "/state/model/" + shard.name
            guard FileManager.default.fileExists(atPath: path) else { throw ReadError(description: "\(path): missing") }
            let records = try ShardLineReader(path: path, compression: .zstd)
            while var record = try records.next() {
                record.append(0x0A)
                var item = Item(id: "", file: "", lineStart: 0, split: nil, record: record)
                item.root = try root(of: item.record, path: path)
                if ExampleRecord.isDelta(item.record) {
                    // openai / messages: the place is in the line's metadata.
                    guard var stream = streams[""] else { throw ReadError(description: "\(folder): delta records but no shard lines") }
                    var line = try stream.next()
                    streams[""] = stream
                    try read(line, into: &item, tape: &tape, path: path)
                    line.append(0x0A)
                    item.line = line
                } else {
                    try read(item.record, into: &item, tape: &tape, path: path)
                    if var stream = streams[item.split?.rawValue ?? ""] {
                        var line = try stream.next()
                        line.append(0x0A)
                        item.line = line
                        streams[item.split?.rawValue ?? ""] = stream
                    } else if format != .csv {
                        throw ReadError(description: "\(folder): fewer shard lines than records")
                    }
                }
                try body(item)
            }
        }
    }

    /// A record's `root` (0 when absent): written last, so a record that
    /// has one ends `,"root":N}` (one without ends `]}` or `}}`).
    private func root(of record: [UInt8], path: String) throws -> Int {
        var end = record.count
        if end > 0, record[end - 1] == 0x0A { end -= 1 }
        guard end > 0, record[end - 1] == UInt8(ascii: "}") else { return 0 }
        var start = end - 1
        while start > 0, record[start - 1] >= 0x30, record[start - 1] <= 0x39 { start -= 1 }
        let key = Array(#","root":"#.utf8)
        guard start < end - 1, start >= key.count, Array(record[(start - key.count)..<start]) == key else { return 0 }
        guard let value = Int(String(decoding: record[start..<(end - 1)], as: UTF8.self)) else {
            throw ReadError(description: "\(path): a record with a bad root")
        }
        return value
    }

    /// The id and the metadata's file, prompt line and split of a record
    /// or shard line.
    private func read(_ bytes: [UInt8], into item: inout Item, tape: inout JSONTape, path: String) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            var body = buffer
            if body.last == 0x0A { body = UnsafeBufferPointer(rebasing: body.dropLast()) }
            do {
                try JSONParser.parse(body, into: &tape)
            } catch {
                throw ReadError(description: "\(path): an example that is not JSON: \(error)")
            }
            guard let id = tape.member(of: tape.root, "id", in: body), tape[id].kind == .string,
                  let metadata = tape.member(of: tape.root, "metadata", in: body), tape[metadata].kind == .object,
                  let file = tape.member(of: metadata, "file", in: body), tape[file].kind == .string,
                  let line = tape.member(of: metadata, "line_start", in: body), tape[line].kind == .number,
                  let lineStart = Int(String(decoding: UnsafeBufferPointer(rebasing: body[tape.valueRange(line)]), as: UTF8.self)) else {
                throw ReadError(description: "\(path): an example without id, metadata.file or metadata.line_start")
            }
            item.id = tape.decodeString(id, in: body)
            item.file = tape.decodeString(file, in: body)
            item.lineStart = lineStart
            if let split = tape.member(of: metadata, "split", in: body), tape[split].kind == .string {
                item.split = SplitName(rawValue: tape.decodeString(split, in: body))
            }
        }
    }
}
