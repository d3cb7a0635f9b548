// Training/TrainerState.swift — exporting and importing everything a trainer needs to resume
// exactly: a Codable state (step, RNG, data order and cursor, config, schedule, metrics log)
// for `trainer_state.json`, and named tensors (optimizer moments `exp_avg.*` / `exp_avg_sq.*`,
// the frozen reference `reference.*`, PPO's critic `critic.*` and its moments `critic_optimizer.*`)
// for `optimizer.safetensors`. The model's own weights are
// saved by the caller as the checkpoint's `model.safetensors`.

import Kernels
import Models

/// The Codable part of a policy trainer's state.
public struct PolicyTrainerState: Sendable, Codable, Equatable {
    /// Settings in force.
    public var config: TrainerConfig
    /// Completed steps.
    public var step: Int
    /// The trainer's generator, exactly.
    public var rng: RNG
    /// The prompt order and position.
    public var cursor: PromptCursor
    /// AdamW's step count (bias correction).
    public var optimizerStep: Int
    /// The cosine length in force.
    public var scheduleSteps: Int
    /// Every logged step.
    public var log: MetricsLog
    /// Whether `reference.*` tensors are part of the state.
    public var hasReference: Bool
    /// PPO's critic, when the run has one (its weights are the `critic.*` tensors); nil in states
    /// saved without one (and by versions that did not save it).
    public var critic: SavedCritic?
}

/// What rebuilds a PPO critic besides its tensors.
public struct SavedCritic: Sendable, Codable, Equatable {
    /// The critic network's shape.
    public var config: TransformerConfig
    /// The output row read as the value.
    public var valueRow: Int
    /// Its AdamW's step count.
    public var optimizerStep: Int
}

/// The Codable part of an SFT trainer's state.
public struct SFTTrainerState: Sendable, Codable, Equatable {
    /// Completed steps.
    public var step: Int
    /// The trainer's generator.
    public var rng: RNG
    /// Batch order and cursor.
    public var batcher: LengthBucketBatcher
    /// AdamW's step count.
    public var optimizerStep: Int
}

let referencePrefix = "reference."
let criticPrefix = "critic."
let criticOptimizerPrefix = "critic_optimizer."

/// The tensors of `tensors` under `prefix`, with the prefix removed.
private func unprefixed(_ tensors: [String: Tensor], _ prefix: String) -> [String: Tensor] {
    var own: [String: Tensor] = [:]
    for (k, v) in tensors where k.hasPrefix(prefix) { own[String(k.dropFirst(prefix.count))] = v }
    return own
}

extension PolicyTrainer {
    /// The state and tensors to store beside the model's weights. Pending rollouts are not part of
    /// it: checkpoint between steps.
    public func exportState() -> (state: PolicyTrainerState, tensors: [String: Tensor]) {
        var tensors = optimizer.stateTensors()
        if let reference {
            for (k, v) in reference.tensors() { tensors[referencePrefix + k] = v }
        }
        var saved: SavedCritic?
        if let ppoCritic {
            for (k, v) in ppoCritic.value.model.tensors() { tensors[criticPrefix + k] = v }
            for (k, v) in ppoCritic.optimizer.stateTensors() { tensors[criticOptimizerPrefix + k] = v }
            saved = SavedCritic(config: ppoCritic.value.model.config, valueRow: ppoCritic.value.valueRow,
                                optimizerStep: ppoCritic.optimizer.step)
        }
        let state = PolicyTrainerState(config: config, step: step, rng: rng, cursor: cursor, optimizerStep: optimizer.step,
                                       scheduleSteps: scheduleSteps, log: log, hasReference: reference != nil, critic: saved)
        return (state, tensors)
    }

    /// Restores a state exported by `exportState` (the model's weights must already be loaded).
    /// - Throws: when the state belongs to a different data set size or model, or tensors are missing.
    public func importState(_ state: PolicyTrainerState, tensors: [String: Tensor]) throws {
        guard state.cursor.count == dataset.train.count else {
            throw TrainingError("the saved trainer state indexes \(state.cursor.count) training problems but the data set has \(dataset.train.count) — load the same data set (same task, sizes and seed) before resuming")
        }
        try state.config.validate()
        try optimizer.restore(state: tensors, step: state.optimizerStep)
        try setConfig(state.config)
        if let saved = state.critic {
            let value = try ValueModel(model: try Transformer(config: saved.config, tensors: unprefixed(tensors, criticPrefix)),
                                       tokenizer: sampler.tokenizer, valueRow: saved.valueRow)
            try setCritic(value)
            try criticOptimizer?.restore(state: unprefixed(tensors, criticOptimizerPrefix), step: saved.optimizerStep)
        } else {
            // No critic saved: the next PPO step makes a fresh one, as before the state was saved.
            ppoCritic = nil
        }
        try learner.restoreReference(state.hasReference ? unprefixed(tensors, referencePrefix) : nil,
                                     source: "the reference saved with the checkpoint (trainer step \(state.step))")
        step = state.step
        rng = state.rng
        cursor = state.cursor
        scheduleSteps = state.scheduleSteps
        log = state.log
        pending = nil
    }
}

extension SFTTrainer {
    /// The state and optimizer tensors to store beside the model's weights.
    public func exportState() -> (state: SFTTrainerState, tensors: [String: Tensor]) {
        (SFTTrainerState(step: step, rng: rng, batcher: batcher, optimizerStep: optimizer.step), optimizer.stateTensors())
    }

    /// Restores a state exported by `exportState` for the same examples.
    public func importState(_ state: SFTTrainerState, tensors: [String: Tensor]) throws {
        guard state.batcher.lengths == batcher.lengths, state.batcher.batchSize == batcher.batchSize else {
            throw TrainingError("the saved SFT state was made for different examples or batch size — rebuild the same SFT data before resuming")
        }
        try optimizer.restore(state: tensors, step: state.optimizerStep)
        step = state.step
        rng = state.rng
        batcher = state.batcher
    }
}
