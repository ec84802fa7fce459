import Foundation
import ThresherExtract
import ThresherFormats
import ThresherJSON
import ThresherState
import ThresherStore
import ThresherSystem

/// `thresh merge PART… -o FINAL`: output folders of one archive's slices
/// (`thresh scan --partition K/N`) joined into one that holds exactly the
/// examples one scan of the whole archive would have written: the same
/// ids, lines and records, and, for each dedup key, the occurrence met
/// first in path order (SPEC §5: files in bytewise order of their path
/// relative to the root, lines in order), whichever part holds it.
///
/// Three passes: the first reads the parts (`MergePart`: records and shard
/// lines, paired) and finds each key's first occurrence; the second copies
/// the lines and records FINAL lacks into a scratch file (`ExampleSpill`)
/// as the parts hold them, which is what one scan writes; the third writes them
/// to FINAL in path order and commits like a scan does (killed at any
/// moment, FINAL is as before or merged; run again, the same result).
/// Incremental: keys FINAL already holds are never written again, so a
/// re-run after the parts grew adds only what is new.
public enum OutputMerger {
    public struct Configuration: Sendable {
        public var parts: [String]
        public var output: String
        public var level: Int?
        public var shardSize: Int64 = 128 << 20

        public init(parts: [String], output: String) {
            self.parts = parts
            self.output = output
        }
    }

    /// The parts cannot be merged (different options, slices that repeat).
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Report: Sendable {
        public var parts = 0
        public var examplesRead = 0
        /// Occurrences of a key met again later in path order (in any part).
        public var duplicates = 0
        /// First occurrences FINAL held already (an earlier merge).
        public var alreadyInOutput = 0
        public var examplesWritten = 0
        public var shards: [String] = []
        /// Slices of N that no part holds (`--partition`).
        public var missingSlices: [Int] = []
        public var bytesWritten: Int64 = 0
    }

    /// Where an example was met: its file (index into `files`) and prompt line.
    private struct Occurrence {
        var file: Int32
        var line: Int32
        var part: Int32
        var ordinal: Int32
    }

    public static func merge(_ configuration: Configuration) throws -> Report {
        var report = Report()
        report.parts = configuration.parts.count
        let manifests = try configuration.parts.map { part -> Manifest in
            guard let (manifest, _) = try OutputFolder.peek(path: part) else { throw OutputStatus.NotAnOutput(path: part) }
            return manifest
        }
        guard let format = OutputFormat(rawValue: manifests[0].format) else {
            throw Mismatch(description: "\(configuration.parts[0]): unknown format \(manifests[0].format)")
        }
        let options = try commonOptions(configuration.parts, manifests)
        report.missingSlices = try missingSlices(configuration.parts, manifests)
        let compression = Compression(rawValue: manifests[0].compression) ?? .zstd
        let folder = try OutputFolder(path: configuration.output, options: options, compression: compression.rawValue,
                                      fresh: false)
        defer { folder.unlock() }

        // Pass 1: each key's first occurrence in path order.
        let readers = zip(configuration.parts, manifests).map { MergePart(folder: $0, manifest: $1, format: format) }
        var files: [String] = []
        var fileIndex: [String: Int32] = [:]
        var first: [DedupKey: Occurrence] = [:]
        var counts: [Int] = []
        for (part, reader) in readers.enumerated() {
            var ordinal: Int32 = 0
            try reader.forEach { item in
                guard let key = DedupKey(hex: item.id) else { throw Mismatch(description: "\(reader.folder): bad id \(item.id)") }
                let file = fileIndex[item.file] ?? {
                    files.append(item.file)
                    fileIndex[item.file] = Int32(files.count - 1)
                    return Int32(files.count - 1)
                }()
                let occurrence = Occurrence(file: file, line: Int32(clamping: item.lineStart), part: Int32(part), ordinal: ordinal)
                if let met = first[key] {
                    report.duplicates += 1
                    if precedes(occurrence, met, files) { first[key] = occurrence }
                } else {
                    first[key] = occurrence
                }
                ordinal += 1
            }
            counts.append(Int(ordinal))
            report.examplesRead += Int(ordinal)
        }
        let committed = Set(folder.committedKeys)
        var chosen: [(key: DedupKey, at: Occurrence)] = []
        for (key, occurrence) in first {
            if committed.contains(key) { report.alreadyInOutput += 1 } else { chosen.append((key, occurrence)) }
        }
        first = [:]
        chosen.sort { precedes($0.at, $1.at, files) }
        // Where each chosen example goes in FINAL's write order, per part and ordinal.
        var rank = counts.map { [Int32](repeating: -1, count: $0) }
        for (index, entry) in chosen.enumerated() { rank[Int(entry.at.part)][Int(entry.at.ordinal)] = Int32(index) }

        // Pass 2: the chosen examples' lines and records, as the parts hold
        // them, into a scratch file (CSV rows formatted again from records).
        let spill = try ExampleSpill(in: folder.statePath)
        var pieces = [(line: SpilledBytes, record: SpilledBytes, split: SplitName?)?](repeating: nil, count: chosen.count)
        var writer = JSONWriter(capacity: 1 << 16)
        for (part, reader) in readers.enumerated() {
            var ordinal = 0
            try reader.forEach { item in
                defer { ordinal += 1 }
                let at = rank[part][ordinal]
                guard at >= 0 else { return }
                var line = item.line
                if line == nil {
                    let (id, example) = try ExampleRecord.decode(item.record)
                    writer.reset()
                    guard format.write(example, id: id, to: &writer) else {
                        throw Mismatch(description: "\(reader.folder): example \(id) does not fit its own format \(format)")
                    }
                    line = writer.bytes
                    writer.shrink(to: 1 << 16)
                }
                let spilledLine = line!.withUnsafeBytes { spill.append($0) }
                let spilledRecord = item.record.withUnsafeBytes { spill.append($0) }
                pieces[Int(at)] = (spilledLine, spilledRecord, item.split)
            }
            rank[part] = []
        }
        spill.flush()
        if let failure = spill.failure { throw failure }

        // Pass 3: written in path order, then committed.
        let shards = SplitShardWriters(folder: folder, format: format, compression: compression,
                                       level: configuration.level ?? compression.defaultLevel, shardSize: configuration.shardSize)
        let records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
        for (index, piece) in pieces.enumerated() {
            guard let piece else { throw Mismatch(description: "example \(chosen[index].key.hex) vanished from its part while merging") }
            let line = try piece.line.read()
            report.bytesWritten += Int64(line.count)
            try shards.write(line: line, split: piece.split)
            try records.write(line: try piece.record.read())
        }
        report.examplesWritten = chosen.count
        let written = try shards.finish()
        report.shards = written.map(\.name)
        try folder.commit(shards: written, records: try records.finish(), keys: chosen.map(\.key),
                          states: Array(folder.fileStates.values), run: runEntry(configuration, report))
        return report
    }

