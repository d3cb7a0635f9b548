// ScaleSweep — the pieces behind `scale`: parsing method names, finding a verifier for score-based
// methods, choosing between reusing an eval run and generating fresh samples, the thinking-budget
// loop (one generation per setting, scored by the verifier when a method needs it) and the table.
import Evaluation
import Foundation
import Kernels
import Models
import Tasks

enum ScaleSweep {
    /// Method names as `ScalingMethod`s, or an error listing the valid names.
    static func methods(_ names: [String]) throws -> [ScalingMethod] {
        let valid = ScalingMethod.allCases.map(\.rawValue)
        var methods: [ScalingMethod] = []
        for name in names {
            guard let method = ScalingMethod(rawValue: name) else {
                var message = "scale: unknown method '\(name)'"
                if let near = Suggestions.nearest(to: name, among: valid) { message += " — did you mean '\(near)'?" }
                throw CommandError(message + " (methods: \(valid.joined(separator: ", ")))", kind: .usage)
            }
            if !methods.contains(method) { methods.append(method) }
        }
        guard !methods.isEmpty else { throw CommandError("scale: give at least one method, e.g. methods=pass,maj", kind: .usage) }
        return methods
    }

    /// The session verifier when a score-based method asks for one, with advice when there is none.
    static func verifier(for methods: [ScalingMethod], session: Session) throws -> LoadedVerifier {
        let names = methods.filter { $0 == .best || $0 == .majScore }.map(\.rawValue).joined(separator: ", ")
        guard let loaded = session[VerifierSlot.self] else {
            throw CommandError("scale: methods \(names) rank samples by a verifier's score, and there is none — run "
                               + "'verifier train' (after an 'eval n=…' with correct and wrong samples) or 'verifier load PATH' first")
        }
        return loaded
    }

    /// Where the samples of a samples-axis sweep come from, and a line saying which.
    struct Source {
        var stored: StoredRun
        var reused: Bool
        var note: String
    }

    /// Reuses the named (or latest) eval run when it fits — at least max(`ks`) samples per problem (nil: any), the same
    /// temperature and max tokens, no thinking budget or waits, the same model weights and data set —
    /// else generates `n` samples of the first `count` problems and keeps them as run `scale`.
    static func samplesRun(runName: String?, n: Int, ks: [Int]?, count: Int, split: Split, options: GenerationOptions,
                           session: Session) throws -> Source {
        let runs = session[EvaluationRunsSlot.self] ?? EvaluationRuns()
        if runName != nil || runs.latest != nil {
            let candidate = try session.requireRun(runName, for: "scale")
            let run = candidate.run
            var misfits: [String] = []
            let needed = ks?.last ?? 1
            if run.samplesPerProblem < needed { misfits.append("it has \(run.samplesPerProblem) samples per problem, k goes to \(needed)") }
            if run.options.temperature != options.temperature {
                misfits.append("it was sampled at temperature \(Format.compact(Double(run.options.temperature))), not \(Format.compact(Double(options.temperature)))")
            }
            if run.options.maxNewTokens != options.maxNewTokens {
                misfits.append("max_tokens \(run.options.maxNewTokens), not \(options.maxNewTokens)")
            }
            if run.options.thinkingBudget != nil || run.options.waitExtensions != 0 { misfits.append("it used a thinking budget or waits") }
            if let model = session[ModelSlot.self], modelFingerprint(model) != candidate.model {
                misfits.append("the model has changed since it was sampled")
            }
            if let dataset = session[DatasetSlot.self], dataset.name != candidate.dataset.name || dataset.test != candidate.dataset.test {
                misfits.append("the data set has changed since")
            }
            if misfits.isEmpty {
                return Source(stored: candidate, reused: true,
                              note: "reusing run '\(candidate.name)': \(run.problems.count) problems × \(run.samplesPerProblem) samples")
            }
            if runName != nil {
                throw CommandError("scale: run '\(candidate.name)' does not fit — " + misfits.joined(separator: "; ")
                                   + " — drop run= to generate fresh samples, or re-run 'eval' to match")
            }
        }
        let dataset = try session.requireDataset(for: "scale")
        let model = try session.requireModel(for: "scale")
        let problems = try dataset.firstProblems(count, of: split, for: "scale")
        try EvalArguments.checkSampleMemory(problems: problems.count, samples: n, maxTokens: options.maxNewTokens, command: "scale")
        let generator = try evaluationGenerator(model)
        let seed = session.commandSeed()
        let progress = session.progress("scale", total: problems.count)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        let run = try evaluationCall("scale") {
            try evaluate(generator: generator, dataset: dataset, problems: problems, samples: n, options: options, seed: seed,
                         isCancelled: { cancelled() }, progress: { done, _ in progress.update(done) })
        }
        let stored = StoredRun(name: "scale", run: run, dataset: dataset, split: split, model: modelFingerprint(model))
        var updated = session[EvaluationRunsSlot.self] ?? EvaluationRuns()
        updated.store(stored)
        session[EvaluationRunsSlot.self] = updated
        return Source(stored: stored, reused: false,
                      note: "generated \(problems.count) problems × \(n) samples on \(generator.name) (kept as run 'scale')")
    }

    /// One generation per thinking setting, each swept over methods × k; score-based methods are
    /// scored by the verifier first. Method names carry `+wW` for W waits, as `thinkingSweep` names them.
    static func thinking(generator: any Generator, dataset: Dataset, problems: [Problem], samples: Int,
                         settings: [ThinkingSetting], options: GenerationOptions, methods: [ScalingMethod], ks: [Int],
                         verifier: LoadedVerifier?, session: Session) throws -> [SweepPoint] {
        var seeds = RNG(seed: session.commandSeed())
        let progress = session.progress("scale", total: settings.count * problems.count)
        defer { progress.finish() }
        let cancelled = session.cancellationRequested
        var points: [SweepPoint] = []
        for (index, setting) in settings.enumerated() {
            var settingOptions = options
            settingOptions.thinkingBudget = setting.budget
            settingOptions.waitExtensions = setting.waits
            let runSeed = seeds.next(), sweepSeed = seeds.next()
            let done = index * problems.count
            var run = try evaluationCall("scale") {
                try evaluate(generator: generator, dataset: dataset, problems: problems, samples: samples,
                             options: settingOptions, seed: runSeed, isCancelled: { cancelled() },
                             progress: { finished, _ in progress.update(done + finished) })
            }
            if let verifier {
                run = try evaluationCall("scale") { try verifier.verifier.score(run, dataset: dataset, isCancelled: { cancelled() }) }
            }
            let swept = try evaluationCall("scale") { try samplesSweep(run, methods: methods, ks: ks, seed: sweepSeed) }
            points += swept.map { point in
                var named = point
                if setting.waits > 0 { named.method += "+w\(setting.waits)" }
                return named
            }
        }
        return points
    }

    /// The points as a table: method, k, budget, mean tokens, accuracy and its band.
    static func table(_ points: [SweepPoint], precision: Int) -> Table {
        var table = Table(columns: [Table.Column("method"), Table.Column("k", .right), Table.Column("budget", .right),
                                    Table.Column("mean tokens", .right), Table.Column("accuracy", .right),
                                    Table.Column("band (95%)", .right)])
        for point in points {
            table.append([point.method, "\(point.k)", point.budget.map(String.init) ?? "-", Format.fixed(point.meanTokens, 1),
                          Format.fixed(point.accuracy, precision),
                          Format.fixed(point.low, precision) + "–" + Format.fixed(point.high, precision)])
        }
        return table
    }
}
