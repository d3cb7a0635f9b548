// Training/STaR.swift — rejection-sampling fine-tuning (STaR, Zelikman et al. 2022; RFT, Yuan et
// al. 2023): sample completions of training prompts, keep the ones the verifier accepts, SFT on
// them, repeat. It uses the policy trainer's model, sampler and RNG (`sampleProblems`).

import Fields
import Foundation
import Kernels
import Models
import Tasks

/// Settings of a STaR run.
public struct STaRConfig: Sendable, Codable, Equatable {
    /// Sample → filter → SFT rounds. Default 1.
    public var rounds: Int = 1
    /// Training prompts sampled per round. Default 64.
    public var prompts: Int = 64
    /// Completions per prompt. Default 4.
    public var samples: Int = 4
    /// SFT steps per round on the kept completions. Default 50.
    public var sftSteps: Int = 50
    /// SFT settings (batch, lr …).
    public var sft: SFTConfig = SFTConfig()

    /// The defaults.
    public init() {}
}

extension STaRConfig: FieldRoot {
    public static var defaults: STaRConfig { STaRConfig() }

    /// The keys of `star`: its own, and the SFT batch and learning rate.
    public static let fields: [Field<STaRConfig>] = [
        .whole("rounds", \.rounds, "rounds", "sample-filter-train rounds", bounds: 0...10_000),
        .whole("prompts", \.prompts, "prompts", "training problems per round", bounds: 1...1_000_000),
        .whole("n", \.samples, "samples", "samples per problem", bounds: 1...1024),
        .whole("steps", \.sftSteps, "sftSteps", "SFT steps per round", bounds: 0...10_000_000),
    ] + SFTConfig.fields.filter { ["batch", "lr"].contains($0.key) }.map { $0.lifted(through: \.sft, named: "sft") }
}

/// What one STaR round did.
public struct STaRRoundReport: Sendable, Codable, Equatable {
    /// 1-based round.
    public var round: Int
    /// Completions sampled.
    public var sampled: Int
    /// Of those, verified correct.
    public var correct: Int
    /// Distinct correct (prompt, completion) pairs trained on.
    public var kept: Int
    /// correct / sampled.
    public var passRate: Double
    /// Mean SFT loss over the round's last 10 steps (NaN when nothing was kept).
    public var sftLoss: Double
    /// Seconds for the round.
    public var seconds: Double
}

extension PolicyTrainer {
    /// STaR / rejection-sampling fine-tuning on the training split.
    public func star(_ c: STaRConfig, progress: (STaRRoundReport) -> Void = { _ in },
                     isCancelled: () -> Bool = { false }) throws -> [STaRRoundReport] {
        guard c.rounds >= 0, c.prompts >= 1, c.samples >= 1, c.sftSteps >= 0 else {
            throw TrainingError("star needs rounds ≥ 0, prompts ≥ 1, n ≥ 1 and steps ≥ 0")
        }
        try c.sft.validate()
        var reports: [STaRRoundReport] = []
        guard c.rounds > 0 else { return reports }
        for round in 1...c.rounds {
            if isCancelled() { break }
            let start = Date()
            var cur = cursor
            var r = rng
            let problems = cur.next(c.prompts, rng: &r).map { dataset.train[$0] }
            rng = r
            let rollouts: [Rollout]
            do { rollouts = try sampleProblems(problems, samples: c.samples, isCancelled: isCancelled) } catch is CancellationError { break }
            cursor = cur
            var seen = Set<[Int]>()
            var examples: [SFTExample] = []
            for ro in rollouts where ro.correct && ro.finish != .length {
                if seen.insert(ro.promptTokens + [-1] + ro.tokens).inserted {
                    examples.append(SFTExample(prompt: ro.promptTokens, completion: ro.tokens))
                }
            }
            let correct = rollouts.filter(\.correct).count
            var loss = Double.nan
            if !examples.isEmpty, c.sftSteps > 0 {
                let sft = try SFTTrainer(model: model, examples: examples, config: c.sft, padId: padId, seed: rng.next())
                let steps = try sft.run(steps: c.sftSteps, isCancelled: isCancelled)
                let tail = steps.suffix(10).map(\.loss)
                loss = tail.isEmpty ? .nan : tail.reduce(0, +) / Double(tail.count)
            }
            let report = STaRRoundReport(round: round, sampled: rollouts.count, correct: correct, kept: examples.count,
                                         passRate: Double(correct) / Double(max(rollouts.count, 1)), sftLoss: loss,
                                         seconds: Date().timeIntervalSince(start))
            reports.append(report)
            progress(report)
        }
        return reports
    }
}
