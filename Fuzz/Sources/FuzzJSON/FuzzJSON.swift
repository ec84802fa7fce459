import ThresherJSON

/// libFuzzer entry: any bytes as a JSON document and as a JSON line.
/// Crashes, out-of-bounds reads (AddressSanitizer) and a disagreement
/// between the full, shallow and line parsers are failures.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var tape = JSONTape()
    let parsed = bytes.withUnsafeBufferPointer { buffer in (try? JSONParser.parse(buffer, into: &tape)) != nil }
    // A shallow parse (few nodes stored) reaches the same verdict.
    var shallow = JSONTape()
    let shallowParsed = bytes.withUnsafeBufferPointer { buffer in (try? JSONParser.parse(buffer, into: &shallow, shallowAbove: 16)) != nil }
    if shallowParsed != parsed { fatalError("shallow parse says \(shallowParsed), full parse says \(parsed) for \(bytes)") }
    if parsed {
        // Every string the tape holds decodes, and the root re-serializes.
        bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<tape.count where tape[index].kind == .string {
                _ = tape.decodeString(index, in: buffer)
                _ = tape.text(index, in: buffer)
            }
            _ = tape.canonicalString(tape.root, in: buffer)
        }
    }
    // Without a newline inside, a document parses exactly when the same
    // bytes parse as a line ending at an added newline.
    if !bytes.contains(0x0A) {
        let line = bytes + [0x0A]
        let end = line.withUnsafeBufferPointer { JSONParser.parseLine($0, into: &tape) }
        if parsed != (end == size) && !(bytes.first.map { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } ?? true) {
            fatalError("parse says \(parsed), parseLine says \(String(describing: end)) for \(bytes)")
        }
    }
    return 0
}
