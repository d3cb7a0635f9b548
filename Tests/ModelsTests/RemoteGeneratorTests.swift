// Tests for the remote generator's pure parts: the completions request body, the parse of
// recorded replies (choices by index, usage, logprobs, stop strings, server errors, malformed
// JSON), thinking-token counting, and argument validation. No network.

import Foundation
import Testing
@testable import Models

func parseRemoteReply(_ json: String, prompts: [String], samples: Int, stop: [String] = [],
                countTokens: ((String) -> Int?)? = nil) throws -> [[GeneratedText]] {
    try parseCompletionsReply(Array(json.utf8), url: "http://h/v1/completions", prompts: prompts, samples: samples,
                              stopStrings: stop, countTokens: countTokens)
}

@Test func completionsRequestBody() throws {
    let options = GenerationOptions(maxNewTokens: 32, temperature: 0.7, topK: 20, topP: 0.95, stopStrings: ["\n\n"])
    let request = CompletionsRequest(model: "qwen", prompts: ["a", "b\"c"], samplesPerPrompt: 4, options: options,
                                     seed: 0xFFFF_FFFF_0000_0007, logprobs: true)
    guard case .object(let body) = try JSONParser.parse(try request.body()) else { Issue.record("body is not an object"); return }
    #expect(body["model"] == .string("qwen"))
    #expect(body["prompt"] == .array([.string("a"), .string("b\"c")]))
    #expect(body["n"]?.intValue == 4)
    #expect(body["max_tokens"]?.intValue == 32)
    #expect(body["temperature"] == .number("0.7"))
    #expect(body["top_p"] == .number("0.95"))
    #expect(body["top_k"]?.intValue == 20)
    #expect(body["stop"] == .array([.string("\n\n")]))
    #expect(body["seed"]?.intValue == 7)
    #expect(body["logprobs"]?.intValue == 1)
    // Off switches are omitted rather than sent.
    let plain = CompletionsRequest(model: "m", prompts: ["x"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1, logprobs: false)
    guard case .object(let p) = try JSONParser.parse(try plain.body()) else { Issue.record("body is not an object"); return }
    #expect(p["top_k"] == nil && p["stop"] == nil && p["logprobs"] == nil && p["min_p"] == nil)
    // Neutral sampling switches the servers' own defaults off explicitly (llama-cpp-python's are on otherwise).
    var neutral = plain
    neutral.neutralSampling = true
    guard case .object(let n) = try JSONParser.parse(try neutral.body()) else { Issue.record("body is not an object"); return }
    #expect(n["top_k"]?.intValue == 0 && n["min_p"]?.intValue == 0)
    #expect(n["repeat_penalty"]?.intValue == 1 && n["repetition_penalty"]?.intValue == 1)
    var neutralTopK = request
    neutralTopK.neutralSampling = true
    guard case .object(let k) = try JSONParser.parse(try neutralTopK.body()) else { Issue.record("body is not an object"); return }
    #expect(k["top_k"]?.intValue == 20)
    // A server that refused top_k 0 as "off" (older vLLM) gets none; a set top_k is still sent.
    neutral.omitTopKOff = true
    neutralTopK.omitTopKOff = true
    guard case .object(let o) = try JSONParser.parse(try neutral.body()),
          case .object(let ok) = try JSONParser.parse(try neutralTopK.body()) else { Issue.record("body is not an object"); return }
    #expect(o["top_k"] == nil && o["min_p"]?.intValue == 0 && ok["top_k"]?.intValue == 20)
    // Invalid options are errors, not requests.
    for bad in [GenerationOptions(maxNewTokens: 0), GenerationOptions(temperature: -1), GenerationOptions(topP: 0),
                GenerationOptions(temperature: .nan), GenerationOptions(stopStrings: ["a", "b", "c", "d", "e"])] {
        #expect(throws: RemoteGeneratorError.self) {
            _ = try CompletionsRequest(model: "m", prompts: ["x"], samplesPerPrompt: 1, options: bad, seed: 1, logprobs: false).body()
        }
    }
}

