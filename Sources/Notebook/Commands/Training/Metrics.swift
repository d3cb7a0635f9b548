// metrics / export metrics / export rollouts — the session's training log as a table or a file
// (CSV or JSONL under TRL's metric names), and the pending rollouts as JSONL in the fields
// TRL/veRL-style trainers read (prompt, completion, reward, components, correct, tokens).
import Foundation
import Training

extension CommandDefinition {
    /// `metrics [last=10]`
    static let metrics = CommandDefinition(CommandDeclaration(
        name: "metrics",
        summary: "table of the training log: metrics last=10",
        help: "Shows the last rows of a training run's log (one row per 'step' / 'rl' step): reward, "
            + "accuracy, mean length, kl, entropy, grad_norm, learning rate and, when measured, held-out accuracy. "
            + "'export metrics PATH' writes every column.",
        keys: [ArgumentSpec("last", .int, default: .int(10), bounds: 1...1_000_000, help: "rows to show"),
               ArgumentSpec("run", .string, help: "the training run (see 'runs'; default: the current one)")],
        recorded: true,
        examples: ["metrics last=5 run=run1"]
    )) { invocation, session in
        let last = try invocation.int(defaulted: "last")
        let log = try session.trainingLog(named: try invocation.string("run"), for: "metrics")
        let wanted = ["reward", "accuracy", "completions/mean_length", "kl", "entropy", "grad_norm", "learning_rate",
                      "eval/accuracy"]
        let shown = wanted.filter { log.names.contains($0) }
        let precision = session.settings.precision
        var table = Table(columns: [Table.Column("step", .right)] + shown.map {
            Table.Column($0 == "completions/mean_length" ? "length" : $0, .right)
        })
        for row in log.rows.suffix(last) {
            table.append(["\(row.step)"] + shown.map { name in
                guard let value = row.values[name] else { return "-" }
                return name == "learning_rate" ? Format.rate(value) : Format.fixed(value, precision)
            })
        }
        var output = CommandOutput.line("\(log.rows.count) steps logged; showing the last \(min(last, log.rows.count))")
        output.append(.table(table))
        return output
    }

    /// `export metrics PATH.csv|PATH.jsonl`
    static let exportMetrics = CommandDefinition(CommandDeclaration(
        name: "export", subverb: "metrics",
        summary: "write the training log: export metrics runs/add3.csv",
        help: "Writes every logged step of a training run (run=NAME, default the current one) with TRL's metric names, as CSV (header 'step,…') or, for .jsonl, one JSON "
            + "object per line, or for a name containing 'tfevents' a TensorBoard event file (open its folder with "
            + "'tensorboard --logdir'). 'plot metrics … from=PATH' reads CSV and JSONL back. Written atomically.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "a .csv or .jsonl file")],
        keys: [ArgumentSpec("run", .string, help: "the training run (see 'runs'; default: the current one)")],
        examples: ["export metrics /tmp/verity-example-metrics.csv run=run1"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session) ?? ""
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        let events = TensorBoardEvents.isEventFile(path)
        guard ext == "csv" || ext == "jsonl" || events else {
            throw CommandError("export metrics: \(path) must end in .csv or .jsonl, or be a TensorBoard event file (a name "
                + "containing 'tfevents', e.g. runs/grpo/events.out.tfevents.verity)", kind: .usage)
        }
        let log = try session.trainingLog(named: try invocation.string("run"), for: "export metrics")
        if events {
            try AtomicFile.write(TensorBoardEvents.data(log), to: path)
        } else {
            try AtomicFile.write(ext == "csv" ? log.csv : log.jsonl, to: path)
        }
        return .line("wrote \(log.rows.count) steps × \(log.names.count) metrics to \(path)")
    }

    /// `export rollouts PATH.jsonl`
    static let exportRollouts = CommandDefinition(CommandDeclaration(
        name: "export", subverb: "rollouts",
        summary: "write the pending rollouts as JSONL: export rollouts runs/batch.jsonl",
        help: "One JSON object per rollout with prompt, completion, answer, reward, components (name → value), "
            + "correct, advantage, tokens, thinking_tokens, finish and group — fields TRL and veRL data loaders read.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "a .jsonl file")],
        examples: ["export rollouts /tmp/verity-example-rollouts.jsonl"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session) ?? ""
        guard let trainer = session.existingTrainer, let batch = trainer.pending else {
            throw CommandError("export rollouts: no pending rollouts — run 'sample' first")
        }
        var text = ""
        for rollout in batch.rollouts {
            var components: [String: Double] = [:]
            for (name, value) in zip(rollout.reward.names, rollout.reward.values) { if let value, value.isFinite { components[name] = value } }
            let object = RolloutRecord(prompt: trainer.dataset.fullPrompt(rollout.problem), completion: rollout.text,
                                       answer: rollout.problem.answer, reward: rollout.reward.total.isFinite ? rollout.reward.total : 0,
                                       components: components, correct: rollout.correct,
                                       advantage: batch.hasAdvantages ? rollout.advantage : nil, tokens: rollout.length,
                                       thinking_tokens: rollout.thinkingTokens, finish: rollout.finish.rawValue, group: rollout.group)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try domain("export rollouts") { try encoder.encode(object) }
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        try AtomicFile.write(text, to: path)
        return .line("wrote \(batch.rollouts.count) rollouts to \(path)")
    }
}

/// One line of `export rollouts`.
private struct RolloutRecord: Encodable {
    var prompt: String, completion: String, answer: String
    var reward: Double
    var components: [String: Double]
    var correct: Bool
    var advantage: Double?
    var tokens: Int
    var thinking_tokens: Int
    var finish: String
    var group: Int
}
