// scale — the inference-time scaling sweep. Along the samples axis every method × k comes from ONE
// set of samples per problem (the latest eval run when it has enough samples with the same options,
// else a fresh generation); along the thinking axis (budgets= and/or waits=) it generates once per
// setting and sweeps each. Prints the points, keeps them for `plot scaling`, optionally writes the
// TSV and draws the plot.
import Evaluation
import Foundation
import Models
import Plotting
import Tasks

extension CommandDefinition {
    /// `scale n=64 ks=… methods=pass,maj budgets=… waits=… problems=100 x=samples to=… tsv=…`
    static let scale = CommandDefinition(CommandDeclaration(
        name: "scale",
        summary: "accuracy vs. samples or thinking budget: scale n=64 methods=pass,maj to=plots/scaling.png",
        help: "Computes accuracy for every method × k (ks, default 1, 2, 4, … n) from one set of n samples per "
            + "problem: the run run=NAME (default: the latest eval) is reused when it has at least max(ks) samples (any number "
            + "when neither n= nor ks= is typed: then ks run up to its n), "
            + "the same temperature and max_tokens; otherwise n samples of the first `problems` problems "
            + "are generated. With budgets= and/or waits= it generates once per thinking setting instead. Methods: "
            + "pass (pass@k), maj (majority vote), best and maj-score (need a verifier: 'verifier train' first; or "
            + "scorer=value: the value model's estimate of each final state, e.g. a PPO critic), "
            + "maj-prob, best-logprob. Bands are 95% bootstrap intervals over problems. The points go to 'plot "
            + "scaling'; tsv=PATH writes them, to=PATH draws the plot (x=samples|tokens).",
        keys: [
            ArgumentSpec("n", .int, default: .int(64), bounds: 1...4096, help: "samples per problem when generating"),
            ArgumentSpec("ks", .intList, bounds: 1...4096, help: "sample counts k to report (default 1, 2, 4, … n)"),
            ArgumentSpec("methods", .stringList, default: .stringList(["pass", "maj"]),
                         help: "pass, maj, best, maj-score, maj-prob, best-logprob"),
            ArgumentSpec("budgets", .intList, bounds: 0...1_000_000, help: "thinking budgets to sweep (one generation each)"),
            ArgumentSpec("waits", .intList, bounds: 0...64, help: "'Wait' extension counts to sweep (one generation each)"),
            ArgumentSpec("problems", .int, default: .int(100), bounds: 1...1_000_000, help: "problems of the split"),
            .split(default: .test, help: "which split"),
            ArgumentSpec("scorer", .choice(["verifier", "value"]), default: .choice("verifier"),
                         help: "what ranks samples for best and maj-score: the outcome verifier, or the value model (a PPO critic: 'value load')"),
            ArgumentSpec("overlap", .choice(["refuse", "allow"]), default: .choice("refuse"),
                         help: "verifier methods on problems the verifier was trained on: refuse, or allow with a warning"),
            ArgumentSpec("run", .string, help: "the eval run to reuse, with its temperature and max_tokens unless typed (default: the latest fitting run)"),
            SamplingKeys.temperature.spec(help: "sampling temperature when generating"),
            SamplingKeys.maxTokens.spec,
            ArgumentSpec("x", .choice(["samples", "tokens", "budget"]), default: .choice("samples"),
                         help: "the plot's x axis: samples k, mean tokens, or the thinking budget (accuracy at each k across budgets)"),
            ArgumentSpec("to", .path, help: "draw the plot to this image (.png or .svg)"),
            ArgumentSpec("tsv", .path, help: "write the points to this TSV file"),
            ArgumentSpec("label", .string, help: "name these curves \"LABEL: method\" (e.g. the model or the mode they measure)"),
            ArgumentSpec("add", .bool, default: .bool(false),
                         help: "add the points to the session's sweep (replacing curves of the same name) instead of starting a new one, "
                             + "so that 'plot scaling' draws several scales together"),
        ],
        examples: ["scale n=2 ks=1,2 methods=pass,maj problems=2 split=test run=example temperature=1 max_tokens=8 x=tokens "
                   + "tsv=/tmp/verity-example-scale.tsv",
                   "scale n=2 budgets=0,2 waits=0 problems=2 to=/tmp/verity-example-scale.png label=\"think mode\" add=true"]
    )) { invocation, session in
        let nGiven = try invocation.int(defaulted: "n")
        let ksGiven = try invocation.ints("ks")
        let methodNames = try invocation.strings("methods") ?? ["pass", "maj"]
        let budgets = try invocation.ints("budgets")
        let waits = try invocation.ints("waits")
        let count = try invocation.int(defaulted: "problems")
        let split = try invocation.split()
        let runName = try invocation.string("run")
        var options = try SamplingKeys.options(invocation)
        let axis = ScalingAxis(rawValue: try invocation.string(defaulted: "x")) ?? .samples
        let to = try invocation.string("to")
        let tsv = try invocation.outputPath("tsv", session)
        let label = try invocation.string("label")
        let add = try invocation.bool(defaulted: "add")
        if let label, label.isEmpty || label.contains(where: { $0 == "\t" || $0.isNewline }) {
            throw CommandError("scale: label='\(label)' — give a name without tabs or line breaks", kind: .usage)
        }
        if axis == .budget, budgets == nil {
            throw CommandError("scale: x=budget plots accuracy across thinking budgets — add budgets=0,8,16,… or use x=samples or x=tokens", kind: .usage)
        }

        let methods = try ScaleSweep.methods(methodNames)
        // n defaults to the largest k typed (no point sampling more), else 64.
        let n = invocation.isGiven("n") ? nGiven : (ksGiven?.max() ?? nGiven)
        let ks = ksGiven.map { Array(Set($0)).sorted() } ?? coverageKs(upTo: n)
        if let largest = ks.last, largest > n {
            throw CommandError("scale: ks go up to \(largest) but n=\(n) — sample at least as many as the largest k")
        }
        try PlotDrawing.checkNotOverwritten(tsv.map { [$0] } ?? [], by: to)
        // run=NAME takes that run's sampling settings unless they are typed: the sweep is about its samples.
        if let runName, budgets == nil, waits == nil {
            let named = try session.requireRun(runName, for: "scale").run.options
            if !invocation.isGiven("temperature") { options.temperature = named.temperature }
            if !invocation.isGiven("max_tokens") { options.maxNewTokens = named.maxNewTokens }
        }
        let needsScores = methods.contains { $0 == .best || $0 == .majScore }
        let byValue = try invocation.string("scorer") == "value"
        let verifier = needsScores && !byValue ? try ScaleSweep.verifier(for: methods, session: session) : nil
        let value = needsScores && byValue ? try session.requireValue(for: "scale") : nil
        if value != nil, budgets != nil || waits != nil {
            throw CommandError("scale: scorer=value scores the samples axis only — drop budgets=/waits=, or use scorer=verifier", kind: .usage)
        }
        let allowOverlap = try invocation.string("overlap") == "allow"

        let started = Date()
        var lines: [String] = []
        var points: [SweepPoint]
        // What the figure shows, for its title: model, task, samples per problem, temperature.
        var subject = ""
        if budgets != nil || waits != nil {
            let dataset = try session.requireDataset(for: "scale")
            let problems = try dataset.firstProblems(count, of: split, for: "scale")
            let generator = try evaluationGenerator(try session.requireModel(for: "scale"))
            if let verifier, let warning = try verifier.checkTrainingOverlap(problems, dataset: dataset, runName: "scale",
                                                                             allow: allowOverlap, command: "scale") {
                lines.append(warning)
            }
            let settings = thinkingGrid(budgets: budgets.map { $0.map { Optional($0) } } ?? [nil], waits: waits ?? [0])
            try EvalArguments.checkSampleMemory(problems: problems.count, samples: n, maxTokens: options.maxNewTokens,
                                                settings: settings.count, command: "scale")
            let samples = n
            points = try ScaleSweep.thinking(generator: generator, dataset: dataset, problems: problems, samples: samples,
                                             settings: settings, options: options, methods: methods, ks: ks,
                                             verifier: verifier, session: session)
            subject = ScaleSweep.subject(model: generator.name, task: dataset.name, n: samples, temperature: options.temperature)
            lines.append("generated \(settings.count) setting\(settings.count == 1 ? "" : "s") × \(problems.count) problems "
                         + "× \(samples) samples on \(generator.name)")
        } else {
            // With neither n= nor ks= typed, a fitting eval run is reused with its own n (ks 1, 2, 4, … n).
            let flexible = !invocation.isGiven("n") && ksGiven == nil
            let source = try ScaleSweep.samplesRun(runName: runName, n: n, ks: flexible ? nil : ks, count: count,
                                                   split: split, options: options, session: session)
            lines.append(source.note)
            var run = source.stored.run
            subject = ScaleSweep.subject(model: source.stored.model.split(separator: " ").dropFirst().first.map(String.init) ?? "",
                                         task: source.stored.dataset.name, n: run.samplesPerProblem, temperature: run.options.temperature)
            if let verifier {
                if let warning = try verifier.checkTrainingOverlap(run.problems, dataset: source.stored.dataset,
                                                                    runName: source.stored.name, allow: allowOverlap, command: "scale") {
                    lines.append(warning)
                }
                run = try evaluationCall("scale") { try verifier.verifier.score(run, dataset: source.stored.dataset) }
                var updated = source.stored
                updated.run = run
                if source.reused { session.updateRun(updated) }
            }
            if let value {
                lines.append("scores: \(value.source)'s value of each final state")
                run = try evaluationCall("scale") { try value.value.score(run, dataset: source.stored.dataset) }
                var updated = source.stored
                updated.run = run
                if source.reused { session.updateRun(updated) }
            }
            let sweepKs = flexible ? coverageKs(upTo: run.samplesPerProblem) : ks
            guard let largest = sweepKs.last, largest <= run.samplesPerProblem else {
                throw CommandError("scale: k up to \(sweepKs.last ?? 0) but the run has \(run.samplesPerProblem) samples per problem")
            }
            let seed = session.commandSeed()
            points = try evaluationCall("scale") { try samplesSweep(run, methods: methods, ks: sweepKs, seed: seed) }
        }
        if let label {
            points = points.map { var p = $0; p.method = "\(label): \(scalingMethodLabel(p.method))"; return p }
        }
        if add {
            let names = Set(points.map(\.method))
            session[SweepSlot.self] = (session[SweepSlot.self] ?? []).filter { !names.contains($0.method) } + points
        } else {
            session[SweepSlot.self] = points
        }
        var output = CommandOutput.lines(lines)
        output.append(.table(ScaleSweep.table(points, precision: session.settings.precision)))
        if let tsv {
            try evaluationCall("scale") { try writeSweepTSV(points, to: URL(fileURLWithPath: tsv)) }
            output.append(.line("wrote \(try invocation.string("tsv") ?? tsv) (\(points.count) points)"))
        }
        if let to {
            let series = try scalingSeries(points, axis: axis, prefix: nil)
            let plot = try evaluationCall("scale") {
                try Plot.scaling(series, title: "accuracy vs. \(axis.rawValue): \(subject)",
                                 xLabel: axis.label,
                                 log2X: series.allSatisfy { $0.x.allSatisfy { $0 > 0 } })
            }
            output.append(try PlotDrawing.draw(plot, to: to, ascii: false, session: session))
        }
        output.append(.line("time \(Format.duration(Date().timeIntervalSince(started)))"))
        return output
    }
}

extension ScaleSweep {
    /// `2x64+rl40 on add-d2, n=32, T=1` — what a scaling figure is about, for its title.
    static func subject(model: String, task: String, n: Int, temperature: Float) -> String {
        "\(model) on \(task), n=\(n), T=\(String(format: "%g", Double(temperature)))"
    }
}
