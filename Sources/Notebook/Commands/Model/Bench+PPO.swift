// bench config=ppo — what a value function costs: one step of the recipe's shapes (16 prompts ×
// 8 samples, ≤ 48 tokens, the 0.78M model, fresh weights, every row trained) as GRPO, as PPO with
// a policy-sized critic and with the small critic, and as VinePPO (K = 4); then value-guided beam
// search (b = 4, m = 4, a small value model) against plain sampling of 16 per problem, per
// sampled token. Each figure is a ratio against GRPO or plain sampling measured in the same run.
import Evaluation
import Foundation
import Kernels
import Models
import Training

extension EngineBenchmark {
    static func ppo(quick: Bool, progress: (String) -> Void,
                    isCancelled: @escaping @Sendable () -> Bool) throws -> CommandOutput {
        let steps = quick ? 1 : 3
        func base() -> TrainerConfig {
            var c = TrainerConfig()
            c.sampling.maxNewTokens = 48
            c.skipZeroAdvantage = false
            return c
        }
        var variants: [(String, TrainerConfig)] = [("grpo", base())]
        var ppo = base()
        ppo.advantage = .gae
        variants.append(("ppo (policy-sized critic)", ppo))
        var small = ppo
        small.critic = .small
        variants.append(("ppo (small critic)", small))
        var vine = ppo
        vine.vineSamples = 4
        variants.append(("vineppo (K = 4)", vine))
        var table = Table(columns: [Table.Column("step"), Table.Column("sampling s", .right), Table.Column("training s", .right),
                                    Table.Column("total s", .right), Table.Column("× grpo", .right)])
        var reference = 0.0
        for (name, config) in variants {
            let timings = try domain("bench") { try ThinkingPays.timeSteps(steps: steps, config: config, isCancelled: isCancelled) }
            let n = Double(timings.count)
            let sampling = timings.map(\.samplingSeconds).reduce(0, +) / n
            let training = timings.map(\.trainingSeconds).reduce(0, +) / n
            if reference == 0 { reference = sampling + training }
            table.append([name, Format.fixed(sampling, 3), Format.fixed(training, 3), Format.fixed(sampling + training, 3),
                          Format.fixed((sampling + training) / max(reference, 1e-9), 2)])
            progress("\(name): sampling \(Format.fixed(sampling, 3)) s, training \(Format.fixed(training, 3)) s")
        }
        var output = CommandOutput.table(table)
        output.append(.line("training includes the critic's update (ppo) or the Monte-Carlo continuations (vineppo)"
                            + (quick ? " (quick mode: indicative only)" : "")))

        // Search against plain sampling, per sampled token.
        let count = quick ? 4 : 16
        let parts = try domain("bench") { try ThinkingPays.benchmarkParts(problems: count) }
        let problems = parts.dataset.test
        let value = try domain("bench") {
            try ValueModel.fresh(tokenizer: parts.tokenizer, layers: 2, hiddenSize: 64, heads: 4, intermediateSize: 172,
                                 maxPositions: parts.model.config.maxPositionEmbeddings, seed: 3)
        }
        var stepEnds: [[Int]] = []
        if let space = try? parts.tokenizer.encode(" "), space.count == 1 { stepEnds.append(space) }
        if let end = parts.tokenizer.special.thinkEnd { stepEnds.append([end]) }
        let generator = try domain("bench") { try LocalGenerator(model: parts.model, tokenizer: parts.tokenizer) }
        let plainStart = Date()
        let plain = try domain("bench") {
            try generator.generate(prompts: problems.map { parts.dataset.fullPrompt($0) }, samplesPerPrompt: 16,
                                   options: GenerationOptions(maxNewTokens: 48, temperature: 1), seed: 1, isCancelled: isCancelled)
        }
        let plainSeconds = Date().timeIntervalSince(plainStart)
        let plainTokens = plain.flatMap { $0 }.reduce(0) { $0 + $1.tokenCount }
        let searchStart = Date()
        let searched = try domain("bench") {
            try beamSearch(policy: parts.model, tokenizer: parts.tokenizer, dataset: parts.dataset, problems: problems,
                           scorer: ValuePrefixScorer(value: value),
                           config: BeamSearchConfig(width: 4, expand: 4, sampling: GenerationOptions(maxNewTokens: 48), stepEnds: stepEnds),
                           seed: 1, isCancelled: isCancelled)
        }
        let searchSeconds = Date().timeIntervalSince(searchStart)
        let searchTokens = searched.reduce(0) { $0 + $1.generatedTokens }
        let plainPer = plainSeconds / Double(max(plainTokens, 1)), searchPer = searchSeconds / Double(max(searchTokens, 1))
        var search = Table(columns: [Table.Column("inference"), Table.Column("seconds", .right), Table.Column("sampled tokens", .right),
                                     Table.Column("µs per token", .right), Table.Column("× sampling", .right)])
        search.append(["sampling, 16 per problem", Format.fixed(plainSeconds, 3), "\(plainTokens)", Format.fixed(plainPer * 1e6, 1), "1.00"])
        search.append(["value beam search, b = 4, m = 4", Format.fixed(searchSeconds, 3), "\(searchTokens)",
                       Format.fixed(searchPer * 1e6, 1), Format.fixed(searchPer / max(plainPer, 1e-12), 2)])
        output.append(.table(search))
        output.append(.line("\(count) problems of the recipe, a fresh 0.78M policy and a fresh 2x64 value model (cost only; accuracy is meaningless here)"))
        return output
    }
}
