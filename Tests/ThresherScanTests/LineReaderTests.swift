import Foundation
import TestSupport
import Testing
@testable import ThresherScan
@testable import ThresherSystem

#if canImport(Glibc)
#endif

/// Every read path at every chunk size against a naive oracle.
@Suite struct LineReaderTests {
    struct Line: Equatable {
        var bytes: [UInt8]
        var offset: Int64
    }

    /// The oracle: split on `\n`, the tail after the last one is partial.
    static func naiveLines(_ bytes: [UInt8], from: Int = 0) -> (lines: [Line], end: Int64) {
        var lines: [Line] = []
        var start = from
        for i in from..<bytes.count where bytes[i] == 0x0A {
            lines.append(Line(bytes: Array(bytes[start..<i]), offset: Int64(start)))
            start = i + 1
        }
        return (lines, Int64(start))
    }

    static let cases: [(String, [UInt8])] = {
        var r = SeededRandom(state: 3)
        var mixed: [UInt8] = []
        for _ in 0..<200 {
            mixed += (0..<r.below(300)).map { _ in UInt8(0x20 + r.below(90)) }
            mixed.append(0x0A)
        }
        return [
            ("empty", []),
            ("no newline", Array("{\"a\":1}".utf8)),
            ("only newlines", Array("\n\n\n".utf8)),
            ("crlf", Array("a\r\nb\r\n".utf8)),
            ("partial tail", Array("one\ntwo\nthr".utf8)),
            ("mixed lengths", mixed),
            ("3 MB line", Array("x\n".utf8) + [UInt8](repeating: 0x61, count: 3 << 20) + Array("\nend\npart".utf8)),
        ]
    }()

    /// Reads each case's file with `read`, which collects the lines it
    /// is handed, and checks them and the result against the oracle.
    private static func checkEveryCase(
        chunk: Int,
        _ read: (_ name: String, _ bytes: [UInt8], _ fd: Int32, _ path: String, _ seen: inout [Line]) throws -> LineReadResult
    ) throws {
        let dir = TemporaryDirectory()
        for (name, bytes) in cases {
            // Big inputs at tiny chunk sizes only cost time, not coverage.
            if bytes.count > 1 << 20 && chunk < 64 { continue }
            let path = dir.write(name, bytes)
            let fd = openForReading(path)
            defer { close(fd) }
            var seen: [Line] = []
            let result = try read(name, bytes, fd, path, &seen)
            let expected = naiveLines(bytes)
            #expect(seen == expected.lines, "\(name)")
            #expect(result.endOfLastLine == expected.end, "\(name)")
            #expect(result.partialBytes == Int64(bytes.count) - expected.end, "\(name)")
            #expect(!result.truncated)
        }
    }

    /// 5 000 short lines, for the tests that stop or start part way.
    static let numberedLines = Array((0..<5000).map { "line \($0)\n" }.joined().utf8)

    @Test(arguments: ReadMethod.allCases, [1, 2, 7, 64, 4096])
    func matchesTheOracle(method: ReadMethod, chunk: Int) throws {
        try Self.checkEveryCase(chunk: chunk) { _, bytes, fd, path, seen in
            try LineReader(method: method, chunkSize: chunk).forEachLine(fd: fd, path: path, range: 0..<Int64(bytes.count)) { line, offset in
                seen.append(Line(bytes: Array(line), offset: offset))
                return true
            }
        }
    }

