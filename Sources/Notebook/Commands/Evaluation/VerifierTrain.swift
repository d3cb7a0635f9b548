// verifier train / verifier score — an outcome reward model trained on the correct and wrong
// samples of the session's eval runs (a tiny Transformer over the policy's tokenizer predicting a
// judgement token), reported by held-out accuracy and ROC AUC; and filling a run's sample scores
// with it, for `scale methods=best,maj-score` and `show samples`.
import Evaluation
import Foundation
import Models
import Tasks

extension CommandDefinition {
    /// `verifier train [runs=A,B] steps=400 batch=32 lr=3e-3 layers=2 dim=64 heads=4 held_out=0.2`
    static let verifierTrain = CommandDefinition(CommandDeclaration(
        name: "verifier", subverb: "train",
        summary: "train an outcome verifier on eval samples: verifier train steps=400",
        help: "Trains a small Transformer (layers × dim, the policy's tokenizer) to predict '1' after a correct "
            + "completion and '0' after a wrong one, on every sample of the eval runs runs=… (default: the latest). "
            + "A held_out share of the problems is kept out of training; their samples give the held-out accuracy "
            + "and AUC (the chance a correct sample outscores a wrong one). Each step draws half correct, half wrong "
            + "samples. Needs a local model (for its tokenizer) and runs with both correct and wrong samples.",
        keys: [
            ArgumentSpec("runs", .stringList, help: "eval runs to learn from (default: the latest)"),
        ] + VerifierTrainingConfig.fields.map { ArgumentSpec($0.spec) },
        examples: ["verifier train runs=example steps=2 batch=4 lr=0.003 layers=1 dim=16 heads=2 held_out=0.5"]
    )) { invocation, session in
        let runNames = try invocation.strings("runs")
        var config = VerifierTrainingConfig()
        try invocation.apply(VerifierTrainingConfig.fields, to: &config)
        // The SwiGLU width follows the Llama ratio (≈ 8/3 × dim), as the default 172 for 64 does.
        config.intermediateSize = max(1, (config.hiddenSize * 8 + 2) / 3)
        try evaluationCall("verifier train") { try config.validate() }

        let wanted: [String?] = runNames ?? [nil]
        let runs = try wanted.map { try session.requireRun($0, for: "verifier train") }
        let local = try session.requireLocalModel(for: "verifier train")
        let judgement = try evaluationCall("verifier train") { try VerifierJudgement.tokens(local.tokenizer) }
        let examples = runs.flatMap { verifierExamples(from: [$0.run], dataset: $0.dataset) }
        let seed = session.commandSeed()
        let started = Date()
        let progress = session.progress("verifier", total: config.steps)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let trained = try evaluationCall("verifier train") {
            try trainOutcomeVerifier(examples: examples, tokenizer: local.tokenizer, judgement: judgement, config: config,
                                     seed: seed, isCancelled: { cancelled() }, progress: { done, _ in progress.update(done) })
        }
        let names = runs.map(\.name).joined(separator: ",")
        session[VerifierSlot.self] = LoadedVerifier(verifier: trained.verifier, source: "verifier train runs=\(names)",
                                                    report: trained.report)
        let precision = session.settings.precision
        var output = CommandOutput.line("trained a \(config.layers)x\(config.hiddenSize) verifier on \(examples.count) samples "
            + "of run\(runs.count == 1 ? "" : "s") \(names) (\(config.steps) steps, final loss \(Format.fixed(trained.report.finalLoss, precision)))")
        output.append(.table(VerifierView.metricsTable([("train", VerifierView.Quality(trained.report.train)),
                                                        ("held-out", trained.report.heldOut.map(VerifierView.Quality.init))],
                                                       precision: precision)))
        output.append(.line("time \(Format.duration(Date().timeIntervalSince(started)))"))
        return output
    }

