// Thinking budgets against a completions server, in the two-round way s1's evaluation does it
// with vLLM (budget forcing, Muennighoff et al. 2025):
//   round 1: sample with max_tokens = min(budget, maxNewTokens);
//   round 2: for each sample cut off by that limit (finish_reason "length") while its thinking
//            section is still open, append "</think>" and continue from prompt + text with the
//            tokens left; a sample cut off after its thinking closed simply continues.
// Samples that ended by themselves in round 1 (EOS or a stop string) are final.
//
// Approximations (documented in the report): the budget counts every token of round 1, so
// tokens a model writes before opening `<think>` count against it; the forced "</think>" counts
// as one token (it is one special token in Qwen-style vocabularies); continuing from text
// re-tokenizes the prefix, which can differ from the tokens the server generated.

import Foundation

extension RemoteGenerator {
    /// Samples with budget forcing; see the file header.
    func generateWithBudget(_ budget: Int, prompts: [String], samplesPerPrompt: Int, options: GenerationOptions,
                            seed: UInt64, isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        guard budget >= 1 else { throw RemoteGeneratorError.invalidRequest("thinking budget must be at least 1, got \(budget)") }
        var first = options
        first.thinkingBudget = nil
        first.maxNewTokens = min(budget, options.maxNewTokens)
        var result = try sample(prompts: prompts, samplesPerPrompt: samplesPerPrompt, options: first, seed: seed, isCancelled: isCancelled)

        // Samples to continue, grouped by the tokens they have left (forcing costs one).
        struct Continuation { var prompt: Int; var sample: Int; var prefix: String; var forced: Bool }
        var groups: [Int: [Continuation]] = [:]
        for (p, row) in result.enumerated() {
            for (s, r) in row.enumerated() where r.finishReason == .length {
                let startsInside = ThinkingSpan.promptOpensThinking(prompts[p])
                let open = ThinkingSpan.promptOpensThinking((startsInside ? ThinkingSpan.open : "") + r.text)
                let left = options.maxNewTokens - first.maxNewTokens - (open ? 1 : 0)
                guard left >= 1 else { continue }   // out of tokens: stays a length-truncated sample
                groups[left, default: []].append(Continuation(prompt: p, sample: s, prefix: r.text + (open ? ThinkingSpan.close : ""), forced: open))
            }
        }
        for left in groups.keys.sorted() {
            guard let items = groups[left] else { continue }
            var second = first
            second.maxNewTokens = left
            let continued = try sample(prompts: items.map { prompts[$0.prompt] + $0.prefix }, samplesPerPrompt: 1,
                                       options: second, seed: (seed ^ 0xB5AD_4ECE_DA1C_E2A9) &+ UInt64(left), isCancelled: isCancelled)
            for (item, row) in zip(items, continued) {
                guard let tail = row.first else { continue }
                let head = result[item.prompt][item.sample]
                result[item.prompt][item.sample] = GeneratedText(
                    text: item.prefix + tail.text,
                    tokenCount: head.tokenCount + (item.forced ? 1 : 0) + tail.tokenCount,
                    thinkingTokens: head.thinkingTokens + tail.thinkingTokens,
                    finishReason: tail.finishReason,
                    logprob: head.logprob.flatMap { a in tail.logprob.map { a + $0 } })
            }
        }
        return result
    }
}
