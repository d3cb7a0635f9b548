// The API in process (no sockets): request parsing and checks, routing statuses, and the
// served model's samples against LocalGenerator on the same model and seed.
import Foundation
import Kernels
import Models
import Testing
@testable import Serving

@Suite struct CompletionsAPITests {
    func parse(_ json: String) throws(APIError) -> CompletionRequest {
        try CompletionRequest.parse(Array(json.utf8))
    }

    @Test func defaultsAndFields() throws {
        let plain = try parse(#"{"prompt": "hi"}"#)
        #expect(plain == CompletionRequest(model: nil, prompts: ["hi"]))
        #expect(plain.n == 1 && plain.maxTokens == 16 && plain.temperature == 1 && plain.seed == nil)
        let full = try parse(#"{"model": "m", "prompt": ["a", "b"], "n": 3, "max_tokens": 9, "temperature": 0, "top_p": 0.5,"#
                             + #" "top_k": 4, "stop": ["x", "yy"], "seed": 17, "logprobs": 0, "echo": false, "stream": null,"#
                             + #" "user": "ignored", "presence_penalty": 0}"#)
        #expect(full == CompletionRequest(model: "m", prompts: ["a", "b"], n: 3, maxTokens: 9, temperature: 0, topP: 0.5,
                                          topK: 4, stop: ["x", "yy"], seed: 17, logprobs: 0))
        #expect(try parse(#"{"prompt": "a", "stop": "z"}"#).stop == ["z"])
    }

