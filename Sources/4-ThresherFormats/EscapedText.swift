import ThresherJSON

/// Builds the escaped body of one JSON string from pieces: literal text,
/// texts already escaped, and JSON snippets (escaped as they go in).
struct EscapedText {
    var bytes: [UInt8] = []

    mutating func literal(_ text: StaticString) {
        JSONWriter.appendEscaped(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), to: &bytes)
    }

    mutating func text(_ text: JSONText) { bytes += text.escaped }

    /// Raw JSON (or any UTF-8 bytes) placed inside the string.
    mutating func json(_ json: [UInt8]) {
        json.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, to: &bytes) }
    }

    var jsonText: JSONText { JSONText(escaped: bytes) }
}
