// bench — the engine benchmark (`Models.runBenchmark`) as a table: training tokens/s, sampling
// tokens/s at B = 1, 16, 64, and sgemm GFLOP/s; and (config=grpo) a GRPO step of the "Thinking
// pays" recipe split into sampling and training. Serves the REPL command and `verity bench`.
import Foundation
import Kernels
import Models
import Training

extension CommandDefinition {
    /// `bench [config=tiny|small|s15m|all|grpo] [quick=true]`
    static let bench = CommandDefinition(CommandDeclaration(
        name: "bench",
        summary: "measure the engine: bench config=tiny quick=true",
        help: "Times training steps (forward, backward, clipping, AdamW) and batched sampling for the benchmark "
            + "shapes (tiny: 4x128, small: 6x256, s15m: llama2.c's stories15M), plus a 2048² sgemm. quick=true "
            + "shortens sequences and steps (for CI); the figures are then only indicative. config=grpo times "
            + "GRPO steps of the Thinking-pays recipe (16 prompts × 8 samples, ≤ 48 tokens, the 0.78M model, freshly "
            + "initialised, every row trained) split into sampling and training; config=ppo times the same step as GRPO, PPO "
            + "with the policy-sized and the small critic, and VinePPO (K = 4), then value-guided beam search (b = 4, m = 4) "
            + "against plain sampling per sampled token.",
        keys: [
            ArgumentSpec("config", .choice(["tiny", "small", "s15m", "all", "grpo", "ppo", "qwen05"]), default: .choice("all"),
                         help: "which shapes (qwen05: the Qwen2.5-0.5B shape, saved, loaded and sampled; needs ~8 GB and 2 GB of disk)"),
            ArgumentSpec("quick", .bool, help: "short sequences and one timed step (default: the quick setting)"),
        ],
        recorded: false,
        examples: ["bench config=tiny quick=true", "bench config=grpo quick=true"]
    )) { invocation, session in
        let config = try invocation.string(defaulted: "config")
        let quick = try invocation.bool("quick") ?? session.settings.quick
        let cancelled = session.cancellationRequested
        return try EngineBenchmark.run(config: config, quick: quick, isCancelled: { cancelled() })
    }
}

/// The engine benchmark behind `bench` and `verity bench`.
public enum EngineBenchmark {
    /// The configuration names accepted by `run`.
    public static let configurations = ["tiny", "small", "s15m", "all", "grpo", "ppo", "qwen05"]

