import ThresherSystem

/// Lazy decoding: turning raw string ranges into valid UTF-8, and writing
/// values in canonical form (SPEC §5). Only values that are kept get here.
extension JSONTape {
    /// The decoded text of a string node as valid UTF-8 bytes: escapes
    /// resolved, `\u` surrogate pairs joined, lone surrogates and invalid
    /// UTF-8 replaced by U+FFFD (one per maximal invalid subpart).
    public func decodedBytes(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        appendDecoded(index, in: bytes, to: &out)
        return out
    }

    /// The decoded text of a string node (see `decodedBytes`).
    public func decodeString(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let node = nodes[index]
        let raw = rawBytes(index, in: bytes)
        // `String(decoding:)` repairs invalid UTF-8 the way `appendDecoded`
        // does, so the escapes are undone and the String built in one pass each.
        if node.flags & ~JSONNode.nonASCII == 0 { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: unescape(raw), as: UTF8.self)
    }

    /// Appends a string node's decoded text (valid UTF-8) to `out`.
    public func appendDecoded(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let node = nodes[index]
        let raw = rawBytes(index, in: bytes)
        switch node.flags {
        case 0:
            out.append(contentsOf: raw)
        case JSONNode.nonASCII:
            appendRepairedUTF8(raw, to: &out)
        default:
            let unescaped = unescape(raw)
            if node.flags & JSONNode.nonASCII != 0 {
                unescaped.withUnsafeBufferPointer { appendRepairedUTF8($0, to: &out) }
            } else {
                out.append(contentsOf: unescaped)
            }
        }
    }

    /// Writes the value at `index` as canonical JSON text (SPEC §5): compact,
    /// object keys in written order (a repeated key keeps its first position
    /// and takes its last value), numbers as written, strings minimally
    /// escaped and valid UTF-8.
    public func writeCanonical(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let node = nodes[index]
        switch node.kind {
        case .string:
            if node.flags == 0 {
                // A raw body without escapes or high bytes is already minimal.
                out.append(0x22)
                out.append(contentsOf: rawBytes(index, in: bytes))
                out.append(0x22)
            } else {
                out.append(0x22)
                appendEscapedBody(index, in: bytes, to: &out)
                out.append(0x22)
            }
        case .number, .true, .false, .null:
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)]))
        case .array:
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements(of: index) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeCanonical(element, in: bytes, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in uniqueMembers(of: index, in: bytes) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeCanonical(key, in: bytes, to: &out)
                out.append(UInt8(ascii: ":"))
                writeCanonical(value, in: bytes, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The canonical JSON text of a value as a String.
    public func canonicalString(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        writeCanonical(index, in: bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// An object's members with repeated keys folded: each distinct key once,
    /// at its first position, paired with its last value.
    public func uniqueMembers(of object: Int, in bytes: UnsafeBufferPointer<UInt8>) -> [(key: Int, value: Int)] {
        let all = Array(members(of: object))
        guard all.count > 1 else { return all }
        if all.count <= 16 && all.allSatisfy({ nodes[$0.key].flags == 0 }) {
            // Small objects with plain ASCII keys (nearly all): raw bytes are
            // the decoded keys, so compare them pairwise without allocating.
            var result: [(key: Int, value: Int)] = []
            result.reserveCapacity(all.count)
            next: for member in all {
                let key = rawBytes(member.key, in: bytes)
                for slot in result.indices where rawBytes(result[slot].key, in: bytes).elementsEqual(key) {
                    result[slot].value = member.value
                    continue next
                }
                result.append(member)
            }
            return result
        }
        var slotOfKey: [[UInt8]: Int] = [:]
        var result: [(key: Int, value: Int)] = []
        result.reserveCapacity(all.count)
        for member in all {
            let key = decodedBytes(member.key, in: bytes)
            if let slot = slotOfKey[key] {
                result[slot].value = member.value
            } else {
                slotOfKey[key] = result.count
                result.append(member)
            }
        }
        return result
    }

    /// Resolves backslash escapes; raw bytes are copied through unchanged.
    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        let n = raw.count
        while i < n {
            // Copy the run up to the next backslash in one go.
            let rest = UnsafeRawPointer(raw.baseAddress! + i)
            let next = memchr(rest, 0x5C, n - i).map { $0 - UnsafeMutableRawPointer(mutating: rest) + i } ?? n
            if next > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<next])) }
            i = next
            guard i < n else { break }
            // safe: the parser validated every escape, so raw[i + 1] exists.
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex4(raw, i)
                i += 4
                var scalar: UInt32 = 0xFFFD
                if unit >= 0xD800 && unit <= 0xDBFF {
                    // A high surrogate pairs only with an immediately following low one.
                    if i + 6 <= n && raw[i] == 0x5C && raw[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(raw, i + 2)
                        if low >= 0xDC00 && low <= 0xDFFF {
                            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                    }
                } else if unit < 0xDC00 || unit > 0xDFFF {
                    scalar = unit
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // " \ /
            }
        }
        return out
    }

    @inline(__always)
    func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        // safe: the parser checked these four bytes are hex digits.
        (hexValue(raw[at])! << 12) | (hexValue(raw[at + 1])! << 8)
            | (hexValue(raw[at + 2])! << 4) | hexValue(raw[at + 3])!
    }
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
@inline(__always)
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

/// Appends `bytes` as valid UTF-8, each maximal invalid subpart replaced by
/// U+FFFD (the standard library's decoder follows Unicode's recommendation).
public func appendRepairedUTF8(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    var string = String(decoding: bytes, as: UTF8.self)
    string.withUTF8 { out.append(contentsOf: $0) }
}

extension JSONTape {
    /// Whether a string node decodes to nothing but space, tab, LF and CR
    /// (SPEC's whitespace). Stops at the first other character, so it costs
    /// next to nothing for ordinary text.
    public func isWhitespaceOnly(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = rawBytes(index, in: bytes)
        var i = 0
        while i < raw.count {
            switch raw[i] {
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
            case 0x5C:
                // safe: the parser validated every escape.
                switch raw[i + 1] {
                case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    let unit = hex4(raw, i + 2)
                    guard unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D else { return false }
                    i += 6
                default:
                    return false
                }
            default:
                return false
            }
        }
        return true
    }
}
