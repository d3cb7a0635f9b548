// A measurement, not a default test: with VERITY_SERVE_BENCH=1 it serves a 4×128 model and
// times the same batch through RemoteGenerator (HTTP + JSON + the server's sampling) and through
// LocalGenerator in this process, checking the texts agree. Prints one line per backend.
import Foundation
import Kernels
import Models
import Testing

@Suite struct ServeThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERITY_SERVE_BENCH"] == "1"))
    func remoteVersusLocalThroughput() throws {
        let tokenizer = try CharTokenizer(corpus: ["0123456789+= abcdefghijklmnopqrstuvwxyz"])
        let config = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 128, intermediateSize: 512,
                                       numHiddenLayers: 4, numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 256)
        let model = try Transformer(config: config, seed: 5)
        let root = try servingTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("bench")
        try Checkpoint.save(to: directory, config: config, tensors: model.tensors(), tokenizer: tokenizer)
        if let keep = ProcessInfo.processInfo.environment["VERITY_SERVE_BENCH_KEEP"] {   // for trying the server by hand
            try Checkpoint.save(to: URL(fileURLWithPath: keep), config: config, tensors: model.tensors(), tokenizer: tokenizer)
        }
        let server = try ServerProcess(checkpoint: directory)
        defer { server.stop() }
        let prompts = (0..<16).map { "\($0 * 7 % 100)+\($0 * 13 % 100)=" }
        let options = GenerationOptions(maxNewTokens: 64, temperature: 1)
        let remote = try RemoteGenerator(baseURL: server.baseURL, model: "bench", timeout: 600)
        let local = try localGenerator(directory)
        _ = try remote.generate(prompts: ["1"], samplesPerPrompt: 1, options: options, seed: 1, isCancelled: { false })   // warm-up
        _ = try local.generate(prompts: ["1"], samplesPerPrompt: 1, options: options, seed: 1, isCancelled: { false })
        // Alternate the two, best of three each: the machine is shared and timings swing.
        var remoteSeconds = Double.infinity, localSeconds = Double.infinity
        var r: [[GeneratedText]] = [], l: [[GeneratedText]] = []
        for _ in 0..<3 {
            var start = Date()
            r = try remote.generate(prompts: prompts, samplesPerPrompt: 8, options: options, seed: 9, isCancelled: { false })
            remoteSeconds = min(remoteSeconds, Date().timeIntervalSince(start))
            start = Date()
            l = try local.generate(prompts: prompts, samplesPerPrompt: 8, options: options, seed: 9, isCancelled: { false })
            localSeconds = min(localSeconds, Date().timeIntervalSince(start))
        }
        #expect(r.map { $0.map(\.text) } == l.map { $0.map(\.text) })
        print(server.output)
        let tokens = l.flatMap { $0 }.reduce(0) { $0 + $1.tokenCount }
        print(String(format: "serve bench: 16 prompts × 8 samples, %d tokens: remote %.2f s (%.0f tok/s), local %.2f s (%.0f tok/s)",
                     tokens, remoteSeconds, Double(tokens) / remoteSeconds, localSeconds, Double(tokens) / localSeconds))
    }
}