    @Test func badRequestsNameTheField() {
        let cases: [(String, String?)] = [
            (#"{"prompt": 5}"#, "prompt"), (#"{"prompt": []}"#, "prompt"), (#"{"prompt": "a", "n": 1.5}"#, "n"),
            (#"{"prompt": "a", "n": 1000}"#, "n"), (#"{"prompt": "a", "max_tokens": 100000}"#, "max_tokens"),
            (#"{"prompt": "a", "seed": -1}"#, "seed"), (#"{"prompt": "a", "top_k": -2}"#, "top_k"),
            (#"{"prompt": "a", "stop": ["1","2","3","4","5"]}"#, "stop"), (#"{"prompt": "a", "best_of": 4}"#, "best_of"),
            (#"{"prompt": "a", "logit_bias": {"1": 2}}"#, "logit_bias"), (#"{"prompt": "a", "suffix": "z"}"#, "suffix"),
            (#"{"prompt": "a", "frequency_penalty": 0.5}"#, "frequency_penalty"), (#"{"prompt": "a", "temperature": "hot"}"#, "temperature"),
            ("not json", nil), ("\"a string\"", nil),
        ]
        for (json, field) in cases {
            #expect(throws: APIError.self, "\(json)") { _ = try self.parse(json) }
            do { _ = try parse(json) } catch {
                #expect(error.status == 400)
                #expect(error.parameter == field, "\(json): \(error.message)")
            }
        }
        #expect(throws: APIError.self) { _ = try CompletionRequest.parse(Array(#"{"prompt": ["a","b"], "n": 3}"#.utf8), limits: CompletionLimits(maxCompletions: 5)) }
    }

    func servedModel(eos: Bool) throws -> ServedModel {
        let specials = eos ? CharTokenizer.defaultSpecials : ["<pad>", "<bos>", "<think>", "</think>"]
        let tokenizer = try CharTokenizer(corpus: ["ab12+= é"], specials: specials)
        let config = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 32, intermediateSize: 64,
                                       numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 64)
        return try ServedModel(name: "tiny", model: try Transformer(config: config, seed: 3), tokenizer: tokenizer)
    }

    /// The server's sampling equals LocalGenerator's for the same seed (texts, reasons, counts,
    /// summed log-probabilities), including stop strings cut and restored.
    @Test func servedModelEqualsLocalGenerator() throws {
        for eos in [true, false] {
            let served = try servedModel(eos: eos)
            let local = try LocalGenerator(model: served.model, tokenizer: served.tokenizer)
            let prompts = ["a", "12", "<think>"]
            let options = GenerationOptions(maxNewTokens: 10, temperature: 0.9, topP: 0.9, stopStrings: ["2"])
            let reference = try local.generate(prompts: prompts, samplesPerPrompt: 2, options: options, seed: 77, isCancelled: { false })
            let mine = try served.complete(promptIDs: try served.encode(prompts), n: 2, options: options, seed: 77, isCancelled: { false })
            for (i, l) in reference.flatMap({ $0 }).enumerated() {
                let r = mine[i]
                #expect(r.text + (r.matchedStop ?? "") == l.text)
                #expect(r.tokens.count == l.tokenCount)
                #expect(r.tokens.joined() == r.text)
                #expect(r.finishReason == (l.finishReason == .length ? "length" : "stop"))
                #expect((r.matchedStop != nil) == (l.finishReason == .stopString))
                #expect(abs(r.tokenLogprobs.reduce(0.0) { $0 + Double($1) } - (l.logprob ?? .nan)) < 1e-9)
            }
        }
    }

    /// Byte-level BPE: a character split over several tokens is credited to the token that
    /// completes it, so the pieces concatenate to the text; a stop string is cut with its pieces.
    @Test func byteLevelPiecesConcatenateToTheText() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/bpe_gpt2.json")
        let tokenizer = try parseTokenizer(json: [UInt8](try Data(contentsOf: fixture)))
        let config = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 16, intermediateSize: 32,
                                       numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 2, maxPositionEmbeddings: 64)
        let served = try ServedModel(name: "bpe", model: try Transformer(config: config, seed: 1), tokenizer: tokenizer)
        let text = "héllo wörld 😀 ok"
        let ids = try tokenizer.encode(text)
        #expect(ids.map { tokenizer.decode([$0]) }.joined() != text, "the fixture should split a character across tokens")
        let plain = served.describe(SampledSequence(prompt: [0], tokens: ids, logprobs: ids.map { _ in -1 }, finishReason: .length),
                                    controls: DecodeControls(), stops: [])
        #expect(plain.text == text)
        #expect(plain.tokens.count == ids.count)
        #expect(plain.tokens.joined() == text)
        #expect(plain.textOffsets == plain.tokens.indices.map { i in plain.tokens[..<i].reduce(0) { $0 + $1.unicodeScalars.count } })
        let stopped = served.describe(SampledSequence(prompt: [0], tokens: ids, logprobs: ids.map { _ in -1 }, finishReason: .stopString),
                                      controls: DecodeControls(), stops: ["k", " ok"])
        #expect(stopped.text == "héllo wörld 😀")
        #expect(stopped.matchedStop == " ok")
        #expect(stopped.tokens.joined() == stopped.text && stopped.tokens.count == ids.count)
    }

    /// Scores from the forward pass agree with the sampler's log-probabilities (an independent
    /// path through the engine), the top-1 is the greedy pick, and the top list is sorted.
    @Test func scoringAgreesWithTheSampler() throws {
        let served = try servedModel(eos: false)
        let prompt = try served.encode(["a1"])
        for temperature: Float in [0, 0.7] {
            let options = GenerationOptions(maxNewTokens: 8, temperature: temperature)
            let r = try #require(try served.complete(promptIDs: prompt, n: 1, options: options, seed: 4, isCancelled: { false }).first)
            let scores = try served.score(prompt[0] + r.tokenIDs, temperature: temperature, top: 3)
            #expect(scores.count == prompt[0].count + r.tokenIDs.count - 1)
            for (j, id) in r.tokenIDs.enumerated() {
                let s = scores[prompt[0].count + j - 1]
                #expect(abs(s.logprob - r.tokenLogprobs[j]) < 1e-4, "token \(j): \(s.logprob) vs \(r.tokenLogprobs[j])")
                #expect(s.top.count == 3 && zip(s.top, s.top.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
                if temperature == 0 { #expect(s.top[0].id == id) }
            }
        }
    }

    /// Batched scoring (right-padded rows, chunked) equals scoring each sequence alone.
    @Test func batchedScoringEqualsSingle() throws {
        let served = try servedModel(eos: false)
        let sequences = [[1, 5, 6, 7, 8, 9, 5], [1, 6], [1, 7, 7, 7], [1, 8, 9, 10, 11]]
        for budget in [1, 6, 1000] {
            let batched = try served.score(batch: sequences, temperature: 0.8, top: 2, tokensPerForward: budget)
            #expect(batched.count == sequences.count)
            for (sequence, scores) in zip(sequences, batched) {
                let single = try served.score(sequence, temperature: 0.8, top: 2)
                #expect(scores.count == single.count)
                for (a, b) in zip(scores, single) {
                    #expect(abs(a.logprob - b.logprob) < 1e-5)
                    #expect(a.top.map(\.id) == b.top.map(\.id))
                }
            }
        }
    }

    @Test func routing() throws {
        let api = CompletionsAPI(served: try servedModel(eos: true))
        func request(_ method: String, _ path: String, _ body: String = "") -> HTTPResponse {
            api.handle(HTTPRequest(method: method, path: path, headers: [], body: Array(body.utf8)))
        }
        #expect(request("GET", "/v1/models").status == 200)
        #expect(request("GET", "/v1/models/").status == 200)
        #expect(request("DELETE", "/v1/models").status == 405)
        #expect(request("DELETE", "/v1/models").headers["Allow"] == "GET")
        #expect(request("GET", "/completions").status == 404)
        let ok = request("POST", "/v1/completions", #"{"prompt": "a", "max_tokens": 3, "seed": 1, "temperature": 0}"#)
        #expect(ok.status == 200)
        let again = request("POST", "/v1/completions", #"{"prompt": "a", "max_tokens": 3, "seed": 1, "temperature": 0}"#)
        let choices = { (r: HTTPResponse) in (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["choices"] as? [[String: Any]] }
        #expect(choices(ok)?.first?["text"] as? String == choices(again)?.first?["text"] as? String)
        #expect(request("POST", "/v1/completions", #"{"prompt": "a", "model": "other"}"#).status == 404)
        // The KV-cache bound: 2 layers × 2 × kv width 16 × 4 bytes = 256 bytes per token; 8 × (2 + 30) tokens = 64 KiB.
        let small = CompletionsAPI(served: api.served, limits: CompletionLimits(maxCacheBytes: 64 * 1024 - 1))
        let big = small.handle(HTTPRequest(method: "POST", path: "/v1/completions", headers: [],
                                           body: Array(#"{"prompt": "a", "n": 8, "max_tokens": 30}"#.utf8)))
        #expect(big.status == 400 && String(decoding: big.body, as: UTF8.self).contains("KV cache"))
        let fits = small.handle(HTTPRequest(method: "POST", path: "/v1/completions", headers: [],
                                            body: Array(#"{"prompt": "a", "n": 8, "max_tokens": 29}"#.utf8)))
        #expect(fits.status == 200)
    }
}
