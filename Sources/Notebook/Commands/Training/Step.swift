// step — one policy-gradient update on the pending rollouts (sampling first when none are
// pending), shown as a compact key/value table under TRL's metric names and appended to the
// session's metrics log.
import Foundation
import Training

extension CommandDefinition {
    /// `step`
    static let step = CommandDefinition(CommandDeclaration(
        name: "step",
        summary: "one policy-gradient update on the pending rollouts: step",
        help: "Trains on the rollouts left by 'sample' (or samples a batch first when none are pending) with the "
            + "trainer's settings (see 'show trainer'; change them with 'rl … steps=0' keys or 'sample' keys), then "
            + "shows the step's metrics with TRL's names and appends them to the session's metrics log.",
        examples: ["step"]
    )) { _, session in
        let trainer = try session.policyTrainer(for: "step")
        let cancelled = session.cancellationRequested
        let report = try domain("step") { try trainer.step(isCancelled: { cancelled() }) }
        session.appendMetrics(report, trainer: trainer)
        session.nameModelAfterTraining("rl", steps: trainer.step)
        var output = StepView.render(report, precision: session.settings.precision)
        if let rejected = report.rejected { output.blocks.append(.warning(rejected)) }
        return output
    }
}

/// The key/value table of one step.
enum StepView {
    /// The metrics a person reads first, in TRL's names, in this order.
    static let keys = ["reward", "reward_std", "accuracy", "completions/mean_length", "thinking/share", "kl", "entropy",
                       "clip_ratio/low_mean", "clip_ratio/high_mean", "frac_reward_zero_std", "loss", "grad_norm",
                       "learning_rate", "rollout/logprob_diff_max", "rollout/ratio_deviation_max",
                       "time/sampling", "time/training"]

    static func render(_ report: StepReport, precision: Int) -> CommandOutput {
        var output = CommandOutput.line("step \(report.step)")
        var table = Table(columns: [Table.Column("metric"), Table.Column("value", .right)])
        for key in keys {
            guard let value = report.metrics[key] else { continue }
            let text: String
            switch key {
            case "learning_rate": text = Format.rate(value)
            case "time/sampling", "time/training": text = Format.duration(value)
            // The sampler–trainer gap: exactly 0 on policy, and tiny otherwise, so never rounded to 0.
            case "rollout/logprob_diff_max", "rollout/ratio_deviation_max":
                text = value == 0 ? "0" : String(format: "%.2e", value)
            default: text = Format.fixed(value, precision)
            }
            table.append([key, text])
        }
        output.append(.table(table))
        return output
    }
}

extension Format {
    /// A learning rate in three significant digits (`0.003`, `9.6e-05`), stable across runs.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return fixed(value, 0) }
        return String(format: "%.3g", value)
    }
}
