// Trainer slot — the session's policy-gradient trainer (`Training.PolicyTrainer`) shared by
// `sample`, `reward`, `step`, `rl`, `filter`, `star`, `show rollouts` and `model save`. The trainer
// is made on first use for the current local model and data set, and made again when either is
// replaced; a trainer state loaded with `model load` is imported into it so `rl` resumes exactly.
// Its config persists between commands: `rl algo=dapo …` changes it for later `sample`/`step`.
import Fields
import Foundation
import Kernels
import Models
import Tasks
import Training

/// The session's trainer and what it was built for.
public struct TrainerHandle {
    /// The trainer (a class: it owns the optimizer moments and pending rollouts).
    public var trainer: PolicyTrainer
    /// The data set's name and train size when the trainer was made (a new `task` replaces it).
    var datasetKey: String
}

/// Where the training commands keep their trainer.
public enum TrainerSlot: SessionSlot {
    public typealias Value = TrainerHandle
}

extension Session {
    /// The trainer for the current local model and data set, created (with the session reward and
    /// a seed from the session stream) when none fits. A loaded `trainer_state.json` is resumed.
    /// - Throws: `CommandError` when there is no local model or data set, or the saved state does not fit.
    func policyTrainer(for command: String) throws -> PolicyTrainer {
        let local = try requireLocalModel(for: command)
        let dataset = try requireDataset(for: command)
        let key = Self.datasetKey(dataset)
        if let handle = self[TrainerSlot.self], handle.trainer.model === local.transformer, handle.datasetKey == key {
            // `model chat on|off` since the trainer was made: prompt as the model now does.
            if handle.trainer.sampler.tokenizer.chat != local.tokenizer.chat { handle.trainer.setChat(local.tokenizer.chat) }
            return handle.trainer
        }
        let scorer = try rolloutScorer(dataset: dataset)
        // Only a checkpoint's own model resumes its state (a `model new` since then starts fresh).
        let saved = local.configJSON == nil ? nil : try savedTrainerState()
        let trainer = try domain(command) {
            try PolicyTrainer(model: local.transformer, tokenizer: local.tokenizer, dataset: dataset, scorer: scorer,
                              config: try saved?.state.config ?? Self.withSetSamplingSettings(TrainerConfig(), from: settings),
                              seed: commandSeed())
        }
        if let saved {
            // The state is used once: imported into this trainer, or dropped when it does not fit,
            // so the error shows once and the next command starts a fresh trainer.
            self[TrainingStateSlot.self] = nil
            do {
                try trainer.importState(saved.state, tensors: saved.tensors)
            } catch {
                throw CommandError("\(command): the trainer state saved with the model does not fit: \(error) "
                                   + "(the saved state is now dropped; run the command again to train from a fresh trainer)")
            }
        }
        self[TrainerSlot.self] = TrainerHandle(trainer: trainer, datasetKey: key)
        return trainer
    }

    /// `config` with the sampling settings (`SamplingKeys.settings`, the same fields of the same
    /// sampling value) the user changed with `set` in `settings`; the others keep the trainer's values.
    /// - Throws: `TrainingError` when the result does not validate (temperature 0 with group advantages).
    static func withSetSamplingSettings(_ config: TrainerConfig, from settings: Settings, only names: [String]? = nil) throws -> TrainerConfig {
        var changed = config
        changed.sampling = try SamplingKeys.applying(settings, to: config.sampling, only: names)
        try changed.validate()
        return changed
    }

    /// The trainer if one exists for the current model and data set (no side effects).
    var existingTrainer: PolicyTrainer? {
        guard let handle = self[TrainerSlot.self], case .local(let local)? = self[ModelSlot.self],
              handle.trainer.model === local.transformer,
              let dataset = self[DatasetSlot.self], handle.datasetKey == Self.datasetKey(dataset) else { return nil }
        return handle.trainer
    }

    /// The session reward as a trainer scorer (accuracy always from the data set's verifier).
    func rolloutScorer(dataset: Dataset) throws -> RolloutScorer {
        RolloutScorer(reward: try currentReward().reward, dataset: dataset)
    }

    static func datasetKey(_ dataset: Dataset) -> String {
        "\(dataset.name)#\(dataset.train.count)#\(dataset.train.first?.id ?? "")#\(dataset.train.last?.id ?? "")"
            + "#\(dataset.promptPrefix ?? "")#\(dataset.system ?? "")"
            + "#\(dataset.switchedMode ?? "drawn")"  // `data mode` switches the prompts, not the problems
    }

    /// A policy trainer state left by `model load` (trainer_state.json with a `cursor`), if any.
    func savedTrainerState() throws -> (state: PolicyTrainerState, tensors: [String: Tensor])? {
        guard let snapshot = self[TrainingStateSlot.self], let raw = snapshot.trainerState as? RawJSONObject else { return nil }
        guard let state = try? JSONDecoder().decode(PolicyTrainerState.self, from: raw.data) else { return nil }
        return (state, snapshot.optimizer ?? [:])
    }

    /// What `model save` writes beside the weights: the trainer's state when one trains the
    /// current model, else whatever `model load` found.
    func trainingStateToSave() -> TrainingStateSnapshot? {
        if let trainer = existingTrainer, trainer.step > 0 {
            let exported = trainer.exportState()
            return TrainingStateSnapshot(optimizer: exported.tensors, trainerState: exported.state)
        }
        return self[TrainingStateSlot.self]
    }
}

/// Derives argument declarations from `TrainerConfig`'s field table, so `help rl` lists every
/// knob with its default and paper symbol and nothing drifts from the trainer.
enum TrainerArguments {
    /// One argument per config field, of the field's kind, with its default and bounds. The
    /// declared default is the config's (shown by `help rl`); handlers apply only the keys given
    /// on the line, so an absent key keeps the trainer's current value.
    static let fields: [ArgumentSpec] = TrainerConfig.fields.map { ArgumentSpec($0.spec) }

    /// Every field at its default, as `key=value` words (the example that reads every key).
    static var exampleKeys: String {
        TrainerConfig.fields.map { "\($0.key)=\($0.defaultText)" }.joined(separator: " ")
    }
}
