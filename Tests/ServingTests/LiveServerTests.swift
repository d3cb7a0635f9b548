// The real server, end to end: `verity serve` runs as a child process on a saved seeded
// checkpoint, and the project's own `RemoteGenerator` (or a raw socket) talks to it. Each test
// starts its own server and stops it with SIGTERM, checking a clean exit and no leftover process.
import Foundation
import Models
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct LiveServerTests {
    /// Several prompts × n through RemoteGenerator: right order, deterministic for a seed, and
    /// equal to LocalGenerator on the same checkpoint with the same seed and options.
    @Test func remoteGeneratorMatchesLocalGenerator() throws {
        try withServer(eos: true) { server, checkpoint in
            let local = try localGenerator(checkpoint)
            let remote = try RemoteGenerator(baseURL: server.baseURL, model: "tiny-eos", timeout: 60)
            let prompts = ["ab", "1+2=", "<think>b", "é"]
            let options = GenerationOptions(maxNewTokens: 12, temperature: 1, topK: 6, topP: 0.95)
            let seed: UInt64 = 1234
            let a = try remote.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: seed, isCancelled: { false })
            let b = try remote.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: seed, isCancelled: { false })
            let reference = try local.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: seed, isCancelled: { false })
            #expect(a.count == prompts.count && a.allSatisfy { $0.count == 3 })
            #expect(a.map { $0.map(\.text) } == b.map { $0.map(\.text) }, "the same seed gave different texts")
            #expect(a.map { $0.map(\.text) } == reference.map { $0.map(\.text) })
            #expect(a.map { $0.map(\.finishReason) } == reference.map { $0.map(\.finishReason) })
            #expect(a.map { $0.map(\.tokenCount) } == reference.map { $0.map(\.tokenCount) })
            // Thinking tokens agree, except that the engine counts an end-of-sequence token drawn
            // inside a thinking section as a thinking token, while the server returns it as an
            // empty piece (the text excludes it), which RemoteGenerator cannot count.
            for (p, (row, localRow)) in zip(a, reference).enumerated() {
                for (r, l) in zip(row, localRow) {
                    let eosInsideThinking = l.finishReason == .stop && ThinkingSpan.promptOpensThinking(prompts[p] + l.text)
                    #expect(r.thinkingTokens == l.thinkingTokens - (eosInsideThinking ? 1 : 0), "\(prompts[p]) → \(l)")
                }
            }
            for (row, localRow) in zip(a, reference) {
                for (r, l) in zip(row, localRow) {
                    let lp = try #require(r.logprob)
                    #expect(lp.isFinite && lp <= 0)
                    #expect(abs(lp - (l.logprob ?? .nan)) < 1e-9)
                }
            }
            // Another seed samples something else (12 tokens × 12 samples cannot all repeat by chance).
            let c = try remote.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: seed + 1, isCancelled: { false })
            #expect(c.map { $0.map(\.text) } != a.map { $0.map(\.text) })
        }
    }

    /// The raw reply: choice indices prompt·n + j in order, per-token logprobs that are finite and
    /// line up with the text, usage totals, `max_tokens` ending in "length".
    @Test func rawReplyShapeAndLengthFinish() throws {
        try withServer(eos: false) { server, _ in
            let reply = try post(port: server.port, json: """
                {"model": "tiny", "prompt": ["a", "b1"], "n": 2, "max_tokens": 5, "temperature": 0.8, "seed": 7, "logprobs": 1}
                """)
            #expect(reply.status == 200, "\(reply.body)")
            let json = try #require(jsonObject(reply.body))
            #expect(json["object"] as? String == "text_completion")
            #expect(json["model"] as? String == "tiny")
            let choices = try #require(json["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2, 3])
            for choice in choices {
                #expect(choice["finish_reason"] as? String == "length")   // no eos in this vocabulary
                let text = try #require(choice["text"] as? String)
                let logprobs = try #require(choice["logprobs"] as? [String: Any])
                let tokens = try #require(logprobs["tokens"] as? [String])
                let values = try #require(logprobs["token_logprobs"] as? [Double])
                let offsets = try #require(logprobs["text_offset"] as? [Int])
                #expect(tokens.count == 5 && values.count == 5 && offsets.count == 5)
                #expect(tokens.joined() == text)
                #expect(values.allSatisfy { $0.isFinite && $0 <= 0 })
                #expect(offsets.first == 0 && zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 })
            }
            let usage = try #require(json["usage"] as? [String: Int])
            #expect(usage["completion_tokens"] == 20)
            #expect(usage["prompt_tokens"] == (1 + 1) + (1 + 2))   // bos + text, once per prompt
            #expect(usage["total_tokens"] == 25)
            // Without logprobs the field is null.
            let plain = try post(port: server.port, json: #"{"prompt": "a", "max_tokens": 2, "seed": 1}"#)
            let first = try #require((jsonObject(plain.body)?["choices"] as? [[String: Any]])?.first)
            #expect(first["logprobs"] is NSNull)
        }
    }

    /// Echo with `max_tokens: 0` scores a given text (what lm-evaluation-harness does): the prompt's
    /// log-probabilities equal the training forward pass's on the same checkpoint, and
    /// `top_logprobs` holds k alternatives per token.
    @Test func echoScoresThePrompt() throws {
        try withServer(eos: true) { server, checkpoint in
            let reply = try post(port: server.port, json: #"{"prompt": "ab1=2", "max_tokens": 0, "echo": true, "logprobs": 2, "temperature": 0}"#)
            #expect(reply.status == 200, "\(reply.body)")
            let choice = try #require((jsonObject(reply.body)?["choices"] as? [[String: Any]])?.first)
            #expect(choice["text"] as? String == "ab1=2")
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            #expect(logprobs["tokens"] as? [String] == ["a", "b", "1", "=", "2"])
            #expect(logprobs["text_offset"] as? [Int] == [0, 1, 2, 3, 4])
            let values = try #require(logprobs["token_logprobs"] as? [Double])
            let tops = try #require(logprobs["top_logprobs"] as? [[String: Double]])
            #expect(tops.count == 5 && tops.allSatisfy { $0.count == 2 })
            // Reference: Transformer.forward on bos + prompt.
            let local = try localGenerator(checkpoint)
            let ids = try encodePrompt("ab1=2", tokenizer: local.tokenizer)
            let reference = try local.model.forward(TokenBatch(sequences: [ids])).logprobs
            #expect(values.count == reference.count)
            for (v, r) in zip(values, reference) { #expect(abs(v - Double(r)) < 1e-4, "\(values) vs \(reference)") }
            // Echo with generation: the text starts with the prompt, offsets continue after it.
            let more = try post(port: server.port, json: #"{"prompt": "ab", "max_tokens": 3, "echo": true, "logprobs": 0, "seed": 2}"#)
            let second = try #require((jsonObject(more.body)?["choices"] as? [[String: Any]])?.first)
            let text = try #require(second["text"] as? String)
            #expect(text.hasPrefix("ab"))
            let lp = try #require(second["logprobs"] as? [String: Any])
            #expect((lp["tokens"] as? [String])?.joined() == text)
            #expect(lp["top_logprobs"] is NSNull)
        }
    }

    /// Stop strings: the server cuts the text at the stop string and names it in stop_reason;
    /// RemoteGenerator puts it back, and the result equals LocalGenerator's.
    @Test func stopStrings() throws {
        try withServer(eos: false) { server, checkpoint in
            let reply = try post(port: server.port, json: #"{"prompt": "a", "n": 8, "max_tokens": 30, "stop": "=", "seed": 3, "logprobs": 0}"#)
            let choices = try #require(jsonObject(reply.body)?["choices"] as? [[String: Any]])
            var stopped = 0
            for choice in choices {
                let text = try #require(choice["text"] as? String)
                #expect(!text.contains("="))
                if choice["finish_reason"] as? String == "stop" {
                    stopped += 1
                    #expect(choice["stop_reason"] as? String == "=")
                }
            }
            #expect(stopped > 0, "no sample produced '=' in 30 tokens over a 12-symbol vocabulary")

            let options = GenerationOptions(maxNewTokens: 30, temperature: 1, stopStrings: ["=", "22"])
            let remote = try RemoteGenerator(baseURL: server.baseURL, model: "tiny", timeout: 60)
            let r = try remote.generate(prompts: ["a", "1"], samplesPerPrompt: 4, options: options, seed: 99, isCancelled: { false })
            let l = try localGenerator(checkpoint).generate(prompts: ["a", "1"], samplesPerPrompt: 4, options: options, seed: 99, isCancelled: { false })
            #expect(r.map { $0.map(\.text) } == l.map { $0.map(\.text) })
            #expect(r.map { $0.map(\.finishReason) } == l.map { $0.map(\.finishReason) })
            #expect(r.flatMap { $0 }.contains { $0.finishReason == .stopString })
        }
    }

    /// A thinking budget through RemoteGenerator's two-round budget forcing: the first round stops
    /// at the budget, "</think>" is appended, the second round continues to max tokens. (The
    /// budget bounds the first thinking section; this random model may open another later.)
    @Test func thinkingBudgetEndToEnd() throws {
        try withServer(eos: false) { server, _ in
            let remote = try RemoteGenerator(baseURL: server.baseURL, model: "tiny", timeout: 60)
            let options = GenerationOptions(maxNewTokens: 12, temperature: 1, thinkingBudget: 4)
            let results = try remote.generate(prompts: ["1+1=<think>", "<think>a"], samplesPerPrompt: 3, options: options,
                                              seed: 5, isCancelled: { false })
            var forced = 0
            for row in results {
                for r in row {
                    #expect(r.finishReason == .length)
                    #expect(r.tokenCount == 12, "\(r)")
                    // Round one produced at most the budget before the first close of thinking.
                    let head = try #require(r.text.range(of: ThinkingSpan.close)).lowerBound
                    let thinking = try localTokenCount(String(r.text[..<head]))
                    #expect(thinking <= 4)
                    if thinking == 4 { forced += 1 }
                }
            }
            #expect(forced > 0, "no sample hit the budget, so nothing was forced")
        }
    }

    /// Error replies: OpenAI-style JSON with the right status for each kind of bad request.
    @Test func errorStatuses() throws {
        try withServer(eos: false) { server, _ in
            let cases: [(String, Int, String)] = [
                (#"{"prompt": "a""#, 400, "not valid JSON"),
                (#"[1, 2]"#, 400, "JSON object"),
                (#"{"model": "tiny"}"#, 400, "'prompt' is required"),
                (#"{"prompt": "a", "n": "two"}"#, 400, "'n' must be an integer"),
                (#"{"prompt": "a", "n": 0}"#, 400, "'n' must be between"),
                (#"{"prompt": "a", "max_tokens": 0}"#, 400, "'max_tokens' must be between"),
                (#"{"prompt": "a", "max_tokens": 127}"#, 400, "maximum context length"),
                (#"{"prompt": "a", "temperature": -1}"#, 400, "'temperature'"),
                (#"{"prompt": "a", "top_p": 0}"#, 400, "'top_p'"),
                (#"{"prompt": "a", "stop": 3}"#, 400, "'stop' must be"),
                (#"{"prompt": "a", "max_tokens": 0}"#, 400, "0 needs \"echo\": true"),
                (#"{"prompt": "a", "stream": true}"#, 400, "streaming is not supported"),
                (#"{"prompt": "a", "logprobs": 9}"#, 400, "'logprobs'"),
                (#"{"prompt": "zzz"}"#, 400, "cannot be encoded"),
                (#"{"prompt": "a", "model": "gpt-4"}"#, 404, "does not exist"),
            ]
            for (body, status, fragment) in cases {
                let reply = try post(port: server.port, json: body)
                #expect(reply.status == status, "\(body) → \(reply.status ?? -1) \(reply.body)")
                let error = jsonObject(reply.body)?["error"] as? [String: Any]
                #expect((error?["message"] as? String)?.contains(fragment) == true, "\(body) → \(reply.body)")
                #expect(error?["type"] as? String == (status == 404 ? "not_found_error" : "invalid_request_error"))
            }
            #expect(try get(port: server.port, path: "/v1/nothing").status == 404)
            #expect(try get(port: server.port, path: "/v1/completions").status == 405)
            #expect(try post(port: server.port, path: "/v1/models", json: "{}").status == 405)
            // Too large a body (declared) and too large a head.
            let huge = "POST /v1/completions HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n{"
            #expect(try rawExchange(port: server.port, Array(huge.utf8)).status == 413)
            let longHeader = "GET /v1/models HTTP/1.1\r\nX-Filler: " + String(repeating: "x", count: 40_000) + "\r\n\r\n"
            #expect(try rawExchange(port: server.port, Array(longHeader.utf8)).status == 431)
            // RemoteGenerator surfaces the server's message for an unknown model.
            let wrong = try RemoteGenerator(baseURL: server.baseURL, model: "nope", timeout: 30)
            #expect {
                _ = try wrong.generate(prompts: ["a"], samplesPerPrompt: 1, options: GenerationOptions(), seed: 1, isCancelled: { false })
            } throws: { error in
                guard case let RemoteGeneratorError.httpStatus(_, status, message)? = error as? RemoteGeneratorError else { return false }
                return status == 404 && message.contains("'nope' does not exist")
            }
        }
    }

    /// Garbage on the socket never takes the server down: each bad connection gets a 400 or is
    /// dropped, and a proper request afterwards is answered.
    @Test func survivesGarbage() throws {
        try withServer(eos: false) { server, _ in
            var rng = SystemRandomNumberGenerator()
            for round in 0..<12 {
                let count = 1 + Int(rng.next() % 3000)
                var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if round % 3 == 1 { bytes = Array("POST /v1/completions HTTP/1.1\r\nContent-Length: 10\r\n\r\n".utf8) + bytes }
                if round % 3 == 2 { bytes = Array("GET /v1/models HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + bytes }
                let reply = try rawExchange(port: server.port, bytes, close: true, timeout: 5)
                if let status = reply.status { #expect(status >= 400 || round % 3 == 2, "round \(round): \(status)") }
            }
            // A client that connects and sends half a request, then vanishes.
            _ = try rawExchange(port: server.port, Array("POST /v1/completions HTTP/1.1\r\nContent-Len".utf8), close: true, timeout: 1)
            let models = try get(port: server.port, path: "/v1/models")
            #expect(models.status == 200)
            let data = try #require(jsonObject(models.body)?["data"] as? [[String: Any]])
            #expect(data.first?["id"] as? String == "tiny")
            #expect(server.process.isRunning)
        }
    }

    /// A real third-party client: curl sends `Expect: 100-continue` for bodies over 1 KiB, and a
    /// chunked body when told to.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func curlContinueAndChunked() throws {
        try withServer(eos: false) { server, _ in
            let prompts = (0..<100).map { "\"\(String(repeating: "ab", count: $0 % 7 + 1))\"" }.joined(separator: ",")
            let body = #"{"model": "tiny", "prompt": ["# + prompts + #"], "max_tokens": 2, "seed": 4}"#
            #expect(body.utf8.count > 1024)
            for extra in [[], ["-H", "Transfer-Encoding: chunked"]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                process.arguments = ["-sS", "-m", "30", "-H", "Content-Type: application/json"] + extra
                    + ["--data-binary", body, server.baseURL + "/completions"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                let choices = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["choices"] as? [[String: Any]]
                #expect(choices?.count == 100, "\(extra): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
        }
    }

    /// SIGINT stops the server as cleanly as SIGTERM.
    @Test func sigintStopsCleanly() throws {
        let checkpoint = try makeCheckpoint(eos: false)
        defer { try? FileManager.default.removeItem(at: checkpoint.deletingLastPathComponent()) }
        let server = try ServerProcess(checkpoint: checkpoint, extra: ["--name", "renamed"])
        let models = try get(port: server.port, path: "/v1/models")
        // A second server on the same port fails at once with a message naming the port.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: try verityBinaryPath())
        second.arguments = ["serve", checkpoint.path, "--port", String(server.port)]
        let errors = Pipe()
        second.standardError = errors
        second.standardOutput = Pipe()
        try second.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 1)
        #expect(message.contains("cannot bind 127.0.0.1:\(server.port)"), "\(message)")
        let status = server.stop(signal: SIGINT)
        #expect(models.body.contains("\"id\":\"renamed\""))
        #expect(status == 0)
        #expect(!server.pidExists)
    }
}

/// Tokens of `text` with the test vocabulary (one per character, specials as one).
func localTokenCount(_ text: String) throws -> Int {
    try CharTokenizer(corpus: ["ab12+= é"], specials: ["<pad>", "<bos>", "<think>", "</think>"]).encode(text).count
}
