import CByteMask
import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
import ThresherJSON
import ThresherSynth

/// SPEC §9 redaction against the SPEC's own Python patterns (the oracle in
/// `Tests/oracle/redact_oracle.py`), on hand-made edge cases and on
/// thousands of generated strings; skipped where python3 is missing.
struct RedactionTests {
    static func redact(_ text: String, _ rules: RedactionRules = .all) -> (String, RedactionCounts) {
        var counts = RedactionCounts()
        let out = Redactor(rules: rules).redact(Array(text.utf8), counts: &counts)
        return (out.map { String(decoding: $0, as: UTF8.self) } ?? text, counts)
    }

    // MARK: - Rules, by hand

    @Test(arguments: [
        // (input, expected)
        ("key AKIAABCDEFGHIJKLMNOP.", "key [REDACTED:aws-access-key-id]."),
        ("xAKIAABCDEFGHIJKLMNOP", "xAKIAABCDEFGHIJKLMNOP"),  // lookbehind
        ("AKIAABCDEFGHIJKLMNOPQ", "AKIAABCDEFGHIJKLMNOPQ"),  // 17 characters: lookahead
        ("éAKIAABCDEFGHIJKLMNOPé", "é[REDACTED:aws-access-key-id]é"),  // non-ASCII neighbours are boundaries
        ("ghp_" + String(repeating: "a", count: 36), "[REDACTED:github-token]"),
        ("ghp_" + String(repeating: "a", count: 35), "ghp_" + String(repeating: "a", count: 35)),
        ("ghp_" + String(repeating: "a", count: 36) + "_", "ghp_" + String(repeating: "a", count: 36) + "_"),
        ("ghp_" + String(repeating: "a", count: 256), "ghp_" + String(repeating: "a", count: 256)),
        ("github_pat_" + String(repeating: "A_", count: 11), "[REDACTED:github-token]"),
        ("glpat-" + String(repeating: "x", count: 20), "[REDACTED:gitlab-token]"),
        ("-glpat-" + String(repeating: "x", count: 20), "-glpat-" + String(repeating: "x", count: 20)),
        ("xoxb-1234567890", "[REDACTED:slack-token]"),
        ("xoxb-1234567890_", "xoxb-1234567890_"),
        ("sk-ant-" + String(repeating: "k", count: 20), "[REDACTED:anthropic-key]"),
        ("sk-" + String(repeating: "k", count: 19) + "1", "[REDACTED:openai-key]"),
        ("sk-" + String(repeating: "k", count: 20), "sk-" + String(repeating: "k", count: 20)),  // no digit
        ("sk-proj-" + String(repeating: "k", count: 254) + "1", "[REDACTED:openai-key]"),  // 260 with the prefix
        ("AIza" + String(repeating: "z", count: 35), "[REDACTED:google-api-key]"),
        ("AIza" + String(repeating: "z", count: 36), "AIza" + String(repeating: "z", count: 36)),
        ("sk_live_" + String(repeating: "s", count: 16), "[REDACTED:stripe-key]"),
        ("rk_test_" + String(repeating: "s", count: 15), "rk_test_" + String(repeating: "s", count: 15)),
        ("eyJhbGciOiJI.eyJzdWIiOiIx.SflKxwRJSMeKKF2QT4", "[REDACTED:jwt]"),
        ("Authorization: Bearer abcdefghijklmno1==;", "Authorization: Bearer [REDACTED:bearer-token];"),
        ("BEARER\tabcdefghijklmnop", "BEARER\tabcdefghijklmnop"),  // no digit
        ("postgres://admin:s3cr3t@db:5432", "postgres://admin:[REDACTED:url-password]@db:5432"),
        ("DB_PASSWORD=hunter2isbad", "DB_PASSWORD=[REDACTED:secret-assignment]"),
        ("api_key: 'abcd1234efgh'", "api_key: '[REDACTED:secret-assignment]'"),
        ("token := abcdefg1", "token := [REDACTED:secret-assignment]"),
        ("token:=abcdef1", "token:[REDACTED:secret-assignment]"),  // `:=` fails, `:` takes `=abcdef1`
        ("password = getPassword1(x)", "password = getPassword1(x)"),  // a call
        ("password=" + String(repeating: "a1", count: 101), "password=" + String(repeating: "a1", count: 101)),  // 202 > 200
        ("mail me@corp.io.", "mail [REDACTED:email]."),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("Git@github.com", "[REDACTED:email]"),
        ("Co-Authored-By: Claude <noreply@anthropic.com>", "Co-Authored-By: Claude <noreply@anthropic.com>"),
        ("user@example.org@b.com", "user@[REDACTED:email]"),
        ("x@mail.example.com", "x@mail.example.com"),
        ("a@b..com", "a@b..com"),
        ("a@b.c0m", "a@b.c0m"),
        (String(repeating: "l", count: 65) + "@corp.io", String(repeating: "l", count: 65) + "@corp.io"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nafter", "[REDACTED:private-key]\nafter"),
        ("x -----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\nno end", "x [REDACTED:private-key]"),
        ("AKIAABCDEFGHIJKLMNOPme@corp.io", "[REDACTED:email]"),  // adjacent: the key has no boundary, the address takes all
        ("AKIAABCDEFGHIJKLMNOP me@corp.io", "[REDACTED:aws-access-key-id] [REDACTED:email]"),
    ])
    func ruleCases(_ input: String, _ expected: String) {
        #expect(Self.redact(input).0 == expected)
    }

    @Test func countsAndSelectedRules() {
        let text = "AKIAABCDEFGHIJKLMNOP a@corp.io b@corp.io"
        let (all, counts) = Self.redact(text)
        #expect(all == "[REDACTED:aws-access-key-id] [REDACTED:email] [REDACTED:email]")
        #expect(counts[.email] == 2 && counts[.awsAccessKeyID] == 1 && counts.total == 3)
        let (emailOnly, _) = Self.redact(text, RedactionRules([.email]))
        #expect(emailOnly == "AKIAABCDEFGHIJKLMNOP [REDACTED:email] [REDACTED:email]")
        #expect(Self.redact(text, .none).0 == text)
    }

    @Test func parsesRuleLists() throws {
        #expect(try RedactionRules.parse("all") == .all)
        #expect(try RedactionRules.parse("email,jwt") == RedactionRules([.email, .jwt]))
        #expect(throws: RedactionRules.UnknownRule.self) { try RedactionRules.parse("email,passwords") }
    }

    /// Texts are redacted in their escaped form's characters: a secret
    /// right after a newline keeps its boundary.
    @Test func redactsEscapedTexts() {
        var counts = RedactionCounts()
        let text = JSONText("line\nAKIAABCDEFGHIJKLMNOP \"quoted\" \u{1}")
        let out = Redactor().redact(text, counts: &counts)
        #expect(out?.string == "line\n[REDACTED:aws-access-key-id] \"quoted\" \u{1}")
        #expect(Redactor().redact(JSONText("nothing to see: a-b_c=d"), counts: &counts) == nil)
    }

    /// The pre-filter reads a text's escaped form, where a quote or a
    /// control character before a separator is two bytes (`\"`, `\t`): the
    /// escaped text must be redacted exactly as its characters are, in a
    /// string value of call arguments too.
    @Test func escapedFormsAreRedactedAsTheirCharacters() {
        let redactor = Redactor()
        let texts = Self.generated(count: 6000, seed: 4) + [#"{"password": "hunter2abc123"}"#, "x password\" = abcd1234efgh"]
        for text in texts {
            var a = RedactionCounts(), b = RedactionCounts(), c = RedactionCounts()
            let raw = redactor.redact(Array(text.utf8), counts: &a).map { String(decoding: $0, as: UTF8.self) } ?? text
            let escaped = redactor.redact(JSONText(text), counts: &b)?.string ?? text
            #expect(escaped == raw, "\(text.debugDescription)")
            let arguments = Array(#"{"k":""#.utf8) + JSONText(text).escaped + Array(#""}"#.utf8)
            let inArguments = redactor.redactArguments(arguments, counts: &c) ?? arguments
            #expect(inArguments == Array(#"{"k":""#.utf8) + JSONText(raw).escaped + Array(#""}"#.utf8), "\(text.debugDescription)")
            #expect(a == b && b == c)
        }
    }

    /// The pre-filter's 16-byte blocks read 6 bytes back and 2 ahead: a
    /// secret at every offset from a text's start and end is still found.
    @Test func preFilterFindsSecretsAtEveryOffset() {
        let secrets = ["AKIAABCDEFGHIJKLMNOP", "ghp_" + String(repeating: "a", count: 36), "glpat-" + String(repeating: "x", count: 20),
                       "sk_live_" + String(repeating: "a", count: 16), "github_pat_" + String(repeating: "A", count: 22),
                       "sk-ant-" + String(repeating: "k", count: 20), "me@corp.io", "Bearer abcdefgh12345678",
                       "token = abcd1234efgh", "TOKEN\":abcd1234efgh", "https://u:p@host", "xoxb-1234567890",
                       "AIza" + String(repeating: "z", count: 35), "eyJabcdefgh.eyJabcdefgh.abcdefgh",
                       "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"]
        let redactor = Redactor()
        for secret in secrets {
            for before in 0..<40 {
                for after in [0, 1, 2, 17, 40] {
                    let text = String(repeating: " ", count: before) + secret + String(repeating: " ", count: after)
                    var counts = RedactionCounts()
                    #expect(redactor.redact(Array(text.utf8), counts: &counts) != nil, "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func redactsArgumentValuesNotKeys() {
        var counts = RedactionCounts()
        let arguments = Array(#"{"password":"abcd1234efgh","nested":[{"k":"me@corp.io"}],"n":1}"#.utf8)
        let out = Redactor().redactArguments(arguments, counts: &counts)
        #expect(out.map { String(decoding: $0, as: UTF8.self) }
            == #"{"password":"abcd1234efgh","nested":[{"k":"[REDACTED:email]"}],"n":1}"#)
        let assignment = Array(#"{"cmd":"export TOKEN=abcd1234efgh"}"#.utf8)
        #expect(Redactor().redactArguments(assignment, counts: &counts).map { String(decoding: $0, as: UTF8.self) }
            == #"{"cmd":"export TOKEN=[REDACTED:secret-assignment]"}"#)
    }

    // MARK: - Against the Python oracle

    static let pieces: [String] = [
        "AKIA", "ASIA", "ABIA", "ACCA", "AIza", "ghp_", "gho_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "sk-", "sk-ant-",
        "sk-proj-", "sk_live_", "rk_test_", "eyJ", ".eyJ", ".", "Bearer ", "bearer\t", "BEARER  ", "https://", "ftp+x.y://",
        "user", ":", "=", ":=", "=>", "\"", "'", " ", "\t", "\n", "@", "example.com", "example.org", "mail.example.net",
        "git", "noreply", "no-reply", "corp.io", ".co", "-", "_", "..", "(", "password", "PASSWD", "api_key", "api-key",
        "ApiKey", "access_key", "secret", "client-secret", "private_key", "token", "DB_", "my.", "-----BEGIN",
        "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY BLOCK-----", "-----END RSA PRIVATE KEY-----",
        "-----END PRIVATE KEY-----", " PRIVATE KEY", "é", "→", "P\u{301}", "日本", "%", "+", "/", "~", "!", "$", "&", "*",
        ",", ";", "#", "^",
    ]

    /// Starts of secrets, each followed by a run in the generator.
    static let prefixes = [
        "AKIA", "ASIA", "AIza", "ghp_", "ghs_", "github_pat_", "glpat-", "xoxb-", "xoxr-", "sk-", "sk-ant-", "sk-proj-",
        "sk-admin-", "sk_live_", "rk_test_", "eyJ", "eyJabcdefgh.eyJ", "eyJabcdefgh.eyJabcdefgh.", "Bearer ", "bearer\t",
        "password=", "DB_TOKEN: \"", "api-key => ", "secret_key:=", "my.passwd '= ", "https://user:", "s3://", "me@",
        "x@corp.", "-----BEGIN RSA PRIVATE KEY-----\n", "-----END PRIVATE KEY-----",
    ]

    /// A run of one character class, its length near the rules' bounds.
    static func run(_ random: inout SplitMix64) -> String {
        let classes = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "abcdefghijklmnopqrstuvwxyz", "0123456789",
                       "abcXYZ019_-", "aZ09._~+/-", "aB3.-", "abc123+/=_.~!@#$%^&*-"]
        let alphabet = Array(classes[random.below(classes.count)])
        let lengths = [1, 3, 7, 8, 9, 10, 15, 16, 17, 19, 20, 21, 22, 35, 36, 37, 64, 65, 128, 129, 199, 200, 201, 254, 255, 256]
        let count = lengths[random.below(lengths.count)] + random.below(2) - random.below(2)
        return String((0..<max(0, count)).map { _ in alphabet[random.below(alphabet.count)] })
    }

    static func generated(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var text = ""
            for _ in 0..<(1 + random.below(10)) {
                switch random.below(10) {
                case 0..<4: text += prefixes[random.below(prefixes.count)] + run(&random)
                case 4..<7: text += run(&random)
                default: text += pieces[random.below(pieces.count)]
                }
            }
            return text
        }
    }

    static func oracle(_ texts: [String], rules: [String]? = nil) throws -> [(String, [String: Int])]? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("oracle/redact_oracle.py").path
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var request = Data()
        for text in texts {
            var item: [String: Any] = ["text": text]
            if let rules { item["rules"] = rules }
            request += try JSONSerialization.data(withJSONObject: item) + Data("\n".utf8)
        }
        // Written from another thread: the oracle answers while it reads.
        let payload = request
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try answer.split(separator: 0x0A).map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            return (object["text"] as! String, object["counts"] as! [String: Int])
        }
    }

    static func compareWithOracle(_ texts: [String], rules: RedactionRules = .all) throws {
        guard let expected = try oracle(texts, rules: rules == .all ? nil : rules.rules.map(\.name)) else {
            print("RedactionTests: python3 not available, oracle comparison skipped")
            return
        }
        try #require(expected.count == texts.count)
        var failures = 0
        for (text, (want, wantCounts)) in zip(texts, expected) {
            let (got, counts) = redact(text, rules)
            var gotCounts: [String: Int] = [:]
            for rule in RedactionRule.allCases where counts[rule] > 0 { gotCounts[rule.name] = counts[rule] }
            if got != want || gotCounts != wantCounts {
                failures += 1
                if failures <= 5 { Issue.record("\(text.debugDescription)\n  thresh: \(got.debugDescription)\n  oracle: \(want.debugDescription)") }
            }
        }
        #expect(failures == 0)
    }

    @Test func handCasesAgreeWithOracle() throws {
        let cases = (Self.pieces + Self.pieces.map { "x" + $0 + "1" }).map { $0 + " ab@corp.io" }
        try Self.compareWithOracle(cases)
    }

    @Test func generatedStringsAgreeWithOracle() throws {
        try Self.compareWithOracle(Self.generated(count: 6000, seed: 1))
    }

    @Test func generatedStringsAgreeWithOracleForSomeRules() throws {
        try Self.compareWithOracle(Self.generated(count: 1500, seed: 2), rules: RedactionRules([.email, .urlPassword, .jwt]))
    }

    /// The anchor search gives the same positions with 32-byte blocks (on
    /// a CPU with AVX2), 16-byte blocks (any x86-64) and none, wherever the
    /// anchors and their neighbours fall against the blocks.
    @Test func anchorSearchIsTheSameForEveryBlockWidth() {
        var random = SeededRandom(state: 5)
        let alphabet = Array("-_:=@/ \t\"'\\kbsrAKSBCIgJyexohplpuRrEeAaBbTtNnYyDdwoz.%+0".utf8)
        var buffers = Self.generated(count: 2000, seed: 4).map { Array($0.utf8) }
        for _ in 0..<4000 { buffers.append((0..<random.below(300)).map { _ in alphabet[random.below(alphabet.count)] }) }
        for bytes in buffers {
            bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                var from = buffer.isEmpty ? 0 : random.below(min(buffer.count, 8))
                while from <= buffer.count {
                    let scalar = thresh_secret_anchor_width(base, buffer.count, from, 0)
                    let sse = thresh_secret_anchor_width(base, buffer.count, from, 16)
                    let avx = thresh_secret_anchor_width(base, buffer.count, from, 32)
                    #expect(sse == scalar && avx == scalar, "\(String(decoding: bytes, as: UTF8.self).debugDescription) from \(from)")
                    guard scalar < buffer.count, sse == scalar, avx == scalar else { break }
                    from = scalar + 1
                }
            }
        }
    }

    /// The anchor pre-filter must never hide a secret: the exact scan and
    /// the filtered one agree on every generated string.
    @Test func preFilterNeverHidesASecret() {
        for text in Self.generated(count: 20000, seed: 3) {
            let bytes = Array(text.utf8)
            var a = RedactionCounts(), b = RedactionCounts()
            let redactor = Redactor()
            let filtered = redactor.redact(bytes, counts: &a)
            let exact = bytes.withUnsafeBufferPointer { buffer in
                ByteClass.table.withUnsafeBufferPointer { redactor.scan(SecretMatcher(bytes: buffer, classes: $0.baseAddress!), counts: &b) }
            }
            #expect(filtered == exact, "\(text.debugDescription)")
        }
    }
}
