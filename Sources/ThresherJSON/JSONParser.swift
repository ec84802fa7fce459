/// A validating, byte-level JSON parser that builds a `JSONTape`.
///
/// It checks the full RFC 8259 grammar (strict: no NaN, no comments, no
/// control characters inside strings) but decodes nothing: strings stay raw
/// byte ranges with flags, numbers stay their written text. Decoding happens
/// later, only for values that are kept (`JSONTape+Decode.swift`).
public enum JSONParser {
    /// The deepest nesting accepted; the outermost value is level 1.
    public static let defaultMaxDepth = 512

    /// Parses `bytes` as exactly one JSON value surrounded by optional
    /// whitespace. On success `tape` describes it; on failure `tape` is
    /// unspecified.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        into tape: inout JSONTape,
        maxDepth: Int = defaultMaxDepth
    ) throws(JSONSyntaxError) {
        tape.nodes.removeAll(keepingCapacity: true)
        tape.stack.removeAll(keepingCapacity: true)
        guard bytes.count < Int(UInt32.max) else { throw JSONSyntaxError(.tooLong, at: 0) }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(.unexpectedEnd, at: 0)
        }
        var cursor = Cursor(p: base, n: bytes.count)
        try cursor.run(tape: &tape, maxDepth: maxDepth)
    }
}

