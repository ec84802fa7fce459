import Foundation
import ThresherJSON
import ThresherScan
import ThresherState

/// `thresh status OUT`: what an output folder holds and what the next run
/// would read, found from file sizes alone (nothing is read).
public struct OutputStatus: Sendable {
    public var output: String
    public var format = ""
    public var compression = ""
    public var examples = 0
    public var shards = 0
    public var compressedBytes: Int64 = 0
    public var runs = 0
    public var lastRunStartedAt: String?
    public var roots: [String] = []
    public var filesTracked = 0
    public var filesPending = 0
    /// Files the next run would read, by why, and the bytes it would read.
    public var newFiles = 0
    public var grownFiles = 0
    public var settlingFiles = 0
    public var unchangedFiles = 0
    public var vanishedFiles = 0
    public var bytesToRead: Int64 = 0
    public var missingRoots: [String] = []

    public struct NotAnOutput: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) holds no thresh output (no manifest.json)" }
    }

    /// Reads OUT's manifest and cursors, walks the roots of its last run and
    /// compares sizes. `settle` decides whether pending turns are due.
    public static func inspect(output: String, settle: Double = 60, now: Double = Date().timeIntervalSince1970) throws -> OutputStatus {
        guard let (manifest, states) = try OutputFolder.peek(path: output) else { throw NotAnOutput(path: output) }
        var status = OutputStatus(output: output)
        status.format = manifest.format
        status.compression = manifest.compression
        status.examples = manifest.examples
        status.shards = manifest.shards.count
        status.compressedBytes = manifest.shards.reduce(0) { $0 + $1.bytes }
        status.runs = manifest.runs.count
        status.filesTracked = states.count
        status.filesPending = states.filter(\.pending).count
        if let last = manifest.runs.last {
            (status.lastRunStartedAt, status.roots) = Self.startAndRoots(ofRun: last)
        }
        let existing = status.roots.filter { FileManager.default.fileExists(atPath: $0) }
        status.missingRoots = status.roots.filter { !existing.contains($0) }
        let excluded = FileIdentity(path: output).map { Set([$0]) } ?? []
        let files = (try? Discovery(excluding: excluded).discover(roots: existing).files) ?? []
        let byPath = Dictionary(states.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        for file in files {
            seen.insert(file.path)
            guard let state = byPath[file.path] else {
                status.newFiles += 1
                status.bytesToRead += file.size
                continue
            }
            let settledNow = settle <= 0 || now - file.modificationTime >= settle
            if state.isUnchanged(file) && (!state.pending || !settledNow) {
                status.unchangedFiles += 1
            } else if state.isUnchanged(file) {
                status.settlingFiles += 1
                status.bytesToRead += file.size - state.cursor
            } else {
                status.grownFiles += 1
                // A file that shrank is read again whole; one that grew from its cursor.
                status.bytesToRead += file.size >= state.size ? file.size - state.cursor : file.size
            }
        }
        status.vanishedFiles = states.filter { !seen.contains($0.path) }.count
        return status
    }

    private static func startAndRoots(ofRun entry: String) -> (String?, [String]) {
        let bytes = Array(entry.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            guard (try? JSONParser.parse(buffer, into: &tape)) != nil, tape[tape.root].kind == .object else { return (nil, []) }
            let started = tape.member(of: tape.root, "started_at", in: buffer).map { tape.decodeString($0, in: buffer) }
            guard let roots = tape.member(of: tape.root, "roots", in: buffer), tape[roots].kind == .array else { return (started, []) }
            return (started, tape.elements(of: roots).map { tape.decodeString($0, in: buffer) })
        }
    }

    public var summary: String {
        func mb(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
        var lines = ["\(output): \(examples) examples in \(shards) shards (\(mb(compressedBytes)), \(format), \(compression))"]
        lines.append("  runs: \(runs)" + (lastRunStartedAt.map { ", last started \($0)" } ?? ""))
        lines.append("  files tracked: \(filesTracked) (\(filesPending) with a turn still pending)")
        lines.append("  roots: " + (roots.isEmpty ? "(none recorded)" : roots.joined(separator: ", ")))
        for root in missingRoots { lines.append("  root missing now: \(root)") }
        lines.append("  next run would read \(mb(bytesToRead)): \(newFiles) new, \(grownFiles) changed, \(settlingFiles) settling; \(unchangedFiles) unchanged; \(vanishedFiles) tracked files gone")
        return lines.joined(separator: "\n")
    }
}