@Test func parsesChoicesByIndexIntoPromptsAndSamples() throws {
    // vLLM-style reply for 2 prompts × 2 samples, choices out of order, no logprobs.
    let reply = """
    {"id":"cmpl-1","object":"text_completion","model":"m","choices":[
      {"index":3,"text":"dddd","finish_reason":"length","stop_reason":null,"logprobs":null},
      {"index":0,"text":"aa","finish_reason":"stop","stop_reason":null,"logprobs":null},
      {"index":2,"text":"cc","finish_reason":"stop","stop_reason":"\\n\\n","logprobs":null},
      {"index":1,"text":"bb","finish_reason":"stop","stop_reason":151645,"logprobs":null}],
     "usage":{"prompt_tokens":8,"completion_tokens":20,"total_tokens":28}}
    """
    let out = try parseRemoteReply(reply, prompts: ["p0", "p1"], samples: 2, stop: ["\n\n"])
    #expect(out.map { $0.map(\.text) } == [["aa", "bb"], ["cc\n\n", "dddd"]])
    #expect(out.map { $0.map(\.finishReason) } == [[.stop, .stop], [.stopString, .length]])
    // No logprobs and no tokenizer: usage shared by the server texts' characters
    // (2+2+2+4 = 10 characters, 20 tokens → 2 tokens per character).
    #expect(out.map { $0.map(\.tokenCount) } == [[4, 4], [4, 8]])
    #expect(out[0][0].logprob == nil)
    // With a local tokenizer, its counts win.
    let counted = try parseRemoteReply(reply, prompts: ["p0", "p1"], samples: 2) { $0.count * 10 }
    #expect(counted[1][1].tokenCount == 40)
}

@Test func usesLogprobTokensForCountsAndThinking() throws {
    // llama.cpp/OpenAI-style logprobs: tokens and token_logprobs.
    let reply = """
    {"choices":[{"index":0,"text":"<think>1+1</think>2","finish_reason":"stop",
      "logprobs":{"tokens":["<think>","1","+","1","</think>","2"],"token_logprobs":[-0.5,-0.25,null,-1.0,-0.125,-0.125]}}],
     "usage":{"completion_tokens":6}}
    """
    let out = try parseRemoteReply(reply, prompts: ["Q: 1+1?"], samples: 1)
    let g = try #require(out.first?.first)
    #expect(g.tokenCount == 6)
    #expect(g.thinkingTokens == 3)
    #expect(g.logprob == -2.0)
    // The same completion after a prompt that opened the thinking section.
    let cont = """
    {"choices":[{"index":0,"text":"a b</think>c","finish_reason":"stop",
      "logprobs":{"tokens":["a"," b","</think>","c"],"token_logprobs":[-1,-1,-1,-1]}}]}
    """
    #expect(try parseRemoteReply(cont, prompts: ["Q <think>"], samples: 1)[0][0].thinkingTokens == 2)
}

@Test func thinkingEstimatesByCharacterShare() {
    #expect(ThinkingSpan.promptOpensThinking("x <think>"))
    #expect(!ThinkingSpan.promptOpensThinking("<think>a</think> answer:"))
    #expect(!ThinkingSpan.promptOpensThinking("plain"))
    #expect(ThinkingSpan.thinkingCharacterCount("<think>abcd</think>xy", startsInside: false) == 4)
    #expect(ThinkingSpan.thinkingCharacterCount("ab</think>xy<think>z", startsInside: true) == 3)
    #expect(ThinkingSpan.thinkingCharacterCount("no thinking", startsInside: false) == 0)
    // 4 of 21 characters are thinking: 21 tokens → 4 thinking tokens.
    #expect(ThinkingSpan.estimateThinkingTokens(text: "<think>abcd</think>xy", tokenCount: 21, startsInside: false) == 4)
    #expect(ThinkingSpan.estimateThinkingTokens(text: "", tokenCount: 5, startsInside: true) == 0)
    func count(_ tokens: [String], _ inside: Bool = false) -> Int? {
        ThinkingSpan.countThinkingTokens(tokens, text: tokens.joined(), startsInside: inside)
    }
    #expect(count(["a", "<think>", "b", "c", "</think>", "d"]) == 2)
    #expect(count(["<think>x</think>", "d"]) == 1)
    #expect(count(["<", "think", ">", "x", "y", "</", "think>", "d"]) == 2)   // markers split across tokens
    #expect(count(["x", "y</think>", "d"], true) == 2)
    #expect(count(["a", "b"], true) == 2)
    #expect(ThinkingSpan.countThinkingTokens(["a", "b"], text: "ab!", startsInside: false) == nil)
}

