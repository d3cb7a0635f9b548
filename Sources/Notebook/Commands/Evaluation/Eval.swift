// eval — evaluates the session model (local or a connected server) on a split of the current data
// set: accuracy (greedy when n = 1 at temperature 0), pass@k and maj@k for k = 1, 2, 4, … n in one
// table, token accounting, format failures and finish reasons. The run is kept under `as=NAME`
// (default `last`) for `show samples`, `scale`, `verifier` and `compare`.
import Kernels
import Evaluation
import Foundation
import Models
import Tasks

extension CommandDefinition {
    /// `eval split=test problems=500 n=1 temperature=0 max_tokens=… budget=… waits=… as=NAME`
    static let eval = CommandDefinition(CommandDeclaration(
        name: "eval",
        summary: "evaluate the model on held-out problems: eval n=1 (greedy) or eval n=16 temperature=1",
        help: "Samples n completions for each of the first `problems` problems of the split and scores them with the "
            + "data set's extractor and comparison. Prints accuracy (greedy accuracy when n=1 at temperature 0, else "
            + "the mean share of correct samples), pass@k and maj@k for k = 1, 2, 4, … n, tokens per sample and per "
            + "problem (thinking, answer, generated, prompt), format failures and finish reasons. Without "
            + "temperature=, n=1 decodes greedily and n>1 uses the session temperature. The run is kept as "
            + "as=NAME (default last) for 'show samples', 'scale', 'verifier' and 'compare'.",
        keys: [
            .split(default: .test, help: "which split to evaluate"),
            ArgumentSpec("problems", .int, default: .int(500), bounds: 1...1_000_000,
                         help: "evaluate the first N problems of the split (all when it has fewer)"),
            ArgumentSpec("n", .int, default: .int(1), bounds: 1...4096, help: "samples per problem"),
            SamplingKeys.temperature.spec(help: "sampling temperature (default: 0 when n=1, else the setting)"),
            SamplingKeys.topP.spec, SamplingKeys.topK.spec, SamplingKeys.maxTokens.spec, SamplingKeys.budget.spec, SamplingKeys.waits.spec,
            ArgumentSpec("as", .string, default: .string("last"), help: "the name the run is kept under"),
        ],
        examples: ["eval split=test problems=3 n=2 temperature=1 top_p=1 top_k=0 max_tokens=8 budget=4 waits=0 as=example"]
    )) { invocation, session in
        let split = try invocation.split()
        let count = try invocation.int(defaulted: "problems")
        let n = try invocation.int(defaulted: "n")
        let options = try EvalArguments.options(invocation, greedyWhenSingle: n == 1)
        let name = try EvalArguments.runName(invocation)

        let dataset = try session.requireDataset(for: "eval")
        let model = try session.requireModel(for: "eval")
        let problems = try dataset.firstProblems(count, of: split, for: "eval")
        try EvalArguments.checkSampleMemory(problems: problems.count, samples: n, maxTokens: options.maxNewTokens, command: "eval")
        let generator = try evaluationGenerator(model)
        let seed = session.commandSeed()
        let started = Date()
        let progress = session.progress("eval", total: problems.count)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let run = try evaluationCall("eval") {
            try evaluate(generator: generator, dataset: dataset, problems: problems, samples: n, options: options,
                         seed: seed, isCancelled: { cancelled() }, progress: { done, _ in progress.update(done) })
        }
        let summary = try evaluationCall("eval") { try summarize(run) }
        var runs = session[EvaluationRunsSlot.self] ?? EvaluationRuns()
        runs.store(StoredRun(name: name, run: run, dataset: dataset, split: split, model: modelFingerprint(model)))
        session[EvaluationRunsSlot.self] = runs
        return EvalView.render(summary, run: run, name: name, split: split, seconds: Date().timeIntervalSince(started),
                               precision: session.settings.precision)
    }
}

/// Argument handling shared by `eval` and `scale`.
enum EvalArguments {
    /// Sampling options from the sampling keys. When `greedyWhenSingle` and no temperature is typed,
    /// decoding is greedy (a single sample at the session temperature would be a noisy accuracy).
    static func options(_ invocation: Invocation, greedyWhenSingle: Bool) throws -> GenerationOptions {
        var options = try SamplingKeys.options(invocation)
        if greedyWhenSingle && !invocation.isGiven("temperature") { options.temperature = 0 }
        return options
    }

    /// The `as=` name, checked to be a usable word.
    static func runName(_ invocation: Invocation) throws -> String {
        let name = try invocation.string(defaulted: "as")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw CommandError("\(invocation.declaration.fullName): as='\(name)' — name runs with letters, digits, '-', '_' or '.'")
        }
        return name
    }

    /// Refuses a run whose samples would not fit in memory: each sample keeps its token ids, text
    /// and per-token values (about 16 bytes a token) plus about 512 bytes of bookkeeping.
    static func checkSampleMemory(problems: Int, samples: Int, maxTokens: Int, settings: Int = 1, command: String) throws {
        let perSample = MemoryBudget.sum(MemoryBudget.product(maxTokens, 16), 512)
        let bytes = perSample.flatMap { MemoryBudget.product(problems, samples, settings, $0) }
        try domain(command) {
            try MemoryBudget.check(bytes, for: "\(problems) problems × \(samples) samples\(settings > 1 ? " × \(settings) settings" : "") of up to \(maxTokens) tokens",
                                   advice: "use fewer problems=, a smaller n= or a lower max_tokens=")
        }
    }
}

/// The report `eval` prints.
enum EvalView {
    static func render(_ summary: RunSummary, run: EvaluationRun, name: String, split: Split, seconds: Double,
                       precision: Int) -> CommandOutput {
        let p = precision
        let mode = summary.greedy ? (summary.samplesPerProblem == 1 ? "greedy" : "temperature 0")
            : "temperature \(Format.compact(Double(run.options.temperature)))"
        var output = CommandOutput.lines([
            "run '\(name)': \(run.generatorName) on \(run.datasetName) \(split), \(summary.problems) problems × "
                + "\(summary.samplesPerProblem) sample\(summary.samplesPerProblem == 1 ? "" : "s") (\(mode))",
            "accuracy \(Format.fixed(summary.accuracy, p))"
                + (summary.greedy && summary.samplesPerProblem == 1 ? " (greedy)" : " (mean share of correct samples)"),
        ])
        var table = Table(columns: [Table.Column("k", .right), Table.Column("pass@k", .right), Table.Column("maj@k", .right)])
        for (pass, maj) in zip(summary.passAtK, summary.majAtK) {
            table.append(["\(pass.k)", Format.fixed(pass.value, p), Format.fixed(maj.value, p)])
        }
        output.append(.table(table))
        var tokens = Table(columns: [Table.Column("tokens"), Table.Column("thinking", .right), Table.Column("answer", .right),
                                     Table.Column("generated", .right), Table.Column("prompt", .right)])
        for (label, cost) in [("per sample", summary.perSample), ("per problem", summary.perProblem)] {
            tokens.append([label, Format.fixed(cost.thinking, 1), Format.fixed(cost.answer, 1), Format.fixed(cost.generated, 1),
                           cost.prompt.map { Format.fixed($0, 1) } ?? "-"])
        }
        output.append(.table(tokens))
        let finish = summary.finishReasons
        output.append(.lines([
            "format failures \(summary.formatFailures) (\(Format.fixed(summary.formatFailureRate, p)))",
            "finish: stop \(finish.stop), stop_string \(finish.stopString), length \(finish.length)",
            "time \(Format.duration(seconds))",
        ]))
        return output
    }
}
