// Training/RolloutSampler.swift — sampling a step's groups: draw prompts from the data cursor,
// generate G completions of each in one batched KV-cache `generate` call (thinking budget and
// s1 waits via `DecodeControls`), decode, score, and — with dynamic sampling — drop the groups
// whose rewards are all equal and sample again, up to a cap of rounds. A value type, so the
// asynchronous producer runs the same code on its own model copy and thread.

import Foundation
import Kernels
import Models
import Tasks

/// The training prompts in a seeded order, consumed by a cursor; a new epoch reshuffles.
/// Codable, so a checkpoint resumes on exactly the next prompt.
public struct PromptCursor: Sendable, Codable, Equatable {
    /// Indices into the training split, in the current epoch's order.
    public private(set) var order: [Int] = []
    /// Next position in `order`.
    public private(set) var position = 0
    /// Completed epochs.
    public private(set) var epoch = 0
    /// Size of the training split it indexes.
    public let count: Int

    /// A cursor over `count` problems; the first epoch is drawn lazily.
    public init(count: Int) { self.count = count }

    /// The next `n` indices (wrapping into new epochs).
    public mutating func next(_ n: Int, rng: inout RNG) -> [Int] {
        var out: [Int] = []
        while out.count < n, count > 0 {
            if position >= order.count {
                if !order.isEmpty { epoch += 1 }
                order = Array(0..<count)
                order.shuffle(using: &rng)
                position = 0
            }
            out.append(order[position])
            position += 1
        }
        return out
    }
}

/// Everything needed to turn prompts into scored rollouts, without the model.
public struct RolloutSampler: Sendable {
    /// Tokenizer of the model.
    public var tokenizer: any Tokenizer
    /// The data set (its `promptPrefix` switches reasoning on or off, its verifier decides accuracy).
    public var dataset: Dataset
    /// The reward.
    public var scorer: RolloutScorer
    /// Creates a sampler. Its settings are passed to each call (the trainer's config, or a
    /// sampling value), so it holds no copy of them.
    public init(tokenizer: any Tokenizer, dataset: Dataset, scorer: RolloutScorer) {
        self.tokenizer = tokenizer; self.dataset = dataset; self.scorer = scorer
    }

    /// The engine controls for `sampling` with this tokenizer.
    public func controls(_ sampling: GenerationOptions) throws -> DecodeControls {
        try DecodeControls(options: sampling, tokenizer: tokenizer)
    }

    /// Samples `samples` completions of every problem with `sampling`, in one batched call, and
    /// scores them. Rollouts come group after group; `group` numbers start at `firstGroup`.
    public func rollouts(model: Transformer, problems: [Problem], samples: Int, sampling: GenerationOptions, policyVersion: Int,
                         firstGroup: Int = 0, rng: inout RNG, isCancelled: () -> Bool = { false }) throws -> [Rollout] {
        let controls = try controls(sampling)
        var prompts: [[Int]] = []
        for p in problems {
            let ids = try encodePrompt(dataset.fullPrompt(p), tokenizer: tokenizer, system: dataset.system)
            for _ in 0..<samples { prompts.append(ids) }
        }
        let sequences = try model.generate(prompts: prompts, controls: controls, rng: &rng, isCancelled: isCancelled)
        var out: [Rollout] = []
        out.reserveCapacity(sequences.count)
        for (k, s) in sequences.enumerated() {
            let problem = problems[k / samples]
            var visible = s.tokens
            if controls.isEnd(visible.last) { visible.removeLast() }
            let text = tokenizer.decode(visible)
            let scored = scorer.score(completion: text, problem: problem, tokenCount: s.tokens.count)
            var finish = RolloutFinish.stop
            if s.finishReason == .length {
                finish = .length
            } else if let end = controls.thinkEnd, zip(s.tokens, s.forced).contains(where: { $0.0 == end && $0.1 }) {
                finish = .budget
            }
            out.append(Rollout(problem: problem, group: firstGroup + k / samples, promptTokens: s.prompt, tokens: s.tokens,
                               logprobs: s.logprobs, referenceLogprobs: nil, forced: s.forced, finish: finish,
                               finishReason: s.finishReason, thinkingTokens: s.thinkingTokens, waitsUsed: s.waitsUsed,
                               text: text, reward: scored.reward, correct: scored.correct, policyVersion: policyVersion))
        }
        return out
    }

    /// A step's batch under `config`: `promptsPerStep` groups of G, drawn from `cursor`. With
    /// dynamic sampling, groups with all-equal rewards are dropped and more prompts sampled until
    /// the batch is full or `maxGenerationRounds` rounds were used (the batch may then hold fewer groups).
    public func batch(model: Transformer, config: TrainerConfig, cursor: inout PromptCursor, policyVersion: Int, rng: inout RNG,
                      isCancelled: () -> Bool = { false }) throws -> RolloutBatch {
        let start = Date()
        let G = config.samplesPerPrompt, B = config.promptsPerStep
        guard !dataset.train.isEmpty else {
            throw TrainingError("the data set '\(dataset.name)' has no training problems — generate or load one with a train split")
        }
        var kept: [Rollout] = [], notKept: [Rollout] = []
        var rounds = 0, dropped = 0, sampledGroups = 0, zeroStd = 0, generated = 0
        while kept.count / G < B, rounds < (config.dynamicSampling ? config.maxGenerationRounds : 1) {
            if isCancelled() { throw CancellationError() }
            rounds += 1
            let problems = cursor.next(B, rng: &rng).map { dataset.train[$0] }
            var fresh = try rollouts(model: model, problems: problems, samples: G, sampling: config.sampling, policyVersion: policyVersion,
                                     rng: &rng, isCancelled: isCancelled)
            generated += fresh.reduce(0) { $0 + $1.length }
            let flat = zeroVarianceGroups(rewards: fresh.map(\.reward.total), groupSize: G)
            sampledGroups += problems.count
            zeroStd += flat.count
            if config.dynamicSampling {
                let flatSet = Set(flat)
                notKept += fresh.enumerated().filter { flatSet.contains($0.offset / G) }.map(\.element)
                fresh = fresh.enumerated().filter { !flatSet.contains($0.offset / G) }.map(\.element)
                dropped += flat.count
            }
            for g in 0..<(fresh.count / G) {
                var group = Array(fresh[g * G..<(g + 1) * G])
                guard kept.count / G < B else { notKept += group; continue }
                let id = kept.count / G
                for i in group.indices { group[i].group = id }
                kept += group
            }
        }
        var batch = RolloutBatch(rollouts: kept, groupSize: G)
        batch.rounds = rounds
        batch.droppedGroups = dropped
        batch.zeroStdFraction = sampledGroups > 0 ? Double(zeroStd) / Double(sampledGroups) : 0
        batch.generatedTokens = generated
        batch.notKept = notKept
        try batch.assignAdvantages(estimator: config.advantage, epsilon: config.advantageEpsilon)
        batch.samplingSeconds = Date().timeIntervalSince(start)
        return batch
    }
}