@Test func reportsServerErrorsAndMalformedReplies() {
    let prompts = ["p"]
    func error(_ json: String, samples: Int = 1) -> RemoteGeneratorError? {
        do { _ = try parseRemoteReply(json, prompts: prompts, samples: samples); return nil } catch let e as RemoteGeneratorError { return e } catch { return nil }
    }
    #expect(error(#"{"error":{"message":"model not found","type":"invalid_request_error"}}"#)
            == .serverError(url: "http://h/v1/completions", message: "model not found"))
    #expect(error(#"{"error":"overloaded"}"#) == .serverError(url: "http://h/v1/completions", message: "overloaded"))
    let malformed = [
        "<html>502 Bad Gateway</html>", "[]", #"{"choices":{}}"#,
        #"{"choices":[{"index":0,"text":"a"}]}"#,                         // 1 choice for 1×2
        #"{"choices":[{"index":0,"text":"a"},{"index":0,"text":"b"}]}"#,  // repeated index
        #"{"choices":[{"index":0,"text":"a"},{"index":5,"text":"b"}]}"#,  // out of range
        #"{"choices":[{"index":0},{"index":1,"text":"b"}]}"#,             // no text
        #"{"choices":[{"index":0,"text":"a","finish_reason":"weird"},{"index":1,"text":"b"}]}"#,
    ]
    for json in malformed {
        guard case .malformedReply(let url, let reason) = error(json, samples: 2) else {
            Issue.record("expected malformedReply for \(json)"); continue
        }
        #expect(url == "http://h/v1/completions")
        #expect(!reason.isEmpty)
    }
    #expect(RemoteGeneratorError.httpStatus(url: "u", status: 404, message: "").description.contains("/v1"))
    #expect(RemoteGeneratorError.timeout(url: "http://x", seconds: 3).description.contains("http://x"))
}

@Test func remoteGeneratorValidatesItsArguments() throws {
    #expect(throws: RemoteGeneratorError.invalidURL("not a url")) { _ = try RemoteGenerator(baseURL: "not a url", model: "m") }
    #expect(throws: RemoteGeneratorError.invalidURL("ftp://h/v1")) { _ = try RemoteGenerator(baseURL: "ftp://h/v1", model: "m") }
    #expect(throws: RemoteGeneratorError.missingAPIKey(variable: "VERITY_TEST_UNSET_KEY_42")) {
        _ = try RemoteGenerator(baseURL: "http://127.0.0.1:1/v1", model: "m", apiKeyVariable: "VERITY_TEST_UNSET_KEY_42")
    }
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:8080/v1/", model: "qwen")
    #expect(g.completionsURL.absoluteString == "http://127.0.0.1:8080/v1/completions")
    #expect(g.name == "qwen @ 127.0.0.1")
    // Wait extensions cannot be expressed remotely: an error before any request is sent.
    #expect(throws: RemoteGeneratorError.self) {
        _ = try g.generate(prompts: ["x"], samplesPerPrompt: 1, options: GenerationOptions(waitExtensions: 1), seed: 1) { false }
    }
    // Cancellation before the first request.
    #expect(throws: CancellationError.self) {
        _ = try g.generate(prompts: ["x"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1) { true }
    }
}

@Test func unreachableServerIsATransportError() throws {
    // Port 1 on localhost refuses connections immediately.
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:1/v1", model: "m", timeout: 5)
    do {
        _ = try g.generate(prompts: ["x"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1) { false }
        Issue.record("expected an error")
    } catch let error as RemoteGeneratorError {
        guard case .transport(let url, _) = error else { Issue.record("expected transport, got \(error)"); return }
        #expect(url == "http://127.0.0.1:1/v1/completions")
    }
}

@Test func remoteGeneratorTalksToAServer() throws {
    let ok = #"{"choices":[{"index":1,"text":"<think>ab</think>c","finish_reason":"length","logprobs":{"tokens":["<think>","a","b","</think>","c"],"token_logprobs":[-1,-1,-1,-1,-1]}},{"index":0,"text":"x","finish_reason":"stop","logprobs":{"tokens":["x"],"token_logprobs":[-0.5]}}]}"#
    let server = try StubHTTPServer(replies: [
        .init(status: 200, body: ok),
        .init(status: 404, body: #"{"error":{"message":"The model 'nope' does not exist."}}"#),
        .init(status: 200, body: ok, delay: 3),
    ])
    setenv("VERITY_TEST_REMOTE_KEY", "k-123", 1)
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "tiny", apiKeyVariable: "VERITY_TEST_REMOTE_KEY", timeout: 1)
    let out = try g.generate(prompts: ["Q:"], samplesPerPrompt: 2, options: GenerationOptions(maxNewTokens: 5), seed: 3) { false }
    #expect(out == [[GeneratedText(text: "x", tokenCount: 1, thinkingTokens: 0, finishReason: .stop, logprob: -0.5),
                     GeneratedText(text: "<think>ab</think>c", tokenCount: 5, thinkingTokens: 2, finishReason: .length, logprob: -5)]])
    let request = try #require(server.requests.first)
    #expect(request.hasPrefix("POST /v1/completions "))
    #expect(request.lowercased().contains("authorization: bearer k-123"))
    #expect(request.contains(#""max_tokens":5"#))

    // An HTTP error carries the server's message and the URL.
    do {
        _ = try g.generate(prompts: ["Q:"], samplesPerPrompt: 2, options: GenerationOptions(), seed: 3) { false }
        Issue.record("expected an HTTP error")
    } catch let error as RemoteGeneratorError {
        #expect(error == .httpStatus(url: "http://127.0.0.1:\(server.port)/v1/completions", status: 404, message: "The model 'nope' does not exist."))
    }
    // A slow server times out after the configured second, naming the URL.
    let start = Date()
    #expect(throws: RemoteGeneratorError.timeout(url: "http://127.0.0.1:\(server.port)/v1/completions", seconds: 1)) {
        _ = try g.generate(prompts: ["Q:"], samplesPerPrompt: 2, options: GenerationOptions(), seed: 3) { false }
    }
    #expect(Date().timeIntervalSince(start) < 2.5)
}

