// rl — the policy-gradient loop: every knob of `TrainerConfig` is a key (derived from its field
// table), a preset (`algo=`) is applied first and explicit keys after it. Progress bar, a line
// every `every` steps, optional held-out greedy accuracy every `eval_every` steps; Ctrl-C leaves
// the model and the log as after the last completed step. save_every=N to=DIR writes periodic
// checkpoints (PeriodicCheckpoints.swift) with the trainer's state, exactly as `model save` would.
import Foundation
import Kernels
import Models
import Tasks
import Training

/// A flag set from a callback and read by the `@Sendable` cancellation check.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

extension CommandDefinition {
    /// `rl algo=grpo steps=… prompts=16 n=8 lr=1e-4 kl=0 clip=0.2:0.28 loss=token-mean filter=dynamic save_every=N to=DIR …`
    static let rl = CommandDefinition(CommandDeclaration(
        name: "rl",
        summary: "policy-gradient training: rl algo=grpo steps=100 prompts=16 n=8 lr=1e-4",
        help: "Runs `steps` GRPO-family steps on the training split. algo=NAME first resets the trainer's settings "
            + "to a preset (" + TrainerPreset.allCases.map(\.rawValue).joined(separator: ", ") + "), then the other "
            + "keys change single knobs; the settings stay for later 'sample', 'step' and 'rl' ('show trainer' lists "
            + "them). clip=E or clip=LOW:HIGH sets ε_low and ε_high; filter=dynamic turns on DAPO dynamic sampling. "
            + "A line every `every` steps; eval_every=N adds held-out greedy accuracy on eval_n test problems. "
            + "save_every=N to=DIR writes DIR/step-000NNN every N trainer steps with the trainer's state, as 'model save' "
            + "does (keeping the newest keep=K); 'model load' of one and rl with the remaining steps continue exactly. "
            + "rl first prints its settings as the nearest preset plus what differs, the KL reference when kl > 0, and "
            + "a warning for any knob that cannot act as set. reward and accuracy are over every sampled rollout; "
            + "kept/reward and kept/accuracy (in 'metrics') over the groups trained on. Presets: "
            + TrainerPreset.allCases.map { "\($0.rawValue) — \($0.citation)" }.joined(separator: "; ") + ".",
        keys: [
            ArgumentSpec("steps", .int, default: .int(10), bounds: 0...1_000_000, help: "steps to run"),
            ArgumentSpec("algo", .choice(TrainerPreset.allCases.map(\.rawValue)), help: "reset the settings to a preset first"),
            ArgumentSpec("clip", .string, help: "ε or ε_low:ε_high of the PPO clip (e.g. 0.2:0.28)"),
            ArgumentSpec("filter", .choice(["dynamic", "none"]), help: "dynamic: drop all-equal groups and refill (DAPO)"),
            ArgumentSpec("every", .int, default: .int(10), bounds: 1...1_000_000, help: "print a line every N steps"),
            ArgumentSpec("eval_every", .int, default: .int(0), bounds: 0...1_000_000,
                         help: "held-out greedy accuracy every N steps; 0 = off"),
            ArgumentSpec("eval_n", .int, default: .int(100), bounds: 1...100_000, help: "test problems for eval_every"),
            ArgumentSpec("run", .string, help: "name the training run (default: continue the current one on this model, "
                         + "or start runN); 'runs' lists them, 'metrics run=NAME' shows one"),
            ArgumentSpec("ref", .string, help: "the KL reference: now (a copy of the policy as it is) or a checkpoint PATH "
                         + "(e.g. the SFT model); default: the policy when kl was switched on"),
        ] + PeriodicCheckpoints.arguments + TrainerArguments.fields,
        examples: ["rl algo=dapo steps=1 prompts=2 n=2 max_tokens=6 lr=1e-4 clip=0.2:0.28 filter=none every=1 eval_every=1 eval_n=2",
                   "rl steps=0 " + TrainerArguments.exampleKeys,
                   "rl steps=1 prompts=2 n=2 max_tokens=6 save_every=1 to=/tmp/verity-example-checkpoints keep=1"]
    )) { invocation, session in
        let steps = try invocation.int(defaulted: "steps")
        let algo = try invocation.string("algo")
        let clip = try invocation.string("clip")
        let filter = try invocation.string("filter")
        let every = try invocation.int(defaulted: "every")
        let evalEvery = try invocation.int(defaulted: "eval_every")
        let evalN = try invocation.int(defaulted: "eval_n")
        let checkpoints = try PeriodicCheckpoints.read(invocation, session, command: "rl")
        let knobs = try invocation.given(TrainerConfig.fields)
        let runName = try invocation.string("run")
        let refGiven = try invocation.string("ref")
        let refPath = refGiven == "now" ? nil : try invocation.readPath("ref", session)
        let trainer = try session.policyTrainer(for: "rl")
        var config = trainer.config
        if let algo { config = try domain("rl") { try TrainerConfig.preset(algo) } }
        try knobs.apply(to: &config)
        if let clip { try domain("rl") { try config.set("clip", to: clip) } }
        if let filter { config.dynamicSampling = filter == "dynamic" }
        if refGiven != nil, !config.needsReference {
            throw CommandError("rl: ref= sets the KL reference, but kl is 0 — add kl=0.04 (or another β > 0)")
        }
        // Everything that can fail is read before the trainer changes.
        let referenceWeights = try refPath.map { try RLReference.load($0) }
        let previous = trainer.config
        try domain("rl") { try trainer.setConfig(config) }
        if let refGiven {
            do {
                try domain("rl") { try trainer.setReference(referenceWeights, source: refPath ?? "the policy at step \(trainer.step) (ref=now)") }
            } catch {
                try? trainer.setConfig(previous)
                throw error
            }
        }
        var preamble = ["settings: " + config.settingsSummary]
        if let source = trainer.referenceSource { preamble.append("KL reference: " + source) }
        let warnings = config.inertKnobWarnings
        guard steps > 0 else {
            var output = TrainerView.render(config, heading: "rl: settings updated (no steps run)")
            output.append(.lines(preamble))
            output.blocks += warnings.map { .warning($0) }
            return output
        }

        let dataset = trainer.dataset
        let evalProblems = Array(dataset.test.prefix(evalN))
        if evalEvery > 0, evalProblems.isEmpty {
            throw CommandError("rl: eval_every needs test problems, but the data set has none — use eval_every=0")
        }
        let precision = session.settings.precision
        let table = LiveTable([Table.Column("step", .right), Table.Column("reward", .right), Table.Column("accuracy", .right),
                               Table.Column("length", .right), Table.Column("kl", .right), Table.Column("seconds", .right)]
                              + (evalEvery > 0 ? [Table.Column("held-out", .right)] : []), session: session)
        let local = try session.requireLocalModel(for: "rl")
        let run = try session.beginTrainingRun(on: local, named: runName, settings: config.settingsSummary, command: "rl")
        preamble[0] = "run \(run): " + preamble[0]
        preamble.forEach(table.lead)
        warnings.forEach { table.lead("warning: " + $0) }
        let progress = session.progress("rl", total: steps)
        defer { progress.finish() }
        let stop = StopFlag()
        let userCancelled = session.cancellationRequested
        var failure: Error?
        var checkpointFailure: Error?
        var tally = CheckpointTally()
        var done = 0
        let start = Date()
        let reports = try domain("rl") {
            try trainer.run(steps: steps, progress: { report in
                done += 1
                var extra: [String: Double] = [:]
                var heldOut: String?
                // Multiples of the trainer's step, so rows line up across runs that resume.
                if evalEvery > 0, report.step % evalEvery == 0 || done == steps {
                    do {
                        let accuracy = try greedyAccuracy(trainer: trainer, problems: evalProblems)
                        extra["eval/accuracy"] = accuracy
                        heldOut = Format.fixed(accuracy, precision)
                    } catch {
                        failure = error
                        stop.set()
                    }
                }
                session.appendMetrics(report, extra: extra, trainer: trainer)
                progress.update(done)
                if report.step % every == 0 || done == steps || heldOut != nil {
                    let m = report.metrics
                    table.row(["\(report.step)", Format.fixed(m["reward"] ?? 0, precision), Format.fixed(m["accuracy"] ?? 0, precision),
                                  Format.fixed(m["completions/mean_length"] ?? 0, 1), Format.fixed(m["kl"] ?? 0, precision),
                                  Format.fixed(Date().timeIntervalSince(start), 1) + " s"] + (heldOut.map { [$0] } ?? []))
                }
                // What `model save` would write now: the weights and this trainer's exported state.
                if let checkpoints, checkpoints.isDue(report.step), failure == nil {
                    do {
                        tally.record(try checkpoints.save(local, state: session.trainingStateToSave(), step: report.step,
                                                          session: session, command: "rl"))
                    } catch {
                        checkpointFailure = error
                        stop.set()
                    }
                }
            }, isCancelled: { stop.isSet || userCancelled() })
        }
        if let failure { throw CommandError("rl: held-out evaluation failed after step \(trainer.step): \(failure)") }
        if let checkpointFailure {
            throw CommandError("\(checkpointFailure) — rl stopped after step \(trainer.step); the model and log are as after that step")
        }
        session.nameModelAfterTraining("rl", steps: trainer.step)
        var output = table.output
        let rejected = reports.filter { $0.rejected != nil }.count
        output.append(.line("\(reports.count) steps in \(Format.duration(Date().timeIntervalSince(start))); trainer at step \(trainer.step)"))
        if let checkpoints {
            output.append(tally.output(checkpoints))
            if config.maxStaleness > 0, !tally.saved.isEmpty {
                // The producer samples ahead, so the prompt cursor and generator are only exported at the run's end.
                output.blocks.append(.warning("with max_staleness > 0 the checkpoints saved during the run hold the weights and "
                                              + "optimizer, but resuming one does not repeat the sampling exactly — use max_staleness=0 "
                                              + "for exactly resumable checkpoints"))
            }
        }
        if rejected > 0 { output.blocks.append(.warning("\(rejected) updates were rejected (non-finite) — lower lr")) }
        if reports.count < steps {
            output.blocks.append(.warning("interrupted after \(reports.count) of \(steps) steps; the model and log are as after step \(trainer.step)"))
        }
        return output
    }
}

/// Greedy accuracy of the trainer's model on `problems` (one completion each at T = 0).
func greedyAccuracy(trainer: PolicyTrainer, problems: [Problem]) throws -> Double {
    var greedy = trainer.config.sampling
    greedy.temperature = 0
    var rng = RNG(seed: 0)  // greedy decoding draws nothing; the generator is only a parameter
    let rollouts = try trainer.sampler.rollouts(model: trainer.model, problems: problems, samples: 1, sampling: greedy,
                                                policyVersion: trainer.step, rng: &rng)
    return Double(rollouts.filter(\.correct).count) / Double(max(rollouts.count, 1))
}

/// Reading a KL reference from a checkpoint for `rl ref=PATH`.
enum RLReference {
    static func load(_ path: String) throws -> Transformer {
        let contents = try domain("rl ref") { try Checkpoint.load(from: URL(fileURLWithPath: path)) }
        let config = try domain("rl ref") { try contents.config(as: TransformerConfig.self) }
        return try domain("rl ref") { try Transformer(config: config, tensors: contents.tensors) }
    }
}
