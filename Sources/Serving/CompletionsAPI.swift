// Serving/CompletionsAPI.swift — the OpenAI-compatible routes over a `ServedModel`:
//   GET  /v1/models        the one served model
//   POST /v1/completions   text completions (prompt string or list, n, max_tokens, temperature,
//                          top_p, top_k, stop, seed, logprobs)
// Everything else is 404 (unknown path) or 405 (known path, wrong method). Replies follow
// OpenAI's shapes; `stop_reason` (the matched stop string) is vLLM's extension, which
// `RemoteGenerator` reads to put the stop string back.

import Foundation
import Models

/// Routes requests to the served model. Serial: one request at a time.
public final class CompletionsAPI: @unchecked Sendable {
    /// The model served.
    public let served: ServedModel
    /// Request bounds.
    public let limits: CompletionLimits
    /// Polled during generation; true aborts the request (server shutting down).
    public var isCancelled: () -> Bool = { false }
    private var counter = 0
    let created = Int(Date().timeIntervalSince1970)

    /// Routes for `served` with `limits`.
    public init(served: ServedModel, limits: CompletionLimits = CompletionLimits()) {
        self.served = served
        self.limits = limits
    }

    /// Answers one request; never throws (errors become OpenAI-style JSON replies).
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        var path = request.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let routes: [String: (method: String, run: (HTTPRequest) throws(APIError) -> HTTPResponse)] = [
            "/v1/models": ("GET", { _ throws(APIError) in self.models() }),
            "/v1/completions": ("POST", { r throws(APIError) in try self.completions(r) }),
        ]
        guard let route = routes[path] else {
            let hint = path.hasPrefix("/v1/") ? "" : " (the API lives under /v1)"
            return APIError(404, "unknown path '\(path)'\(hint) — this server has GET /v1/models and POST /v1/completions").response
        }
        guard request.method == route.method else {
            var reply = APIError(405, "\(path) takes \(route.method), not \(request.method)").response
            reply.headers["Allow"] = route.method
            return reply
        }
        do {
            return try route.run(request)
        } catch {
            return error.response
        }
    }

    /// `GET /v1/models`: the served model.
    func models() -> HTTPResponse {
        let entry: JSONOut = .object(["id": .string(served.name), "object": .string("model"), "created": .int(created),
                                      "owned_by": .string("verity"),
                                      "max_model_len": .int(served.model.config.maxPositionEmbeddings)])
        return HTTPResponse(status: 200, json: JSONOut.object(["object": .string("list"), "data": .array([entry])]).serialized())
    }

    /// `POST /v1/completions`.
    func completions(_ http: HTTPRequest) throws(APIError) -> HTTPResponse {
        let request = try CompletionRequest.parse(http.body, limits: limits)
        if let model = request.model, model != served.name {
            throw APIError(404, "the model '\(model)' does not exist — this server serves '\(served.name)' (see GET /v1/models)", parameter: "model")
        }
        let ids = try served.encode(request.prompts)
        let context = served.model.config.maxPositionEmbeddings
        if let longest = ids.map(\.count).max(), longest + request.maxTokens > context {
            throw APIError(400, "this model's maximum context length is \(context) tokens, but a prompt has \(longest) tokens and max_tokens is \(request.maxTokens) — shorten the prompt or lower max_tokens", parameter: "max_tokens")
        }
        // The engine decodes every completion of the request together; bound its KV cache.
        let config = served.model.config
        let perToken = config.numHiddenLayers * 2 * config.kvDim * MemoryLayout<Float>.size
        let cacheBytes = ids.count * request.n * ((ids.map(\.count).max() ?? 0) + request.maxTokens) * perToken
        if cacheBytes > limits.maxCacheBytes {
            throw APIError(400, "this request needs about \(cacheBytes >> 20) MiB of KV cache, more than the \(limits.maxCacheBytes >> 20) MiB allowed — ask for fewer prompts, a smaller n or fewer max_tokens", parameter: "n")
        }
        let options = GenerationOptions(maxNewTokens: request.maxTokens, temperature: request.temperature,
                                        topK: max(0, request.topK), topP: request.topP, stopStrings: request.stop)
        let seed = request.seed ?? UInt64.random(in: 0...UInt64(Int32.max))
        let results: [ServedCompletion]
        do {
            results = try served.complete(promptIDs: ids, n: request.n, options: options, seed: seed, isCancelled: isCancelled)
        } catch is CancellationError {
            throw APIError(503, "the server is shutting down — retry against a running server")
        } catch {
            throw APIError(400, "cannot sample: \(error)")
        }
        counter += 1
        var choices: [JSONOut] = []
        var completionTokens = 0
        for (index, r) in results.enumerated() {
            completionTokens += r.tokens.count
            var logprobs: JSONOut = .null
            if request.logprobs != nil {
                // -inf (a token the sampler could not have drawn, e.g. a forced one) as vLLM writes it.
                logprobs = .object(["tokens": .array(r.tokens.map(JSONOut.string)),
                                    "token_logprobs": .array(r.tokenLogprobs.map { .number($0.isFinite ? Double($0) : -9999) }),
                                    "text_offset": .array(r.textOffsets.map(JSONOut.int)),
                                    "top_logprobs": .null])
            }
            choices.append(.object(["index": .int(index), "text": .string(r.text), "finish_reason": .string(r.finishReason),
                                    "stop_reason": r.matchedStop.map(JSONOut.string) ?? .null, "logprobs": logprobs]))
        }
        let promptTokens = ids.reduce(0) { $0 + $1.count }   // once per prompt, whatever n (as OpenAI counts)
        let reply: JSONOut = .object([
            "id": .string("cmpl-verity-\(counter)"), "object": .string("text_completion"),
            "created": .int(Int(Date().timeIntervalSince1970)), "model": .string(served.name),
            "system_fingerprint": .string("seed-\(seed)"),
            "choices": .array(choices),
            "usage": .object(["prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
                              "total_tokens": .int(promptTokens + completionTokens)]),
        ])
        return HTTPResponse(status: 200, json: reply.serialized())
    }
}
