import ThresherJSON

/// Phase 1: turns each line of a unit into a compact `RecordSummary` (SPEC §2).
///
/// Every line is validated in full, because a malformed line must be
/// counted whatever its type; only the few fields turns need are decoded,
/// and large values (texts, inputs, results) are kept as spans.
public struct RecordScanner {
    public var options: ExtractOptions
    private var tape = JSONTape()
    private var lastUUID = LastUUID()

    public init(options: ExtractOptions = ExtractOptions()) {
        self.options = options
    }

    /// A shallow tape of a user or assistant record is parsed again, deep
    /// enough for everything its summary reads (`RecordReader.deepestRead`):
    /// such a line is part of a turn. A call's input of millions of values
    /// is still not stored value by value; phase 2 reads it from its span.
    private mutating func storeWholeIfATurnRecord(_ body: UnsafeBufferPointer<UInt8>) {
        guard tape.isShallow, let type = tape.member(of: tape.root, "type", in: body),
              tape.stringEquals(type, "user", in: body) || tape.stringEquals(type, "assistant", in: body) else { return }
        // Validated already: this parse succeeds.
        try? JSONParser.parse(body, into: &tape, maxDepth: options.maxDepth, storingDepth: RecordReader.deepestRead)
    }

    /// Scans one line (without its `\n`). `lineIndex` is 0-based within the
    /// unit; `offset` is the file offset of the line's first byte.
    public mutating func scan(
        line rawLine: UnsafeBufferPointer<UInt8>, offset: Int64, lineIndex: Int, into unit: inout UnitSummary
    ) {
        unit.counters.lines += 1
        var line = rawLine
        if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        var start = 0
        // A UTF-8 byte order mark is tolerated only at the very start of a file.
        if offset == 0, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF { start = 3 }
        let body = UnsafeBufferPointer(rebasing: line[start...])
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
            unit.counters.blankLines += 1
            return
        }
        do {
            try JSONParser.parse(body, into: &tape, maxDepth: options.maxDepth, shallowAbove: options.shallowAbove)
        } catch {
            unit.counters.addMalformed(line: lineIndex + 1, reason: error.description)
            return
        }
        guard tape[tape.root].kind == .object else {
            unit.counters.addMalformed(line: lineIndex + 1, reason: "not a JSON object")
            return
        }
        storeWholeIfATurnRecord(body)
        let reader = RecordReader(tape: tape, bytes: body, fileOffset: offset + Int64(start), options: options)
        reader.summarize(line: lineIndex, lineOffset: offset, into: &unit, lastUUID: &lastUUID)
    }

    /// Scans the line at the start of `bytes` (which run on past it) when
    /// it is a JSON object line, finding its end while parsing it
    /// (`JSONParser.parseLine`); returns the line's length without its
    /// `\n`. Returns nil, having changed nothing, for anything else (a
    /// line not starting with `{` — blank, indented, after a BOM — or
    /// malformed, or not ending within `bytes`): the caller then finds the
    /// line's end and calls `scan`, which reaches the same verdict on every
    /// line `scanLine` takes.
    public mutating func scanLine(
        at bytes: UnsafeBufferPointer<UInt8>, offset: Int64, lineIndex: Int, into unit: inout UnitSummary
    ) -> Int? {
        guard let first = bytes.first, first == UInt8(ascii: "{"), bytes.count < Int(UInt32.max),
              let newline = JSONParser.parseLine(bytes, into: &tape, maxDepth: options.maxDepth, shallowAbove: options.shallowAbove)
        else { return nil }
        unit.counters.lines += 1
        // What `scan` parses: the line without one trailing `\r`.
        let end = newline > 0 && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        let body = UnsafeBufferPointer(rebasing: bytes[0..<end])
        storeWholeIfATurnRecord(body)
        let reader = RecordReader(tape: tape, bytes: body, fileOffset: offset, options: options)
        reader.summarize(line: lineIndex, lineOffset: offset, into: &unit, lastUUID: &lastUUID)
        return newline
    }
}

/// The last record's uuid as written and its key. A record's `parentUuid`
/// is most often the `uuid` of the line before, so its key is taken from
/// here after a 36-byte comparison instead of being read digit by digit
/// again (two uuid readings per record otherwise).
struct LastUUID {
    /// The 36 bytes as four words and a half (SIMD equality reduces out of line).
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0, 0)
    private var id: RecordID?

    @inline(__always)
    private static func words(_ p: UnsafePointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64, UInt32) {
        let base = UnsafeRawPointer(p)
        return (base.loadUnaligned(as: UInt64.self), base.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                base.loadUnaligned(fromByteOffset: 16, as: UInt64.self), base.loadUnaligned(fromByteOffset: 24, as: UInt64.self),
                base.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
    }

    /// The remembered key if `raw` (a string body without escapes) is the
    /// remembered uuid.
    @inline(__always)
    func key(of raw: UnsafeBufferPointer<UInt8>) -> RecordID? {
        guard let id, raw.count == 36, let p = raw.baseAddress else { return nil }
        let w = Self.words(p)
        guard w.0 == words.0, w.1 == words.1, w.2 == words.2, w.3 == words.3, w.4 == words.4 else { return nil }
        return id
    }

    /// Remembers `raw` (a string body without escapes) as the bytes of `id`;
    /// forgets when it is not 36 bytes long.
    @inline(__always)
    mutating func remember(_ raw: UnsafeBufferPointer<UInt8>, as id: RecordID) {
        guard raw.count == 36, let p = raw.baseAddress else {
            self.id = nil
            return
        }
        words = Self.words(p)
        self.id = id
    }
}