    /// A range read whole into a `KeptBytes` hands over the same lines,
    /// with or without a measuring callback, and keeps every byte of it
    /// afterwards, the partial tail included; the buffer is reused for the
    /// next case without growing past what the largest needed.
    @Test(arguments: [1, 7, 64, 4096])
    func keptRangesMatchTheOracleAndKeepTheirBytes(chunk: Int) throws {
        let kept = KeptBytes(limit: 4 << 20)
        for measuring in [false, true] {
            try Self.checkEveryCase(chunk: chunk) { name, bytes, fd, path, seen in
                let reader = LineReader(method: .read, chunkSize: chunk)
                let range = 0..<Int64(bytes.count)
                let result = try measuring
                    ? reader.forEachLine(fd: fd, path: path, range: range, keepingIn: kept, measuring: { _, _ in .unknown }) { line, offset in
                        seen.append(Line(bytes: Array(line), offset: offset))
                        return true
                    }
                    : reader.forEachLine(fd: fd, path: path, range: range, keepingIn: kept) { line, offset in
                        seen.append(Line(bytes: Array(line), offset: offset))
                        return true
                    }
                #expect(kept.offset == 0 && Array(kept.bytes) == bytes, "\(name)")
                return result
            }
        }
        #expect(kept.storage.count <= 4 << 20)
    }

    /// Kept from a cursor on, and from a file that shrank while read: the
    /// bytes kept are those read, from the range's start.
    @Test func keptRangesStartAtTheirCursorAndEndWhereTheFileDid() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("f", Self.numberedLines)
        let fd = openForReading(path)
        defer { close(fd) }
        let kept = KeptBytes(limit: 1 << 20)
        var offsets: [Int64] = []
        let from = Int64(Self.numberedLines.count / 2)
        let start = Int64(Self.numberedLines[Int(from)...].firstIndex(of: 0x0A)! + 1)
        _ = try LineReader(method: .read, chunkSize: 64).forEachLine(
            fd: fd, path: path, range: start..<Int64(Self.numberedLines.count), keepingIn: kept) { _, offset in
            offsets.append(offset)
            return true
        }
        #expect(kept.offset == start && Array(kept.bytes) == Array(Self.numberedLines[Int(start)...]))
        #expect(offsets == Self.naiveLines(Self.numberedLines, from: Int(start)).lines.map(\.offset))

