// Training/Recipes/ThinkingPays+Bench.swift — the GRPO step of the "Thinking pays" recipe timed
// on its shapes (16 prompts × 8 samples, 48 new tokens at most, the 0.78M model), split into
// sampling and training, for `bench config=grpo` and `verity bench --grpo`. A freshly initialised
// model is used so the benchmark takes seconds instead of the recipe's minutes of SFT.

import Foundation
import Kernels
import Models
import Tasks

/// One timed GRPO step on the recipe's shapes.
public struct GRPOStepTiming: Sendable, Codable, Equatable {
    /// Seconds spent sampling the 128 completions (prefill + decode).
    public var samplingSeconds: Double
    /// Seconds of the update (old-policy log-probabilities, forward, backward, clip, Adam).
    public var trainingSeconds: Double
    /// Mean completion length in tokens (a fresh model rarely stops early, so near the cap).
    public var meanLength: Double
    /// Completion tokens sampled per second.
    public var samplingTokensPerSecond: Double

    /// A timing (the benchmark builds means from these).
    public init(samplingSeconds: Double, trainingSeconds: Double, meanLength: Double, samplingTokensPerSecond: Double) {
        self.samplingSeconds = samplingSeconds
        self.trainingSeconds = trainingSeconds
        self.meanLength = meanLength
        self.samplingTokensPerSecond = samplingTokensPerSecond
    }
}

extension ThinkingPays {
    /// Times `steps` GRPO steps (after one untimed warm-up step) of a fresh recipe model and
    /// returns each step's split. Why every row trains (`skipZeroAdvantage` off): a fresh model's
    /// rewards are all 0, so the recipe's filter would leave nothing to time; with it off the
    /// update covers all 128 rows — an upper bound on the recipe's, where only groups with mixed
    /// rewards enter the loss.
    public static func timeGRPO(steps: Int, threads: Int = 2, seed: UInt64 = 1,
                                isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> [GRPOStepTiming] {
        var config = TrainerConfig()
        config.sampling.maxNewTokens = 48
        config.skipZeroAdvantage = false
        return try timeSteps(steps: steps, threads: threads, seed: seed, config: config, isCancelled: isCancelled)
    }

    /// Times `steps` steps (after one untimed warm-up) of a fresh recipe model under `config`
    /// (prompts, samples and the algorithm as it says), for `bench config=grpo|ppo`.
    public static func timeSteps(steps: Int, threads: Int = 2, seed: UInt64 = 1, config: TrainerConfig,
                                 isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> [GRPOStepTiming] {
        guard steps >= 1 else { throw TrainingError("steps=\(steps) — time at least one step") }
        var s = ThinkingPaysSettings()
        s.seed = seed
        s.threads = threads
        s.trainProblems = 2_000
        s.testProblems = 0
        let setup = try prepare(s)
        let trainer = try PolicyTrainer(model: setup.model, tokenizer: setup.tokenizer, dataset: setup.dataset,
                                        config: config, seed: seed &+ 2)
        var timings: [GRPOStepTiming] = []
        for i in 0...steps {
            if isCancelled() { throw CancellationError() }
            let batch = try trainer.sample(isCancelled: isCancelled)
            let report = try trainer.step(isCancelled: isCancelled)
            guard i > 0 else { continue }   // the first step pays for buffer allocation
            let tokens = batch.rollouts.reduce(0) { $0 + $1.tokens.count }
            timings.append(GRPOStepTiming(samplingSeconds: batch.samplingSeconds, trainingSeconds: report.trainingSeconds,
                                          meanLength: Double(tokens) / Double(max(batch.rollouts.count, 1)),
                                          samplingTokensPerSecond: Double(tokens) / max(batch.samplingSeconds, 1e-9)))
        }
        return timings
    }

    /// A fresh recipe model, its tokenizer and a data set of `problems` test problems, for timing
    /// inference-time methods on the recipe's shapes.
    public static func benchmarkParts(problems: Int, threads: Int = 2, seed: UInt64 = 1) throws
        -> (model: Transformer, tokenizer: CharTokenizer, dataset: Dataset) {
        var s = ThinkingPaysSettings()
        s.seed = seed
        s.threads = threads
        s.trainProblems = 1
        s.testProblems = problems
        let setup = try prepare(s)
        return (setup.model, setup.tokenizer, setup.dataset)
    }
}
