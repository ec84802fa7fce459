extension Array: JSONByteSink where Element == UInt8 {
    @inlinable public mutating func append(byte: UInt8) { append(byte) }
    @inlinable public mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

/// A small, fast JSON text builder, with the minimal escaping of SPEC §5
/// (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other controls as lowercase
/// `\u00xx`, everything else raw UTF-8).
///
/// Commas are placed automatically: call `key` before each object value.
/// The bytes live in a buffer of its own rather than an `Array`, whose every
/// append pays a uniqueness check (a runtime call on the hot path; see
/// docs/performance.md). So a writer cannot be copied: it is a variable
/// passed `inout`.
public struct JSONWriter: ~Copyable, JSONByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0
    /// Bit d set when the open container at depth d (0: outermost)
    /// already holds an item: a word, not an array, so that placing a comma
    /// costs no uniqueness or bounds check.
    private var itemBits: UInt64 = 0
    /// Open containers; at most 64 (what thresh writes nests a few deep).
    private var depth = 0
    private var afterKey = false

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The bytes written so far, valid during `body`.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Gives back a buffer grown beyond `limit` bytes (after one big
    /// document, so it is not held for the writer's lifetime). Empties the writer.
    public mutating func shrink(to limit: Int) {
        reset()
        guard capacity > limit else { return }
        base.deallocate()
        capacity = max(limit, 16)
        base = .allocate(capacity: capacity)
    }

    public mutating func reset() {
        count = 0
        itemBits = 0
        depth = 0
        afterKey = false
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count &+ extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        // Doubling, but a text far bigger than the buffer gets a quarter
        // more than it needs, not twice (a 100 MB text: 125 MB, not 200).
        let bigger = needed > capacity * 2 ? needed + needed / 4 : capacity * 2
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }

    /// Appends one byte as it is (no escaping, no comma).
    @inline(__always)
    public mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    /// Appends bytes as they are (no escaping, no comma).
    @inline(__always)
    public mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always)
    private mutating func append(_ literal: StaticString) {
        append(bytes: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    private mutating func separator() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 &<< UInt64(depth &- 1)
        if itemBits & bit != 0 { append(byte: UInt8(ascii: ",")) } else { itemBits |= bit }
    }

    @inline(__always)
    private mutating func open(_ bracket: UInt8) {
        separator()
        precondition(depth < 64, "JSONWriter nests at most 64 containers")
        append(byte: bracket)
        itemBits &= ~(1 &<< UInt64(depth))
        depth &+= 1
    }

    @inline(__always)
    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        append(byte: bracket)
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A key written as it is: a literal (which must need no escaping).
    /// String literals pick this overload; names only known at run time go
    /// through `key(named:)`, which escapes.
    public mutating func key(_ name: StaticString) {
        separator()
        append(byte: 0x22)
        append(name)
        append(byte: 0x22)
        append(byte: UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func key(named name: String) {
        separator()
        Self.writeQuoted(name, to: &self)
        append(byte: UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separator()
        Self.writeQuoted(value, to: &self)
    }

    public mutating func string(utf8 value: [UInt8]) {
        separator()
        value.withUnsafeBufferPointer { Self.writeQuoted($0, to: &self) }
    }

    public mutating func int(_ value: Int) {
        separator()
        var text = String(value)
        text.withUTF8 { append(bytes: $0) }
    }

    public mutating func double(_ value: Double) {
        separator()
        if value.isFinite {
            var text = String(value)
            text.withUTF8 { append(bytes: $0) }
        } else {
            append("null")
        }
    }

    public mutating func bool(_ value: Bool) {
        separator()
        if value { append("true") } else { append("false") }
    }

    public mutating func null() {
        separator()
        append("null")
    }

    /// Inserts already-valid JSON text (for example canonical arguments).
    public mutating func raw(_ json: [UInt8]) {
        separator()
        json.withUnsafeBufferPointer { append(bytes: $0) }
    }

    public mutating func raw(_ json: String) {
        separator()
        var json = json
        json.withUTF8 { append(bytes: $0) }
    }

    /// Ends a line of JSON Lines: a newline after the value (no comma).
    public mutating func newline() {
        append(byte: 0x0A)
    }

    /// A string value from text already in `JSONText` form.
    public mutating func text(_ value: JSONText) {
        separator()
        append(byte: 0x22)
        value.escaped.withUnsafeBufferPointer { append(bytes: $0) }
        append(byte: 0x22)
    }

    /// Hands the bytes written so far to `sink` and removes them; the open
    /// containers stay open. For a consumer that streams the text (a hash)
    /// instead of keeping it.
    public mutating func drain(into sink: (UnsafeRawBufferPointer) -> Void) {
        sink(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    /// `text(value)`, its body handed to `sink` where it lies, after what
    /// was written before it (see `drain`), instead of copied in.
    public mutating func text(_ value: JSONText, drainingInto sink: (UnsafeRawBufferPointer) -> Void) {
        separator()
        append(byte: 0x22)
        drain(into: sink)
        value.escaped.withUnsafeBytes(sink)
        append(byte: 0x22)
    }

    /// A string value holding the bytes of `json` (JSON inside a JSON string).
    public mutating func string(json: [UInt8]) {
        separator()
        json.withUnsafeBufferPointer { Self.writeQuoted($0, to: &self) }
    }

    // The escaping for byte arrays: entry points other modules call without
    // going through generic code (they cannot specialize it).

    /// Appends `value` as a quoted, minimally escaped JSON string.
    public static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        writeQuoted(value, to: &out)
    }

    public static func appendQuoted(_ value: [UInt8], to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { writeQuoted($0, to: &out) }
    }

    /// `value` must be valid UTF-8 (String storage or decoded bytes).
    public static func appendQuoted(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        writeQuoted(value, to: &out)
    }

    /// Appends `value` minimally escaped, without quotes.
    public static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        writeEscaped(value, to: &out)
    }

    /// Appends one ASCII byte, escaped if JSON needs it to be.
    public static func appendEscaped(byte b: UInt8, to out: inout [UInt8]) {
        writeEscaped(byte: b, to: &out)
    }

    // The escaping itself, once for both kinds of sink.

    static func writeQuoted<Sink: JSONByteSink & ~Copyable>(_ value: String, to out: inout Sink) {
        var value = value
        value.withUTF8 { writeQuoted($0, to: &out) }
    }

    static func writeQuoted<Sink: JSONByteSink & ~Copyable>(_ value: UnsafeBufferPointer<UInt8>, to out: inout Sink) {
        out.append(byte: 0x22)
        writeEscaped(value, to: &out)
        out.append(byte: 0x22)
    }

    static func writeEscaped<Sink: JSONByteSink & ~Copyable>(_ value: UnsafeBufferPointer<UInt8>, to out: inout Sink) {
        guard let base = value.baseAddress else { return }
        var runStart = 0
        var ignored: UInt8 = 0
        while true {
            let i = ByteScan.firstSpecial(base, from: runStart, to: value.count, highBits: &ignored)
            if runStart < i { out.append(bytes: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
            guard i < value.count else { break }
            writeEscaped(byte: value[i], to: &out)
            runStart = i + 1
        }
    }

    static func writeEscaped<Sink: JSONByteSink & ~Copyable>(byte b: UInt8, to out: inout Sink) {
        guard b < 0x20 || b == 0x22 || b == 0x5C else {
            out.append(byte: b)
            return
        }
        out.append(byte: 0x5C)
        switch b {
        case 0x22: out.append(byte: 0x22)
        case 0x5C: out.append(byte: 0x5C)
        case 0x0A: out.append(byte: UInt8(ascii: "n"))
        case 0x0D: out.append(byte: UInt8(ascii: "r"))
        case 0x09: out.append(byte: UInt8(ascii: "t"))
        case 0x08: out.append(byte: UInt8(ascii: "b"))
        case 0x0C: out.append(byte: UInt8(ascii: "f"))
        default:
            let digits: StaticString = "0123456789abcdef"
            out.append(byte: UInt8(ascii: "u"))
            out.append(byte: 0x30)
            out.append(byte: 0x30)
            out.append(byte: digits.utf8Start[Int(b >> 4)])
            out.append(byte: digits.utf8Start[Int(b & 0xF)])
        }
    }
}
