// search — step-level beam search guided by the value model (a PPO critic) or by the process
// verifier, at one or several beam widths: accuracy with a bootstrap band and the search's token
// cost per problem (pruned candidates included). Each width's point joins the session's scaling
// points, so 'plot scaling x=tokens' draws it beside pass@k and majority vote; the last width's
// chosen completions are kept as run as=NAME for accuracy(NAME), tokens(NAME) and 'compare'.
import Evaluation
import Foundation
import Kernels
import Models
import Tasks

extension CommandDefinition {
    /// `search widths=1,2,4 expand=4 scorer=value|process problems=100 temperature=1 max_tokens=40 as=NAME`
    static let search = CommandDefinition(CommandDeclaration(
        name: "search",
        summary: "value-guided beam search: search widths=1,2,4 expand=4 scorer=value problems=100",
        help: "For each problem, keeps `width` partial completions: each is extended by `expand` sampled steps (a step ends at a "
            + "space or </think>, the arithmetic worked form's step boundary, or at the end), every candidate is scored, and the "
            + "best `width` survive; finished ones leave the beam, and the best-scored finished completion is the answer. "
            + "scorer=value uses the value model ('value load', or the critic of the current 'rl algo=ppo' run); scorer=process "
            + "uses the step verifier (1 until the first wrong worked step; it knows the canonical steps, so it is an oracle "
            + "for steps, not answers). Width 1 with expand=1 at temperature 0 is greedy decoding. Prints accuracy with a 95% "
            + "bootstrap band and tokens per problem (every sampled token counts); adds one point per width to the scaling "
            + "points ('plot scaling x=tokens'), and keeps the last width's answers as run as=NAME. method=best-first is a "
            + "tree search instead: the best-scored unfinished node anywhere is expanded next, `width` expansions per problem.",
        keys: [
            ArgumentSpec("method", .choice(["beam", "best-first"]), default: .choice("beam"),
                         help: "beam search, or best-first tree search (then widths are expansion budgets per problem)"),
            ArgumentSpec("widths", .intList, bounds: 1...256, help: "beam widths b to run (default 4); for best-first, expansions per problem"),
            ArgumentSpec("expand", .int, default: .int(4), bounds: 1...256, help: "candidate steps sampled per live beam (m)"),
            ArgumentSpec("scorer", .choice(["value", "process"]), default: .choice("value"), help: "what ranks partial completions"),
            ArgumentSpec("problems", .int, default: .int(100), bounds: 1...1_000_000, help: "problems of the split"),
            .split(default: .test, help: "which split"),
            SamplingKeys.temperature.spec(help: "sampling temperature of the steps"),
            SamplingKeys.maxTokens.spec,
            ArgumentSpec("as", .string, default: .string("search"), help: "the name the last width's answers are kept under"),
            ArgumentSpec("label", .string, help: "the curve's name among the scaling points (default: beam-value or beam-process)"),
        ],
        examples: ["search method=beam widths=1 expand=1 scorer=process problems=2 split=test temperature=0 max_tokens=8 as=example-search label=\"greedy steps\""]
    )) { invocation, session in
        let strategy = SearchStrategy(rawValue: try invocation.string(defaulted: "method")) ?? .beam
        let widths = Array(Set(try invocation.ints("widths") ?? [4])).sorted()
        let expand = try invocation.int(defaulted: "expand")
        let byValue = try invocation.string("scorer") != "process"
        let count = try invocation.int(defaulted: "problems")
        let split = try invocation.split()
        let options = try SamplingKeys.options(invocation)
        let name = try EvalArguments.runName(invocation)
        let method = try invocation.string("label") ?? ((strategy == .beam ? "beam" : "best-first") + (byValue ? "-value" : "-process"))
        guard !method.isEmpty, !method.contains("\t"), !method.contains("\n") else {
            throw CommandError("search: label='\(method)' — give a name without tabs or line breaks", kind: .usage)
        }

        let dataset = try session.requireDataset(for: "search")
        let model = try session.requireLocalModel(for: "search")
        let problems = try dataset.firstProblems(count, of: split, for: "search")
        let scorer: any PrefixScorer
        var lines: [String] = []
        if byValue {
            let (value, source) = try session.requireValue(for: "search")
            guard value.tokenizer.vocabularySize == model.tokenizer.vocabularySize else {
                throw CommandError("search: the value model reads \(value.tokenizer.vocabularySize) token ids but the model's tokenizer has "
                                   + "\(model.tokenizer.vocabularySize) — use a value model made for this policy")
            }
            scorer = ValuePrefixScorer(value: value)
            lines.append("scorer: \(source)")
        } else {
            scorer = ProcessPrefixScorer(tokenizer: model.tokenizer)
            lines.append("scorer: the step verifier (oracle for worked steps)")
        }
        var stepEnds: [[Int]] = []
        if let space = try? model.tokenizer.encode(" "), space.count == 1 { stepEnds.append(space) }
        if let end = model.tokenizer.special.thinkEnd { stepEnds.append([end]) }
        let seed = session.commandSeed()
        let cancelled = session.cancellationRequested

        var points: [SweepPoint] = []
        var table = Table(columns: [Table.Column(strategy == .beam ? "width" : "expansions", .right), Table.Column("expand", .right), Table.Column("accuracy", .right),
                                    Table.Column("band (95%)", .right), Table.Column("tokens/problem", .right),
                                    Table.Column("steps", .right)])
        var lastOutcomes: [SearchOutcome] = []
        let started = Date()
        let progress = session.progress("search", total: widths.count * problems.count)
        defer { progress.finish() }
        for (w, width) in widths.enumerated() {
            let config = BeamSearchConfig(strategy: strategy, width: width, expand: expand, sampling: options,
                                          stepEnds: stepEnds)
            let outcomes = try evaluationCall("search") {
                try beamSearch(policy: model.transformer, tokenizer: model.tokenizer, dataset: dataset, problems: problems,
                               scorer: scorer, config: config, seed: seed, isCancelled: { cancelled() })
            }
            progress.update((w + 1) * problems.count)
            var rng = RNG(seed: seed &+ UInt64(width))
            let point = try evaluationCall("search") { try searchPoint(outcomes, method: method, width: width, using: &rng) }
            points.append(point)
            let steps = Double(outcomes.reduce(0) { $0 + $1.steps }) / Double(outcomes.count)
            let precision = session.settings.precision
            table.append([String(width), String(expand), Format.fixed(point.accuracy, precision),
                          Format.fixed(point.low, precision) + "–" + Format.fixed(point.high, precision),
                          Format.fixed(point.meanTokens, 1), Format.fixed(steps, 1)])
            lastOutcomes = outcomes
        }
        let run = try evaluationCall("search") {
            try searchRun(lastOutcomes, problems: problems, generatorName: model.name + " +" + method, dataset: dataset,
                          options: options, seed: seed)
        }
        var runs = session[EvaluationRunsSlot.self] ?? EvaluationRuns()
        runs.store(StoredRun(name: name, run: run, dataset: dataset, split: split, model: modelFingerprint(.local(model))))
        session[EvaluationRunsSlot.self] = runs
        // The points join the current curves (an earlier search's points of this method are replaced).
        session[SweepSlot.self] = (session[SweepSlot.self] ?? []).filter { $0.method != method } + points
        var output = CommandOutput.lines(lines)
        output.append(.table(table))
        output.append(.line("\(method) on \(problems.count) problems in \(Format.duration(Date().timeIntervalSince(started))); "
                            + "run '\(name)' holds width \(widths.last ?? 0)'s answers"))
        return output
    }
}
