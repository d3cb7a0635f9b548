// sft — supervised fine-tuning of the local model on the data set's solutions (loss on completion
// tokens only, length-bucketed batches, AdamW with warm-up and cosine decay, gradient clipping).
// Reports a small table every `every` steps and the final loss; evaluation is `eval`'s job.
// save_every=N to=DIR writes periodic checkpoints with the SFT trainer's state, which a later `sft`
// after `model load` of one resumes.
import Evaluation
import Foundation
import Kernels
import Models
import Tasks
import Training

/// SFT's optimizer settings, for its help line.
private let sftAdam = AdamWConfig.supervised(weightDecay: Float(SFTConfig().weightDecay))

extension CommandDefinition {
    /// `sft steps=… batch=64 lr=3e-3 warmup=30 min_lr_ratio=0.1 grad_clip=1.0 source=solutions|worked|direct|mixed:P save_every=N to=DIR keep=3`
    static let sft = CommandDefinition(CommandDeclaration(
        name: "sft",
        summary: "supervised fine-tuning on the data set's solutions: sft steps=400 batch=64 lr=3e-3",
        help: "Trains the local model on prompt → solution pairs of the training split (loss on the completion "
            + "tokens only, batches grouped by length unless bucket=0). source=solutions uses each problem's own solution; worked / "
            + "direct use the worked or direct form of every problem (arithmetic tasks keep both); mixed:P uses the "
            + "worked form with probability P; run:NAME trains on the correct, finished completions of the eval run NAME "
            + "(sampled on the training split, e.g. by a larger teacher model: distillation). AdamW (β \(sftAdam.beta1), \(sftAdam.beta2), weight decay \(sftAdam.weightDecay)), linear warm-up then cosine to "
            + "min_lr_ratio × lr over total_steps (default: this run's steps). Ctrl-C stops after the last completed step. "
            + "save_every=N to=DIR writes DIR/step-000NNN every N steps (keeping the newest keep=K); 'model load' of one "
            + "and the same sft line with the remaining steps continue that run exactly.",
        keys: [
            ArgumentSpec("steps", .int, default: .int(100), bounds: 0...10_000_000, help: "optimizer steps"),
            ArgumentSpec("source", .string, default: .string("solutions"), help: "solutions, worked, direct, mixed:P or run:NAME"),
            ArgumentSpec("worked_only", .bool, default: .bool(false),
                         help: "with source=run:NAME, keep only the completions that show work (the teacher's reasoning traces)"),
            ArgumentSpec("every", .int, default: .int(0), bounds: 0...10_000_000,
                         help: "a table row every N steps; 0 = about ten rows"),
        ] + SFTConfig.fields.map { ArgumentSpec($0.spec) } + PeriodicCheckpoints.arguments,
        examples: ["sft steps=2 batch=4 lr=3e-3 warmup=1 min_lr_ratio=0.1 grad_clip=1 total_steps=0 source=mixed:0.5 bucket=8 every=1 worked_only=false",
                   "sft steps=2 batch=4 save_every=1 to=/tmp/verity-example-checkpoints keep=1"]
    )) { invocation, session in
        let steps = try invocation.int(defaulted: "steps")
        var config = SFTConfig()
        try invocation.apply(SFTConfig.fields, to: &config)
        let source = try SFTSource(try invocation.string(defaulted: "source"))
        let workedOnly = try invocation.bool(defaulted: "worked_only")
        if workedOnly, !source.isRun {
            throw CommandError("sft: worked_only=true filters a run's completions — use it with source=run:NAME", kind: .usage)
        }
        let every = try invocation.int(defaulted: "every")
        let checkpoints = try PeriodicCheckpoints.read(invocation, session, command: "sft")
        try domain("sft") { try config.validate() }

        let local = try session.requireLocalModel(for: "sft")
        let dataset = try session.requireDataset(for: "sft")
        var seed = session.commandSeed()
        // A periodic checkpoint's SFT state, loaded with the model: continue its run exactly.
        let resumed = try session.savedSFTState(for: local, source: source)
        if let resumed { seed = resumed.state.seed }
        var rng = RNG(seed: seed)
        let (problems, promptData) = try session.sftProblems(source, dataset: dataset, workedOnly: workedOnly, rng: &rng)
        let examples = try domain("sft") { try sftExamples(problems: problems, dataset: promptData, tokenizer: local.tokenizer) }
        let pad = local.tokenizer.special.pad ?? local.tokenizer.special.eos ?? 0
        let trainer = try domain("sft") {
            try SFTTrainer(model: local.transformer, examples: examples, config: config, padId: pad, seed: rng.next())
        }
        if let resumed {
            // Used once, like the policy trainer's state: imported here, or dropped when it does not fit.
            session[TrainingStateSlot.self] = nil
            do {
                try trainer.importState(resumed.state.trainer, tensors: resumed.optimizer)
            } catch {
                throw CommandError("sft: the SFT state saved with the model does not fit: \(error) — \(SFTCheckpointState.dropped)")
            }
        }
        var tally = CheckpointTally()
        var checkpointFailure: Error?
        let interval = every > 0 ? every : max(1, steps / 10)
        let table = LiveTable([Table.Column("step", .right), Table.Column("loss", .right), Table.Column("lr", .right),
                               Table.Column("grad_norm", .right), Table.Column("speed", .right)],
                              widths: [6, 8, 8, 9, 13], session: session)
        table.lead("sft on \(examples.count) examples (\(source.name)), \(local.transformer.parameterCount) parameters")
        if let resumed { table.lead("resumed the SFT run saved with the model at step \(resumed.state.trainer.step)") }
        let progress = session.progress("sft", total: steps)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let precision = max(session.settings.precision, 4)
        let startStep = trainer.step
        var window: [Double] = []
        var rejected = 0
        let start = Date()
        let reports = try domain("sft") {
            try trainer.run(steps: steps, progress: { report in
                window.append(report.loss)
                if window.count > interval { window.removeFirst() }
                if report.rejected != nil { rejected += 1 }
                progress.update(report.step - startStep)
                if report.step % interval == 0 || report.step == startStep + steps {
                    // The mean over the interval: one batch's loss swings with its length bucket.
                    let mean = window.reduce(0, +) / Double(max(window.count, 1))
                    table.row(["\(report.step)", Format.fixed(mean, precision), Format.rate(report.learningRate),
                                  Format.fixed(report.gradNorm, 3),
                                  // With its unit, so `--check` treats the row as a timing line.
                                  "\(Int(report.tokensPerSecond.rounded())) tok/s"])
                }
                if let checkpoints, checkpoints.isDue(report.step) {
                    let exported = trainer.exportState()
                    let state = TrainingStateSnapshot(optimizer: exported.tensors, trainerState:
                        SFTCheckpointState(seed: seed, source: source.name, trainer: exported.state))
                    do {
                        tally.record(try checkpoints.save(local, state: state, step: report.step, session: session, command: "sft"))
                    } catch {
                        checkpointFailure = error
                    }
                }
            }, isCancelled: { checkpointFailure != nil || cancelled() })
        }
        if let checkpointFailure {
            throw CommandError("\(checkpointFailure) — sft stopped after step \(trainer.step); the model is as after that step")
        }
        session.nameModelAfterTraining("sft", steps: trainer.step)
        var output = table.output
        let tokens = reports.reduce(0) { $0 + $1.tokens }
        let seconds = Date().timeIntervalSince(start)
        let final = window.isEmpty ? Double.nan : window.reduce(0, +) / Double(window.count)
        output.append(.line("\(reports.count) steps in \(Format.duration(seconds)), \(Int((Double(tokens) / max(seconds, 1e-9)).rounded())) tokens/s"))
        output.append(.line("final loss \(Format.fixed(final, precision)) (mean of the last \(window.count) steps)"))
        if let checkpoints { output.append(tally.output(checkpoints)) }
        if rejected > 0 { output.blocks.append(.warning("\(rejected) updates were rejected (non-finite) — lower lr")) }
        if reports.count < steps {
            output.blocks.append(.warning("interrupted after \(reports.count) of \(steps) steps; the model is as after step \(startStep + reports.count)"))
        }
        return output
    }
}

