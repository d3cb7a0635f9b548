// Training runs — every `rl` / `step` sequence belongs to a named run with its own metrics log, so
// two runs never mix: loading or making another model starts a new run (its steps may restart at
// 1 without drawing a line back in `plot metrics` or duplicating steps in `export metrics`), and
// `rl run=NAME` names one. A run remembers what it trained (the model's name when it started, the
// parent run it continued), its settings line, and the model object it belongs to:
//
//     session.appendMetrics(report)                      // to the current run, or a new one
//     let log = try session.trainingLog(named: "grpo", for: "metrics")
//
// `runs` lists the training runs and the evaluation runs; `metrics`, `export metrics`, `plot metrics`
// and `metric(...)` in `expect` read the current run or `run=NAME`.
import Foundation
import Models
import Training

/// One training run: a named metrics log and its lineage.
public struct TrainingRun {
    /// The name (`rl run=NAME`, or `run1`, `run2`, … in order).
    public var name: String
    /// The model's name when the run started (a checkpoint folder, `4x64`, or a trained name).
    public var startedFrom: String
    /// The run this one continues on the same weights (`rl run=B` after run A), if any.
    public var parent: String?
    /// The settings line of its last `rl` (nearest preset and differences).
    public var settings: String
    /// One row per step.
    public var log = MetricsLog()
    /// The weights it trains; a run continues only on the same object (weak: a replaced model's
    /// address may be reused by the next one, and must not look like it).
    weak var model: Transformer?
}

/// The session's training runs in the order started; the last is the current one.
public struct TrainingRuns {
    /// Runs in order.
    public var runs: [TrainingRun] = []
    /// An empty list.
    public init() {}
    /// The run named `name`.
    public func run(named name: String) -> TrainingRun? { runs.last { $0.name == name } }
}

/// The training runs of this session (`step` and `rl` append to the current one).
public enum TrainingRunsSlot: SessionSlot {
    public typealias Value = TrainingRuns
}

extension Session {
    /// Makes the run that the next steps on `model` belong to the current one: the current run when
    /// it trains this model object and `name` is nil or its own; else a new run (named `name`, or
    /// the next free `runN`). Returns the run's name.
    /// - Throws: `CommandError` when `name` belongs to a run of another model.
    @discardableResult
    func beginTrainingRun(on model: LocalModel, named name: String?, settings: String, command: String) throws -> String {
        var all = self[TrainingRunsSlot.self] ?? TrainingRuns()
        if let current = all.runs.last, current.model === model.transformer, name == nil || name == current.name {
            all.runs[all.runs.count - 1].settings = settings
            self[TrainingRunsSlot.self] = all
            return current.name
        }
        if let name, let existing = all.run(named: name) {
            guard existing.model === model.transformer else {
                throw CommandError("\(command): run=\(name) is a run of another model (\(existing.startedFrom)) — choose another name")
            }
        }
        var counter = all.runs.count + 1
        while all.run(named: "run\(counter)") != nil { counter += 1 }
        let parent = all.runs.last.flatMap { $0.model === model.transformer ? $0.name : nil }
        all.runs.append(TrainingRun(name: name ?? "run\(counter)", startedFrom: model.name, parent: parent,
                                    settings: settings, model: model.transformer))
        self[TrainingRunsSlot.self] = all
        return name ?? "run\(counter)"
    }

    /// Appends a step's metrics to the current run (starting one when the model changed).
    func appendMetrics(_ report: StepReport, extra: [String: Double] = [:], trainer: PolicyTrainer) {
        if case .local(let local)? = self[ModelSlot.self] {
            _ = try? beginTrainingRun(on: local, named: nil, settings: trainer.config.settingsSummary, command: "step")
        }
        var all = self[TrainingRunsSlot.self] ?? TrainingRuns()
        guard !all.runs.isEmpty else { return }
        var values: [String: Double] = [:]
        for (name, value) in report.metrics.pairs where name != "step" { values[name] = value }
        for (name, value) in extra { values[name] = value }
        all.runs[all.runs.count - 1].log.append(step: report.step, values)
        self[TrainingRunsSlot.self] = all
    }

    /// The current run's log, if any step was logged.
    var trainingLog: MetricsLog? { self[TrainingRunsSlot.self]?.runs.last?.log }

