// A `Generator` backed by an OpenAI-compatible completions server (vLLM, SGLang, llama.cpp's
// server, Ollama). Requests go out synchronously — the caller's loop is synchronous and polls
// cancellation — in chunks of prompts, each `POST {base}/completions`.
//
// Thinking budgets and s1-style wait extensions are token-level controls the completions API
// cannot express; asking for them is an error rather than a silently different experiment.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Samples completions from a remote OpenAI-compatible server.
public final class RemoteGenerator: Generator {
    /// The API base, e.g. `http://127.0.0.1:8080/v1` (requests go to `{base}/completions`).
    public let baseURL: URL
    /// The server's model name, sent as `model`.
    public let model: String
    /// Seconds to wait for each request before failing.
    public let timeout: Double
    /// Prompts per request; smaller chunks make cancellation and timeouts finer-grained.
    public let promptsPerRequest: Int
    /// Ask for per-token log-probabilities (`logprobs: 1`) for exact token and thinking counts.
    public let requestLogprobs: Bool
    /// Ask the server for several samples per prompt with `n`; when false each sample is its own
    /// request with its own seed (llama-cpp-python's server ignores `n`).
    public let serverSamples: Bool
    /// Switch off server-side sampling defaults with extension fields (see `CompletionsRequest.neutralSampling`).
    public let neutralSampling: Bool
    /// A local tokenizer to count tokens when the server returns none (optional).
    public let tokenizer: (any Tokenizer)?
    private let apiKey: String?
    /// Set when the server refused `logprobs`; later requests go without it.
    private var logprobsRefused = false
    /// Set when the server refused `top_k: 0` as "off"; later requests leave it out.
    private var topKOffRefused = false

    /// `model @ host`, for tables and plots.
    public var name: String { "\(model) @ \(baseURL.host ?? baseURL.absoluteString)" }