    /// `verifier score [run=NAME]`
    static let verifierScore = CommandDefinition(CommandDeclaration(
        name: "verifier", subverb: "score",
        summary: "score an eval run's samples with the verifier: verifier score run=last",
        help: "Fills every sample of run run=NAME (default: the latest) with the session verifier's score (the "
            + "probability it gives the sample of being correct) and reports its accuracy and AUC on that run. "
            + "'show samples' then shows the scores; 'scale methods=best' uses them. Scoring problems the verifier "
            + "was trained on is refused (its scores there measure memory): use overlap=allow to do it anyway.",
        keys: [ArgumentSpec("run", .string, help: "the eval run to score (default: the latest)"),
               ArgumentSpec("overlap", .choice(["refuse", "allow"]), default: .choice("refuse"),
                            help: "scoring problems the verifier was trained on: refuse, or allow with a warning")],
        examples: ["verifier score run=example"]
    )) { invocation, session in
        let name = try invocation.string("run")
        let allowOverlap = try invocation.string("overlap") == "allow"
        var stored = try session.requireRun(name, for: "verifier score")
        let loaded = try session.requireVerifier(for: "verifier score")
        let warning = try loaded.checkTrainingOverlap(stored.run.problems, dataset: stored.dataset, runName: stored.name,
                                                      allow: allowOverlap, command: "verifier score")
        let cancelled = session.cancellationRequested
        stored.run = try evaluationCall("verifier score") {
            try loaded.verifier.score(stored.run, dataset: stored.dataset, isCancelled: { cancelled() })
        }
        session.updateRun(stored)
        let samples = stored.run.samples.flatMap(\.samples)
        let metrics = VerifierView.Quality(scores: samples.map { $0.score ?? 0 }, labels: samples.map(\.correct))
        var output = CommandOutput.lines((warning.map { [$0] } ?? []) + ["scored \(samples.count) samples of run '\(stored.name)'"])
        output.append(.table(VerifierView.metricsTable([("run", metrics)], precision: session.settings.precision)))
        return output
    }
}

/// Tables of verifier quality.
enum VerifierView {
    /// A verifier's quality on some samples (what `VerifierMetrics` reports, computable here from scores).
    struct Quality {
        var count: Int
        var positives: Int
        var accuracy: Double
        var balancedAccuracy: Double
        var auc: Double?

        init(_ metrics: VerifierMetrics) {
            count = metrics.count; positives = metrics.positives; accuracy = metrics.accuracy
            balancedAccuracy = metrics.balancedAccuracy; auc = metrics.auc
        }

        /// Threshold 0.5 on the score for accuracy; balanced accuracy averages the two classes' rates.
        init(scores: [Double], labels: [Bool]) {
            count = labels.count
            positives = labels.filter { $0 }.count
            let hits = zip(scores, labels).map { ($0 >= 0.5) == $1 }
            accuracy = Double(hits.filter { $0 }.count) / Double(max(count, 1))
            var rates: [Double] = []
            let positiveHits = zip(hits, labels).filter { $0.1 && $0.0 }.count
            let negativeHits = zip(hits, labels).filter { !$0.1 && $0.0 }.count
            if positives > 0 { rates.append(Double(positiveHits) / Double(positives)) }
            if count - positives > 0 { rates.append(Double(negativeHits) / Double(count - positives)) }
            balancedAccuracy = rates.reduce(0, +) / Double(max(rates.count, 1))
            auc = rocAUC(scores: scores, labels: labels)
        }
    }

    static func metricsTable(_ rows: [(String, Quality?)], precision: Int) -> Table {
        var table = Table(columns: [Table.Column("samples"), Table.Column("count", .right), Table.Column("correct", .right),
                                    Table.Column("accuracy", .right), Table.Column("balanced", .right), Table.Column("AUC", .right)])
        for (label, metrics) in rows {
            guard let metrics else { table.append([label, "0", "-", "-", "-", "-"]); continue }
            table.append([label, "\(metrics.count)", "\(metrics.positives)", Format.fixed(metrics.accuracy, precision),
                          Format.fixed(metrics.balancedAccuracy, precision), metrics.auc.map { Format.fixed($0, precision) } ?? "-"])
        }
        return table
    }
}
