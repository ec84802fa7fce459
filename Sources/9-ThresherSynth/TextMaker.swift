import ThresherSystem

/// Writes varied text straight into escaped JSON string bodies: source
/// code, logs, JSON documents and shell output for code-like results,
/// sentences with markdown for prose. Words come from a generated
/// vocabulary drawn with a Zipf-like law (a few words common, most rare), numbers and hashes are random, so the entropy per byte is
/// close to real tool output's.
struct TextMaker {
    var random: SplitMix64
    private var words: [[UInt8]] = []
    /// Sentences and source lines that recur across bodies, as stock
    /// phrases and boilerplate do in real output.
    private var stockSentences: [[UInt8]] = []
    private var stockLines: [[UInt8]] = []
    /// Frequent English words, drawn in about a third of the places.
    private static let common = "the a to of and in is for that this with on it be are as not was by from or at an we can if will file line error value test function return data type should run build"
        .split(separator: " ").map { Array($0.utf8) }
    /// Non-ASCII words: raw UTF-8, or `\u`-escaped in some bodies.
    private static let unicode = ["café", "naïve", "déjà vu", "über", "東京", "数据", "😀", "→", "—", "“quoted”", "Résumé"]
    private static let levels = ["INFO ", "DEBUG", "WARN ", "ERROR", "TRACE"]
    private static let types = ["String", "Int", "Double", "Bool", "Data", "URL", "Request", "Response", "Config", "Result<Value, Error>", "[String: Any]"]
    private static let extensions = ["swift", "ts", "py", "go", "rs", "json", "md", "yaml", "c", "h", "txt", "log"]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        let syllables = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge go gu ha he hi ho ja jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi xa ya yo za ze zi zo st tr pl gr th sh ch"
            .split(separator: " ").map { Array($0.utf8) }
        var words: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while words.count < 2000 {
            var word: [UInt8] = []
            for _ in 0..<(1 + random.below(4)) { word += syllables[random.below(syllables.count)] }
            if random.chance(0.3) { word.append([UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "x")][random.below(4)]) }
            if seen.insert(word).inserted { words.append(word) }
        }
        self.words = words
        for _ in 0..<400 {
            var stock: [UInt8] = []
            sentence(&stock, unicodeEscapes: false)
            stockSentences.append(stock)
            var line: [UInt8] = []
            sourceLine(&line)
            stockLines.append(line)
        }
    }

    // MARK: - Bodies

    /// A code-like tool result of a log-normal length.
    mutating func codeBody(unicodeEscapes: Bool) -> [UInt8] {
        let length = random.logNormal(median: 1400, sigma: 1.3, range: 60...160_000)
        var out: [UInt8] = []
        out.reserveCapacity(length + 256)
        let kind = random.below(5)
        let numbered = random.chance(0.5)
        var line = 1 + random.below(400)
        var clock = random.below(86_400)
        while out.count < length {
            switch kind {
            case 0, 1:
                if numbered { padded(line, width: 6, &out); text("→", &out) }
                if random.chance(0.4) { out += stockLines[random.below(stockLines.count)] } else { sourceLine(&out) }
            case 2:
                clock += random.below(5)
                logLine(clock: clock, &out)
            case 3:
                jsonLine(depth: 1 + random.below(3), &out)
            default:
                shellLine(&out)
            }
            line += 1
            if random.chance(0.02) { unicodeWord(escaped: unicodeEscapes, &out) }
            text("\\n", &out)
        }
        return out
    }

    /// A prose result or reply: sentences, paragraphs, bullets, inline code.
    mutating func proseBody(unicodeEscapes: Bool) -> [UInt8] {
        let length = random.logNormal(median: 900, sigma: 1.2, range: 20...60_000)
        var out: [UInt8] = []
        out.reserveCapacity(length + 256)
        while out.count < length {
            if random.chance(0.1) { text("- ", &out) }
            if random.chance(0.4) { out += stockSentences[random.below(stockSentences.count)] } else { sentence(&out, unicodeEscapes: unicodeEscapes) }
            text(random.chance(0.2) ? "\\n\\n" : random.chance(0.2) ? "\\n" : " ", &out)
        }
        return out
    }

    /// One sentence of 4-25 words, with inline code, numbers and emphasis.
    private mutating func sentence(_ out: inout [UInt8], unicodeEscapes: Bool) {
        let count = 4 + random.below(22)
        for index in 0..<count {
            if index > 0 { out.append(0x20) }
            switch random.below(40) {
            case 0: text("`", &out); identifier(&out); text("`", &out)
            case 1: number(&out)
            case 2: unicodeWord(escaped: unicodeEscapes, &out)
            case 3: text("**", &out); word(&out); text("**", &out)
            default: word(&out, capitalized: index == 0, common: 0.75)
            }
        }
        text([".", ".", ".", "?", ":", "!"][random.below(6)], &out)
    }

    // MARK: - Lines

    private mutating func sourceLine(_ out: inout [UInt8]) {
        let indent = random.below(4) * 4
        out.append(contentsOf: repeatElement(0x20, count: indent))
        switch random.below(9) {
        case 0:
            text("let ", &out); identifier(&out); text(" = ", &out); identifier(&out); text(".", &out); identifier(&out)
            text("(", &out); number(&out); text(", \\\"", &out); phrase(3, &out); text("\\\")", &out)
        case 1:
            text("func ", &out); identifier(&out); text("(_ ", &out); identifier(&out); text(": ", &out)
            text(Self.types[random.below(Self.types.count)], &out); text(") -> ", &out)
            text(Self.types[random.below(Self.types.count)], &out); text(" {", &out)
        case 2:
            text("// ", &out); phrase(4 + random.below(10), &out)
        case 3:
            text("}", &out)
        case 4:
            text("if ", &out); identifier(&out); text([" > ", " == ", " != ", " <= "][random.below(4)], &out); number(&out)
            text(" { return ", &out); identifier(&out); text(" }", &out)
        case 5:
            text("\\t", &out); identifier(&out); text(".append(", &out); identifier(&out); text("[", &out); number(&out); text("])", &out)
        case 6:
            text("print(\\\"", &out); phrase(2, &out); text(": \\\\(", &out); identifier(&out); text(")\\\")", &out)
        case 7:
            text("import ", &out); identifier(&out, capitalized: true)
        default:
            text("var ", &out); identifier(&out); text(": ", &out); text(Self.types[random.below(Self.types.count)], &out)
            text(" = ", &out); number(&out)
        }
    }

    private mutating func logLine(clock: Int, _ out: inout [UInt8]) {
        text("2026-11-", &out); padded(1 + (clock / 86_400) % 28, width: 2, zero: true, &out); text("T", &out)
        padded((clock / 3600) % 24, width: 2, zero: true, &out); text(":", &out)
        padded((clock / 60) % 60, width: 2, zero: true, &out); text(":", &out)
        padded(clock % 60, width: 2, zero: true, &out); text(".", &out); padded(random.below(1000), width: 3, zero: true, &out)
        text("Z ", &out); text(Self.levels[random.below(Self.levels.count)], &out); text(" [", &out); identifier(&out)
        text("] ", &out); phrase(3 + random.below(8), &out); text(" id=", &out); hex(8, &out)
        text(" took=", &out); number(&out); text("ms path=/", &out); path(&out)
    }

    private mutating func jsonLine(depth: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: depth * 2))
        text("\\\"", &out); identifier(&out); text("\\\": ", &out)
        switch random.below(5) {
        case 0: number(&out)
        case 1: text("\\\"", &out); phrase(1 + random.below(5), &out); text("\\\"", &out)
        case 2: text(random.chance(0.5) ? "true" : "null", &out)
        case 3: text("\\\"", &out); hex(12, &out); text("\\\"", &out)
        default: text("[", &out); number(&out); text(", ", &out); number(&out); text("]", &out)
        }
        text(",", &out)
    }

    private mutating func shellLine(_ out: inout [UInt8]) {
        switch random.below(4) {
        case 0:
            hex(7, &out); out.append(0x20); phrase(3 + random.below(7), &out)
        case 1:
            text("-rw-r--r-- 1 dev dev ", &out); padded(random.below(200_000), width: 7, &out); text(" Nov ", &out)
            padded(1 + random.below(28), width: 2, &out); out.append(0x20); path(&out)
        case 2:
            text("test ", &out); identifier(&out); text("::", &out); identifier(&out)
            text(random.chance(0.9) ? " ... ok (0." : " ... FAILED (0.", &out); number(&out); text("s)", &out)
        default:
            path(&out); text(":", &out); number(&out); text(":", &out); number(&out); text(": ", &out)
            text(random.chance(0.5) ? "error: " : "warning: ", &out); phrase(4 + random.below(6), &out)
        }
    }

    // MARK: - Pieces

    /// A vocabulary word: low indexes far more common than high ones.
    /// `common`: the share of frequent English words (prose has more).
    private mutating func word(_ out: inout [UInt8], capitalized: Bool = false, common: Double = 0.55) {
        let start = out.count
        if random.chance(common) {
            out += Self.common[random.below(Self.common.count)]
        } else {
            let u = pow(Double(random.next() >> 11) / Double(1 << 53), 2.0)
            out += words[min(words.count - 1, Int(exp(u * log(Double(words.count)))) - 1)]
        }
        if capitalized, out[start] >= 0x61, out[start] <= 0x7A { out[start] -= 0x20 }
    }

    private mutating func phrase(_ count: Int, _ out: inout [UInt8]) {
        for index in 0..<count {
            if index > 0 { out.append(0x20) }
            word(&out)
        }
    }

    private mutating func identifier(_ out: inout [UInt8], capitalized: Bool = false) {
        let snake = random.chance(0.3)
        for index in 0..<(1 + random.below(3)) {
            if index > 0 && snake { out.append(UInt8(ascii: "_")) }
            word(&out, capitalized: capitalized || (index > 0 && !snake))
        }
    }

    private mutating func path(_ out: inout [UInt8]) {
        for _ in 0..<(1 + random.below(3)) { identifier(&out); out.append(UInt8(ascii: "/")) }
        identifier(&out); out.append(UInt8(ascii: ".")); text(Self.extensions[random.below(Self.extensions.count)], &out)
    }

    private mutating func number(_ out: inout [UInt8]) {
        padded(random.below([10, 100, 1_000, 100_000][random.below(4)]), width: 0, &out)
    }

    private mutating func hex(_ count: Int, _ out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        var bits = random.next()
        for index in 0..<count {
            if index % 16 == 15 { bits = random.next() }
            out.append(digits[Int(bits & 15)])
            bits >>= 4
        }
    }

    private mutating func unicodeWord(escaped: Bool, _ out: inout [UInt8]) {
        let word = Self.unicode[random.below(Self.unicode.count)]
        guard escaped else { return text(word, &out) }
        for scalar in word.unicodeScalars {
            if scalar.value < 0x80 {
                out.append(UInt8(scalar.value))
            } else if scalar.value <= 0xFFFF {
                let hex = String(scalar.value, radix: 16)
                text("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, &out)
            } else {
                out += Array(String(scalar).utf8)
            }
        }
    }

    /// `value` in decimal, right-aligned in `width` columns (spaces or zeros).
    private func padded(_ value: Int, width: Int, zero: Bool = false, _ out: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        if digits.count < width { out.append(contentsOf: repeatElement(zero ? 0x30 : 0x20, count: width - digits.count)) }
        out += digits
    }

    /// Bytes already escaped for a JSON string body.
    private func text(_ escaped: String, _ out: inout [UInt8]) {
        out += escaped.utf8
    }
}
