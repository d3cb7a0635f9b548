// `verity serve --reward SETUP`: the data set's verifier and the session reward over HTTP, asked
// exactly as OpenRLHF's SingleTurnAgentExecutor asks its --remote_rm_url (POST {"query", "prompts",
// "labels"}, one list each; reply {"rewards", "scores", "extra_logs"}).
import Foundation
import Testing

@Suite(.serialized) struct RewardEndpointTests {
    /// Starts the reward server on a setup script and runs `body`; checks a clean stop.
    func withRewardServer(_ setup: String, _ body: (ServerProcess) throws -> Void) throws {
        let dir = try servingTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("setup.verity")
        try setup.write(to: file, atomically: true, encoding: .utf8)
        let server = try ServerProcess(arguments: ["serve", "--reward", file.path, "--port", "0"])
        do { try body(server) } catch { server.stop(); throw error }
        #expect(server.stop() == 0, "output: \(server.output.suffix(400))")
        #expect(server.output.contains("serving rewards 'correct format=0.1' for 'add-d2'"))
    }

    /// The request body OpenRLHF sends: queries are prompt + response decoded with special tokens.
    func openRLHFPayload(queries: [String], prompts: [String], labels: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["query": queries, "prompts": prompts, "labels": labels]), as: UTF8.self)
    }

    let setup = "seed 1\ntask arithmetic op=add digits=2 train=20 test=5 think=mixed\nreward correct format=0.1\n"

    @Test func scoresAsOpenRLHFAsks() throws {
        try withRewardServer(setup) { server in
            let chatPrompt = "<|im_start|>system\nAdd.<|im_end|>\n<|im_start|>user\n12+34=<|im_end|>\n<|im_start|>assistant\n"
            let payload = try openRLHFPayload(
                queries: ["12+34=<think>4+2=6</think>46<|im_end|>", "12+34=<think></think>47<|endoftext|>", "12+34=46",
                          chatPrompt + "<think></think>46<|im_end|>"],
                prompts: ["12+34=", "12+34=", "12+34=", chatPrompt],
                labels: ["46", "46", "46", "46"])
            let reply = try post(port: server.port, path: "/get_reward", json: payload)
            #expect(reply.status == 200, "\(reply.body)")
            let object = try #require(jsonObject(reply.body))
            // correct + 0.1 format; well-formed but wrong; no thinking section (format 0, and the
            // after-think verifier finds no answer); a chat-templated prompt with its end token.
            #expect(object["rewards"] as? [Double] == [1.1, 0.1, 0, 1.1])
            #expect(object["scores"] as? [Double] == [1, 0, 0, 1])
            let logs = try #require(object["extra_logs"] as? [String: [Double]])
            #expect(logs["accuracy"] == [1, 0, 0, 1])
            #expect(logs["format"] == [1, 1, 0, 1])
        }
    }

    @Test func olderRequestsAndBadOnes() throws {
        try withRewardServer(setup) { server in
            // Older OpenRLHF sends only "query"; the prompt is found among the data set's.
            let task = try #require(server.output.split(separator: "\n").first { $0.hasPrefix("serving rewards") })
            #expect(task.contains("25 problems"))
            let unknown = try post(port: server.port, path: "/get_reward", json: #"{"query": ["99+99=<think></think>198"]}"#)
            #expect(unknown.status == 400 && unknown.body.contains("send \\\"prompts\\\""), "\(unknown.body)")
            let mismatch = try post(port: server.port, path: "/get_reward",
                                    json: #"{"query": ["a", "b"], "prompts": ["a"], "labels": ["1", "2"]}"#)
            #expect(mismatch.status == 400 && mismatch.body.contains("1 items for 2 queries"))
            let notPrefix = try post(port: server.port, path: "/get_reward",
                                     json: #"{"query": ["xyz"], "prompts": ["12+34="], "labels": ["46"]}"#)
            #expect(notPrefix.status == 400 && notPrefix.body.contains("does not begin with its prompt"))
            #expect(try post(port: server.port, path: "/get_reward", json: "not json").status == 400)
            #expect(try get(port: server.port, path: "/get_reward").status == 405)
            #expect(try post(port: server.port, path: "/v1/completions", json: "{}").status == 404)
            // A label-only problem (not in the data set) is judged by its label.
            let byLabel = try post(port: server.port, path: "/get_reward",
                                   json: #"{"query": ["7+8=<think></think>15"], "prompts": ["7+8="], "labels": [15]}"#)
            #expect(jsonObject(byLabel.body)?["scores"] as? [Double] == [1], "\(byLabel.body)")
        }
    }

    @Test func aSetupWithoutDataIsRefused() throws {
        let dir = try servingTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("setup.verity")
        try "seed 1\n".write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try verityBinaryPath())
        process.arguments = ["serve", "--reward", file.path, "--port", "0"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains("made no data set"))
    }
}