/// What an `sft` periodic checkpoint keeps in trainer_state.json (the AdamW moments go to
/// optimizer.safetensors), so `model load DIR/step-…` and the same `sft` line continue the run
/// exactly: the command's seed (it fixes the mixed-source draw), the source, and the SFT trainer's
/// step, generator, batch order and cursor and AdamW step count. The cosine schedule needs nothing
/// more: a run of `steps` from step k ends at k + steps, as the interrupted one would have.
struct SFTCheckpointState: Codable, Sendable {
    /// Always "sft" (tells this state from a policy trainer's).
    var kind = "sft"
    /// The seed the interrupted `sft` drew from the session stream.
    var seed: UInt64
    /// Its `source=` (solutions, worked, direct or mixed:P).
    var source: String
    /// The trainer's own state.
    var trainer: SFTTrainerState

    /// What to do when a saved state does not fit (it has just been dropped).
    static let dropped = "the saved state is now dropped: run the line again to train with a fresh optimizer, or "
        + "'model load' the checkpoint again and give the task, source and batch of its run to continue it"
}

extension Session {
    /// The SFT state `model load` found beside the current model, when it is an `sft` checkpoint's
    /// and the model has not been trained by another command since (a policy trainer's steps).
    /// - Throws: when the state was saved with another `source=` (it would not resume exactly); the
    ///   state is then dropped, as when it does not fit the examples.
    func savedSFTState(for local: LocalModel, source: SFTSource) throws -> (state: SFTCheckpointState, optimizer: [String: Tensor])? {
        guard local.configJSON != nil, existingTrainer.map({ $0.step == 0 }) ?? true,
              let snapshot = self[TrainingStateSlot.self], let raw = snapshot.trainerState as? RawJSONObject,
              let state = try? JSONDecoder().decode(SFTCheckpointState.self, from: raw.data), state.kind == "sft" else { return nil }
        guard state.source == source.name else {
            self[TrainingStateSlot.self] = nil
            throw CommandError("sft: the SFT state saved with the model was made with source=\(state.source), not source=\(source.name), "
                               + "so it cannot continue this run — \(SFTCheckpointState.dropped)")
        }
        return (state, snapshot.optimizer ?? [:])
    }
}

