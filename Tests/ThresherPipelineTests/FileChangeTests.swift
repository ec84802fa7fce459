import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherPipeline
@testable import ThresherScan
@testable import ThresherTools

/// Files that change while thresh reads them, and lines of many megabytes.
@Suite struct FileChangeTests {
    static func discovered(_ path: String) throws -> TranscriptFile {
        try #require(try Discovery().discover(roots: [path]).files.first)
    }

    static func settledConfiguration() -> ScanConfiguration {
        var configuration = ScanConfiguration(roots: [], output: "")
        configuration.settle = 0
        configuration.selector = .all
        return configuration
    }

    /// Phase 1 and 2 of one file, with `between` run after discovery.
    static func scanFile(_ file: TranscriptFile, method: ReadMethod, between: () throws -> Void = {}) throws -> FileResult {
        var configuration = settledConfiguration()
        configuration.readMethod = method
        let scan = FileScan(file: file, units: WorkUnit.plan(file: 0, size: file.size, unitSize: configuration.unitSize))
        try between()
        scan.open(configuration: configuration)
        var scanner = RecordScanner()
        for unit in scan.units {
            let (summary, read) = try scan.scanUnit(unit, scanner: &scanner, configuration: configuration)
            _ = scan.complete(unit, summary: summary, read: read)
        }
        return scan.assemble(configuration: configuration, now: Date().timeIntervalSince1970)
    }

    @Test(arguments: ReadMethod.allCases)
    func bytesAppendedAfterDiscoveryWaitForTheNextRun(method: ReadMethod) throws {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("one", id: "c1")
        let path = dir.write("s.jsonl", t.contents)
        let file = try Self.discovered(path)
        var more = t
        more.turn("two", id: "c2")
        let result = try Self.scanFile(file, method: method) {
            dir.overwrite("s.jsonl", more.contents)
        }
        #expect(result.examples.count == 1)
        #expect(result.bytesRead == Int64(t.contents.utf8.count))
        #expect(result.resumeOffset == Int64(t.contents.utf8.count))
        #expect(result.problem == nil)
    }

    @Test(arguments: ReadMethod.allCases)
    func aFileTruncatedAfterDiscoveryIsReadAsItIsNow(method: ReadMethod) throws {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("one", id: "c1")
        t.turn("two", id: "c2")
        let path = dir.write("s.jsonl", t.contents)
        let file = try Self.discovered(path)
        let result = try Self.scanFile(file, method: method) {
            dir.overwrite("s.jsonl", t.lines[0..<4].map { $0 + "\n" }.joined())
        }
        #expect(result.examples.count == 1)
        #expect(result.problem == nil)
    }

    /// A file of one turn, as discovered (keep `dir`: it removes the file when gone).
    static func oneTurnFile() throws -> (dir: TemporaryDirectory, path: String, file: TranscriptFile) {
        let dir = TemporaryDirectory()
        var t = Transcript()
        t.turn("one", id: "c1")
        let path = dir.write("s.jsonl", t.contents)
        return (dir, path, try discovered(path))
    }

    /// Phase 1 of a one-turn file, `change` applied to the file, then phase
    /// 2, reading its spans from the file, or from the bytes phase 1 kept
    /// in `kept`; phase 2 is offered `offered` instead when given.
    static func assemble(keeping kept: KeptBytes? = nil, offering offered: KeptBytes? = nil,
                         afterPhaseOne change: (_ path: String, _ size: Int) throws -> Void) throws -> FileResult {
        let (dir, path, file) = try oneTurnFile()
        defer { withExtendedLifetime(dir) {} }
        var configuration = Self.settledConfiguration()
        configuration.readMethod = .read
        let scan = FileScan(file: file, units: WorkUnit.plan(file: 0, size: file.size, unitSize: 1 << 20))
        scan.open(configuration: configuration)
        var scanner = RecordScanner()
        let (summary, read) = try scan.scanUnit(scan.units[0], scanner: &scanner, configuration: configuration, keepingIn: kept)
        _ = scan.complete(scan.units[0], summary: summary, read: read)
        try change(path, Int(file.size))
        return scan.assemble(configuration: configuration, now: Date().timeIntervalSince1970, kept: offered ?? kept)
    }

    /// With its bytes kept, phase 2 reads what phase 1 parsed: a rewrite
    /// or truncation between the phases changes nothing (the next run sees
    /// the new bytes). Kept for another file, or too big to keep, the
    /// bytes are not used: the change is noticed.
    @Test func aFileKeptByPhaseOneIsAssembledFromTheBytesItParsed() throws {
        let truncateToHalf: (String, Int) throws -> Void = { path, size in #expect(truncate(path, off_t(size / 2)) == 0) }
        for change in [Self.blankOut, truncateToHalf] {
            let kept = try Self.assemble(keeping: KeptBytes(limit: 1 << 20), afterPhaseOne: change)
            #expect(kept.examples.count == 1)
            #expect(kept.problem == nil)
            let tooSmall = try Self.assemble(keeping: KeptBytes(limit: 10), afterPhaseOne: change)
            #expect(tooSmall.examples.isEmpty)
            #expect(tooSmall.problem?.contains("file changed while being read") == true)
        }
        // Bytes another file's phase 1 kept are never read for this one.
        let other = KeptBytes(limit: 1 << 20)
        _ = try Self.assemble(keeping: other, afterPhaseOne: { _, _ in })
        let result = try Self.assemble(offering: other, afterPhaseOne: Self.blankOut)
        #expect(result.problem?.contains("file changed while being read") == true)
    }

    /// Same inode, new bytes: the spans phase 1 kept no longer hold JSON values.
    static func blankOut(_ path: String, _ size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(repeating: 0x20, count: size))
        try handle.close()
    }