/// The parser's state over one buffer. `i` only moves forward.
struct Cursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0

    init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    private enum Expect { case value, key, afterValue }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func run(tape: inout JSONTape, maxDepth: Int) throws(JSONSyntaxError) {
        var expect = Expect.value
        while true {
            switch expect {
            case .value:
                skipWhitespace()
                guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
                let b = p[i]
                switch b {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard tape.stack.count < maxDepth else {
                        throw JSONSyntaxError(.tooDeep(limit: maxDepth), at: i)
                    }
                    let isObject = b == UInt8(ascii: "{")
                    let index = UInt32(tape.nodes.count)
                    tape.nodes.append(JSONNode(
                        kind: isObject ? .object : .array, flags: 0,
                        start: UInt32(i), end: 0, next: 0))
                    tape.stack.append(index)
                    i += 1
                    skipWhitespace()
                    if i < n && p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        i += 1
                        close(&tape)
                        expect = .afterValue
                    } else {
                        expect = isObject ? .key : .value
                    }
                case UInt8(ascii: "\""):
                    try string(&tape)
                    expect = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try number(&tape)
                    expect = .afterValue
                case UInt8(ascii: "t"):
                    try literal(&tape, "true", .true)
                    expect = .afterValue
                case UInt8(ascii: "f"):
                    try literal(&tape, "false", .false)
                    expect = .afterValue
                case UInt8(ascii: "n"):
                    try literal(&tape, "null", .null)
                    expect = .afterValue
                default:
                    throw JSONSyntaxError(.unexpectedByte(b), at: i)
                }
            case .key:
                skipWhitespace()
                guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
                guard p[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError(.expectedKey, at: i) }
                try string(&tape)
                skipWhitespace()
                guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
                guard p[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(.expectedColon, at: i) }
                i += 1
                expect = .value
            case .afterValue:
                guard let top = tape.stack.last else {
                    skipWhitespace()
                    guard i == n else { throw JSONSyntaxError(.trailingData, at: i) }
                    return
                }
                skipWhitespace()
                guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
                let b = p[i]
                let isObject = tape.nodes[Int(top)].kind == .object
                if b == UInt8(ascii: ",") {
                    i += 1
                    expect = isObject ? .key : .value
                } else if b == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    close(&tape)
                    expect = .afterValue
                } else {
                    throw JSONSyntaxError(.expectedCommaOrEnd, at: i)
                }
            }
        }
    }

    /// Ends the innermost open container at `i` (just past its bracket).
    @inline(__always)
    private func close(_ tape: inout JSONTape) {
        let index = Int(tape.stack.removeLast())
        tape.nodes[index].end = UInt32(i)
        tape.nodes[index].next = UInt32(tape.nodes.count)
    }

    /// Scans a string starting at its opening quote; validates escapes and
    /// rejects raw control characters, but leaves UTF-8 validity to decoding.
    @inline(__always)
    private mutating func string(_ tape: inout JSONTape) throws(JSONSyntaxError) {
        let start = i + 1
        var j = start
        var flags: UInt8 = 0
        var high: UInt8 = 0
        while true {
            // String bodies are most of a transcript's bytes: skip them 16 at a time.
            j = ByteScan.firstSpecial(p, from: j, to: n, highBits: &high)
            guard j < n else { throw JSONSyntaxError(.unexpectedEnd, at: j) }
            let b = p[j]
            if b == 0x22 { break }
            if b < 0x20 { throw JSONSyntaxError(.controlCharacterInString, at: j) }
            // A backslash: validate one escape.
            flags |= JSONNode.escaped
            guard j + 1 < n else { throw JSONSyntaxError(.unexpectedEnd, at: j + 1) }
            switch p[j + 1] {
            case 0x22, 0x5C, UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                j += 2
            case 0x2F:
                flags |= JSONNode.nonMinimalEscape
                j += 2
            case UInt8(ascii: "u"):
                guard j + 6 <= n else { throw JSONSyntaxError(.unexpectedEnd, at: n) }
                for k in 2..<6 where hexValue(p[j + k]) == nil {
                    throw JSONSyntaxError(.invalidUnicodeEscape, at: j)
                }
                flags |= JSONNode.nonMinimalEscape
                j += 6
            default:
                throw JSONSyntaxError(.invalidEscape, at: j)
            }
        }
        if high & 0x80 != 0 { flags |= JSONNode.nonASCII }
        let index = UInt32(tape.nodes.count)
        tape.nodes.append(JSONNode(kind: .string, flags: flags, start: UInt32(start), end: UInt32(j), next: index + 1))
        i = j + 1
    }

    /// Validates `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    @inline(__always)
    private mutating func number(_ tape: inout JSONTape) throws(JSONSyntaxError) {
        let start = i
        var j = i
        if p[j] == UInt8(ascii: "-") { j += 1 }
        guard j < n, isDigit(p[j]) else { throw JSONSyntaxError(.invalidNumber, at: start) }
        if p[j] == UInt8(ascii: "0") {
            j += 1
        } else {
            while j < n && isDigit(p[j]) { j += 1 }
        }
        if j < n && p[j] == UInt8(ascii: ".") {
            j += 1
            guard j < n, isDigit(p[j]) else { throw JSONSyntaxError(.invalidNumber, at: start) }
            while j < n && isDigit(p[j]) { j += 1 }
        }
        if j < n && (p[j] == UInt8(ascii: "e") || p[j] == UInt8(ascii: "E")) {
            j += 1
            if j < n && (p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-")) { j += 1 }
            guard j < n, isDigit(p[j]) else { throw JSONSyntaxError(.invalidNumber, at: start) }
            while j < n && isDigit(p[j]) { j += 1 }
        }
        let index = UInt32(tape.nodes.count)
        tape.nodes.append(JSONNode(kind: .number, flags: 0, start: UInt32(start), end: UInt32(j), next: index + 1))
        i = j
    }

    @inline(__always)
    private mutating func literal(_ tape: inout JSONTape, _ word: StaticString, _ kind: JSONKind) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= n else { throw JSONSyntaxError(.invalidLiteral, at: i) }
        for k in 0..<count where p[i + k] != word.utf8Start[k] {
            throw JSONSyntaxError(.invalidLiteral, at: i)
        }
        let index = UInt32(tape.nodes.count)
        tape.nodes.append(JSONNode(kind: kind, flags: 0, start: UInt32(i), end: UInt32(i + count), next: index + 1))
        i += count
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

@inline(__always)
func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - 0x30)
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - 0x61 + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - 0x41 + 10)
    default: return nil
    }
}
