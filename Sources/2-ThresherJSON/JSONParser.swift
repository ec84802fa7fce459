/// A validating, byte-level JSON parser that builds a `JSONTape`.
///
/// It checks the full RFC 8259 grammar (strict: no NaN, no comments, no
/// control characters inside strings) but decodes nothing: strings stay raw
/// byte ranges with flags, numbers stay their written text. Decoding happens
/// later, only for values that are kept (`JSONTape+Decode.swift`).
public enum JSONParser {
    /// The deepest nesting accepted; the outermost value is level 1.
    public static let defaultMaxDepth = 512

    /// Told the address parsing has reached, every `progressStride` bytes
    /// of a long document: bytes before it are not read again during the
    /// parse, so the owner of a mapped line can give their pages back
    /// (`LongLineMappings`). Set once, before any parse starts; it must
    /// ignore addresses it does not own.
    public nonisolated(unsafe) static var progressHook: (@Sendable (UnsafeRawPointer) -> Void)?
    public static let progressStride = 8 << 20

    /// Parses `bytes` as exactly one JSON value surrounded by optional
    /// whitespace. On success `tape` describes it; on failure `tape` is
    /// unspecified. A document of more than `shallowAbove` nodes is
    /// validated whole but stored shallow (`JSONTape.isShallow`), so its
    /// tape stays small whatever its size.
    ///
    /// `storingDepth`: values nested deeper than this are validated but not
    /// stored (the tape is then shallow from the start): a reader that
    /// looks no deeper spares the tape a dense value's millions of nodes.
    /// The root's members are at depth 1.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        into tape: inout JSONTape,
        maxDepth: Int = defaultMaxDepth,
        shallowAbove: Int = .max,
        storingDepth: Int = .max
    ) throws(JSONSyntaxError) {
        _ = try parse(bytes, into: &tape, maxDepth: maxDepth, endsAtNewline: false, shallowAbove: shallowAbove,
                      storingDepth: storingDepth)
    }

    /// Parses the JSON line at the start of `bytes` (which may run on into
    /// later lines): one value, then optional spaces, tabs or `\r`, then a
    /// `\n`, where no `\n` may appear before. Returns the offset of that
    /// `\n`, having parsed exactly what `parse` would from the bytes before
    /// it; nil when those bytes are not such a line or no `\n` follows
    /// within `bytes` (then `tape` is unspecified: find the line's end and
    /// call `parse` for the verdict). This saves the newline search a
    /// separate pass would make over every line.
    public static func parseLine(
        _ bytes: UnsafeBufferPointer<UInt8>,
        into tape: inout JSONTape,
        maxDepth: Int = defaultMaxDepth,
        shallowAbove: Int = .max
    ) -> Int? {
        do throws(JSONSyntaxError) {
            return try parse(bytes, into: &tape, maxDepth: maxDepth, endsAtNewline: true, shallowAbove: shallowAbove)
        } catch {
            return nil
        }
    }

    /// `parse` and `parseLine`: returns where parsing stopped (the end of
    /// the buffer, or the line's `\n`).
    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        into tape: inout JSONTape,
        maxDepth: Int,
        endsAtNewline: Bool,
        shallowAbove: Int,
        storingDepth: Int = .max
    ) throws(JSONSyntaxError) -> Int {
        tape.count = 0
        tape.isShallow = storingDepth != .max
        // Room for the root's members at least: a shallow parse stores few nodes.
        let shallowAbove = max(shallowAbove, 16)
        guard bytes.count < Int(UInt32.max) else { throw JSONSyntaxError(.tooLong, at: 0) }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(.unexpectedEnd, at: 0)
        }
        // Nodes are written through a pointer into the tape's storage (an
        // array append per token cost a uniqueness check each); a document
        // with more nodes than fit doubles the storage and parsing resumes,
        // which the reused tape makes rare. The container stack is bounded
        // by `maxDepth`, so it is sized once. Both arrays are moved out of
        // the tape while in use, so each is accessed on its own.
        var nodes: [JSONNode] = []
        var stack: [UInt32] = []
        swap(&nodes, &tape.nodes)
        swap(&stack, &tape.stack)
        defer {
            swap(&nodes, &tape.nodes)
            swap(&stack, &tape.stack)
        }
        if stack.count < max(maxDepth, 1) { stack = Array(repeating: 0, count: max(maxDepth, 1)) }
        // Kept across a storage growth: parsing resumes where it stopped.
        var saved: Cursor?
        var storeDepth = storingDepth
        while true {
            let outcome = stack.withUnsafeMutableBufferPointer { stack in
                nodes.withUnsafeMutableBufferPointer { all -> Result<(count: Int, end: Int), JSONSyntaxError> in
                    // At most `shallowAbove` nodes are stored.
                    let nodes = UnsafeMutableBufferPointer(rebasing: all[0..<min(all.count, shallowAbove)])
                    var cursor = saved ?? Cursor(p: base, n: bytes.count, nodes: nodes, stack: stack.baseAddress!,
                                                 endsAtNewline: endsAtNewline, storeDepth: storeDepth)
                    cursor.rebind(nodes: nodes, stack: stack.baseAddress!)
                    do throws(JSONSyntaxError) {
                        try cursor.run(maxDepth: maxDepth)
                        return .success((cursor.nodeCount, cursor.i))
                    } catch {
                        saved = cursor
                        return .failure(error)
                    }
                }
            }
            switch outcome {
            case .success(let parsed):
                tape.count = parsed.count
                return parsed.end
            case .failure(let error) where error.reason == .tapeFull && nodes.count >= shallowAbove:
                // Too many nodes to keep: validate again from the start,
                // storing the root's members only (or, if even those are
                // too many, the root alone).
                saved = nil
                storeDepth = storeDepth > 1 ? 1 : 0
                tape.isShallow = true
            case .failure(let error) where error.reason == .tapeFull:
                // Doubling: the storage holds at most twice the nodes the
                // document has, whatever its size (a guess from the density
                // seen so far could reserve far more than the line needs).
                nodes += repeatElement(JSONTape.blank, count: max(nodes.count, 64))
            case .failure(let error):
                throw error
            }
        }
    }
}

