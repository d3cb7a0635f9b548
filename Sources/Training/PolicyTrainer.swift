// Training/PolicyTrainer.swift — the policy-gradient trainer the REPL drives: a coordinator that
// holds the run's state (config, data cursor, RNG, step, pending rollouts, log) and composes the
// parts, each in its own file: the policy with its optimizer and KL reference (PolicyLearner),
// sampling and scoring (RolloutSampler, RolloutScorer), advantages (Advantages, GAE, VinePPO), the
// loss (PolicyLoss, LossAggregation) and its passes (PolicyUpdate), the critic (PPOCritic), the
// step's metrics (StepReport), asynchronous rollouts (AsyncRollouts), the difficulty filter and
// STaR. `sample()`, `rescore()` and `step()` are separately callable (`sample`, `reward`, `step`),
// `run()` is the `rl` loop. A step's effects are applied only when it completes: sampling works on
// copies of the cursor and RNG, and a rejected update restores parameters and optimizer state.
import Foundation
import Kernels
import Models
import Tasks

/// The GRPO-family trainer (one config, presets `grpo`, `dr-grpo`, `dapo`, `rloo`, `reinforce`).
public final class PolicyTrainer: @unchecked Sendable {
    /// The policy part: the model, its optimizer and the KL reference.
    let learner: PolicyLearner
    /// The policy being trained (shared with the session).
    public var model: Transformer { learner.model }
    /// The frozen reference for the KL term; nil while β = 0.
    public var reference: Transformer? { learner.reference }
    /// What the reference is, in words ("the policy at step 0, when kl was switched on", a
    /// checkpoint path); nil while there is none. The KL term means "stay near this", so a run says which.
    public var referenceSource: String? { learner.referenceSource }
    /// The optimizer (its moments persist across steps).
    public var optimizer: AdamW { learner.optimizer }
    /// Settings; change them with `setConfig`.
    public internal(set) var config: TrainerConfig
    /// Sampling, data and reward.
    public internal(set) var sampler: RolloutSampler
    /// Completed steps.
    public internal(set) var step = 0
    /// Metrics of every step.
    public internal(set) var log = MetricsLog()
    /// Rollouts sampled by `sample()` and not yet consumed by `step()`.
    public internal(set) var pending: RolloutBatch?
    /// Cosine schedule length when `config.totalSteps` is 0 (set by `run`).
    public internal(set) var scheduleSteps = 0
    /// The PPO critic part (advantage=gae), created at the first such step or set by `setCritic`.
    var ppoCritic: PPOCritic?
    /// The PPO critic's value model.
    public var critic: ValueModel? { ppoCritic?.value }
    /// The PPO critic's optimizer.
    var criticOptimizer: AdamW? { ppoCritic?.optimizer }
    var cursor: PromptCursor
    var rng: RNG
    /// The id that pads a batch's shorter rows.
    var padId: Int { learner.padId }

    /// Prompts from now on go through `chat` (`model chat on|off` on the trainer's model); the
    /// vocabulary is unchanged, so optimizer state and pending rollouts stay valid.
    public func setChat(_ chat: ChatPrompting?) {
        sampler.tokenizer = sampler.tokenizer.withChat(chat)
    }

    /// Creates a trainer for `model` on `dataset`'s training split.
    /// - Parameters:
    ///   - scorer: the reward; nil uses the data set's correctness (1/0).
    ///   - seed: seeds the prompt order and every sample.
    public init(model: Transformer, tokenizer: any Tokenizer, dataset: Dataset, scorer: RolloutScorer? = nil,
                config: TrainerConfig = TrainerConfig(), seed: UInt64) throws {
        try config.validate()
        guard tokenizer.vocabularySize <= model.config.vocabSize else {
            throw TrainingError("the tokenizer has \(tokenizer.vocabularySize) ids but the model only \(model.config.vocabSize) — create the model with vocab_size ≥ \(tokenizer.vocabularySize)")
        }
        self.config = config
        self.sampler = RolloutSampler(tokenizer: tokenizer, dataset: dataset, scorer: try scorer ?? RolloutScorer(dataset: dataset))
        self.learner = try PolicyLearner(model: model, config: config, padId: tokenizer.special.pad ?? tokenizer.special.eos ?? 0)
        self.cursor = PromptCursor(count: dataset.train.count)
        self.rng = RNG(seed: seed)
    }

