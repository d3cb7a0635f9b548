// Serving/API/CompletionRequest.swift — the body of `POST /v1/completions`, read and checked.
// Every known field is type-checked with a message naming it; values out of range, features this
// server does not have (streaming, suffix, penalties, logit bias, best_of) and unknown
// models are refused with the status an OpenAI client expects. Unknown fields are ignored, as
// OpenAI-compatible servers do, so clients that send extra defaults keep working.

import Foundation

/// An API failure: HTTP status, a message saying what to change, and the offending parameter.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status (400, 404, 405, …).
    public var status: Int
    /// What was wrong and what to do.
    public var message: String
    /// The request field at fault, when there is one.
    public var parameter: String?

    /// An error with `status`, a message for people, and the field at fault.
    public init(_ status: Int, _ message: String, parameter: String? = nil) {
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    /// The message.
    public var description: String { message }

    /// The OpenAI-style JSON reply for this error.
    public var response: HTTPResponse { errorResponse(status: status, message: message, parameter: parameter) }
}

/// Bounds the server enforces on requests.
public struct CompletionLimits: Sendable, Equatable {
    /// Most completions per prompt (`n`). Default 128.
    public var maxSamplesPerPrompt: Int = 128
    /// Most completions per request (prompts × n). Default 1024: the engine decodes them as one batch.
    public var maxCompletions: Int = 1024
    /// Most tokens per completion; the model's context length also bounds prompt + completion.
    public var maxTokens: Int = 4096
    /// Most bytes the request's KV cache may take (completions × (prompt + max_tokens) × layers ×
    /// 2 × kv width × 4 bytes). Default 4 GiB, so one request cannot exhaust the machine's memory.
    public var maxCacheBytes: Int = 4 << 30
    /// Bounds with every default spelled out.
    public init(maxSamplesPerPrompt: Int = 128, maxCompletions: Int = 1024, maxTokens: Int = 4096, maxCacheBytes: Int = 4 << 30) {
        self.maxSamplesPerPrompt = maxSamplesPerPrompt
        self.maxCompletions = maxCompletions
        self.maxTokens = maxTokens
        self.maxCacheBytes = maxCacheBytes
    }
}

/// A checked completions request.
public struct CompletionRequest: Sendable, Equatable {
    /// The model named in the request (nil: the served one).
    public var model: String?
    /// The prompts (a single string becomes one prompt).
    public var prompts: [String]
    /// Completions per prompt. Default 1.
    public var n: Int = 1
    /// Most new tokens per completion. Default 16, OpenAI's.
    public var maxTokens: Int = 16
    /// Softmax temperature, 0…2; 0 = greedy. Default 1.
    public var temperature: Float = 1
    /// Nucleus mass in (0, 1]. Default 1 (off).
    public var topP: Float = 1
    /// Top-k (extension); 0 or -1 = off. Default 0.
    public var topK: Int = 0
    /// Stop strings (at most 4); the matched one is cut from the text, as OpenAI does.
    public var stop: [String] = []
    /// The sampling seed; nil draws one at random.
    public var seed: UInt64?
    /// `logprobs` (0…5): return per-token log-probabilities, and the k most likely tokens at
    /// each position (`top_logprobs`) when k ≥ 1. nil: none.
    public var logprobs: Int?
    /// Put the prompt in front of the completion, and its tokens in `logprobs` (for scoring a
    /// given text, usually with `max_tokens: 0`). Default false.
    public var echo: Bool = false

    /// Reads a request body. Throws `APIError` (400) naming the field that is wrong.
    public static func parse(_ body: [UInt8], limits: CompletionLimits = CompletionLimits()) throws(APIError) -> CompletionRequest {
        let request: CompletionRequest
        do {
            request = try JSONDecoder().decode(Wire.self, from: Data(body)).request
        } catch let error as APIError {
            throw error
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw APIError(400, "the request body must be a JSON object")
        } catch {
            throw APIError(400, "the request body is not valid JSON — send a JSON object such as {\"model\": …, \"prompt\": \"…\"}")
        }
        try request.validate(limits: limits)
        return request
    }