    /// The log of run `name` (nil: the current run), refusing an empty one with what to do.
    func trainingLog(named name: String?, for command: String) throws -> MetricsLog {
        let all = self[TrainingRunsSlot.self] ?? TrainingRuns()
        if let name {
            guard let run = all.run(named: name) else {
                let known = all.runs.map(\.name)
                throw CommandError("\(command): no training run '\(name)' — "
                    + (known.isEmpty ? "none yet ('rl' or 'step' start one)" : "the runs are \(known.joined(separator: ", "))"))
            }
            return run.log
        }
        guard let log = all.runs.last?.log, !log.rows.isEmpty else {
            throw CommandError("\(command): the training log is empty — run 'step' or 'rl' first")
        }
        return log
    }

    /// `run1 (2x64+sft1500 → 2x64+sft1500+rl40)`: a run and what it trained, for figure titles.
    func trainingRunSubject(named name: String?) -> String {
        let all = self[TrainingRunsSlot.self]?.runs ?? []
        let found: TrainingRun?
        if let name { found = all.last { $0.name == name } } else { found = all.last }
        guard let run = found else { return name ?? "" }
        var now: String?
        if let model = run.model, case .local(let local)? = self[ModelSlot.self], local.transformer === model { now = local.name }
        return run.name + " (" + run.startedFrom + (now.map { " → " + $0 } ?? "") + ")"
    }

    /// Renames the local model after training so tables and evaluation runs say what it is:
    /// `cd-sft` after 90 rl steps becomes `cd-sft+rl90`; more steps update the count.
    func nameModelAfterTraining(_ kind: String, steps: Int) {
        guard steps > 0, case .local(var local)? = self[ModelSlot.self] else { return }
        local.name = Self.trainedName(local.name, kind: kind, steps: steps)
        self[ModelSlot.self] = .local(local)
    }

    /// `base+KINDn`, replacing a trailing `+KINDm` of the same kind.
    static func trainedName(_ name: String, kind: String, steps: Int) -> String {
        var base = name
        if let range = base.range(of: "+\(kind)", options: .backwards),
           !base[range.upperBound...].isEmpty, base[range.upperBound...].allSatisfy(\.isNumber) {
            base = String(base[..<range.lowerBound])
        }
        return "\(base)+\(kind)\(steps)"
    }
}

extension CommandDefinition {
    /// `runs`
    static let runs = CommandDefinition(CommandDeclaration(
        name: "runs",
        summary: "list this session's training runs and evaluation runs",
        help: "Training runs: one per model trained with 'rl' or 'step' (or 'rl run=NAME'), with the model it "
            + "started from, the run it continued, its steps and settings; 'metrics', 'export metrics' and "
            + "'plot metrics' take run=NAME. Evaluation runs: one per 'eval as=NAME', with its model, split and size.",
        recorded: true,
        examples: ["runs"]
    )) { _, session in
        var output = CommandOutput()
        let training = session[TrainingRunsSlot.self]?.runs ?? []
        let evaluation = session[EvaluationRunsSlot.self] ?? EvaluationRuns()
        if training.isEmpty && evaluation.order.isEmpty {
            return .line("no runs yet — 'rl' or 'step' start a training run, 'eval' an evaluation run")
        }
        if !training.isEmpty {
            var table = Table(columns: [Table.Column("training run"), Table.Column("from"), Table.Column("continues"),
                                        Table.Column("steps", .right), Table.Column("settings")])
            for run in training {
                let steps = run.log.rows.map(\.step)
                let span = steps.isEmpty ? "0" : "\(steps.min() ?? 0)–\(steps.max() ?? 0)"
                table.append([run.name, run.startedFrom, run.parent ?? "-", span, run.settings])
            }
            output.append(.table(table))
        }
        if !evaluation.order.isEmpty {
            var table = Table(columns: [Table.Column("eval run"), Table.Column("model"), Table.Column("split"),
                                        Table.Column("problems", .right), Table.Column("samples", .right)])
            for name in evaluation.order {
                guard let stored = evaluation.byName[name] else { continue }
                let model = stored.model.split(separator: " ").dropFirst().first.map(String.init) ?? stored.model
                table.append([name, model, stored.split.rawValue, "\(stored.run.problems.count)",
                              "\(stored.run.samples.first?.samples.count ?? 0)"])
            }
            output.append(.table(table))
        }
        return output
    }
}
