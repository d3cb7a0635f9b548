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
            ArgumentSpec("steps", .int, default: .int(400), bounds: 1...1_000_000, help: "optimizer steps"),
            ArgumentSpec("batch", .int, default: .int(32), bounds: 1...4096, help: "completions per step"),
            ArgumentSpec("balanced", .bool, default: .bool(true),
                         help: "half correct, half wrong per batch (ranks well, calibrated to an even mix); false: uniform (calibrated to the policy's mix)"),
            ArgumentSpec("lr", .float, default: .float(3e-3), bounds: 1e-7...1, help: "AdamW peak learning rate (warm-up, cosine)"),
            ArgumentSpec("from", .choice(["fresh", "policy"]), default: .choice("fresh"), help: "a fresh small network or the policy's weights"),
            ArgumentSpec("layers", .int, default: .int(2), bounds: 1...64, help: "layers of a fresh network"),
            ArgumentSpec("dim", .int, default: .int(64), bounds: 4...4096, help: "width of a fresh network"),
            ArgumentSpec("heads", .int, default: .int(4), bounds: 1...64, help: "attention heads of a fresh network"),
            ArgumentSpec("held_out", .float, default: .float(0.2), bounds: 0...0.9, help: "share of problems held out"),
        ],
        examples: ["value train runs=example steps=2 batch=4 balanced=true lr=0.003 from=fresh layers=1 dim=16 heads=2 held_out=0.5"]
    )) { invocation, session in
        var config = ValueTrainingConfig()
        config.steps = try invocation.int(defaulted: "steps")
        config.batchSize = try invocation.int(defaulted: "batch")
        config.learningRate = Float(try invocation.double(defaulted: "lr"))
        config.balanced = try invocation.bool(defaulted: "balanced")
        config.fromPolicy = try invocation.string("from") == "policy"
        config.layers = try invocation.int(defaulted: "layers")
        config.hiddenSize = try invocation.int(defaulted: "dim")
        config.heads = try invocation.int(defaulted: "heads")
        config.intermediateSize = max(1, (config.hiddenSize * 8 + 2) / 3)
        config.heldOutFraction = try invocation.double(defaulted: "held_out")
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
        if runs.contains(where: { $0.split == "test" }) {
            output.append(.line("note: trained on test-split samples — score other problems with it (e.g. train on eval split=train samples)"))
        }
        output.append(.line("time \(Format.duration(Date().timeIntervalSince(started)))"))
        return output
    }
}