    /// Path order (SPEC §5): file path bytewise, then line; ties (a part
    /// given twice) by part and position in it.
    private static func precedes(_ a: Occurrence, _ b: Occurrence, _ files: [String]) -> Bool {
        if a.file != b.file {
            return files[Int(a.file)].utf8.lexicographicallyPrecedes(files[Int(b.file)].utf8)
        }
        if a.line != b.line { return a.line < b.line }
        return (a.part, a.ordinal) < (b.part, b.ordinal)
    }

    /// The options every part shares: all that shape examples must agree;
    /// `--partition` may differ and is left out (FINAL holds the whole).
    static func commonOptions(_ parts: [String], _ manifests: [Manifest]) throws -> [ShapingOption] {
        guard !parts.isEmpty else { throw Mismatch(description: "no parts to merge") }
        func shaping(_ index: Int) throws -> [ShapingOption] {
            guard let options = manifests[index].options else {
                throw Mismatch(description: "\(parts[index]) was written by a thresh before SPEC v1.2 (no options kept): scan it again with --full")
            }
            return options.filter { $0.name != ShapingOption.partitionName }
        }
        let reference = try shaping(0)
        for index in parts.indices.dropFirst() {
            let options = try shaping(index)
            for name in Set(reference.map(\.name) + options.map(\.name)).sorted() {
                let a = reference.first { $0.name == name }?.value ?? "(not set)"
                let b = options.first { $0.name == name }?.value ?? "(not set)"
                if a != b {
                    throw Mismatch(description: "\(parts[0]) was made with \(name) \(a) but \(parts[index]) with \(name) \(b): parts must agree on every option that shapes examples")
                }
            }
        }
        return reference
    }

    /// Slices of N no part holds; throws when parts split the archive
    /// differently or hold the same slice twice.
    static func missingSlices(_ parts: [String], _ manifests: [Manifest]) throws -> [Int] {
        var count: Int?
        var seen: [Int: String] = [:]
        for (index, manifest) in manifests.enumerated() {
            guard let value = manifest.options?.first(where: { $0.name == ShapingOption.partitionName })?.value else { continue }
            let slice = value.split(separator: "/").compactMap { Int($0) }
            guard slice.count == 2 else { throw Mismatch(description: "\(parts[index]): bad --partition \(value)") }
            if let count, count != slice[1] {
                throw Mismatch(description: "\(parts[index]) is slice \(value) but another part splits the archive into \(count)")
            }
            count = slice[1]
            if let other = seen[slice[0]] {
                throw Mismatch(description: "\(other) and \(parts[index]) are both slice \(value)")
            }
            seen[slice[0]] = parts[index]
        }
        guard let count else { return [] }
        return (0..<count).filter { seen[$0] == nil }
    }

    private static func runEntry(_ configuration: Configuration, _ report: Report) -> String {
        var entry = JSONWriter()
        entry.beginObject()
        entry.key("started_at"); entry.string(UTCTime.iso8601(Date().timeIntervalSince1970))
        entry.key("merge_of"); entry.strings(configuration.parts)
        entry.key("examples_read"); entry.int(report.examplesRead)
        entry.key("examples_written"); entry.int(report.examplesWritten)
        entry.key("shards_written"); entry.strings(report.shards)
        entry.endObject()
        return String(decoding: entry.bytes, as: UTF8.self)
    }
}
