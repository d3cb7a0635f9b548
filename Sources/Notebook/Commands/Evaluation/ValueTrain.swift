// value train — a value model trained on the samples of the session's eval runs by Monte-Carlo
// regression (every prefix of a completion regressed on its correctness), reported like the
// verifier (final-state AUC and accuracy, held out by problem) plus explained variance over states.
import Evaluation
import Foundation
import Models

extension CommandDefinition {
    /// `value train [runs=A,B] steps=400 batch=32 lr=3e-3 from=fresh|policy layers=2 dim=64 heads=4 held_out=0.2`
    static let valueTrain = CommandDefinition(CommandDeclaration(
        name: "value", subverb: "train",
        summary: "train a value model on eval samples: value train runs=T steps=400",
        help: "Trains a value model V(prefix) ≈ P(correct | prefix) on every sample of the eval runs runs=… (default: the "
            + "latest): each prefix of a completion, the prompt alone included, is regressed on the completion's correctness "
            + "(½(V − y)², Monte-Carlo returns). from=fresh starts a small network (layers × dim), from=policy the current model's "
            + "weights with a zeroed value row. A held_out share of the problems is kept out; their samples give held-out "
            + "AUC, accuracy and explained variance. Train on samples of the train split when the value model will score "
            + "test problems. The result becomes the session's value model ('search', 'scale … scorer=value', 'value save').",
        keys: [
            ArgumentSpec("runs", .stringList, help: "eval runs to learn from (default: the latest)"),
            ArgumentSpec("from", .choice(["fresh", "policy"]), default: .choice("fresh"), help: "a fresh small network or the policy's weights"),
        ] + ValueTrainingConfig.fields.map { ArgumentSpec($0.spec) },
        examples: ["value train runs=example steps=2 batch=4 balanced=true lr=0.003 from=fresh layers=1 dim=16 heads=2 held_out=0.5"]
    )) { invocation, session in
        var config = ValueTrainingConfig()
        try invocation.apply(ValueTrainingConfig.fields, to: &config)
        config.fromPolicy = try invocation.string("from") == "policy"
        config.intermediateSize = max(1, (config.hiddenSize * 8 + 2) / 3)
        try evaluationCall("value train") { try config.validate() }

        let wanted: [String?] = try invocation.strings("runs") ?? [nil]
        let runs = try wanted.map { try session.requireRun($0, for: "value train") }
        let local = try session.requireLocalModel(for: "value train")
        let examples = runs.flatMap { verifierExamples(from: [$0.run], dataset: $0.dataset) }
        let seed = session.commandSeed()
        let started = Date()
        let progress = session.progress("value", total: config.steps)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let trained = try evaluationCall("value train") {
            try trainValueModel(examples: examples, tokenizer: local.tokenizer, policy: local.transformer, config: config,
                                seed: seed, isCancelled: { cancelled() }, progress: { done, _ in progress.update(done) })
        }
        let names = runs.map(\.name).joined(separator: ",")
        session[ValueSlot.self] = LoadedValue(value: trained.value, source: "value train runs=\(names)")
        let precision = session.settings.precision
        let shape = "\(trained.value.model.config.numHiddenLayers)x\(trained.value.model.config.hiddenSize)"
        var output = CommandOutput.line("trained a \(shape) value model (\(config.fromPolicy ? "from the policy" : "fresh")) on "
            + "\(examples.count) samples of run\(runs.count == 1 ? "" : "s") \(names) (\(config.steps) steps, final loss "
            + "\(Format.fixed(trained.report.finalLoss, precision)))")
        var table = Table(columns: [Table.Column("samples"), Table.Column("n", .right), Table.Column("correct", .right),
                                    Table.Column("AUC", .right), Table.Column("accuracy", .right),
                                    Table.Column("explained var", .right), Table.Column("loss", .right)])
        for (label, m) in [("train", trained.report.train), ("held-out", trained.report.heldOut)] {
            guard let m else { continue }
            table.append([label, "\(m.judged.count)", "\(m.judged.positives)", m.judged.auc.map { Format.fixed($0, precision) } ?? "-",
                          Format.fixed(m.judged.accuracy, precision), Format.fixed(m.explainedVariance, precision),
                          Format.fixed(m.loss, precision)])
        }
        output.append(.table(table))
        if runs.contains(where: { $0.split == .test }) {
            output.append(.line("note: trained on test-split samples — score other problems with it (e.g. train on eval split=train samples)"))
        }
        output.append(.line("time \(Format.duration(Date().timeIntervalSince(started)))"))
        return output
    }
}
