// Training/PolicyLearner.swift — the policy half of the trainer, a part it owns as it owns the
// critic (PPOCritic): the model being trained, its AdamW, and the frozen reference the KL term
// measures against, with the one update a step makes — reference log-probs, then the μ × minibatch
// passes of PolicyUpdate, all or nothing (a rejected update puts parameters and optimizer state
// back through the same ParameterSnapshot the critic uses). The trainer hands it the settings in
// force at each call.

import Foundation
import Kernels
import Models

/// The policy being trained, its optimizer and its KL reference.
final class PolicyLearner: @unchecked Sendable {
    /// The policy (shared with the session).
    let model: Transformer
    /// Its AdamW (moments persist across steps; its settings follow the trainer's).
    let optimizer: AdamW
    /// The frozen reference for the KL term; nil while the settings need none.
    private(set) var reference: Transformer?
    /// What the reference is, in words; nil while there is none.
    private(set) var referenceSource: String?
    /// The id that pads a batch's shorter rows.
    let padId: Int

    /// The learner of `model` under `config`: a fresh optimizer, and a copy of the policy as the
    /// reference when the settings need one.
    init(model: Transformer, config: TrainerConfig, padId: Int) throws {
        self.model = model
        self.optimizer = try AdamW(model: model, config: Self.adamConfig(config))
        self.padId = padId
        try follow(config, step: 0)
    }

    /// AdamW's β, ε and weight decay from the trainer's settings (the rate comes with each step).
    static func adamConfig(_ c: TrainerConfig) -> AdamWConfig {
        AdamWConfig(beta1: Float(c.beta1), beta2: Float(c.beta2), eps: Float(c.adamEpsilon), weightDecay: Float(c.weightDecay))
    }

    /// Takes new settings at `step`: the optimizer's (its moments are kept), and a reference made
    /// from the policy as it is now when the KL term is switched on, dropped when switched off.
    func follow(_ config: TrainerConfig, step: Int) throws {
        optimizer.config = Self.adamConfig(config)
        if config.needsReference, reference == nil {
            reference = try model.copy()
            referenceSource = "the policy at step \(step), when kl was switched on"
        }
        if !config.needsReference { reference = nil; referenceSource = nil }
    }

    /// Makes `weights` the reference — or, when nil, a copy of the policy as it is now — described
    /// as `source`.
    func setReference(_ weights: Transformer?, source: String) throws {
        if let weights {
            guard weights.config == model.config else {
                throw TrainingError("the reference model's shape differs from the policy's — give a checkpoint of this model")
            }
            reference = try weights.copy()
        } else {
            reference = try model.copy()
        }
        referenceSource = source
    }

    /// Restores a saved reference (`tensors` of the policy's shape), or drops it when nil.
    func restoreReference(_ tensors: [String: Tensor]?, source: String) throws {
        guard let tensors else { reference = nil; referenceSource = nil; return }
        reference = try Transformer(config: model.config, tensors: tensors)
        referenceSource = source
    }

    /// After `step` completed steps: every `ref_sync` steps the reference becomes the policy.
    func syncReference(after step: Int, config: TrainerConfig) throws {
        guard config.referenceSyncInterval > 0, step % config.referenceSyncInterval == 0, let reference else { return }
        try reference.copyParameters(from: model)
        referenceSource = "the policy at step \(step) (ref_sync=\(config.referenceSyncInterval))"
    }

    /// The policy update of a step, all or nothing: reference log-probs for the KL term, then the
    /// passes over `rows`. On a `RejectedUpdate` (a non-finite loss or gradient, or parameters left
    /// non-finite) the parameters and optimizer state are put back as they were and the message is
    /// returned instead; the statistics measured up to then are kept for the step's log.
    func update(rollouts: inout [Rollout], rows: [Int], config: TrainerConfig, learningRate lr: Double,
                rng: inout RNG) throws -> (stats: UpdateStatistics, rejected: String?) {
        if let reference, config.needsReference {
            try fillReferenceLogprobs(reference: reference, rollouts: &rollouts, rows: rows,
                                      temperature: scoringTemperature(config.sampling.temperature), padId: padId)
        }
        let snapshot = ParameterSnapshot(model: model, optimizer: optimizer)
        var stats = UpdateStatistics()
        do {
            stats = try policyUpdate(model: model, optimizer: optimizer, rollouts: rollouts, rows: rows,
                                     config: config, padId: padId, rng: &rng, learningRate: lr)
            if model.parameters.contains(where: { !$0.isFinite }) {
                throw RejectedUpdate(message: "the update made some parameters non-finite; the step was rejected and parameters and optimizer state restored — lower the learning rate")
            }
            return (stats, nil)
        } catch let e as RejectedUpdate {
            try snapshot.restore(model: model, optimizer: optimizer)
            return (stats, e.message)
        }
    }
}
