// Training/Recipes/ThinkingPays+Probe.swift — the recipe's SFT diagnostics: what the warm start
// has learned at chosen steps, form by form. The recipe needs a start where direct answers are
// mostly wrong and worked ones mostly right (RECIPES.md: 8% direct, 88% forced-worked); this probe
// measures both in one SFT run, so a setting that makes direct addition learnable shows up
// without running GRPO.

import Foundation
import Kernels
import Models
import Tasks

/// What the SFT model does at one step, measured on held-out problems.
public struct ThinkingPaysProbeRow: Sendable, Codable, Equatable {
    /// SFT steps completed.
    public var step: Int
    /// Greedy accuracy with the form left to the model.
    public var greedy: Double
    /// Greedy accuracy with the direct form forced (`<think></think>` appended to the prompt).
    public var direct: Double
    /// Greedy accuracy with the worked form forced (`<think>` and the first step's first digit appended).
    public var worked: Double
    /// Share of T = 1 samples that think.
    public var sampledWorkedShare: Double
    /// Accuracy of the T = 1 samples.
    public var sampledAccuracy: Double
    /// Mean SFT loss over the last 20 steps.
    public var loss: Double
    /// SFT seconds so far (measurements excluded).
    public var seconds: Double
}

extension ThinkingPays {
    /// The direct form's forced part: `<think></think>`.
    static func directPrefix(_ p: Problem) -> String { "<think></think>" }

    /// The worked form's forced part: `<think>` and the first operand's last digit (the first
    /// character of every worked solution, so nothing is given away).
    static func workedPrefix(_ p: Problem) -> String {
        "<think>" + (p.prompt.prefix { $0.isNumber }.last.map { String($0) } ?? "")
    }

    /// `problems` with `prefix` of each appended to its prompt, and the prefixes.
    static func forcing(_ problems: [Problem], _ prefix: (Problem) -> String) -> ([Problem], [String]) {
        let prefixes = problems.map(prefix)
        return (zip(problems, prefixes).map { p, f in var q = p; q.prompt += f; return q }, prefixes)
    }

    /// Greedy accuracy of `problems`, whose prompts end in the forced part of the completion:
    /// correct when the integer after the last `</think>` of forced part + completion is the answer
    /// (the scorer alone would miss a `</think>` that sits in the prompt).
    static func greedyAccuracy(model: Transformer, tokenizer: any Tokenizer, dataset: Dataset,
                               problems: [Problem], forced: [String], rng: inout RNG) throws -> Double {
        let rollouts = try RolloutSampler(tokenizer: tokenizer, dataset: dataset, scorer: RolloutScorer(dataset: dataset))
            .rollouts(model: model, problems: problems, samples: 1, sampling: GenerationOptions(maxNewTokens: 48, temperature: 0),
                      policyVersion: 0, rng: &rng)
        var correct = 0
        for (r, prefix) in zip(rollouts, forced) {
            let text = prefix + r.text
            guard let end = text.range(of: "</think>", options: .backwards) else { continue }
            if String(text[end.upperBound...]).trimmingCharacters(in: .whitespaces) == r.problem.answer { correct += 1 }
        }
        return Double(correct) / Double(max(rollouts.count, 1))
    }

    /// Greedy accuracy with the direct and with the worked form forced, on `problems`.
    static func forcedAccuracies(model: Transformer, tokenizer: any Tokenizer, dataset: Dataset, problems: [Problem],
                                 rng: inout RNG) throws -> (direct: Double, worked: Double) {
        let (directProblems, directForced) = forcing(problems, directPrefix)
        let direct = try greedyAccuracy(model: model, tokenizer: tokenizer, dataset: dataset,
                                        problems: directProblems, forced: directForced, rng: &rng)
        let (workedProblems, workedForced) = forcing(problems, workedPrefix)
        let worked = try greedyAccuracy(model: model, tokenizer: tokenizer, dataset: dataset,
                                        problems: workedProblems, forced: workedForced, rng: &rng)
        return (direct, worked)
    }

    /// Runs the SFT warm start of `s` for `steps.max()` steps and measures the probe at each of
    /// `steps` (the cosine schedule is `s.sftScheduleSteps` long, as in the recipe).
    public static func probeSFT(_ s: ThinkingPaysSettings = ThinkingPaysSettings(), steps: [Int],
                                progress: (String) -> Void = { _ in }) throws -> [ThinkingPaysProbeRow] {
        guard let last = steps.max(), last > 0 else { throw TrainingError("probe steps \(steps) — give positive SFT steps") }
        let setup = try prepare(s)
        let sft = try setup.sftTrainer(s)
        var evalRNG = RNG(seed: s.seed &+ 3)
        let test = setup.dataset.test
        let share = Array(test.prefix(s.shareProblems))
        var rows: [ThinkingPaysProbeRow] = []
        var losses: [Double] = []
        var seconds = 0.0
        for step in 1...last {
            let start = Date()
            let r = try sft.step(runSteps: s.sftScheduleSteps)
            seconds += Date().timeIntervalSince(start)
            losses.append(r.loss)
            guard steps.contains(step) else { continue }
            let m = try measure(model: setup.model, tokenizer: setup.tokenizer, dataset: setup.dataset, problems: test,
                                shareProblems: share, rng: &evalRNG)
            let (direct, worked) = try forcedAccuracies(model: setup.model, tokenizer: setup.tokenizer,
                                                        dataset: setup.dataset, problems: test, rng: &evalRNG)
            let recent = losses.suffix(20)
            let row = ThinkingPaysProbeRow(step: step, greedy: m.greedy, direct: direct, worked: worked,
                                           sampledWorkedShare: m.share, sampledAccuracy: m.sampled,
                                           loss: recent.reduce(0, +) / Double(recent.count), seconds: seconds)
            rows.append(row)
            progress(String(format: "sft %4d  %5.1f s  loss %.4f  greedy %5.1f%%  direct %5.1f%%  worked %5.1f%%  T=1 worked %.2f acc %5.1f%%",
                            step, seconds, row.loss, 100 * row.greedy, 100 * row.direct, 100 * row.worked,
                            row.sampledWorkedShare, 100 * row.sampledAccuracy))
        }
        return rows
    }
}