    /// Makes `weights` the KL reference (e.g. the SFT checkpoint) — or, when nil, a copy of the
    /// policy as it is now — described as `source`. Needs kl > 0.
    public func setReference(_ weights: Transformer?, source: String) throws {
        guard config.needsReference else {
            throw TrainingError("a KL reference needs kl > 0 and a KL estimator — set kl first (e.g. kl=0.04)")
        }
        try learner.setReference(weights, source: source)
    }

    /// Replaces the config (validated). Optimizer moments are kept; a reference model is created
    /// from the current policy when the KL term is switched on, dropped when switched off.
    /// Pending rollouts keep the advantages they were given.
    public func setConfig(_ newConfig: TrainerConfig) throws {
        try newConfig.validate()
        let criticChanged = newConfig.critic != config.critic
        config = newConfig
        try learner.follow(newConfig, step: step)
        // The critic follows the settings: another start makes a new one at the next PPO step;
        // otherwise its optimizer takes the new settings (its moments are kept; its rate is
        // value_lr, or lr, at each update).
        if criticChanged {
            ppoCritic = nil
        } else if let criticOptimizer {
            criticOptimizer.config = PolicyLearner.adamConfig(newConfig)
        }
    }

    /// Replaces the reward (the REPL's `reward` command) and rescores any pending rollouts.
    public func setScorer(_ scorer: RolloutScorer) throws {
        sampler.scorer = scorer
        try rescore()
    }

    /// Replaces the data set; the prompt cursor restarts on its training split.
    public func setDataset(_ dataset: Dataset) {
        sampler.dataset = dataset
        cursor = PromptCursor(count: dataset.train.count)
        pending = nil
    }

    /// The data set in use.
    public var dataset: Dataset { sampler.dataset }

    /// Samples and scores a step's groups with the current policy and keeps them as `pending`
    /// (replacing older pending rollouts). Cancellation leaves the trainer as it was.
    @discardableResult
    public func sample(isCancelled: () -> Bool = { false }) throws -> RolloutBatch {
        var c = cursor, r = rng
        let batch = try sampler.batch(model: model, config: config, cursor: &c, policyVersion: step, rng: &r, isCancelled: isCancelled)
        cursor = c; rng = r
        pending = batch
        return batch
    }

    /// Samples `samples` completions for each problem, chunked so a generate call holds at most
    /// 512 sequences. Uses and advances the trainer's RNG only when it completes.
    func sampleProblems(_ problems: [Problem], samples: Int, isCancelled: () -> Bool) throws -> [Rollout] {
        var r = rng
        var out: [Rollout] = []
        let chunk = max(1, 512 / max(samples, 1))
        var s = 0
        while s < problems.count {
            let part = Array(problems[s..<min(s + chunk, problems.count)])
            out += try sampler.rollouts(model: model, problems: part, samples: samples, sampling: config.sampling, policyVersion: step,
                                        firstGroup: s, rng: &r, isCancelled: isCancelled)
            s += chunk
        }
        rng = r
        return out
    }

    /// Rescores the pending rollouts with the current reward and recomputes their advantages.
    public func rescore() throws {
        guard var batch = pending else { return }
        func rescored(_ r: Rollout) -> Rollout {
            let s = sampler.scorer.score(completion: r.text, problem: r.problem, tokenCount: r.length)
            var r = r
            r.reward = s.reward
            r.correct = s.correct
            return r
        }
        batch.rollouts = batch.rollouts.map(rescored)
        batch.notKept = batch.notKept.map(rescored)
        batch.zeroStdFraction = batch.groups > 0
            ? Double(zeroVarianceGroups(rewards: batch.rollouts.map(\.reward.total), groupSize: batch.groupSize).count) / Double(batch.groups) : 0
        try batch.assignAdvantages(estimator: config.advantage, epsilon: config.advantageEpsilon)
        pending = batch
    }

    /// One step: uses the pending rollouts (sampling them first when there are none), updates the
    /// policy, logs and returns the metrics. A rejected update restores parameters and optimizer.
    public func step(isCancelled: () -> Bool = { false }) throws -> StepReport {
        let start = Date()
        var samplingSeconds = 0.0
        var batch: RolloutBatch
        if let p = pending {
            batch = p
        } else {
            var c = cursor, r = rng
            batch = try sampler.batch(model: model, config: config, cursor: &c, policyVersion: step, rng: &r, isCancelled: isCancelled)
            samplingSeconds = batch.samplingSeconds
            cursor = c; rng = r
        }
        pending = nil
        return try update(with: batch, samplingSeconds: samplingSeconds, start: start)
    }

