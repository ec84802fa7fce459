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
/// Three passes, with memory bounded by sorting on disk (`ExternalSorter`):
/// the first reads the parts (`MergePart`: records and shard lines, paired)
/// and sorts every occurrence by key, which gives each key's first one; the
/// second copies the lines and records FINAL lacks into a scratch file
/// (`ExampleSpill`) as the parts hold them, which is what one scan writes;
/// the third writes them
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
        /// Occurrences sorted in memory at once (32 bytes each); more go
        /// to disk in sorted runs.
        public var sortRunLength = 2 << 20
        /// New keys go to FINAL's key log in chunks of this many, ahead of
        /// the commit that makes them count.
        public var keyChunk = 1 << 20

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

    /// An example met: its key, its file (an index, then its rank in path
    /// order) and prompt line, and which part holds it where.
    struct Occurrence: BitwiseCopyable {
        var high: UInt64
        var low: UInt64
        var file: Int32
        var line: Int32
        var part: Int32
        var ordinal: Int32
    }

    /// A file as the merge orders them: its root's index, its relative path.
    struct FilePlace: Hashable {
        var root: Int
        var path: String
    }

    /// Where a chosen example's line and record lie in the scratch file.
    struct Piece: BitwiseCopyable {
        var offset: Int64
        var line: Int32
        var record: Int32
        /// Index into `SplitName.allCases`, or -1.
        var split: Int32
    }

    /// The chosen examples of one part, by position in it: a bit each, and
    /// counts per word to tell an example's index among the chosen.
    struct ChosenSet {
        private var bits: [UInt64]
        private var before: [Int32] = []

        init(count: Int) {
            bits = [UInt64](repeating: 0, count: (count + 63) / 64)
        }

        mutating func insert(_ position: Int) {
            bits[position >> 6] |= 1 << UInt64(position & 63)
        }

        func contains(_ position: Int) -> Bool {
            bits[position >> 6] & (1 << UInt64(position & 63)) != 0
        }

        mutating func finish() {
            var sum: Int32 = 0
            before = bits.map { word in
                defer { sum += Int32(word.nonzeroBitCount) }
                return sum
            }
        }

        /// How many chosen examples come before `position` in the part.
        func index(of position: Int) -> Int {
            let word = bits[position >> 6] & ((1 << UInt64(position & 63)) &- 1)
            return Int(before[position >> 6]) + word.nonzeroBitCount
        }
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

        let readers = zip(configuration.parts, manifests).map { MergePart(folder: $0, manifest: $1, format: format) }
        let (byKey, counts, rank) = try sortByKey(readers, folder: folder, configuration: configuration, report: &report)
        let (chosen, sortedByPlace) = try chooseFirsts(byKey, counts: counts, rank: rank, configuration: configuration,
                                                       directory: folder.statePath, report: &report)
        var byPlace = sortedByPlace
        let (spill, pieces) = try spillChosen(readers, chosen: chosen, format: format, directory: folder.statePath)
        let shards = SplitShardWriters(folder: folder, format: format, compression: compression,
                                       level: configuration.level ?? compression.defaultLevel, shardSize: configuration.shardSize)
        let records = ShardWriter.forRecords(folder: folder, shardSize: configuration.shardSize)
        let (keys, appendedKeys) = try writeInPlaceOrder(&byPlace, chosen: chosen, pieces: pieces, spill: spill,
                                                         shards: shards, records: records, folder: folder,
                                                         configuration: configuration, report: &report)
        report.examplesWritten = appendedKeys + keys.count
        let written = try shards.finish()
        report.shards = written.map(\.name)
        try folder.commit(shards: written, records: try records.finish(), keys: keys, appendedKeys: appendedKeys,
                          states: Array(folder.fileStates.values), run: runEntry(configuration, report))
        return report
    }

    /// Pass 1: every occurrence of every key, sorted by key on disk, with
    /// FINAL's keys among them (file -1: before any, so a key it holds is
    /// never chosen again; no hash set of them). Returns the examples per
    /// part and each file's rank in one scan's order (SPEC §5: roots as
    /// given, then paths bytewise).
    private static func sortByKey(_ readers: [MergePart], folder: OutputFolder, configuration: Configuration,
                                  report: inout Report) throws -> (ExternalSorter<Occurrence>.Merged, [Int], [Int32]) {
        // Files by root, then path relative to it: one scan's order.
        var files: [(root: Int, path: String)] = []
        var fileIndex: [FilePlace: Int32] = [:]
        var byKey = ExternalSorter<Occurrence>(directory: folder.statePath, runLength: configuration.sortRunLength) {
            ($0.high, $0.low) < ($1.high, $1.low)
        }
        var counts: [Int] = []
        for (part, reader) in readers.enumerated() {
            var ordinal: Int32 = 0
            try reader.forEach { item in
                guard let key = DedupKey(hex: item.id) else { throw Mismatch(description: "\(reader.folder): bad id \(item.id)") }
                let place = FilePlace(root: item.root, path: item.file)
                let file = fileIndex[place] ?? {
                    files.append((item.root, item.file))
                    fileIndex[place] = Int32(files.count - 1)
                    return Int32(files.count - 1)
                }()
                try byKey.append(Occurrence(high: key.high, low: key.low, file: file, line: Int32(clamping: item.lineStart),
                                            part: Int32(part), ordinal: ordinal))
                ordinal += 1
            }
            counts.append(Int(ordinal))
            report.examplesRead += Int(ordinal)
        }
        for key in folder.committedKeys {
            try byKey.append(Occurrence(high: key.high, low: key.low, file: -1, line: 0, part: -1, ordinal: 0))
        }
        var rank = [Int32](repeating: 0, count: files.count)
        let sorted = files.indices.sorted { a, b in
            files[a].root != files[b].root ? files[a].root < files[b].root
                : files[a].path.utf8Precedes(files[b].path)
        }
        for (order, file) in sorted.enumerated() {
            rank[file] = Int32(order)
        }
        return (try byKey.sorted(), counts, rank)
    }

    /// Each key's first occurrence in place order (file rank, line), unless
    /// FINAL holds the key: marked per part, and sorted again by place,
    /// FINAL's write order.
    private static func chooseFirsts(_ byKey: consuming ExternalSorter<Occurrence>.Merged, counts: [Int], rank: [Int32],
                                     configuration: Configuration, directory: String,
                                     report: inout Report) throws -> ([ChosenSet], ExternalSorter<Occurrence>.Merged) {
        var occurrences = byKey
        var chosen = counts.map { ChosenSet(count: $0) }
        var byPlace = ExternalSorter<Occurrence>(directory: directory, runLength: configuration.sortRunLength) {
            ($0.file, $0.line, $0.part, $0.ordinal) < ($1.file, $1.line, $1.part, $1.ordinal)
        }
        var best: Occurrence?
        var met = 0  // occurrences of best's key in the parts
        func settle() throws {
            guard let first = best, met > 0 else { return }
            report.duplicates += met - 1
            if first.part < 0 {
                report.alreadyInOutput += 1
                return
            }
            chosen[Int(first.part)].insert(Int(first.ordinal))
            try byPlace.append(first)
        }
        while var occurrence = try occurrences.next() {
            if occurrence.part >= 0 { occurrence.file = rank[Int(occurrence.file)] }
            if let current = best, current.high == occurrence.high, current.low == occurrence.low {
                if (occurrence.file, occurrence.line, occurrence.part, occurrence.ordinal)
                    < (current.file, current.line, current.part, current.ordinal) { best = occurrence }
            } else {
                try settle()
                best = occurrence
                met = 0
            }
            if occurrence.part >= 0 { met += 1 }
        }
        try settle()
        for index in chosen.indices { chosen[index].finish() }
        return (chosen, try byPlace.sorted())
    }

    /// Pass 2: the chosen examples' lines and records, as the parts hold
    /// them, into a scratch file (CSV rows formatted again from records),
    /// and where each lies, per part in part order (on disk too).
    private static func spillChosen(_ readers: [MergePart], chosen: [ChosenSet], format: OutputFormat,
                                    directory: String) throws -> (ExampleSpill, [ScratchArray<Piece>]) {
        let spill = try ExampleSpill(in: directory)
        var pieces: [ScratchArray<Piece>] = []
        var writer = JSONWriter(capacity: 1 << 16)
        for (part, reader) in readers.enumerated() {
            var ordinal = 0
            var placed = try ScratchArray<Piece>(directory: directory)
            try reader.forEach { item in
                defer { ordinal += 1 }
                guard chosen[part].contains(ordinal) else { return }
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
                let offset = spill.end
                _ = line!.withUnsafeBytes { spill.append($0) }
                _ = item.record.withUnsafeBytes { spill.append($0) }
                try placed.append(Piece(offset: offset, line: Int32(line!.count), record: Int32(item.record.count),
                                        split: item.split.map { Int32(SplitName.allCases.firstIndex(of: $0)!) } ?? -1))
            }
            pieces.append(placed)
        }
        spill.flush()
        if let failure = spill.failure { throw failure }
        return (spill, pieces)
    }

    /// Pass 3: the chosen written in place order; their keys go to FINAL's
    /// key log in chunks ahead of the commit. Returns the keys not yet
    /// logged and how many were.
    private static func writeInPlaceOrder(_ byPlace: inout ExternalSorter<Occurrence>.Merged, chosen: [ChosenSet],
                                          pieces: [ScratchArray<Piece>], spill: ExampleSpill, shards: SplitShardWriters,
                                          records: ShardWriter, folder: OutputFolder, configuration: Configuration,
                                          report: inout Report) throws -> ([DedupKey], Int) {
        var pieces = pieces
        var keys: [DedupKey] = []
        var appendedKeys = 0
        while let next = try byPlace.next() {
            let piece = try pieces[Int(next.part)].element(at: chosen[Int(next.part)].index(of: Int(next.ordinal)))
            let line = try spill.read(at: piece.offset, count: Int(piece.line))
            report.bytesWritten += Int64(line.count)
            try shards.write(line: line, split: piece.split < 0 ? nil : SplitName.allCases[Int(piece.split)])
            try records.write(line: try spill.read(at: piece.offset + Int64(piece.line), count: Int(piece.record)))
            keys.append(DedupKey(high: next.high, low: next.low))
            if keys.count >= configuration.keyChunk {
                try folder.appendKeys(keys)
                appendedKeys += keys.count
                keys.removeAll(keepingCapacity: true)
            }
        }
        return (keys, appendedKeys)
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
