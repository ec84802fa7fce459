/// Pre-escaped JSON string bodies the generator picks from, so writing a
/// line is a few memcpys: code with dense escapes, prose with raw and
/// `\u`-escaped unicode, and base64.
struct TextPool: Sendable {
    /// Escaped bodies (no surrounding quotes), each valid inside a JSON string.
    let code: [[UInt8]]
    let prose: [[UInt8]]
    let base64: [UInt8]

    init(seed: UInt64) {
        var random = SplitMix64(seed: seed ^ 0x7E57_7E57)
        var code: [[UInt8]] = []
        for i in 0..<48 {
            let lines = random.logNormal(median: 40, sigma: 1.1, range: 2...1200)
            var text = ""
            for j in 0..<lines {
                text += "\(String(repeating: " ", count: 5 - min(5, String(j + 1).count)))\(j + 1)→"
                text += Self.codeLines[random.below(Self.codeLines.count)] + "\n"
            }
            code.append(Self.escaped(text, unicodeEscapes: i % 5 == 0))
        }
        var prose: [[UInt8]] = []
        for i in 0..<48 {
            let words = random.logNormal(median: 60, sigma: 1.0, range: 3...3000)
            var text = ""
            for w in 0..<words {
                text += Self.proseWords[random.below(Self.proseWords.count)]
                text += w % 17 == 16 ? ".\n\n" : " "
            }
            prose.append(Self.escaped(text, unicodeEscapes: i % 4 == 0))
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        self.code = code
        self.prose = prose
        self.base64 = (0..<(4 << 20)).map { _ in alphabet[random.below(64)] }
    }

    /// Lines code results are built from (escapes, unicode, tabs).
    static let codeLines = [
        "func handle(_ request: Request) throws -> Response {",
        "    let body = try JSONDecoder().decode(Payload.self, from: request.body)",
        "    guard body.items.count > 0 else { throw Abort(.badRequest, reason: \"empty\") }",
        "\tfor (index, item) in body.items.enumerated() where item.isValid {",
        "        print(\"item \\(index): \\(item.name)\\t\\(item.price)\")",
        "    }",
        "    return Response(status: .ok, headers: [\"Content-Type\": \"application/json\"])",
        "}",
        "# Résumé: naïve café — 東京 — ☃ — 😀 — “quotes” and ‘apostrophes’",
        "const path = \"C:\\\\Users\\\\dev\\\\project\\\\src\\\\index.ts\";",
        "    if err != nil { return fmt.Errorf(\"open %q: %w\", name, err) }",
        "SELECT id, name FROM users WHERE email LIKE '%@example.com' ORDER BY id;",
        "  1→import Foundation",
        "     42→    /// Returns the value for `key`, or nil.",
        "diff --git a/Sources/main.swift b/Sources/main.swift",
        "@@ -12,7 +12,9 @@ struct Config {",
        "-    var retries = 3",
        "+    var retries = 5\t// tuned",
    ]
    /// Words prose results are built from.
    static let proseWords = ["the", "tool", "result", "shows", "that", "timing", "slack", "is", "negative", "café",
                             "naïve", "déjà", "vu", "über", "東京", "数据", "😀", "→", "—", "design", "passes",
                             "constraint", "clock", "period", "ns", "at", "0.45", "with", "WNS", "-0.12"]

    /// `text` as a JSON string body, non-ASCII as `\u` escapes when asked.
    static func escaped(_ text: String, unicodeEscapes: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 64)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\t": out += Array("\\t".utf8)
            case "\r": out += Array("\\r".utf8)
            default:
                if unicodeEscapes && scalar.value > 0x7F && scalar.value <= 0xFFFF {
                    let hex = String(scalar.value, radix: 16)
                    out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        return out
    }
}
