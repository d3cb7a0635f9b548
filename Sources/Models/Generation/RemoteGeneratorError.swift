// The public error of the remote generator: each case names the URL and says what to check.

/// Why a request to an OpenAI-compatible server failed.
public enum RemoteGeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The base URL is not an http(s) URL.
    case invalidURL(String)
    /// The caller named an API-key environment variable that is not set.
    case missingAPIKey(variable: String)
    /// An option or argument the server cannot honour (or is out of range).
    case invalidRequest(String)
    /// The connection failed (refused, DNS, TLS, reset).
    case transport(url: String, reason: String)
    /// No reply within the timeout.
    case timeout(url: String, seconds: Double)
    /// A non-2xx HTTP status; `message` is the server's error text when it sent one.
    case httpStatus(url: String, status: Int, message: String)
    /// A 2xx reply carrying an error object.
    case serverError(url: String, message: String)
    /// The reply is not the completions JSON expected.
    case malformedReply(url: String, reason: String)

    /// A message naming the URL and what to check.
    public var description: String {
        switch self {
        case let .invalidURL(s):
            return "'\(s)' is not a server URL — give the OpenAI-compatible base, e.g. http://127.0.0.1:8080/v1"
        case let .missingAPIKey(variable):
            return "the API key variable \(variable) is not set — export it, or connect without an API key"
        case let .invalidRequest(reason):
            return "cannot send this request: \(reason)"
        case let .transport(url, reason):
            return "cannot reach \(url): \(reason) — is the server running and the address right?"
        case let .timeout(url, seconds):
            return "no reply from \(url) within \(Int(seconds)) s — the server may be overloaded; ask for fewer prompts or samples, or raise the timeout"
        case let .httpStatus(url, status, message):
            let detail = message.isEmpty ? "" : ": \(message)"
            let hint = status == 401 || status == 403 ? " — check the API key" : status == 404 ? " — check the base URL (it usually ends in /v1) and the model name" : ""
            return "\(url) answered HTTP \(status)\(detail)\(hint)"
        case let .serverError(url, message):
            return "\(url) reported an error: \(message)"
        case let .malformedReply(url, reason):
            return "unexpected reply from \(url): \(reason) — is it an OpenAI-compatible completions endpoint?"
        }
    }
}