/// Which completion SFT trains on.
enum SFTSource {
    case solutions, worked, direct
    case mixed(Double)
    /// The correct completions of a stored eval run (read by the command, which has the session).
    case run(String)

    /// Whether the examples come from a stored run.
    var isRun: Bool { if case .run = self { return true } else { return false } }

    /// Parses `solutions`, `worked`, `direct`, `mixed:P` or `run:NAME`.
    init(_ text: String) throws {
        switch text {
        case "solutions": self = .solutions
        case "worked": self = .worked
        case "direct": self = .direct
        case _ where text.hasPrefix("run:"):
            let name = String(text.dropFirst(4))
            guard !name.isEmpty else { throw CommandError("sft: source=run: needs a run name, as in source=run:teacher", kind: .usage) }
            self = .run(name)
        default:
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "mixed", let p = Double(parts[1]), (0...1).contains(p) else {
                throw CommandError("sft: source=\(text) is not one of solutions, worked, direct, mixed:P (P in 0…1, e.g. mixed:0.2), run:NAME",
                                   kind: .usage)
            }
            self = .mixed(p)
        }
    }

    var name: String {
        switch self {
        case .solutions: return "solutions"
        case .worked: return "worked"
        case .direct: return "direct"
        case .mixed(let p): return "mixed:\(Format.compact(p))"
        case .run(let name): return "run:\(name)"
        }
    }
}

extension Session {
    /// The problems `sft` trains on for `source`, and the data set whose prompt conventions (prefix,
    /// system prompt) they are rendered with: the current data set's training problems in the chosen
    /// solution form, or a stored run's correct completions with the run's own data set.
    func sftProblems(_ source: SFTSource, dataset: Dataset, workedOnly: Bool,
                     rng: inout RNG) throws -> (problems: [Problem], promptData: Dataset) {
        func form(_ p: Problem, worked: Bool) throws -> Problem {
            guard let formed = p.inForm(worked: worked) else {
                throw CommandError("sft: source=\(source.name) needs problems that keep both solution forms (arithmetic tasks do); "
                                   + "problem \(p.id) has no \(worked ? "worked_solution" : "direct_solution") — use source=solutions")
            }
            return formed
        }
        switch source {
        case .solutions: return (dataset.train, dataset)
        case .worked: return (try dataset.train.map { try form($0, worked: true) }, dataset)
        case .direct: return (try dataset.train.map { try form($0, worked: false) }, dataset)
        case .mixed(let share): return (try dataset.train.map { try form($0, worked: Double(rng.uniform()) < share) }, dataset)
        case .run(let name):
            // Distillation: the run's own prompts (its data set's prefix and system prompt) and correct completions.
            let stored = try requireRun(name, for: "sft")
            guard stored.split == .train else {
                throw CommandError("sft: run '\(name)' sampled the \(stored.split) split — training on it would leak held-out "
                                   + "problems; sample the training split (eval split=train … as=\(name))", kind: .usage)
            }
            let problems = stored.run.correctCompletions(workedOnly: workedOnly)
            // The run may come from another data set: none of its prompts may be a held-out one of this one.
            let heldOut = Set(dataset.test.map(\.prompt))
            if let leaked = problems.first(where: { heldOut.contains($0.prompt) }) {
                throw CommandError("sft: run '\(name)' has the prompt \(Format.quoted(leaked.prompt)), which is in the test split of "
                                   + "\(dataset.name) — training on it would leak held-out problems; sample problems of this data set's "
                                   + "training split", kind: .usage)
            }
            guard !problems.isEmpty else {
                throw CommandError("sft: run '\(name)' has no correct, finished completion\(workedOnly ? " that shows work" : "") "
                                   + "to train on — sample more or a stronger model")
            }
            return (problems, stored.dataset)
        }
    }
}