@Test func remoteGeneratorRetriesWithoutLogprobsWhenRefused() throws {
    let ok = #"{"choices":[{"index":0,"text":"<think>abcd</think>xy","finish_reason":"stop"}],"usage":{"completion_tokens":21}}"#
    let server = try StubHTTPServer(replies: [
        .init(status: 400, body: #"{"error":{"message":"logprobs is not supported"}}"#),
        .init(status: 200, body: ok),
        .init(status: 200, body: ok),
    ])
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "m", timeout: 5)
    for _ in 0..<2 {
        let out = try g.generate(prompts: ["Q"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1) { false }
        // No tokens returned: usage gives 21 tokens, 4 of 21 characters are thinking.
        #expect(out == [[GeneratedText(text: "<think>abcd</think>xy", tokenCount: 21, thinkingTokens: 4, finishReason: .stop)]])
    }
    let requests = server.requests
    #expect(requests.count == 3)
    #expect(requests.first?.contains(#""logprobs":1"#) == true)
    #expect(requests.dropFirst().allSatisfy { !$0.contains("logprobs") })   // remembered after the refusal
}

@Test func remoteGeneratorForcesAThinkingBudgetInTwoRounds() throws {
    // Round 1 (max_tokens = budget 3): sample 0 is cut off inside its thinking, sample 1 closed
    // its thinking and was cut off in the answer, sample 2 ended by itself.
    func choice(_ i: Int, _ tokens: [String], _ finish: String) -> String {
        let list = tokens.map { "\"\($0)\"" }.joined(separator: ",")
        let lps = tokens.map { _ in "-1" }.joined(separator: ",")
        return #"{"index":\#(i),"text":"\#(tokens.joined())","finish_reason":"\#(finish)","logprobs":{"tokens":[\#(list)],"token_logprobs":[\#(lps)]}}"#
    }
    let round1 = #"{"choices":["# + [choice(0, ["a", "b", "c"], "length"), choice(1, ["x", "</think>", "4"], "length"),
                                      choice(2, ["y", "</think>"], "stop")].joined(separator: ",") + "]}"
    let round2forced = #"{"choices":["# + choice(0, ["4", "2"], "stop") + "]}"
    let round2plain = #"{"choices":["# + choice(0, ["2"], "stop") + "]}"
    // Continuations are grouped by tokens left: 10-3 = 7 for the plain one, 6 for the forced one.
    let server = try StubHTTPServer(replies: [.init(status: 200, body: round1), .init(status: 200, body: round2forced),
                                              .init(status: 200, body: round2plain)])
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "m", timeout: 5)
    let out = try g.generate(prompts: ["Q <think>"], samplesPerPrompt: 3,
                             options: GenerationOptions(maxNewTokens: 10, thinkingBudget: 3), seed: 9) { false }
    #expect(out == [[
        GeneratedText(text: "abc</think>42", tokenCount: 6, thinkingTokens: 3, finishReason: .stop, logprob: -5),
        GeneratedText(text: "x</think>42", tokenCount: 4, thinkingTokens: 1, finishReason: .stop, logprob: -4),
        GeneratedText(text: "y</think>", tokenCount: 2, thinkingTokens: 1, finishReason: .stop, logprob: -2),
    ]])
    let requests = server.requests
    #expect(requests.count == 3)
    #expect(requests[0].contains(#""max_tokens":3"#) && requests[0].contains(#""n":3"#))
    #expect(requests[1].contains(#""prompt":["Q <think>abc</think>"]"#) && requests[1].contains(#""max_tokens":6"#))
    #expect(requests[2].contains(#""prompt":["Q <think>x</think>4"]"#) && requests[2].contains(#""max_tokens":7"#))
}