    /// Connects to `baseURL`. `apiKeyVariable` names an environment variable holding a bearer
    /// token (it must be set if given). No request is made until `generate`.
    public init(baseURL: String, model: String, apiKeyVariable: String? = nil, timeout: Double = 300,
                promptsPerRequest: Int = 16, serverSamples: Bool = true, neutralSampling: Bool = true, requestLogprobs: Bool = true,
                tokenizer: (any Tokenizer)? = nil) throws(RemoteGeneratorError) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw .invalidURL(baseURL)
        }
        guard timeout > 0, timeout.isFinite else { throw .invalidRequest("timeout must be positive, got \(timeout)") }
        guard promptsPerRequest >= 1 else { throw .invalidRequest("prompts per request must be at least 1, got \(promptsPerRequest)") }
        if let variable = apiKeyVariable {
            guard let key = ProcessInfo.processInfo.environment[variable], !key.isEmpty else {
                throw .missingAPIKey(variable: variable)
            }
            self.apiKey = key
        } else {
            self.apiKey = nil
        }
        self.baseURL = url
        self.model = model
        self.timeout = timeout
        self.promptsPerRequest = promptsPerRequest
        self.serverSamples = serverSamples
        self.neutralSampling = neutralSampling
        self.requestLogprobs = requestLogprobs
        self.tokenizer = tokenizer
    }

    /// Sends the prompts in chunks of `promptsPerRequest`, `samplesPerPrompt` completions each
    /// (`n`), and returns them as `[prompt][sample]`. A thinking budget is forced in two rounds
    /// (see `RemoteGenerator+Budget.swift`); wait extensions are refused. Throws
    /// `RemoteGeneratorError` (naming the URL) or `CancellationError`.
    public func generate(prompts: [String], samplesPerPrompt: Int, options: GenerationOptions, seed: UInt64,
                         isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        if options.waitExtensions > 0 {
            throw RemoteGeneratorError.invalidRequest("wait extensions need the local model: a completions server cannot suppress </think> — use waitExtensions=0 with remote generators")
        }
        if let budget = options.thinkingBudget {
            return try generateWithBudget(budget, prompts: prompts, samplesPerPrompt: samplesPerPrompt,
                                          options: options, seed: seed, isCancelled: isCancelled)
        }
        return try sample(prompts: prompts, samplesPerPrompt: samplesPerPrompt, options: options, seed: seed, isCancelled: isCancelled)
    }

    /// Plain sampling: one round of requests, chunked (or, without `serverSamples`, one round per sample).
    func sample(prompts: [String], samplesPerPrompt: Int, options: GenerationOptions, seed: UInt64,
                isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        var result: [[GeneratedText]] = []
        result.reserveCapacity(prompts.count)
        let perRequest = serverSamples ? samplesPerPrompt : 1
        let rounds = serverSamples ? 1 : samplesPerPrompt
        var start = 0
        while start < prompts.count {
            let chunk = Array(prompts[start..<min(start + promptsPerRequest, prompts.count)])
            var rows = [[GeneratedText]](repeating: [], count: chunk.count)
            for round in 0..<rounds {
                if isCancelled() { throw CancellationError() }
                // A distinct seed per chunk (and round), derived from the caller's, keeps requests
                // independent while the whole call stays reproducible.
                let requestSeed = seed &+ UInt64(start) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(round) &* 0xBF58_476D_1CE4_E5B9
                let parsed = try request(chunk, samples: perRequest, options: options, seed: requestSeed, isCancelled: isCancelled)
                for i in chunk.indices { rows[i] += parsed[i] }
            }
            result += rows
            start += chunk.count
        }
        return result
    }

    /// One completions request for `prompts` × `samples`, parsed.
    private func request(_ prompts: [String], samples: Int, options: GenerationOptions, seed: UInt64,
                         isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        var request = CompletionsRequest(model: model, prompts: prompts, samplesPerPrompt: samples, options: options,
                                         seed: seed, logprobs: requestLogprobs && !logprobsRefused,
                                         neutralSampling: neutralSampling, omitTopKOff: topKOffRefused)
        var reply: [UInt8] = []
        // At most one retry per refusable extension: logprobs (some servers return none for
        // completions; token counts then come from the tokenizer or usage) and top_k 0 as "off".
        for _ in 0..<3 {
            do {
                reply = try post(try request.body(), isCancelled: isCancelled)
                break
            } catch RemoteGeneratorError.httpStatus(let url, let status, let message) where [400, 422, 500].contains(status) {
                let text = message.lowercased()
                if request.logprobs && status != 500 && text.contains("logprob") {
                    logprobsRefused = true
                    request.logprobs = false
                } else if request.neutralSampling && !request.omitTopKOff && options.topK == 0 && text.contains("top_k") {
                    topKOffRefused = true
                    request.omitTopKOff = true
                } else {
                    throw RemoteGeneratorError.httpStatus(url: url, status: status, message: message)
                }
            }
        }
        let tokenizer = self.tokenizer
        do {
            return try parseCompletionsReply(reply, url: completionsURL.absoluteString, prompts: prompts, samples: samples,
                                             stopStrings: options.stopStrings,
                                             countTokens: tokenizer.map { t in { try? t.encode($0).count } })
        } catch {
            // Servers that take one prompt and ignore `n` (llama-cpp-python's) answer with one choice.
            guard prompts.count * samples > 1, case .malformedReply(let url, let reason) = error, reason.hasSuffix("samples") else {
                throw error
            }
            throw RemoteGeneratorError.malformedReply(url: url, reason: reason + " — if the server takes one prompt per request "
                                                      + "and ignores n, connect with batch=1 n=false")
        }
    }

    var completionsURL: URL { baseURL.appendingPathComponent("completions") }

    /// POSTs a JSON body and returns the 2xx reply body; maps every failure to a clear error.
    func post(_ body: [UInt8], isCancelled: () -> Bool) throws -> [UInt8] {
        let url = completionsURL
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body)

        let box = ReplyBox()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response, error: error)
        }
        task.resume()
        // Wait in short slices so cancellation is noticed. The deadline here is the one that
        // counts: FoundationNetworking on Linux does not reliably fire the request timeout.
        let deadline = Date().addingTimeInterval(timeout)
        while box.semaphore.wait(timeout: .now() + 0.1) == .timedOut {
            if isCancelled() { task.cancel(); throw CancellationError() }
            if Date() > deadline { task.cancel(); throw RemoteGeneratorError.timeout(url: url.absoluteString, seconds: timeout) }
        }
        let (data, response, error) = box.get()
        if let error {
            let nsError = error as NSError
            if nsError.code == NSURLErrorTimedOut { throw RemoteGeneratorError.timeout(url: url.absoluteString, seconds: timeout) }
            throw RemoteGeneratorError.transport(url: url.absoluteString, reason: error.localizedDescription)
        }
        let bytes = [UInt8](data ?? Data())
        guard let http = response as? HTTPURLResponse else {
            throw RemoteGeneratorError.malformedReply(url: url.absoluteString, reason: "not an HTTP response")
        }
        guard (200..<300).contains(http.statusCode) else {
            var message = snippet(bytes)
            if let object = (try? JSONParser.parse(bytes))?.objectValue, let m = errorMessage(object["error"]) { message = m }
            throw RemoteGeneratorError.httpStatus(url: url.absoluteString, status: http.statusCode, message: message)
        }
        return bytes
    }
}

/// Hands the URLSession callback's result to the waiting thread.
private final class ReplyBox: @unchecked Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: (any Error)?

    func set(data: Data?, response: URLResponse?, error: (any Error)?) {
        lock.lock()
        self.data = data
        self.response = response
        self.error = error
        lock.unlock()
        semaphore.signal()
    }

    func get() -> (Data?, URLResponse?, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}
