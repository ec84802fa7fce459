/// A small, fast JSON text builder over a byte array, with the minimal
/// escaping of SPEC §5 (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other
/// controls as lowercase `\u00xx`, everything else raw UTF-8).
///
/// Commas are placed automatically: call `key` before each object value.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8] = []
    /// Bit d set when the open container at depth d (0: outermost)
    /// already holds an item: a word, not an array, so that placing a comma
    /// costs no uniqueness or bounds check.
    private var itemBits: UInt64 = 0
    /// Open containers; at most 64 (what thresh writes nests a few deep).
    private var depth = 0
    private var afterKey = false

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        itemBits = 0
        depth = 0
        afterKey = false
    }

    @inline(__always)
    private mutating func separator() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 &<< UInt64(depth &- 1)
        if itemBits & bit != 0 { bytes.append(UInt8(ascii: ",")) } else { itemBits |= bit }
    }

    @inline(__always)
    private mutating func open(_ bracket: UInt8) {
        separator()
        precondition(depth < 64, "JSONWriter nests at most 64 containers")
        bytes.append(bracket)
        itemBits &= ~(1 &<< UInt64(depth))
        depth &+= 1
    }

    @inline(__always)
    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        bytes.append(bracket)
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
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(0x22)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func key(named name: String) {
        separator()
        Self.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separator()
        Self.appendQuoted(value, to: &bytes)
    }

    public mutating func string(utf8 value: [UInt8]) {
        separator()
        Self.appendQuoted(value, to: &bytes)
    }

    public mutating func int(_ value: Int) {
        separator()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func double(_ value: Double) {
        separator()
        if value.isFinite {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    public mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Inserts already-valid JSON text (for example canonical arguments).
    public mutating func raw(_ json: [UInt8]) {
        separator()
        bytes.append(contentsOf: json)
    }

    public mutating func raw(_ json: String) {
        separator()
        bytes.append(contentsOf: json.utf8)
    }

    /// A string value from text already in `JSONText` form.
    public mutating func text(_ value: JSONText) {
        separator()
        bytes.append(0x22)
        bytes.append(contentsOf: value.escaped)
        bytes.append(0x22)
    }

    /// Hands the bytes written so far to `sink` and removes them; the open
    /// containers stay open. For a consumer that streams the text (a hash)
    /// instead of keeping it.
    public mutating func drain(into sink: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes(sink)
        bytes.removeAll(keepingCapacity: true)
    }

    /// `text(value)`, its body handed to `sink` where it lies, after what
    /// was written before it (see `drain`), instead of copied in.
    public mutating func text(_ value: JSONText, drainingInto sink: (UnsafeRawBufferPointer) -> Void) {
        separator()
        bytes.append(0x22)
        drain(into: sink)
        value.escaped.withUnsafeBytes(sink)
        bytes.append(0x22)
    }

    /// A string value holding the bytes of `json` (JSON inside a JSON string).
    public mutating func string(json: [UInt8]) {
        separator()
        Self.appendQuoted(json, to: &bytes)
    }

    /// Appends `value` as a quoted, minimally escaped JSON string.
    public static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendQuoted($0, to: &out) }
    }

    public static func appendQuoted(_ value: [UInt8], to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { appendQuoted($0, to: &out) }
    }

    /// `value` must be valid UTF-8 (String storage or decoded bytes).
    public static func appendQuoted(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        appendEscaped(value, to: &out)
        out.append(0x22)
    }

    /// Appends `value` minimally escaped, without quotes.
    public static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = value.baseAddress else { return }
        var runStart = 0
        var ignored: UInt8 = 0
        while true {
            let i = ByteScan.firstSpecial(base, from: runStart, to: value.count, highBits: &ignored)
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
            guard i < value.count else { break }
            appendEscaped(byte: value[i], to: &out)
            runStart = i + 1
        }
    }

    /// Appends one ASCII byte, escaped if JSON needs it to be.
    public static func appendEscaped(byte b: UInt8, to out: inout [UInt8]) {
        guard b < 0x20 || b == 0x22 || b == 0x5C else {
            out.append(b)
            return
        }
        out.append(0x5C)
        switch b {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            let digits: StaticString = "0123456789abcdef"
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(digits.utf8Start[Int(b >> 4)])
            out.append(digits.utf8Start[Int(b & 0xF)])
        }
    }
}