/// The parser's state over one buffer. `i` only moves forward.
struct Cursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    /// The tape's node storage; `nodeCount` of it written so far.
    private var nodes: UnsafeMutableBufferPointer<JSONNode>
    private(set) var nodeCount = 0
    /// Tape indices of the open containers, innermost last.
    private var stack: UnsafeMutablePointer<UInt32>
    /// Where `JSONParser.progressHook` is told next.
    private var nextProgress = JSONParser.progressStride
    private var depth = 0
    /// Whether the innermost open container is an object (kept, not
    /// looked up through the stack after every value).
    private var inObject = false
    /// `parseLine`: a `\n` is not whitespace but the end of the document,
    /// which must come right after the value (spaces, tabs, `\r` aside).
    private let endsAtNewline: Bool
    /// Values nested deeper than this are validated but not stored (a
    /// shallow tape); `Int.max` stores everything.
    let storeDepth: Int
    /// Stack entries of containers that are not stored (their kind only).
    private static let unstoredObject = UInt32.max
    private static let unstoredArray = UInt32.max - 1

    init(p: UnsafePointer<UInt8>, n: Int, nodes: UnsafeMutableBufferPointer<JSONNode>, stack: UnsafeMutablePointer<UInt32>,
         endsAtNewline: Bool = false, storeDepth: Int = .max) {
        self.p = p
        self.n = n
        self.nodes = nodes
        self.stack = stack
        self.endsAtNewline = endsAtNewline
        self.storeDepth = storeDepth
    }

    /// Points the cursor at storage that moved (grown, with its contents).
    mutating func rebind(nodes: UnsafeMutableBufferPointer<JSONNode>, stack: UnsafeMutablePointer<UInt32>) {
        self.nodes = nodes
        self.stack = stack
    }

    /// Tells the progress hook (rarely: once per `progressStride` bytes).
    @inline(never)
    private mutating func progress(at position: Int) {
        nextProgress = position + JSONParser.progressStride
        JSONParser.progressHook?(UnsafeRawPointer(p + position))
    }

    /// Adds a node; `.tapeFull` (caught by `parse`) when the storage is.
    /// Every step appends before it changes any other state, so a step
    /// that finds the storage full is simply run again once it has grown.
    @inline(__always)
    private mutating func append(_ node: JSONNode) throws(JSONSyntaxError) {
        guard depth <= storeDepth else { return }
        guard nodeCount < nodes.count else { throw JSONSyntaxError(.tapeFull, at: i) }
        nodes[nodeCount] = node
        nodeCount += 1
    }

    private enum Expect { case value, key, afterValue }
    /// What may come next; kept in the cursor so a run can resume.
    private var expect = Expect.value

    @inline(__always)
    mutating func skipWhitespace() {
        // Transcript lines are compact JSON: one test settles nearly every call.
        if i < n && p[i] > 0x20 { return }
        while i < n {
            let b = p[i]
            guard b == 0x20 || (b == 0x0A && !endsAtNewline) || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// The state machine over the document: what may come next decides
    /// how the next byte is read. Each step is inlined into this loop.
    mutating func run(maxDepth: Int) throws(JSONSyntaxError) {
        while true {
            if i >= nextProgress { progress(at: i) }
            switch expect {
            case .value: expect = try value(maxDepth: maxDepth)
            case .key: expect = try key()
            case .afterValue:
                guard let next = try afterValue() else { return }
                expect = next
            }
        }
    }

    /// A value starts at the next non-blank byte.
    @inline(__always)
    private mutating func value(maxDepth: Int) throws(JSONSyntaxError) -> Expect {
        skipWhitespace()
        guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        let b = p[i]
        switch b {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return try open(isObject: b == UInt8(ascii: "{"), maxDepth: maxDepth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true", .true)
        case UInt8(ascii: "f"): try literal("false", .false)
        case UInt8(ascii: "n"): try literal("null", .null)
        default: throw JSONSyntaxError(.unexpectedByte(b), at: i)
        }
        return .afterValue
    }

    /// An object or array opens at `i`; an empty one closes at once.
    @inline(__always)
    private mutating func open(isObject: Bool, maxDepth: Int) throws(JSONSyntaxError) -> Expect {
        guard depth < maxDepth else { throw JSONSyntaxError(.tooDeep(limit: maxDepth), at: i) }
        let stored = depth <= storeDepth
        let index = stored ? u32(nodeCount) : (isObject ? Self.unstoredObject : Self.unstoredArray)
        try append(JSONNode(kind: isObject ? .object : .array, flags: 0, start: u32(i), end: 0, next: 0))
        stack[depth] = index
        depth += 1
        inObject = isObject
        i += 1
        skipWhitespace()
        guard i < n && p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return isObject ? .key : .value }
        i += 1
        close()
        return .afterValue
    }

    /// An object member's key and its colon.
    @inline(__always)
    private mutating func key() throws(JSONSyntaxError) -> Expect {
        skipWhitespace()
        guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        guard p[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError(.expectedKey, at: i) }
        try string()
        skipWhitespace()
        guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        guard p[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(.expectedColon, at: i) }
        i += 1
        return .value
    }

    /// After a value: a comma, the container's end, or (at depth 0) the
    /// document's end, where nil is returned.
    @inline(__always)
    private mutating func afterValue() throws(JSONSyntaxError) -> Expect? {
        skipWhitespace()
        guard depth > 0 else {
            if endsAtNewline {
                guard i < n, p[i] == 0x0A else { throw JSONSyntaxError(.trailingData, at: i) }
                return nil
            }
            guard i == n else { throw JSONSyntaxError(.trailingData, at: i) }
            return nil
        }
        guard i < n else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        let b = p[i]
        if b == UInt8(ascii: ",") {
            i += 1
            return inObject ? .key : .value
        }
        guard b == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw JSONSyntaxError(.expectedCommaOrEnd, at: i) }
        i += 1
        close()
        return .afterValue
    }

    /// Ends the innermost open container at `i` (just past its bracket).
    @inline(__always)
    private mutating func close() {
        depth -= 1
        let index = stack[depth]
        if index < Self.unstoredArray {
            nodes[Int(index)].end = u32(i)
            nodes[Int(index)].next = u32(nodeCount)
        }
        guard depth > 0 else { return }
        let parent = stack[depth - 1]
        inObject = parent < Self.unstoredArray ? nodes[Int(parent)].kind == .object : parent == Self.unstoredObject
    }

    /// Scans a string starting at its opening quote; validates escapes and
    /// rejects raw control characters, but leaves UTF-8 validity to decoding.
    @inline(__always)
    private mutating func string() throws(JSONSyntaxError) {
        // Keys, ids, uuids, timestamps and short values end within 48
        // bytes without an escape: settled here, inline, without a call.
        let start = i &+ 1
        var base = start
        var high: UInt32 = 0
        while base &+ 16 <= n && base &- start < 48 {
            let block = UnsafeRawPointer(p + base).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = ByteScan.specials(block)
            let k = hits.trailingZeroBitCount
            if hits == 0 {
                high |= ByteScan.bits(block)
                base &+= 16
                continue
            }
            guard p[base &+ k] == 0x22 else { break }
            high |= ByteScan.bits(block) & ((1 << k) &- 1)
            let index = u32(nodeCount)
            try append(JSONNode(kind: .string, flags: high != 0 ? JSONNode.nonASCII : 0, start: u32(start),
                                end: u32(base &+ k), next: index &+ 1))
            i = base &+ k &+ 1
            return
        }
        try longString()
    }

    /// `string()` for the rest: escapes, bodies past 48 bytes, and strings
    /// near the end of the buffer. 64 bytes at a time as bit masks while
    /// they last (`StringBlock`); the rest, and any block holding an error,
    /// escape by escape, which reports the error at its offset.
    @inline(never)
    private mutating func longString() throws(JSONSyntaxError) {
        var scan = StringScan(start: i &+ 1)
        if try scanBlocks(&scan) { return }
        try scanEscapes(&scan)
    }

    /// Where `longString` is in a string body, and what it has seen.
    private struct StringScan {
        let start: Int
        var j: Int
        var flags: UInt8 = 0
        var high: UInt8 = 0
        /// The next block's byte 0 is escaped by this block's last backslash.
        var carry: UInt64 = 0

        init(start: Int) {
            self.start = start
            j = start
        }
    }

    /// The string body 64 bytes at a time, as bit masks; true when the
    /// string ended (and was appended). Stops at a block holding an error
    /// or a control byte, leaving it to `scanEscapes`.
    @inline(__always)
    private mutating func scanBlocks(_ scan: inout StringScan) throws(JSONSyntaxError) -> Bool {
        while scan.j &+ 64 <= n {
            let j = scan.j
            // A string of many MB (a base64 image) is most of its line.
            if j >= nextProgress { progress(at: j) }
            let block = StringBlock(p + j)
            if block.hasControl { return false }
            let (escaped, carryOut) = StringBlock.escaped(backslashes: block.backslashes, carry: scan.carry)
            let ends = block.quotes & ~escaped
            // The bytes of this block inside the string.
            let inside = ends == 0 ? ~0 : (ends & (0 &- ends)) &- 1
            var kinds = StringBlock.plain
            var unicodes: UInt64 = 0
            // Escaped quotes and letters `n t r b f` are valid as they are;
            // the rest (`/`, `u`, errors) one by one.
            var pending = escaped & inside
            if pending != 0 { pending &= ~(block.quotes | StringBlock.plainEscapeLetters(p + j)) }
            while pending != 0 {
                let k = pending.trailingZeroBitCount
                let kind = StringBlock.escapeKind(p[j &+ k])
                kinds &= kind | ~StringBlock.plain
                kinds |= kind & ~StringBlock.plain
                unicodes |= UInt64(kind >> 2) << UInt64(k)
                pending &= pending &- 1
            }
            if kinds & StringBlock.plain == 0 { return false }
            while unicodes != 0 {
                let u = j &+ unicodes.trailingZeroBitCount
                guard u &+ 4 < n, isHex(p[u &+ 1]), isHex(p[u &+ 2]), isHex(p[u &+ 3]), isHex(p[u &+ 4]) else { return false }
                unicodes &= unicodes &- 1
            }
            if (block.backslashes & inside) | scan.carry != 0 { scan.flags |= JSONNode.escaped }
            if kinds & StringBlock.rewrite != 0 { scan.flags |= JSONNode.nonMinimalEscape }
            if block.hasHigh && (ends == 0 || StringBlock.highBits(p + j) & inside != 0) { scan.high = 0x80 }
            if ends != 0 {
                try endString(start: scan.start, end: j &+ ends.trailingZeroBitCount, flags: scan.flags, high: scan.high)
                return true
            }
            scan.carry = carryOut
            scan.j &+= 64
        }
        return false
    }

    /// The rest of the string escape by escape, reporting an error at its offset.
    @inline(__always)
    private mutating func scanEscapes(_ scan: inout StringScan) throws(JSONSyntaxError) {
        var j = scan.j
        var flags = scan.flags
        var high = scan.high
        // A block's byte 0 escaped by the previous block: start from its backslash.
        j &-= Int(scan.carry)
        while true {
            // String bodies are most of a transcript's bytes: skip them 16 at a time.
            j = ByteScan.firstSpecial(p, from: j, to: n, highBits: &high)
            if j >= nextProgress { progress(at: j) }
            guard j < n else { throw JSONSyntaxError(.unexpectedEnd, at: j) }
            let b = p[j]
            if b == 0x22 { break }
            if b < 0x20 { throw JSONSyntaxError(.controlCharacterInString, at: j) }
            // A backslash: validate one escape.
            flags |= JSONNode.escaped
            guard j &+ 1 < n else { throw JSONSyntaxError(.unexpectedEnd, at: j &+ 1) }
            switch p[j &+ 1] {
            case 0x22, 0x5C, UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                j &+= 2
            case 0x2F:
                flags |= JSONNode.nonMinimalEscape
                j &+= 2
            case UInt8(ascii: "u"):
                guard j &+ 6 <= n else { throw JSONSyntaxError(.unexpectedEnd, at: n) }
                for k in 2..<6 where hexValue(p[j &+ k]) == nil {
                    throw JSONSyntaxError(.invalidUnicodeEscape, at: j)
                }
                flags |= JSONNode.nonMinimalEscape
                j &+= 6
            default:
                throw JSONSyntaxError(.invalidEscape, at: j)
            }
        }
        try endString(start: scan.start, end: j, flags: flags, high: high)
    }

    /// Appends the string `start..<end` (its closing quote at `end`).
    @inline(__always)
    private mutating func endString(start: Int, end: Int, flags: UInt8, high: UInt8) throws(JSONSyntaxError) {
        let index = u32(nodeCount)
        let flags = high & 0x80 != 0 ? flags | JSONNode.nonASCII : flags
        try append(JSONNode(kind: .string, flags: flags, start: u32(start), end: u32(end), next: index &+ 1))
        i = end &+ 1
    }

    /// Validates `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    @inline(__always)
    private mutating func number() throws(JSONSyntaxError) {
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
        let index = u32(nodeCount)
        try append(JSONNode(kind: .number, flags: 0, start: u32(start), end: u32(j), next: index &+ 1))
        i = j
    }

    @inline(__always)
    private mutating func literal(_ word: StaticString, _ kind: JSONKind) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= n else { throw JSONSyntaxError(.invalidLiteral, at: i) }
        for k in 0..<count where p[i + k] != word.utf8Start[k] {
            throw JSONSyntaxError(.invalidLiteral, at: i)
        }
        let index = u32(nodeCount)
        try append(JSONNode(kind: kind, flags: 0, start: u32(i), end: u32(i + count), next: index &+ 1))
        i += count
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

/// A tape position or node count as stored in a node: `parse` rejects
/// buffers of `UInt32.max` bytes or more, and there are fewer nodes than
/// bytes, so the conversion needs no check.
@inline(__always)
func u32(_ value: Int) -> UInt32 { UInt32(truncatingIfNeeded: value) }

@inline(__always)
func isHex(_ b: UInt8) -> Bool { b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 6 }

@inline(__always)
func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - 0x30)
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - 0x61 + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - 0x41 + 10)
    default: return nil
    }
}
