import Foundation
import Synchronization
import ThresherJSON
import ThresherScan

/// The parse ceiling: the same files read by thresh's line reader and every
/// line validated by its tokenizer into a reused tape, nothing else (no
/// records, turns, output), on all cores. SPEC §2 makes every line's
/// validation unavoidable, so no scan built on this tokenizer can run
/// faster; the gap between it and the scan is what everything after the
/// tokenizer costs.
enum ParseCeiling {
    static func measure(root: String, threads: Int) throws -> ReferenceRun {
        // As in a scan: long lines mapped, their pages given back as parsed.
        JSONParser.progressHook = LongLineMappings.releaseBehind
        return try ReferencePass.run(root: root, threads: threads) { fd, file, _ in
            var count = ReferencePass.Count()
            var tape = JSONTape()
            let reader = LineReader(method: .read)
            // The scan's two ways to a verdict: object lines parsed while
            // their end is found, everything else after a newline search.
            let result = try reader.forEachLine(fd: fd, path: file.path, range: 0..<file.size, measuring: { bytes, _ in
                guard bytes.first == UInt8(ascii: "{"), let newline = JSONParser.parseLine(bytes, into: &tape) else { return .unknown }
                count.lines += 1
                return .line(newline)
            }) { line, offset in
                count.lines += 1
                if !isValidObjectLine(line, atFileStart: offset == 0, tape: &tape) { count.malformed += 1 }
                return true
            }
            count.bytes = result.endOfLastLine + result.partialBytes
            return count
        }
    }

    /// SPEC §2's verdict on a line that did not parse in one go: blank
    /// lines pass; a BOM is allowed at the start of a file; otherwise it
    /// must be one JSON object.
    private static func isValidObjectLine(_ rawLine: UnsafeBufferPointer<UInt8>, atFileStart: Bool, tape: inout JSONTape) -> Bool {
        var line = rawLine
        if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if atFileStart, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line.dropFirst(3))
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return true }
        do {
            try JSONParser.parse(line, into: &tape)
        } catch {
            return false
        }
        return tape[tape.root].kind == .object
    }
}
