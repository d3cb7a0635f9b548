// Training/STaR.swift — rejection-sampling fine-tuning (STaR, Zelikman et al. 2022; RFT, Yuan et
// al. 2023): sample completions of training prompts, keep the ones the verifier accepts, SFT on
// them, repeat. And the offline difficulty filter that samples N per prompt and keeps the
// prompts whose pass rate lies in [lo, hi]. Both use the policy trainer's model, sampler and RNG.

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
    /// Samples `samples` completions for each problem, chunked so a generate call holds at most
    /// 512 sequences. Uses and advances the trainer's RNG only when it completes.
    func sampleProblems(_ problems: [Problem], samples: Int, isCancelled: () -> Bool) throws -> [Rollout] {
        var r = rng
        var out: [Rollout] = []
        let chunk = max(1, 512 / max(samples, 1))
        var s = 0
        while s < problems.count {
            let part = Array(problems[s..<min(s + chunk, problems.count)])
            out += try sampler.rollouts(model: model, problems: part, samples: samples, policyVersion: step,
                                        firstGroup: s, rng: &r, isCancelled: isCancelled)
            s += chunk
        }
        rng = r
        return out
    }

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

    /// Offline difficulty filter: samples `samples` completions of each of the first `limit`
    /// training problems (0 = all), measures pass rates and keeps those in [lo, hi]. With `apply`
    /// the training split is replaced by the kept problems (the prompt cursor restarts).
    public func filterByDifficulty(samples: Int, lo: Double, hi: Double, limit: Int = 0, apply: Bool = true,
                                   isCancelled: () -> Bool = { false }) throws -> DifficultyFilterResult {
        guard samples >= 1 else { throw TrainingError("filter needs n ≥ 1 samples per prompt (got \(samples))") }
        guard lo >= 0, hi <= 1, lo <= hi else {
            throw TrainingError("pass-rate bounds \(lo)…\(hi) are invalid — use 0 ≤ lo ≤ hi ≤ 1, e.g. range=0.1:0.9")
        }
        let problems = limit > 0 ? Array(dataset.train.prefix(limit)) : dataset.train
        guard !problems.isEmpty else { throw TrainingError("the data set has no training problems to filter") }
        let rollouts = try sampleProblems(problems, samples: samples, isCancelled: isCancelled)
        var counts = [Int](repeating: 0, count: problems.count)
        for ro in rollouts where ro.correct { counts[ro.group] += 1 }
        let result = try difficultyFilter(correctCounts: counts, samples: samples, lo: lo, hi: hi)
        if apply {
            var d = dataset
            d.train = result.kept.map { problems[$0] }
            guard !d.train.isEmpty else {
                throw TrainingError("no training problem has a pass rate in \(lo)…\(hi) — widen the range or train the model further first")
            }
            setDataset(d)
        }
        return result
    }
}
