// The `verity` executable: the command line (swift-argument-parser). `verity` alone opens the REPL
// (or runs piped stdin as a script); `verity run FILE` replays a notebook; `verity bench` will run
// the engine benchmark.
import ArgumentParser
import Foundation
import Notebook

/// The root command: the REPL.
@main
struct VerityCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verity",
        abstract: "A notebook-style REPL for reasoning training with verifiable rewards and inference-time scaling.",
        discussion: "Without a subcommand, opens the interactive prompt (or runs stdin as a script when it is not a terminal).",
        version: VerityVersion.string,
        subcommands: [RunNotebook.self, Bench.self, Serve.self])

    @Option(name: .long, help: "The session seed.")
    var seed: UInt64 = 1

    mutating func run() throws {
        let status = REPL(session: Terminal.makeSession(seed: seed)).start()
        if status != 0 { throw ExitCode(status) }
    }
}

/// The version printed by `verity --version`.
enum VerityVersion {
    static let string = "0.1.0"
}

/// `verity bench` — wired to the engine benchmark when the engine lands.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the engine (matrix products, training steps, sampling).")

    mutating func run() throws {
        print("verity bench: the benchmark lands with the engine (Kernels and Models); nothing to measure yet.")
    }
}