    /// Range checks; messages give the allowed range.
    func validate(limits: CompletionLimits) throws(APIError) {
        func need(_ ok: Bool, _ field: String, _ message: String) throws(APIError) {
            if !ok { throw APIError(400, message, parameter: field) }
        }
        try need(!prompts.isEmpty, "prompt", "'prompt' must be a non-empty string or list of strings")
        try need(n >= 1 && n <= limits.maxSamplesPerPrompt, "n", "'n' must be between 1 and \(limits.maxSamplesPerPrompt), got \(n)")
        try need(prompts.count * n <= limits.maxCompletions, "n",
                 "\(prompts.count) prompts × n=\(n) is more than the \(limits.maxCompletions) completions one request may ask for — split the request")
        let least = echo ? 0 : 1   // 0 new tokens only makes sense when scoring the echoed prompt
        try need(maxTokens >= least && maxTokens <= limits.maxTokens, "max_tokens",
                 "'max_tokens' must be between \(least) and \(limits.maxTokens), got \(maxTokens)" + (maxTokens == 0 ? " (0 needs \"echo\": true)" : ""))
        try need(temperature.isFinite && temperature >= 0 && temperature <= 2, "temperature",
                 "'temperature' must be between 0 and 2 (0 = greedy), got \(temperature)")
        try need(topP.isFinite && topP > 0 && topP <= 1, "top_p", "'top_p' must be in (0, 1] (1 = off), got \(topP)")
        try need(topK >= -1, "top_k", "'top_k' must be ≥ 0 (0 or -1 = off), got \(topK)")
        try need(stop.count <= 4, "stop", "'stop' takes at most 4 strings, got \(stop.count)")
        if let logprobs { try need((0...5).contains(logprobs), "logprobs", "'logprobs' must be between 0 and 5, got \(logprobs)") }
    }
}

/// The JSON shape, decoded field by field so each type error names its field.
private struct Wire: Decodable {
    var request: CompletionRequest

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        /// The value of `field` as `T`, nil when absent or null; a wrong type names the field.
        func get<T: Decodable>(_ field: String, _ type: T.Type, _ expected: String) throws -> T? {
            let key = Key(field)
            guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
            do { return try c.decode(T.self, forKey: key) } catch {
                throw APIError(400, "'\(field)' must be \(expected)", parameter: field)
            }
        }
        /// A string or a list of strings.
        func strings(_ field: String, _ expected: String) throws -> [String]? {
            let key = Key(field)
            guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
            if let one = try? c.decode(String.self, forKey: key) { return [one] }
            if let many = try? c.decode([String].self, forKey: key) { return many }
            throw APIError(400, "'\(field)' must be \(expected)", parameter: field)
        }

        var r = CompletionRequest(prompts: [])
        r.model = try get("model", String.self, "a string (the name from GET /v1/models)")
        guard let prompts = try strings("prompt", "a string or a list of strings (token-id prompts are not supported)") else {
            throw APIError(400, "'prompt' is required", parameter: "prompt")
        }
        r.prompts = prompts
        r.n = try get("n", Int.self, "an integer") ?? 1
        r.maxTokens = try get("max_tokens", Int.self, "an integer") ?? 16
        r.temperature = Float(try get("temperature", Double.self, "a number") ?? 1)
        r.topP = Float(try get("top_p", Double.self, "a number") ?? 1)
        r.topK = try get("top_k", Int.self, "an integer") ?? 0
        r.stop = try strings("stop", "a string or a list of strings") ?? []
        r.seed = try get("seed", UInt64.self, "a non-negative integer")
        r.logprobs = try get("logprobs", Int.self, "an integer between 0 and 5")

        // Features this server does not have: refuse them rather than silently ignore.
        if try get("stream", Bool.self, "true or false") == true {
            throw APIError(400, "streaming is not supported by verity serve — send \"stream\": false", parameter: "stream")
        }
        r.echo = try get("echo", Bool.self, "true or false") ?? false
        if let suffix = try get("suffix", String.self, "a string"), !suffix.isEmpty {
            throw APIError(400, "'suffix' (insertion) is not supported by verity serve — leave it out", parameter: "suffix")
        }
        for penalty in ["presence_penalty", "frequency_penalty"] {
            if let p = try get(penalty, Double.self, "a number"), p != 0 {
                throw APIError(400, "'\(penalty)' is not supported by verity serve — leave it out or send 0", parameter: penalty)
            }
        }
        if let bias = try get("logit_bias", [String: Double].self, "an object of token ids to numbers"), !bias.isEmpty {
            throw APIError(400, "'logit_bias' is not supported by verity serve — leave it out", parameter: "logit_bias")
        }
        if let best = try get("best_of", Int.self, "an integer"), best != r.n {
            throw APIError(400, "'best_of' is not supported by verity serve — leave it out (or set it equal to n)", parameter: "best_of")
        }
        request = r
    }
}