        let short = dir.write("g", "a\nb\nc\n")
        let shortFD = openForReading(short)
        defer { close(shortFD) }
        let result = try LineReader(method: .read, chunkSize: 4).forEachLine(fd: shortFD, path: short, range: 0..<100, keepingIn: kept) { _, _ in true }
        #expect(result.truncated && result.endOfLastLine == 6)
        #expect(kept.offset == 0 && Array(kept.bytes) == Array("a\nb\nc\n".utf8))
    }

    /// Lines longer than `mapLinesAbove` are handed over from a mapping of
    /// their own (with or without a measuring callback, which never sees
    /// them): the same lines at the same offsets.
    @Test(arguments: [1, 7, 64, 4096], [0, 5, 100] as [Int64])
    func mappedLongLinesMatchTheOracle(chunk: Int, mapAbove: Int64) throws {
        let reader = LineReader(method: .read, chunkSize: chunk, mapLinesAbove: mapAbove)
        try Self.checkEveryCase(chunk: chunk) { _, bytes, fd, path, seen in
            try reader.forEachLine(fd: fd, path: path, range: 0..<Int64(bytes.count)) { line, offset in
                seen.append(Line(bytes: Array(line), offset: offset))
                return true
            }
        }
        try Self.checkEveryCase(chunk: chunk) { _, bytes, fd, path, seen in
            try reader.forEachLine(fd: fd, path: path, range: 0..<Int64(bytes.count), measuring: { _, _ in .unknown }) { line, offset in
                seen.append(Line(bytes: Array(line), offset: offset))
                return true
            }
        }
    }

    /// A mapped long line's pages given back behind a parser read the
    /// same when touched again; an address it does not own (a buffer's) is
    /// left alone.
    @Test func pagesGivenBackBehindAParserReadTheSame() throws {
        let dir = TemporaryDirectory()
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (0..<(page * 5 + 123)).map { UInt8(0x41 + $0 * 7 % 26) }
        let path = dir.write("long", bytes + [0x0A])
        let fd = openForReading(path)
        defer { close(fd) }
        var checked = 0
        let reader = LineReader(method: .read, chunkSize: 64, mapLinesAbove: 0)
        _ = try reader.forEachLine(fd: fd, path: path, range: 0..<Int64(bytes.count + 1)) { line, _ in
            LongLineMappings.releaseBehind(UnsafeRawPointer(line.baseAddress! + page * 3 + 10))
            LongLineMappings.releaseBehind(UnsafeRawPointer(line.baseAddress! + page * 5))
            let same = Array(line) == bytes
            #expect(same)
            checked += 1
            return true
        }
        #expect(checked == 1)
        var buffer = bytes
        buffer.withUnsafeMutableBytes { LongLineMappings.releaseBehind(UnsafeRawPointer($0.baseAddress! + page * 4)) }
        let untouched = buffer == bytes
        #expect(untouched)
    }

    /// With a measuring callback that takes some lines itself (finding
    /// their ends on its own) and leaves the others: the same lines at the
    /// same offsets, and the callback only ever offered whole lines from
    /// their first byte.
    @Test(arguments: ReadMethod.allCases, [1, 2, 7, 64, 4096])
    func measuredLinesMatchTheOracle(method: ReadMethod, chunk: Int) throws {
        try Self.checkEveryCase(chunk: chunk) { name, bytes, fd, path, seen in
            var measured = 0
            let expected = Self.naiveLines(bytes)
            let starts = Set(expected.lines.map(\.offset) + [expected.end])
            let result = try LineReader(method: method, chunkSize: chunk).forEachLine(
                fd: fd, path: path, range: 0..<Int64(bytes.count),
                measuring: { available, offset in
                    #expect(starts.contains(offset), "\(name): offered from \(offset), not a line start")
                    guard let newline = available.firstIndex(of: 0x0A) else {
                        Issue.record("\(name): offered a partial line at \(offset)")
                        return .unknown
                    }
                    // Lines of odd length are left to the reader.
                    guard newline % 2 == 0 else { return .unknown }
                    measured += 1
                    seen.append(Line(bytes: Array(available[..<newline]), offset: offset))
                    return .line(newline)
                }
            ) { line, offset in
                seen.append(Line(bytes: Array(line), offset: offset))
                return true
            }
            if expected.lines.contains(where: { $0.bytes.count % 2 == 0 }) { #expect(measured > 0, "\(name)") }
            return result
        }
    }

    @Test(arguments: ReadMethod.allCases)
    func aMeasuringCallbackCanStopTheReading(method: ReadMethod) throws {
        let dir = TemporaryDirectory()
        let bytes = Self.numberedLines
        let path = dir.write("f", bytes)
        let fd = openForReading(path)
        defer { close(fd) }
        var count = 0
        let result = try LineReader(method: method, chunkSize: 100).forEachLine(
            fd: fd, path: path, range: 0..<Int64(bytes.count),
            measuring: { available, offset in
                guard offset < 20_000 else { return .stop }
                count += 1
                return .line(available.firstIndex(of: 0x0A)!)
            }
        ) { _, _ in
            Issue.record("every line was measured")
            return true
        }
        let expected = Self.naiveLines(bytes).lines.filter { $0.offset < 20_000 }
        #expect(count == expected.count)
        #expect(result.stopped)
        #expect(result.endOfLastLine == expected.last!.offset + Int64(expected.last!.bytes.count) + 1)
    }

    @Test(arguments: ReadMethod.allCases)
    func startsMidFileAndStopsWhenAsked(method: ReadMethod) throws {
        let dir = TemporaryDirectory()
        let bytes = Self.numberedLines
        let path = dir.write("f", bytes)
        let fd = openForReading(path)
        defer { close(fd) }
        let start = Int64(WorkUnit.plan(file: 0, size: Int64(bytes.count), unitSize: 10_000)[1].start)
        let first = try WorkUnit.firstLineStart(fd: fd, path: path, start: start, limit: Int64(bytes.count))
        #expect(first >= start && bytes[Int(first) - 1] == 0x0A)
        #expect(!bytes[Int(start - 1)..<Int(first - 1)].contains(0x0A))
        var count = 0
        let result = try LineReader(method: method, chunkSize: 100).forEachLine(fd: fd, path: path, range: first..<Int64(bytes.count)) { _, offset in
            guard offset < 20_000 else { return false }
            count += 1
            return true
        }
        let expected = Self.naiveLines(bytes, from: Int(first)).lines.filter { $0.offset < 20_000 }
        #expect(count == expected.count)
        #expect(result.stopped)
    }

    /// Lines are shared out between units exactly once, whatever the unit size.
    @Test(arguments: [1, 7, 64, 1000] as [Int64])
    func unitsPartitionLines(unitSize: Int64) throws {
        let dir = TemporaryDirectory()
        let bytes = Self.cases[5].1 + Array("tail".utf8)
        let path = dir.write("f", bytes)
        let fd = openForReading(path)
        defer { close(fd) }
        let size = Int64(bytes.count)
        var all: [Line] = []
        for unit in WorkUnit.plan(file: 0, size: size, unitSize: unitSize) {
            let from = try WorkUnit.firstLineStart(fd: fd, path: path, start: unit.start, limit: size)
            guard from < unit.end else { continue }
            _ = try LineReader(method: .read, chunkSize: 64).forEachLine(fd: fd, path: path, range: from..<size) { line, offset in
                guard offset < unit.end else { return false }
                all.append(Line(bytes: Array(line), offset: offset))
                return true
            }
        }
        #expect(all == Self.naiveLines(bytes).lines)
    }

    /// A file truncated while mapped: SIGBUS is caught, reading ends, and the
    /// result says the file shrank (nothing read past that point is trusted).
    @Test(arguments: ReadMethod.allCases)
    func aFileTruncatedWhileBeingReadDoesNotCrash(method: ReadMethod) throws {
        MappingGuard.install()
        let dir = TemporaryDirectory()
        let line = Array(repeating: UInt8(ascii: "a"), count: 999) + [0x0A]
        let bytes = Array((0..<4096).map { _ in line }.joined())  // 4 MB
        let path = dir.write("f", bytes)
        let fd = openForReading(path)
        defer { close(fd) }
        var seen = 0
        let faultsBefore = MappingGuard.faults
        let result = try LineReader(method: method, chunkSize: 2 << 20).forEachLine(fd: fd, path: path, range: 0..<Int64(bytes.count)) { _, _ in
            seen += 1
            if seen == 10 { truncate(path, 20_000) }
            return true
        }
        #expect(result.truncated)
        #expect(seen < 4096)
        if method == .mmap { #expect(MappingGuard.faults > faultsBefore) }
    }

    @Test func readPathNoticesAFileThatShrank() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("f", "a\nb\nc\n")
        let fd = openForReading(path)
        defer { close(fd) }
        let result = try LineReader(method: .read, chunkSize: 4).forEachLine(fd: fd, path: path, range: 0..<100) { _, _ in true }
        #expect(result.truncated)
        #expect(result.endOfLastLine == 6)
    }
}

/// With every guard slot taken, mapping would run unguarded: the reader
/// reads instead, and the lines are the same.
@Suite struct MappingFallbackTests {
    @Test func anMmapReaderWithoutAFreeSlotReadsEveryLine() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<1_000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
        let path = dir.write("f.jsonl", lines.map { $0 + "\n" }.joined())
        let fd = openForReading(path)
        defer { close(fd) }
        var seen: [String] = []
        let size = Int64(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        try withEveryMappingSlotTaken {
            _ = try LineReader(method: .mmap, chunkSize: 4096).forEachLine(fd: fd, path: path, range: 0..<size) { line, _ in
                seen.append(String(decoding: line, as: UTF8.self))
                return true
            }
        }
        #expect(seen == lines)
    }
}
