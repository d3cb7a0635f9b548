// star — STaR / rejection-sampling fine-tuning: each round samples n completions of `prompts`
// training problems, keeps the correct ones (deduplicated, not truncated) and fine-tunes on them
// for `steps` SFT steps. One table row per round.
import Training

extension CommandDefinition {
    /// `star rounds=… prompts=… n=… steps=… batch=… lr=…`
    static let star = CommandDefinition(CommandDeclaration(
        name: "star",
        summary: "rejection-sampling fine-tuning rounds: star rounds=3 prompts=64 n=4 steps=50",
        help: "STaR (Zelikman et al. 2022) without rationalization: sample n completions of `prompts` training "
            + "problems with the trainer's sampling settings, keep the correct ones, SFT on them (loss on the "
            + "completion), repeat. Ctrl-C stops between rounds.",
        keys: STaRConfig.fields.map { ArgumentSpec($0.spec) },
        examples: ["star rounds=1 prompts=2 n=2 steps=1 batch=2 lr=1e-3"]
    )) { invocation, session in
        var config = STaRConfig()
        try invocation.apply(STaRConfig.fields, to: &config)
        let trainer = try session.policyTrainer(for: "star")
        let progress = session.progress("star", total: config.rounds)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let precision = session.settings.precision
        let reports = try domain("star") {
            try trainer.star(config, progress: { progress.update($0.round) }, isCancelled: { cancelled() })
        }
        var table = Table(columns: [Table.Column("round", .right), Table.Column("sampled", .right), Table.Column("correct", .right),
                                    Table.Column("pass rate", .right), Table.Column("kept", .right), Table.Column("sft loss", .right),
                                    Table.Column("seconds", .right)])
        for r in reports {
            table.append(["\(r.round)", "\(r.sampled)", "\(r.correct)", Format.fixed(r.passRate, precision), "\(r.kept)",
                          r.sftLoss.isFinite ? Format.fixed(r.sftLoss, 4) : "-", Format.fixed(r.seconds, 1)])
        }
        var output = CommandOutput([.table(table)])
        if reports.count < config.rounds {
            output.blocks.append(.warning("interrupted after \(reports.count) of \(config.rounds) rounds"))
        }
        return output
    }
}