    /// The update and bookkeeping of a step for an already sampled batch.
    func update(with input: RolloutBatch, samplingSeconds: Double, start: Date) throws -> StepReport {
        var batch = input
        if !batch.hasAdvantages { try batch.assignAdvantages(estimator: config.advantage, epsilon: config.advantageEpsilon) }
        let trainStart = Date()
        // PPO: the critic's values at the weights it has now and GAE from them, or VinePPO's
        // Monte-Carlo values (drawn from their own stream, seeded from the trainer's).
        var vineStats: VineStatistics?
        if config.advantage == .gae {
            if config.vineSamples > 0 {
                var draw = rng
                var vineRNG = RNG(seed: draw.next() ^ UInt64(step))
                vineStats = try assignVine(&batch.rollouts, rng: &vineRNG)
            } else {
                try assignGAE(&batch.rollouts)
            }
        }
        let rows = trainableRows(batch.rollouts, config: config)
        var r = rng
        let lr = config.learningRate(at: step, runSteps: max(scheduleSteps, step + 1))
        let (stats, rejected) = try learner.update(rollouts: &batch.rollouts, rows: rows, config: config, learningRate: lr, rng: &r)
        var criticStats: CriticStatistics?
        if config.advantage == .gae, config.vineSamples == 0, rejected == nil {
            criticStats = try criticUpdate(rollouts: batch.rollouts, rows: rows,
                                           learningRateScale: config.learningRate > 0 ? lr / config.learningRate : 1, rng: &r)
        }
        rng = r
        step += 1
        try learner.syncReference(after: step, config: config)
        let trainingSeconds = Date().timeIntervalSince(trainStart)
        let seconds = Date().timeIntervalSince(start)
        var m = Metrics()
        m["step"] = Double(step)
        for (k, v) in rolloutMetrics(batch).pairs { m[k] = v }
        for (k, v) in updateMetrics(stats, learningRate: lr).pairs { m[k] = v }
        m["generation_rounds"] = Double(batch.rounds)
        m["staleness"] = Double(batch.rollouts.map { step - 1 - $0.policyVersion }.max() ?? 0)
        m["time/sampling"] = samplingSeconds
        m["time/training"] = trainingSeconds
        m["time/step"] = seconds
        m["tokens_per_second"] = Double(batch.generatedTokens + stats.tokens) / max(seconds, 1e-9)
        m["rejected"] = rejected == nil ? 0 : 1
        for (k, v) in valueMetrics(vine: vineStats, critic: criticStats).pairs { m[k] = v }
        log.append(m)
        return StepReport(step: step, metrics: m, samplingSeconds: samplingSeconds, trainingSeconds: trainingSeconds,
                          seconds: seconds, rejected: rejected ?? criticStats?.rejected)
    }

    /// The `rl` loop: `steps` steps, `progress` after each, `isCancelled` polled between steps and
    /// during sampling (a cancelled step leaves no trace). With `maxStaleness` K > 0 a producer
    /// thread samples ahead with a policy snapshot at most K steps old.
    public func run(steps: Int, progress: (StepReport) -> Void = { _ in },
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> [StepReport] {
        guard steps >= 0 else { throw TrainingError("steps=\(steps) — give 0 or more steps") }
        let previousSchedule = scheduleSteps
        scheduleSteps = config.totalSteps > 0 ? config.totalSteps : step + steps
        var reports: [StepReport] = []
        // A run cancelled before its first step leaves no trace, not even its schedule length.
        defer { if reports.isEmpty { scheduleSteps = previousSchedule } }
        if config.maxStaleness > 0 {
            reports = try runAsynchronous(steps: steps, progress: progress, isCancelled: isCancelled)
            return reports
        }
        for _ in 0..<steps {
            if isCancelled() { break }
            do {
                let r = try step(isCancelled: isCancelled)
                reports.append(r)
                progress(r)
            } catch is CancellationError {
                break
            }
        }
        return reports
    }
}
