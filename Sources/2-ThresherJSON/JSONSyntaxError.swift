/// Why a buffer is not one valid JSON document, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case controlCharacterInString
        case invalidEscape
        case invalidUnicodeEscape
        case invalidNumber
        case invalidLiteral
        case expectedKey
        case expectedColon
        case expectedCommaOrEnd
        case tooDeep(limit: Int)
        case trailingData
        case tooLong
        /// Internal: the tape's storage is full; `parse` grows it and never throws this.
        case tapeFull
    }

    public var reason: Reason
    /// Byte offset in the parsed buffer where the problem was found.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of line"
        case .unexpectedByte(let b):
            what = (0x21...0x7E).contains(b)
                ? "unexpected character '\(Character(Unicode.Scalar(b)))'"
                : "unexpected byte 0x\(String(b, radix: 16, uppercase: true))"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .tapeFull: what = "internal: tape full"
        case .invalidEscape: what = "invalid escape in string"
        case .invalidUnicodeEscape: what = "invalid \\u escape in string"
        case .invalidNumber: what = "invalid number"
        case .invalidLiteral: what = "invalid literal"
        case .expectedKey: what = "expected a string key"
        case .expectedColon: what = "expected ':' after key"
        case .expectedCommaOrEnd: what = "expected ',' or end of container"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .trailingData: what = "trailing data after the JSON value"
        case .tooLong: what = "line longer than 4 GiB"
        }
        return "\(what) at byte \(offset)"
    }
}