    /// Runs the benchmark for `config` (`tiny`, `small`, `s15m` or `all`) and returns its table.
    /// `quick` cuts sequences to 16 tokens, batches to at most 8 and timed steps to 1.
    /// `progress` receives one line per measurement.
    /// `steps` overrides the number of timed training steps; `batches` the sampling batch sizes
    /// (empty: no sampling).
    public static func run(config: String, quick: Bool, steps: Int? = nil, batches: [Int]? = nil,
                           progress: (String) -> Void = { _ in },
                           isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CommandOutput {
        if config == "grpo" { return try grpo(quick: quick, progress: progress, isCancelled: isCancelled) }
        if config == "ppo" { return try ppo(quick: quick, progress: progress, isCancelled: isCancelled) }
        if config == "qwen05" { return try qwen05(quick: quick, batches: batches ?? [1, 16], progress: progress, isCancelled: isCancelled) }
        var cases: [BenchmarkCase]
        switch config {
        case "tiny": cases = [.tiny]
        case "small": cases = [.small]
        case "s15m": cases = [.s15m]
        case "all": cases = BenchmarkCase.standard
        default: throw CommandError("bench: unknown config '\(config)' — use tiny, small, s15m, all, grpo, ppo or qwen05")
        }
        if quick {
            cases = cases.map { BenchmarkCase(name: $0.name, config: $0.config, length: min($0.length, 16), batch: min($0.batch, 8)) }
        }
        let batches = batches ?? [1, 16, 64]
        let report = try domain("bench") {
            try runBenchmark(cases: cases, trainingSteps: steps ?? (quick ? 1 : 3), samplingBatches: batches, progress: progress,
                             isCancelled: isCancelled)
        }
        var table = Table(columns: [Table.Column("config"), Table.Column("params", .right), Table.Column("T×B"),
                                    Table.Column("train tok/s", .right), Table.Column("GEMM bound", .right)]
                          + batches.map { Table.Column("B=\($0) tok/s", .right) }
                          + (batches.last.map { [Table.Column("B=\($0) bound", .right)] } ?? []))
        for (row, benchmark) in zip(report.rows, cases) {
            table.append([row.name, "\(row.parameters)", "\(benchmark.length)×\(benchmark.batch)",
                          row.trainingTokensPerSecond > 0 ? Format.fixed(row.trainingTokensPerSecond, 0) : "-",
                          row.gemmBoundTokensPerSecond > 0 ? Format.fixed(row.gemmBoundTokensPerSecond, 0) : "-"]
                         + batches.map { row.samplingTokensPerSecond[$0].map { Format.fixed($0, 0) } ?? "-" }
                         + (batches.last.map { [row.samplingBoundTokensPerSecond[$0].map { Format.fixed($0, 0) } ?? "-"] } ?? []))
        }
        var output = CommandOutput.table(table)
        if steps != 0 {
            output.append(.line("GEMM bound: training tok/s if a step were only its weight products (OpenBLAS, same shapes)"))
        }
        if let b = batches.last {
            output.append(.line("B=N tok/s: KV-cache sampling, N sequences at once; B=\(b) bound: the same if each decoding "
                                + "step were only its weight products"))
        }
        output.append(.line("sgemm 2048³: \(Format.fixed(report.sgemmGFLOPS, 1)) GFLOP/s, \(report.threads) thread\(report.threads == 1 ? "" : "s")"
                            + (quick ? " (quick mode: indicative only)" : "")))
        output.append(.line(Arithmetic.description))
        return output
    }

    /// GRPO steps of the recipe's shapes (3 timed, 1 when `quick`), one row each plus the mean.
    /// The Qwen2.5-0.5B shape: save, load (time, memory) and sampling at `batches` (32 new tokens; 4 when quick).
    /// The checkpoint stays in $TMPDIR/verity-bench-qwen05 for bench/torch_reference.py --qwen05.
    static func qwen05(quick: Bool, batches: [Int], progress: (String) -> Void,
                       isCancelled: @escaping @Sendable () -> Bool) throws -> CommandOutput {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verity-bench-qwen05")
        let report = try domain("bench") {
            try runHFShapeBenchmark(directory: dir, newTokens: quick ? 4 : 32, batches: batches, progress: progress, isCancelled: isCancelled)
        }
        var table = Table(columns: [Table.Column("measure"), Table.Column("value", .right)])
        table.append(["parameters", "\(report.parameters)"])
        table.append(["save (fp32 safetensors)", Format.fixed(report.saveSeconds, 1) + " s"])
        table.append(["load", Format.fixed(report.loadSeconds, 1) + " s"])
        table.append(["resident memory added by the load", "\(report.loadResidentBytes >> 20) MiB"])
        table.append(["peak resident memory (whole run)", "\(report.peakResidentBytes >> 20) MiB"])
        for b in batches { table.append(["sampling B=\(b), \(report.newTokens) new tokens", (report.sampling[b].map { Format.fixed($0, 1) } ?? "-") + " tok/s"]) }
        var output = CommandOutput.line("Qwen2.5-0.5B shape, random weights, checkpoint at \(report.directory) "
                                        + "(python3 bench/torch_reference.py --qwen05 \(report.directory) measures transformers on it)")
        output.append(.table(table))
        return output
    }

    static func grpo(quick: Bool, progress: (String) -> Void,
                     isCancelled: @escaping @Sendable () -> Bool) throws -> CommandOutput {
        let timings = try domain("bench") { try ThinkingPays.timeGRPO(steps: quick ? 1 : 3, isCancelled: isCancelled) }
        var table = Table(columns: [Table.Column("GRPO step"), Table.Column("sampling s", .right),
                                    Table.Column("training s", .right), Table.Column("total s", .right),
                                    Table.Column("mean length", .right), Table.Column("sample tok/s", .right)])
        func row(_ name: String, _ t: GRPOStepTiming) -> [String] {
            [name, Format.fixed(t.samplingSeconds, 3), Format.fixed(t.trainingSeconds, 3),
             Format.fixed(t.samplingSeconds + t.trainingSeconds, 3), Format.fixed(t.meanLength, 1),
             Format.fixed(t.samplingTokensPerSecond, 0)]
        }
        for (i, t) in timings.enumerated() {
            table.append(row("\(i + 1)", t))
            progress("grpo step \(i + 1): sampling \(Format.fixed(t.samplingSeconds, 3)) s, training \(Format.fixed(t.trainingSeconds, 3)) s")
        }
        let n = Double(timings.count)
        func mean(_ key: (GRPOStepTiming) -> Double) -> Double { timings.map(key).reduce(0, +) / n }
        table.append(row("mean", GRPOStepTiming(samplingSeconds: mean(\.samplingSeconds), trainingSeconds: mean(\.trainingSeconds),
                                                meanLength: mean(\.meanLength), samplingTokensPerSecond: mean(\.samplingTokensPerSecond))))
        var output = CommandOutput.table(table)
        output.append(.line("16 prompts × 8 samples at T=1, 0.78M model (fresh weights, all 128 rows trained: an upper bound on "
                            + "the recipe's update); reference: 0.35 s sampling + 0.3 s update" + (quick ? " (quick mode: indicative only)" : "")))
        return output
    }
}
