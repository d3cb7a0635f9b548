// bench — the engine benchmark (`Models.runBenchmark`) as a table: training tokens/s, sampling
// tokens/s at B = 1, 16, 64, and sgemm GFLOP/s. Serves the REPL command and `verity bench`.
import Kernels
import Models

extension CommandDefinition {
    /// `bench [config=tiny|small|s15m|all] [quick=true]`
    static let bench = CommandDefinition(CommandDeclaration(
        name: "bench",
        summary: "measure the engine: bench config=tiny quick=true",
        help: "Times training steps (forward, backward, clipping, AdamW) and batched sampling for the benchmark "
            + "shapes (tiny: 4x128, small: 6x256, s15m: llama2.c's stories15M), plus a 2048² sgemm. quick=true "
            + "shortens sequences and steps (for CI); the figures are then only indicative.",
        keys: [
            ArgumentSpec("config", .choice(["tiny", "small", "s15m", "all"]), default: .choice("all"), help: "which shapes"),
            ArgumentSpec("quick", .bool, help: "short sequences and one timed step (default: the quick setting)"),
        ],
        recorded: false,
        examples: ["bench config=tiny quick=true"]
    )) { invocation, session in
        let config = try invocation.string("config") ?? "all"
        let quick = try invocation.bool("quick") ?? session.settings.quick
        let cancelled = session.cancellationRequested
        return try EngineBenchmark.run(config: config, quick: quick, isCancelled: { cancelled() })
    }
}

/// The engine benchmark behind `bench` and `verity bench`.
public enum EngineBenchmark {
    /// The configuration names accepted by `run`.
    public static let configurations = ["tiny", "small", "s15m", "all"]

    /// Runs the benchmark for `config` (`tiny`, `small`, `s15m` or `all`) and returns its table.
    /// `quick` cuts sequences to 16 tokens, batches to at most 8 and timed steps to 1.
    /// `progress` receives one line per measurement.
    public static func run(config: String, quick: Bool, progress: (String) -> Void = { _ in },
                           isCancelled: () -> Bool = { false }) throws -> CommandOutput {
        var cases: [BenchmarkCase]
        switch config {
        case "tiny": cases = [.tiny]
        case "small": cases = [.small]
        case "s15m": cases = [.s15m]
        case "all": cases = BenchmarkCase.standard
        default: throw CommandError("bench: unknown config '\(config)' — use tiny, small, s15m or all")
        }
        if quick {
            cases = cases.map { BenchmarkCase(name: $0.name, config: $0.config, length: min($0.length, 16), batch: min($0.batch, 8)) }
        }
        let batches = [1, 16, 64]
        let report = try domain("bench") {
            try runBenchmark(cases: cases, trainingSteps: quick ? 1 : 3, samplingBatches: batches, progress: progress,
                             isCancelled: isCancelled)
        }
        var table = Table(columns: [Table.Column("config"), Table.Column("params", .right), Table.Column("T×B"),
                                    Table.Column("train tok/s", .right)]
                          + batches.map { Table.Column("sample B=\($0) tok/s", .right) })
        for (row, benchmark) in zip(report.rows, cases) {
            table.append([row.name, "\(row.parameters)", "\(benchmark.length)×\(benchmark.batch)",
                          Format.fixed(row.trainingTokensPerSecond, 0)]
                         + batches.map { row.samplingTokensPerSecond[$0].map { Format.fixed($0, 0) } ?? "-" })
        }
        var output = CommandOutput.table(table)
        output.append(.line("sgemm 2048³: \(Format.fixed(report.sgemmGFLOPS, 1)) GFLOP/s, \(report.threads) thread\(report.threads == 1 ? "" : "s")"
                            + (quick ? " (quick mode: indicative only)" : "")))
        return output
    }
}
