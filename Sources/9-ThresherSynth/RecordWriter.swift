/// Appends Claude-Code-shaped records to a byte buffer, one line each,
/// chaining `parentUuid` like the client does. Nothing here builds a
/// String per line: every piece is a memcpy of a literal or pooled body.
struct RecordWriter {
    var bytes: [UInt8] = []
    var random: SplitMix64
    let pool: TextPool
    var sessionID: [UInt8]
    var cwd: [UInt8]
    var version: StaticString
    var sidechain = false
    var agentID: [UInt8]?
    var parent: [UInt8]?
    /// Seconds since the archive's epoch, for timestamps.
    var clock: Int
    private var counter = 0
    /// Pool indexes of code bodies this session returned lately.
    private var recentCode: [Int] = []

    init(random: SplitMix64, pool: TextPool, sessionID: [UInt8], cwd: [UInt8], version: StaticString, clock: Int) {
        self.random = random
        self.pool = pool
        self.sessionID = sessionID
        self.cwd = cwd
        self.version = version
        self.clock = clock
        bytes.reserveCapacity(1 << 22)
    }

    // MARK: - Pieces

    @inline(__always) mutating func lit(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func quoted(_ b: [UInt8]) {
        bytes.append(0x22)
        bytes.append(contentsOf: b)
        bytes.append(0x22)
    }

    mutating func number(_ n: Int) { bytes.append(contentsOf: String(n).utf8) }

    mutating func uuid() -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0x2D, count: 36)
        var a = random.next()
        var b = random.next()
        for i in 0..<36 where ![8, 13, 18, 23].contains(i) {
            if i < 18 {
                out[i] = hex[Int(a & 15)]
                a >>= 4
            } else {
                out[i] = hex[Int(b & 15)]
                b >>= 4
            }
        }
        out[14] = UInt8(ascii: "4")
        return out
    }

    mutating func identifier(_ prefix: StaticString, length: Int = 24) -> [UInt8] {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789".utf8)
        return Array(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
            + (0..<length).map { _ in alphabet[random.below(alphabet.count)] }
    }

    mutating func timestamp() {
        clock += 1 + random.below(20)
        let t = clock
        let day = 1 + (t / 86_400) % 28
        let month = 1 + (t / (86_400 * 28)) % 12
        func two(_ v: Int) -> [UInt8] { [UInt8(48 + v / 10), UInt8(48 + v % 10)] }
        lit("\"2026-")
        raw(two(month))
        bytes.append(UInt8(ascii: "-"))
        raw(two(day))
        bytes.append(UInt8(ascii: "T"))
        raw(two((t / 3600) % 24))
        bytes.append(UInt8(ascii: ":"))
        raw(two((t / 60) % 60))
        bytes.append(UInt8(ascii: ":"))
        raw(two(t % 60))
        lit(".")
        number(100 + random.below(900))
        lit("Z\"")
    }

    /// A pooled text body, escaped; `code` picks source-like text. A
    /// session keeps going back to the same few files and outputs, as real
    /// ones do: 40% of code bodies repeat one of the session's own.
    mutating func body(code: Bool) -> [UInt8] {
        guard code else { return pool.prose[random.below(pool.prose.count)] }
        if recentCode.count >= 4 && random.chance(0.4) { return pool.code[recentCode[random.below(recentCode.count)]] }
        let index = random.below(pool.code.count)
        if recentCode.count < 8 { recentCode.append(index) } else { recentCode[random.below(8)] = index }
        return pool.code[index]
    }

    // MARK: - Records

    /// Opens a record: the envelope fields up to and including `"type":"…"`.
    mutating func begin(_ type: StaticString) {
        lit("{\"parentUuid\":")
        if let parent { quoted(parent) } else { lit("null") }
        lit(sidechain ? ",\"isSidechain\":true" : ",\"isSidechain\":false")
        if let agentID {
            lit(",\"agentId\":")
            quoted(agentID)
        }
        lit(",\"userType\":\"external\",\"cwd\":")
        quoted(cwd)
        lit(",\"sessionId\":")
        quoted(sessionID)
        lit(",\"version\":\"")
        lit(version)
        lit("\",\"gitBranch\":\"main\",\"type\":\"")
        lit(type)
        lit("\"")
    }

    /// Closes a record with its uuid and timestamp and a newline.
    mutating func end() {
        let id = uuid()
        lit(",\"uuid\":")
        quoted(id)
        lit(",\"timestamp\":")
        timestamp()
        lit("}\n")
        parent = id
        counter += 1
    }

    mutating func userText(_ text: [UInt8], extra: StaticString = "") {
        begin("user")
        lit(",\"message\":{\"role\":\"user\",\"content\":")
        quoted(text)
        lit("}")
        lit(extra)
        end()
    }

    mutating func userBlocks(_ blocks: (inout RecordWriter) -> Void) {
        begin("user")
        lit(",\"message\":{\"role\":\"user\",\"content\":[")
        blocks(&self)
        lit("]}")
        end()
    }

    /// One assistant line holding one content block, as the client writes them.
    mutating func assistant(id: [UInt8], _ block: (inout RecordWriter) -> Void) {
        begin("assistant")
        lit(",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":")
        quoted(id)
        lit(",\"type\":\"message\",\"role\":\"assistant\",\"content\":[")
        block(&self)
        lit("],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":")
        number(random.below(5000))
        lit(",\"cache_creation_input_tokens\":")
        number(random.below(30000))
        lit(",\"cache_read_input_tokens\":")
        number(random.below(90000))
        lit(",\"output_tokens\":")
        number(random.below(2000))
        lit(",\"service_tier\":\"standard\"}},\"requestId\":")
        quoted(identifier("req_"))
        end()
    }

    mutating func other(_ type: StaticString, _ fields: (inout RecordWriter) -> Void) {
        begin(type)
        fields(&self)
        end()
    }
}
