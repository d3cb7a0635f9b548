// ThinkingSweep — inference-time scaling along the two axes the runner controls: the thinking
// budget (budget forcing: `</think>` forced after N thinking tokens) and s1-style "Wait"
// extensions (the first W closings of the thinking section replaced by " Wait"), one generation
// per setting; and the samples axis (methods × k) computed from one set of samples. Every point is
// a `SweepPoint` whose `meanTokens` is measured on the completions, so budget curves and sample
// curves share one TSV and one plot.
import Foundation
import Kernels
import Models
import Tasks

/// One setting of a thinking sweep: a budget (nil: uncapped) and a number of wait extensions.
public struct ThinkingSetting: Sendable, Equatable, Codable {
    /// Thinking tokens after which `</think>` is forced; nil for no cap.
    public var budget: Int?
    /// Times a closing `</think>` is replaced by the wait text.
    public var waits: Int

    /// A setting; `waits` defaults to 0.
    public init(budget: Int?, waits: Int = 0) {
        self.budget = budget
        self.waits = waits
    }

    /// The method name a point of this setting carries: the method, plus `+wW` when W > 0, so
    /// curves with and without waits stay apart in a table (the budget has its own column).
    func methodName(_ method: String) -> String { waits > 0 ? "\(method)+w\(waits)" : method }
}

/// The settings of a budgets × waits grid: every budget with every wait count, budgets outer.
public func thinkingGrid(budgets: [Int?], waits: [Int] = [0]) -> [ThinkingSetting] {
    budgets.flatMap { budget in waits.map { ThinkingSetting(budget: budget, waits: $0) } }
}

/// The result of a thinking sweep: one run per setting and the points of all of them.
public struct ThinkingSweepResult: Sendable {
    /// The settings, in the order generated.
    public var settings: [ThinkingSetting]
    /// One evaluation run per setting (same problems, same n).
    public var runs: [EvaluationRun]
    /// Every method × k point of every setting, setting-major; `budget` set from the setting,
    /// method names carrying `+wW` for W waits.
    public var points: [SweepPoint]
}

/// The samples sweep of one run: every method × k from its one set of samples (see `scalingSweep`),
/// with the run's thinking budget recorded on every point.
public func samplesSweep(_ run: EvaluationRun, methods: [ScalingMethod], ks: [Int]? = nil,
                         options: SweepOptions = SweepOptions(), seed: UInt64) throws -> [SweepPoint] {
    var rng = RNG(seed: seed)
    var sweepOptions = options
    sweepOptions.budget = run.options.thinkingBudget
    return try scalingSweep(run.samples, methods: methods, ks: ks ?? coverageKs(upTo: run.samplesPerProblem),
                            options: sweepOptions, using: &rng)
}

/// Generates once per thinking setting (`options` with the setting's budget and waits) and
/// sweeps methods × k on each run's samples.
///
/// - Parameters:
///   - settings: budgets × waits to try (see `thinkingGrid`); budgets must be ≥ 0, waits ≥ 0.
///   - n: samples per problem for every setting.
///   - methods, ks: the sample-axis sweep of each setting (`ks` defaults to 1, 2, 4, … n).
///   - seed: setting i generates with seed `chunkSeed(seed, i)`; the sweeps' subsets and bootstrap
///     draw from generators seeded the same way, so the whole sweep is reproducible.
///   - progress: (problems done, problems in all) over all settings.
/// - Throws: `CancellationError` when cancelled (no partial result), `EvaluationError` for bad settings.
public func thinkingSweep(generator: any Generator, dataset: Dataset, problems: [Problem], samples n: Int,
                          settings: [ThinkingSetting], options: GenerationOptions,
                          methods: [ScalingMethod] = [.pass, .maj], ks: [Int]? = nil,
                          sweepOptions: SweepOptions = SweepOptions(), chunking: RunChunking = RunChunking(),
                          seed: UInt64, isCancelled: () -> Bool = { false },
                          progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> ThinkingSweepResult {
    guard !settings.isEmpty else {
        throw EvaluationError("thinking sweep: no settings — give budgets (e.g. 8,16,32) and/or waits (e.g. 0,1,2)")
    }
    for setting in settings {
        if let budget = setting.budget, budget < 0 {
            throw EvaluationError("thinking sweep: budget \(budget) is negative — budgets count thinking tokens, 0 or more")
        }
        guard setting.waits >= 0 else {
            throw EvaluationError("thinking sweep: waits = \(setting.waits) is negative — use 0 or more extensions")
        }
    }
    let total = settings.count * problems.count
    var runs: [EvaluationRun] = []
    var points: [SweepPoint] = []
    for (index, setting) in settings.enumerated() {
        var settingOptions = options
        settingOptions.thinkingBudget = setting.budget
        settingOptions.waitExtensions = setting.waits
        let done = index * problems.count
        let run = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: n,
                               options: settingOptions, chunking: chunking, seed: chunkSeed(seed, chunk: index),
                               isCancelled: isCancelled, progress: { finished, _ in progress(done + finished, total) })
        let swept = try samplesSweep(run, methods: methods, ks: ks, options: sweepOptions,
                                     seed: chunkSeed(seed ^ 0x5EED, chunk: index))
        points += swept.map { point in
            var renamed = point
            renamed.method = setting.methodName(point.method)
            return renamed
        }
        runs.append(run)
    }
    return ThinkingSweepResult(settings: settings, runs: runs, points: points)
}