    @Test func aFileRewrittenBetweenThePhasesIsReportedNotTrusted() throws {
        let result = try Self.assemble(afterPhaseOne: Self.blankOut)
        #expect(result.examples.isEmpty)
        #expect(result.problem?.contains("file changed while being read") == true)
    }

    @Test func aFileTruncatedBetweenThePhasesIsReportedNotTrusted() throws {
        let unchanged = try Self.assemble(afterPhaseOne: { _, _ in })
        #expect(unchanged.examples.count == 1)
        let result = try Self.assemble(afterPhaseOne: { path, size in
            #expect(truncate(path, off_t(size / 2)) == 0)
        })
        #expect(result.examples.isEmpty)
        #expect(result.problem?.contains("file changed while being read") == true)
    }

    /// Spans served from a turn's read-ahead runs and read one by one are
    /// the same bytes: inside a run, across gaps joined into one, in runs
    /// of their own, overlapping, past what the window holds, and outside.
    @Test func spansReadAheadMatchSpansReadAlone() throws {
        let dir = TemporaryDirectory()
        let size = 10 << 20
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let path = dir.write("bytes.bin", bytes)
        let fd = openForReading(path)
        defer { close(fd) }
        let spans = [
            (1_000, 10), (1_500, 300), (1_550, 100), (1_500, 300), (40_000, 5), (40_005, 20_000), (0, 1), (61_030, 7),
            (199_990, 10), (300_000, 5 << 20), (5 << 20 + 400_000, 4 << 20), (size - 10, 10),
            // Starts inside the run of the first two, ends past it.
            (1_700, 500),
        ].map { ByteSpan(offset: Int64($0.0), length: $0.1, kind: .string) }
        let source = PReadSpans(fd: fd, path: path)
        for window in [Array(spans[0..<2]), Array(spans[4..<6]), spans, spans.reversed(), Array(spans[9...]), []] {
            source.prefetch(window)
            for span in spans {
                let read = try source.withBytes(span) { Array($0) }
                #expect(read == Array(bytes[Int(span.offset)..<Int(span.offset) + span.length]))
            }
        }
        let beyond = ByteSpan(offset: Int64(size - 5), length: 10, kind: .string)
        source.prefetch([spans[5], beyond])
        #expect(throws: SpanDecoder.ChangedError.self) { try source.withBytes(beyond) { Array($0) } }
    }

    @Test(arguments: ReadMethod.allCases, [64, 1 << 16])
    func multiMegabyteLinesAreNormal(method: ReadMethod, chunk: Int) throws {
        var t = Transcript()
        let image = String(repeating: "iVBORw0KGgo", count: 300_000)  // ~3.3 MB
        t.user([text("Describe this"), ["type": "image", "source": ["type": "base64", "data": image]]])
        t.assistant("A", [use("c1", "mcp__vision__ocr", ["data": image])])
        t.result("c1", [text("a cat"), ["type": "image", "source": ["data": image]]])
        t.assistant("B", [text("A cat.")])
        let run = try scan(t) { $0.readMethod = method; $0.chunkSize = chunk; $0.unitSize = 1 << 20 }
        let messages = try #require(run.messages.first)
        #expect(messages[0]["content"] as? String == "Describe this\n\n[image]")
        let arguments = ((messages[1]["tool_calls"] as! [[String: Any]])[0]["function"] as! [String: Any])["arguments"] as! String
        #expect(arguments.utf8.count == image.utf8.count + 11)
        #expect(messages[2]["content"] as? String == "a cat\n[image]")
        #expect(run.report.counters.lines == 4)
    }

    /// The scheduler opens files ahead of their claim while a worker may
    /// reach the same file: however many threads call `open` at once, the
    /// file is opened once, and closing it leaves no descriptor behind.
    @Test func aFileOpenedFromManyThreadsIsOpenedOnce() throws {
        let (dir, path, file) = try Self.oneTurnFile()
        defer { withExtendedLifetime(dir) {} }
        let configuration = Self.settledConfiguration()
        let scan = FileScan(file: file, units: WorkUnit.plan(file: 0, size: file.size, unitSize: configuration.unitSize))
        DispatchQueue.concurrentPerform(iterations: 16) { _ in scan.open(configuration: configuration) }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        func descriptorsOnFile() -> Int {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == real }.count
        }
        #expect(scan.opening.fd >= 0)
        #expect(scan.opening.limit == file.size)
        #expect(descriptorsOnFile() == 1)
        scan.closeFile()
        #expect(descriptorsOnFile() == 0)
    }
}
