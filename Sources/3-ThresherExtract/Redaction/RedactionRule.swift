/// The secrets SPEC §9 redacts, in the order they are tried at a position.
public enum RedactionRule: Int, CaseIterable, Sendable {
    case privateKey, awsAccessKeyID, githubToken, gitlabToken, slackToken, anthropicKey, openaiKey,
         googleAPIKey, stripeKey, jwt, bearerToken, urlPassword, secretAssignment, email

    /// The name `--redact` takes and `[REDACTED:<name>]` shows.
    public var name: String {
        switch self {
        case .privateKey: "private-key"
        case .awsAccessKeyID: "aws-access-key-id"
        case .githubToken: "github-token"
        case .gitlabToken: "gitlab-token"
        case .slackToken: "slack-token"
        case .anthropicKey: "anthropic-key"
        case .openaiKey: "openai-key"
        case .googleAPIKey: "google-api-key"
        case .stripeKey: "stripe-key"
        case .jwt: "jwt"
        case .bearerToken: "bearer-token"
        case .urlPassword: "url-password"
        case .secretAssignment: "secret-assignment"
        case .email: "email"
        }
    }

    public init?(name: String) {
        guard let rule = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = rule
    }

    /// `[REDACTED:<name>]` as UTF-8.
    var replacement: [UInt8] { Array("[REDACTED:\(name)]".utf8) }
}
