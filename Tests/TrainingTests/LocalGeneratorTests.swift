// LocalGenerator (Models/Generation) against the engine's token-level generate: same samples,
// [prompt][sample] layout, eos stripped, options mapped to the decode controls, seeded.
import Foundation
import Kernels
import Models
import Testing
@testable import Training

@Suite struct LocalGeneratorTests {
    @Test func matchesTheEngineAndKeepsTheLayout() throws {
        let model = try Fixture.model(seed: 3)
        let tok = try Fixture.tokenizer()
        let gen = try LocalGenerator(model: model, tokenizer: tok)
        let options = GenerationOptions(maxNewTokens: 6, temperature: 1)
        let prompts = ["1+2=", "33+4="]
        let texts = try gen.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: 42, isCancelled: { false })
        #expect(texts.count == 2 && texts.allSatisfy { $0.count == 3 })
        // The same draw through the engine directly.
        var rng = RNG(seed: 42)
        let ids = try prompts.flatMap { p in Array(repeating: try encodePrompt(p, tokenizer: tok), count: 3) }
        let seqs = try model.generate(prompts: ids, controls: DecodeControls(options: options, tokenizer: tok), rng: &rng)
        let eos = try #require(tok.special.eos)
        for (k, s) in seqs.enumerated() {
            let g = texts[k / 3][k % 3]
            let visible = s.tokens.last == eos ? Array(s.tokens.dropLast()) : s.tokens
            #expect(g.text == tok.decode(visible))
            #expect(g.tokenCount == s.tokens.count)
            #expect(g.finishReason == s.finishReason)
            #expect(abs((g.logprob ?? 0) - s.logprobs.reduce(0.0) { $0 + Double($1) }) < 1e-9)
        }
        // Seeded: the same call repeats exactly; another seed differs somewhere.
        #expect(try gen.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: 42, isCancelled: { false }) == texts)
        #expect(try gen.generate(prompts: prompts, samplesPerPrompt: 3, options: options, seed: 43, isCancelled: { false }) != texts)
    }

    @Test func thinkingBudgetAndChunkingAndErrors() throws {
        let model = try Fixture.model(seed: 5)
        let tok = try Fixture.tokenizer()
        let options = GenerationOptions(maxNewTokens: 8, temperature: 1, thinkingBudget: 2)
        let whole = try LocalGenerator(model: model, tokenizer: tok)
        let chunked = try LocalGenerator(model: model, tokenizer: tok, maxBatch: 2)
        let a = try whole.generate(prompts: ["1+1=<think>", "2+2=<think>"], samplesPerPrompt: 4, options: options, seed: 1, isCancelled: { false })
        let b = try chunked.generate(prompts: ["1+1=<think>", "2+2=<think>"], samplesPerPrompt: 4, options: options, seed: 1, isCancelled: { false })
        #expect(a.flatMap { $0 }.allSatisfy { $0.thinkingTokens <= 2 })
        #expect(a.count == b.count && zip(a, b).allSatisfy { $0.count == $1.count })
        #expect(throws: (any Error).self) {
            try whole.generate(prompts: ["1+1="], samplesPerPrompt: 0, options: options, seed: 1, isCancelled: { false })
        }
        #expect(throws: (any Error).self) {
            try whole.generate(prompts: ["x"], samplesPerPrompt: 1, options: options, seed: 1, isCancelled: { false })
        }
        #expect(throws: CancellationError.self) {
            try whole.generate(prompts: ["1+1="], samplesPerPrompt: 1, options: options, seed: 1, isCancelled: { true })
        }
    }
}