/// A server's `usage.completion_tokens` is a number it chose: Int.max (whose share overflowed an
/// Int), a negative count or an absurd one must not trap or give negative tokens.
@Test func implausibleUsageCountsFallBackToTheEstimate() throws {
    for count in ["9223372036854775807", "-5", "1000000000000"] {
        let json = #"{"choices":[{"index":0,"text":"abcdefgh","finish_reason":"stop"}],"usage":{"completion_tokens":"# + count + "}}"
        let rows = try parseRemoteReply(json, prompts: ["p"], samples: 1)
        #expect(rows[0][0].tokenCount == 2, "completion_tokens \(count)")      // 8 characters / 4
    }
    let honest = #"{"choices":[{"index":0,"text":"abcdefgh","finish_reason":"stop"}],"usage":{"completion_tokens":5}}"#
    #expect(try parseRemoteReply(honest, prompts: ["p"], samples: 1)[0][0].tokenCount == 5)
}

@Test func oneSamplePerRequestForServersThatIgnoreN() throws {
    // llama-cpp-python's server: one prompt per request, no n. 2 prompts × 2 samples = 4 requests,
    // each with one prompt, n 1 and its own seed; answers land in [prompt][sample] order.
    func reply(_ text: String) -> StubHTTPServer.Reply {
        .init(status: 200, body: #"{"choices":[{"index":0,"text":"\#(text)","finish_reason":"stop"}]}"#)
    }
    let server = try StubHTTPServer(replies: [reply("a0"), reply("a1"), reply("b0"), reply("b1")])
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "m", timeout: 5,
                                promptsPerRequest: 1, serverSamples: false)
    let out = try g.generate(prompts: ["A", "B"], samplesPerPrompt: 2, options: GenerationOptions(), seed: 5) { false }
    #expect(out.map { $0.map(\.text) } == [["a0", "a1"], ["b0", "b1"]])
    let requests = server.requests
    #expect(requests.count == 4)
    #expect(requests.allSatisfy { $0.contains(#""n":1"#) })
    #expect(requests[0].contains(#""prompt":["A"]"#) && requests[2].contains(#""prompt":["B"]"#))
    let seeds = requests.compactMap { r in r.range(of: #""seed":[0-9]+"#, options: .regularExpression).map { String(r[$0]) } }
    #expect(seeds.count == 4 && Set(seeds).count == 4, "each request has its own seed: \(seeds)")
    // With n honoured (the default), a single-choice reply for 2 samples says what to do.
    let short = try StubHTTPServer(replies: [reply("only")])
    let h = try RemoteGenerator(baseURL: "http://127.0.0.1:\(short.port)/v1", model: "m", timeout: 5)
    do {
        _ = try h.generate(prompts: ["A"], samplesPerPrompt: 2, options: GenerationOptions(), seed: 5) { false }
        Issue.record("expected a malformed-reply error")
    } catch let error as RemoteGeneratorError {
        #expect(String(describing: error).contains("batch=1 n=false"))
    }
}

@Test func neutralSamplingLeavesTopKOutWhenTheServerRefusesZero() throws {
    let ok = #"{"choices":[{"index":0,"text":"x","finish_reason":"stop"}]}"#
    let server = try StubHTTPServer(replies: [
        .init(status: 400, body: #"{"error":{"message":"top_k must be -1 (disable), or at least 1, got 0."}}"#),
        .init(status: 200, body: ok), .init(status: 200, body: ok),
    ])
    let g = try RemoteGenerator(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "m", timeout: 5, requestLogprobs: false)
    for _ in 0..<2 {
        let out = try g.generate(prompts: ["Q"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1) { false }
        #expect(out.first?.first?.text == "x")
    }
    let requests = server.requests
    #expect(requests.count == 3)
    #expect(requests[0].contains(#""top_k":0"#) && requests[0].contains(#""repeat_penalty":1"#))
    #expect(requests.dropFirst().allSatisfy { !$0.contains("top_k") && $0.contains(#""min_p":0"#) })   // remembered
}
