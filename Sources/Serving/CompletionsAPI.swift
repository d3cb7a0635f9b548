// Serving/CompletionsAPI.swift — the OpenAI-compatible routes over a `ServedModel`:
//   GET  /v1/models        the one served model
//   POST /v1/completions   text completions (prompt string or list, n, max_tokens, temperature,
//                          top_p, top_k, stop, seed, logprobs with top_logprobs, echo)
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
        // top_logprobs and echoed prompt log-probabilities need whole distributions, which the
        // sampler does not keep: one batched forward pass over every prompt + completion.
        var scores: [[PositionScore]] = []
        if let k = request.logprobs, k > 0 || request.echo {
            do {
                scores = try served.score(batch: results.enumerated().map { ids[$0.offset / request.n] + $0.element.tokenIDs },
                                          temperature: request.temperature, top: k)
            } catch {
                throw APIError(500, "cannot score the tokens: \(error)")
            }
        }
        for (index, r) in results.enumerated() {
            completionTokens += r.tokens.count
            let p = index / request.n
            var logprobs: JSONOut = .null
            if let k = request.logprobs {
                logprobs = logprobsObject(r, prompt: request.prompts[p], promptIDs: ids[p], top: k, echo: request.echo,
                                          scores: index < scores.count ? scores[index] : [])
            }
            choices.append(.object(["index": .int(index), "text": .string(request.echo ? request.prompts[p] + r.text : r.text),
                                    "finish_reason": .string(r.finishReason),
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

    /// The OpenAI `logprobs` object of one choice: `tokens`, `token_logprobs`, `text_offset` and
    /// `top_logprobs` (null when k = 0). With `echo` the prompt's tokens come first; the first
    /// has no log-probability (null) unless a bos token precedes it.
    /// `scores` are the positions of prompt + completion (`ServedModel.score`); empty when
    /// neither k > 0 nor echo needs them.
    func logprobsObject(_ r: ServedCompletion, prompt: String, promptIDs: [Int], top k: Int, echo: Bool,
                        scores: [PositionScore]) -> JSONOut {
        let tokenizer = served.tokenizer
        // Every index below is < promptIDs.count + tokenIDs.count − 1; without matching scores,
        // fall back to the sampler's values alone rather than index out of range.
        let valid = scores.count == promptIDs.count + r.tokenIDs.count - 1
        let k = valid ? k : 0
        let echo = echo && valid
        func value(_ x: Float) -> JSONOut { .number(x.isFinite ? Double(x) : -9999) }   // -inf as vLLM writes it
        func topJSON(_ s: PositionScore) -> JSONOut {
            var entries: [String: JSONOut] = [:]
            // Two ids with the same text keep the likelier one (the list is most likely first).
            for t in s.top where entries[tokenizer.decode([t.id])] == nil { entries[tokenizer.decode([t.id])] = value(t.logprob) }
            return .object(entries)
        }
        var tokens: [String] = [], values: [JSONOut] = [], offsets: [Int] = [], tops: [JSONOut] = []
        var shift = 0
        if echo {
            let skip = tokenizer.special.bos != nil && promptIDs.first == tokenizer.special.bos ? 1 : 0
            let visible = Array(promptIDs[skip...])
            for (i, piece) in served.pieces(of: visible, decoded: tokenizer.decode(visible)).enumerated() {
                let position = skip + i   // index in promptIDs; scores[position − 1] predicts it
                tokens.append(piece)
                offsets.append(shift)
                shift += piece.unicodeScalars.count
                values.append(position == 0 ? .null : value(scores[position - 1].logprob))
                tops.append(position == 0 || k == 0 ? .null : topJSON(scores[position - 1]))
            }
            shift = prompt.unicodeScalars.count   // the reply's text starts with the prompt as sent
        }
        for j in r.tokens.indices {
            tokens.append(r.tokens[j])
            offsets.append(shift + r.textOffsets[j])
            values.append(value(r.tokenLogprobs[j]))   // the sampler's own value for sampled tokens
            tops.append(k == 0 ? .null : topJSON(scores[promptIDs.count + j - 1]))
        }
        return .object(["tokens": .array(tokens.map(JSONOut.string)), "token_logprobs": .array(values),
                        "text_offset": .array(offsets.map(JSONOut.int)), "top_logprobs": k == 0 ? .null : .array(tops)])
    }
}
