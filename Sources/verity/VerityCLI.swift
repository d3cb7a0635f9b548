// The `verity` executable: the command line (swift-argument-parser). `verity` alone opens the REPL
// (or runs piped stdin as a script); `verity run FILE` replays a notebook; `verity bench` runs
// the engine benchmark.
import ArgumentParser
import Kernels
import Foundation
import CSupport
import Notebook

/// The root command: the REPL.
@main
struct VerityCLI: ParsableCommand {
    /// Checks that this CPU runs the numeric modules' build target before anything uses them.
    static func main() {
        #if VERITY_TARGET_HASWELL
        if verity_cpu_runs_haswell_code() == 0 {
            FileHandle.standardError.write(Data(("error: this build of verity uses AVX2 and FMA (-target-cpu haswell), which "
                + "this CPU lacks. Rebuild for it: rm -rf .build && VERITY_TARGET_CPU=x86-64 make run\n").utf8))
            Foundation.exit(1)
        }
        #endif
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "verity",
        abstract: "A notebook-style REPL for reasoning training with verifiable rewards and inference-time scaling.",
        discussion: "Without a subcommand, opens the interactive prompt (or runs stdin as a script when it is not a terminal).",
        version: VerityVersion.string,
        subcommands: [RunNotebook.self, Bench.self, Serve.self, Fuzz.self])

    @Option(name: .long, help: "The session seed.")
    var seed: UInt64 = 1

    mutating func run() throws {
        let session = Terminal.makeSession(seed: seed)
        // Interactive tables use the terminal's width ('set width=' overrides it); notebook replays
        // keep the fixed default so their outputs are the same bytes everywhere.
        session.terminalColumns = Terminal.terminalColumns
        let status = REPL(session: session).start()
        if status != 0 { throw ExitCode(status) }
    }
}

/// The version printed by `verity --version`: the release, then the arithmetic this machine runs
/// (two machines replay a notebook to the same bytes exactly when that fingerprint matches).
enum VerityVersion {
    static let release = "0.1.0"
    static var string: String { "\(release)\n\(Arithmetic.description)" }
}

/// `verity bench` — the engine benchmark: training and sampling throughput, sgemm GFLOP/s.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the engine (matrix products, training steps, sampling). Use a release build.")

    @Option(name: .long, help: "Which shapes: tiny, small, s15m, all, or grpo (the recipe's GRPO step).")
    var config: String = "all"

    @Flag(name: .long, help: "Short sequences and one timed step (indicative figures, for CI).")
    var quick = false

    @Option(name: .long, help: "Timed training steps per shape (default 3; 0 skips training).")
    var steps: Int?

    @Option(name: .long, help: "Sampling batch sizes, comma-separated (default 1,16,64; 'none' skips sampling).")
    var batches: String?

    @Flag(name: .long, help: "Time GRPO steps of the Thinking-pays recipe, split into sampling and training (same as --config grpo).")
    var grpo = false

    mutating func validate() throws {
        guard EngineBenchmark.configurations.contains(config) else {
            throw ValidationError("--config must be one of \(EngineBenchmark.configurations.joined(separator: ", ")), got '\(config)'")
        }
        if let steps, steps < 0 || steps > 10_000 { throw ValidationError("--steps must be in 0...10000, got \(steps)") }
        if batches != nil, parsedBatches == nil {
            throw ValidationError("--batches must be 'none' or comma-separated sizes in 1...4096, got '\(batches ?? "")'")
        }
    }

    /// `--batches` as sizes: nil when absent or malformed, [] for "none".
    var parsedBatches: [Int]? {
        guard let batches else { return nil }
        if batches == "none" { return [] }
        let sizes = batches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 4096 }) else { return nil }
        return sizes.compactMap { $0 }
    }

    mutating func run() throws {
        do {
            let output = try EngineBenchmark.run(config: grpo ? "grpo" : config, quick: quick, steps: steps,
                                                    batches: parsedBatches, progress: { line in
                FileHandle.standardError.write(Data(("  " + line + "\n").utf8))
            })
            print(output.renderedLines(width: 120).joined(separator: "\n"))
        } catch let error as CommandError {
            FileHandle.standardError.write(Data(("error: " + error.message + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
