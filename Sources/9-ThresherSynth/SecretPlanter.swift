/// Secrets of every SPEC §9 rule, planted in tool results and prompts the
/// way real sessions show them (`.env` dumps, headers, URLs, keys pasted in
/// text), so redaction is exercised and measured on synthetic archives.
/// Each planting returns the escaped text to insert and the exact secret
/// that must not reach a shard.
enum SecretPlanter {
    /// How many kinds there are: one per redaction rule, planted in turn.
    static let kinds = 14

    static func plant(kind: Int, random: inout SplitMix64) -> (text: [UInt8], secret: String) {
        func run(_ alphabet: String, _ count: Int) -> String {
            let characters = Array(alphabet)
            return String((0..<count).map { _ in characters[random.below(characters.count)] })
        }
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower = "abcdefghijklmnopqrstuvwxyz", digits = "0123456789"
        let alnum = upper + lower + digits
        // A digit first and last keeps the rules that need one satisfied.
        func body(_ count: Int, _ alphabet: String = alnum) -> String { "7" + run(alphabet, count - 2) + "3" }
        let (before, secret, after): (String, String, String)
        switch kind % kinds {
        case 0:
            let key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIE" + run(alnum + "+/", 60) + "\\n" + run(alnum + "+/", 60)
                + "\\n-----END RSA PRIVATE KEY-----"
            (before, secret, after) = ("Found key file:\\n", key, "\\n")
        case 1: (before, secret, after) = ("aws_access_key_id = ", "AKIA" + run(upper + digits, 16), "\\n")
        case 2: (before, secret, after) = ("remote url uses ", "ghp_" + body(36), " for auth\\n")
        case 3: (before, secret, after) = ("CI uses ", "glpat-" + body(20, alnum + "_-"), "\\n")
        case 4: (before, secret, after) = ("webhook via ", "xoxb-" + body(24, alnum + "-"), "\\n")
        case 5: (before, secret, after) = ("the key is ", "sk-ant-api03-" + body(40, alnum + "_-"), " (do not share)\\n")
        case 6: (before, secret, after) = ("OpenAI client configured with ", "sk-proj-" + body(48, alnum + "_-"), "\\n")
        case 7: (before, secret, after) = ("maps key ", "AIza" + run(alnum + "_-", 35), " loaded\\n")
        case 8: (before, secret, after) = ("stripe: ", "sk_live_" + body(24), "\\n")
        case 9:
            let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ" + body(30, alnum + "_-") + "." + body(40, alnum + "_-")
            (before, secret, after) = ("session cookie ", jwt, "\\n")
        case 10: (before, secret, after) = ("curl -H 'Authorization: Bearer ", body(32, alnum + "._~+/-"), "' https://api.internal/v1\\n")
        case 11: (before, secret, after) = ("connecting to postgres://app:", body(18, alnum + "!$&*"), "@db.internal:5432/prod\\n")
        case 12: (before, secret, after) = ("DB_PASSWORD=", body(20), "\\nDB_HOST=db.internal\\n")
        default:
            let address = run(lower, 6) + "." + run(lower, 7) + "@" + run(lower, 8) + ".io"
            (before, secret, after) = ("contact: ", address, " for access\\n")
        }
        return (Array((before + secret + after).utf8), secret.replacingOccurrences(of: "\\n", with: "\n"))
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
