import ThresherExtract

/// libFuzzer entry: any bytes as a text to redact with every rule.
/// Crashes, out-of-bounds reads (AddressSanitizer), a replacement that
/// breaks valid UTF-8, or a "replacement" equal to the input are failures.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedaction(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Array(UnsafeBufferPointer(start: data, count: size))
    var counts = RedactionCounts()
    let redactor = Redactor(rules: .all)
    guard let redacted = redactor.redact(text, counts: &counts) else {
        if counts.total != 0 { fatalError("\(counts.total) replacements counted, none made") }
        return 0
    }
    if counts.total == 0 { fatalError("a replacement made without being counted") }
    if redacted == text { fatalError("a replacement that changed nothing") }
    if String(validating: text, as: UTF8.self) != nil && String(validating: redacted, as: UTF8.self) == nil {
        fatalError("redaction broke valid UTF-8")
    }
    return 0
}
