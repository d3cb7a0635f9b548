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
        guard steps >= 1 else { throw TrainingError("steps=\(steps) — time at least one GRPO step") }
        var s = ThinkingPaysSettings()
        s.seed = seed
        s.threads = threads
        s.trainProblems = 2_000
        s.testProblems = 0
        let setup = try prepare(s)
        var config = TrainerConfig()
        config.maxNewTokens = 48
        config.skipZeroAdvantage = false
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
}
