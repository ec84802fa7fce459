import Testing
@testable import ThresherExtract
@testable import ThresherJSON

@Suite struct UserContentTests {
    /// Pieces of raw JSON string bodies that meet every rule of SPEC §4's
    /// user-record steps: the interrupt prefix, slash-command tags, closing
    /// and ignored tags, SPEC whitespace raw and escaped, other escapes,
    /// non-ASCII and invalid UTF-8.
    static let fragments: [[UInt8]] = [
        "[Request interrupted by user", "[Request interrupted by user for tool use]", "<command-name>", "</command-name>",
        "<command-args>", "</command-args>", "/review", "<bash-input>", "<bash-stdout>", "<local-command-stderr>",
        "<task-notification>", "<system-reminder>", "<local-command-caveat>", "<", ">", "[", " ", "  ", "\\n", "\\t",
        "\\r", "\\b", "\\f", "\\\"", "\\\\", "x", "é", "日本", "hello world", "{\\\"a\\\":1}",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    /// `classifyRaw` on the raw body must say what `classify` says of the
    /// decoded piece, for every composition of up to five fragments tried.
    @Test func rawClassificationMatchesTheDecodedRules() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var seen: [UserContent.RawMeaning: Int] = [:]
        for _ in 0..<20_000 {
            var body: [UInt8] = []
            for _ in 0..<next(6) { body += Self.fragments[next(Self.fragments.count)] }
            let meaning = body.withUnsafeBufferPointer { UserContent.classifyRaw($0) }
            seen[meaning, default: 0] += 1
            let decoded = try #require(decodedString([0x22] + body + [0x22]))
            let expected = UserContent.classify([decoded])
            switch meaning {
            case .interrupt: #expect(expected == .interrupt)
            case .close: #expect(expected == .close)
            case .dropped: #expect(expected == .dropped)
            case .prompt: #expect(expected == .prompt(decoded))
            case .needsDecoding: #expect(decoded.contains("<command-name>"))
            }
        }
        #expect(seen.keys.count == 5, "every outcome met: \(seen)")
    }
}

/// The decoded text of a JSON string document such as `"a\u00e9"`.
private func decodedString(_ bytes: [UInt8]) -> String? {
    var tape = JSONTape()
    let parsed = bytes.withUnsafeBufferPointer { (try? JSONParser.parse($0, into: &tape)) != nil }
    guard parsed, tape[0].kind == .string else { return nil }
    return bytes.withUnsafeBufferPointer { tape.decodeString(0, in: $0) }
}
