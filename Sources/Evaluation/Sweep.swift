// Sweep — accuracy and token cost for every method × k from ONE set of samples per problem, and
// the curves a plot draws from those points. The runner samples n ≥ max k once, and every k reuses
// those samples (exact expectations over k-subsets for voting and best-of-N, the unbiased
// estimator for pass@k). Budget
// sweeps are several such point lists, one per thinking budget, each with `budget` set (the runner
// generates once per budget).
import Foundation

/// An inference-time scaling method.
public enum ScalingMethod: String, Sendable, Codable, CaseIterable {
    /// pass@k, unbiased estimator (an oracle verifier picks any correct sample: coverage).
    case pass
    /// maj@k, plain majority vote.
    case maj
    /// Majority vote weighted by each sample's score.
    case majScore = "maj-score"
    /// Majority vote weighted by each sample's sequence probability exp(log p).
    case majProb = "maj-prob"
    /// Best-of-k by score.
    case best
    /// Best-of-k by sequence log-probability.
    case bestLogprob = "best-logprob"
}

/// One point of a scaling curve.
public struct SweepPoint: Sendable, Codable, Equatable {
    /// The method's name (`ScalingMethod.rawValue`, or any name a caller gives).
    public var method: String
    /// Samples per problem.
    public var k: Int
    /// Thinking budget in tokens the samples were generated with, nil for none.
    public var budget: Int?
    /// Mean generated tokens per problem at k samples (k × mean tokens of one sample).
    public var meanTokens: Double
    /// Accuracy: mean over problems.
    public var accuracy: Double
    /// Lower edge of the confidence band.
    public var low: Double
    /// Upper edge of the confidence band.
    public var high: Double

    /// Creates a sweep point.
    public init(method: String, k: Int, budget: Int?, meanTokens: Double, accuracy: Double, low: Double, high: Double) {
        self.method = method
        self.k = k
        self.budget = budget
        self.meanTokens = meanTokens
        self.accuracy = accuracy
        self.low = low
        self.high = high
    }
}

/// Knobs of a sweep, each with its default.
public struct SweepOptions: Sendable, Equatable, Codable {
    /// Subsets per problem for a weighted vote (maj-score, maj-prob) when C(n, k) is too large to
    /// enumerate (see `weightedVoteAtK`); plain votes, best-of-N and pass@k are exact.
    public var subsets: Int = 1024
    /// Bootstrap resamples of the problems for the band (1000: percentile ends stable to ~0.005).
    public var resamples: Int = 1000
    /// Confidence level of the band (0.95).
    public var confidence: Double = 0.95
    /// Thinking budget recorded on every point (nil: none).
    public var budget: Int? = nil

    /// Options with every default.
    public init(subsets: Int = 1024, resamples: Int = 1000, confidence: Double = 0.95, budget: Int? = nil) {
        self.subsets = subsets
        self.resamples = resamples
        self.confidence = confidence
        self.budget = budget
    }
}

/// Every method × k point of a scaling curve, in method-major order (all ks of the first method, …).
///
/// - accuracy: mean over problems of the per-problem value — pass@k by the unbiased estimator;
///   voting and best-of-N as exact expectations over all k-subsets of each problem's samples
///   (weighted votes over many subsets: a fixed-seed estimate, see `weightedVoteAtK`).
/// - band (`low`, `high`): a bootstrap percentile interval over problems at `confidence`; the same
///   problem resamples serve every point, so the bands of different k and methods are coupled the
///   way the data are. It measures how much the accuracy depends on which problems were drawn.
/// - meanTokens: `tokenCost(problems, k).generated` (the prompt is not included).
///
/// Deterministic for a given generator state: the generator only draws the bootstrap resamples.
public func scalingSweep(_ problems: [ProblemSamples], methods: [ScalingMethod], ks: [Int],
                         options: SweepOptions = SweepOptions(),
                         using generator: inout some RandomNumberGenerator) throws -> [SweepPoint] {
    guard !methods.isEmpty else { throw EvaluationError("sweep: no methods given — choose from \(ScalingMethod.allCases.map(\.rawValue).joined(separator: ", "))") }
    guard !ks.isEmpty else { throw EvaluationError("sweep: no k values given — e.g. 1,2,4,8") }
    guard let smallest = problems.map(\.n).min() else { throw EvaluationError("sweep: no problems given — sample some completions first") }
    if let bad = ks.first(where: { $0 < 1 || $0 > smallest }) {
        throw EvaluationError("sweep: k = \(bad) must lie in 1…\(smallest) (the fewest samples any problem has) — sample more or drop that k")
    }
    guard options.subsets >= 1 else { throw EvaluationError("sweep: subsets = \(options.subsets) must be at least 1") }
    try validateBootstrap(resamples: options.resamples, confidence: options.confidence, what: "sweep")

    let resamples = drawResamples(count: problems.count, resamples: options.resamples, using: &generator)
    var byMethod = Array(repeating: [SweepPoint](), count: methods.count)
    for k in ks {
        let tokens = try tokenCost(problems, k: k).generated
        for (m, method) in methods.enumerated() {
            let values = try problems.indices.map { p in
                try perProblemValue(problems[p], method: method, k: k, draws: options.subsets)
            }
            let band = bootstrapInterval(values, resamples: resamples, confidence: options.confidence)
            byMethod[m].append(SweepPoint(method: method.rawValue, k: k, budget: options.budget, meanTokens: tokens,
                                          accuracy: values.reduce(0, +) / Double(values.count),
                                          low: band.low, high: band.high))
        }
    }
    return byMethod.flatMap { $0 }
}

/// One problem's value for a method at k: pass@k, or the expected vote or best-of-k outcome over
/// its k-subsets.
func perProblemValue(_ problem: ProblemSamples, method: ScalingMethod, k: Int, draws: Int) throws -> Double {
    do {
        switch method {
        case .pass: return try passAtK(n: problem.n, c: problem.correctCount, k: k)
        case .maj: return try exactMajorityVote(problem.samples, k: k)
        case .majScore: return try weightedVoteAtK(problem.samples, k: k, weighting: .score, draws: draws)
        case .majProb: return try weightedVoteAtK(problem.samples, k: k, weighting: .probability, draws: draws)
        case .best: return try exactBestOfN(problem.samples, k: k, by: .score)
        case .bestLogprob: return try exactBestOfN(problem.samples, k: k, by: .logprob)
        }
    } catch let error as EvaluationError {
        throw EvaluationError("\(method.rawValue)@\(k), problem '\(problem.problemID)': \(error.message)")
    }
}

// MARK: - TokenAccounting — what a method costs in tokens at k samples: k samples cost k times the mean
// tokens of one sample; the prompt is counted once per problem (it is prefilled once and shared).

/// Mean tokens per problem spent by a method that draws k samples.
public struct TokenCost: Sendable, Equatable, Codable {
    /// Samples per problem.
    public var k: Int
    /// Generated tokens per problem: k × the problem's mean generated tokens per sample, averaged over problems.
    public var generated: Double
    /// Thinking tokens per problem (k × mean per sample, averaged over problems).
    public var thinking: Double
    /// Answer tokens (generated minus thinking) per problem.
    public var answer: Double
    /// Prompt tokens per problem, counted once; nil unless every problem recorded them.
    public var prompt: Double?
    /// Everything the model processed per problem: prompt (if known) plus generated.
    public var total: Double { (prompt ?? 0) + generated }
}

/// The token cost of drawing k samples per problem, estimated from all recorded samples (the mean
/// over all n samples is a better estimate of one sample's length than any k of them).
public func tokenCost(_ problems: [ProblemSamples], k: Int) throws -> TokenCost {
    try validate(problems, k: k, estimator: "token cost at k")
    if let empty = problems.first(where: { $0.n == 0 }) {
        throw EvaluationError("token cost: problem '\(empty.problemID)' has no samples")
    }
    var generated = 0.0, thinking = 0.0, answer = 0.0
    for problem in problems {
        let n = Double(problem.n)
        generated += Double(problem.samples.reduce(0) { $0 + $1.generatedTokens }) / n
        thinking += Double(problem.samples.reduce(0) { $0 + $1.thinkingTokens }) / n
        answer += Double(problem.samples.reduce(0) { $0 + $1.answerTokens }) / n
    }
    let count = Double(problems.count), scale = Double(k) / count
    let prompts = problems.compactMap(\.promptTokens)
    let prompt = prompts.count == problems.count ? Double(prompts.reduce(0, +)) / count : nil
    return TokenCost(k: k, generated: generated * scale, thinking: thinking * scale, answer: answer * scale, prompt: prompt)
}

// MARK: - ScalingCurve — sweep points grouped into curves (one per method and budget), ordered by k, with
// x as samples or tokens: the shape a plot of accuracy against compute needs.

/// What a scaling curve puts on its x axis.
public enum ScalingAxis: String, Sendable, Codable, CaseIterable {
    /// Samples per problem, k.
    case samples
    /// Mean generated tokens per problem (k × tokens of one sample).
    case tokens
    /// The thinking budget B: one curve per method and k across budgets (a budget sweep's
    /// accuracy at fixed k).
    case budget

    /// The axis label.
    public var label: String {
        switch self {
        case .samples: return "samples k"
        case .tokens: return "mean generated tokens"
        case .budget: return "thinking budget B (tokens)"
        }
    }
}

/// One curve: a method (at one budget) across k.
public struct ScalingCurve: Sendable, Equatable, Codable {
    /// Legend name: the method, plus ` (budget N)` when the points carry a budget.
    public var name: String
    /// The method name of the points.
    public var method: String
    /// The thinking budget of the points, nil for none.
    public var budget: Int?
    /// x values (k or mean tokens), ascending in k.
    public var x: [Double]
    /// Accuracy at each x.
    public var accuracy: [Double]
    /// Lower band edge at each x.
    public var low: [Double]
    /// Upper band edge at each x.
    public var high: [Double]
}

/// Groups points by (method, budget) in order of first appearance, each curve sorted by k.
public func scalingCurves(_ points: [SweepPoint], x axis: ScalingAxis = .samples) -> [ScalingCurve] {
    if axis == .budget { return budgetCurves(points) }
    struct Key: Hashable { var method: String; var budget: Int? }
    var order: [Key] = []
    var groups: [Key: [SweepPoint]] = [:]
    for point in points {
        let key = Key(method: point.method, budget: point.budget)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(point)
    }
    return order.map { key in
        let sorted = (groups[key] ?? []).sorted { $0.k < $1.k }
        return ScalingCurve(name: key.budget.map { "\(key.method) (budget \($0))" } ?? key.method,
                            method: key.method, budget: key.budget,
                            x: sorted.map { axis == .samples ? Double($0.k) : $0.meanTokens },
                            accuracy: sorted.map(\.accuracy), low: sorted.map(\.low), high: sorted.map(\.high))
    }
}

/// Accuracy against the thinking budget at fixed k: groups the points that carry a budget by
/// (method, k), in order of first appearance, each curve sorted by budget and named `method@k`.
/// Points without a budget are left out (they belong to no budget).
public func budgetCurves(_ points: [SweepPoint]) -> [ScalingCurve] {
    struct Key: Hashable { var method: String; var k: Int }
    var order: [Key] = []
    var groups: [Key: [SweepPoint]] = [:]
    for point in points where point.budget != nil {
        let key = Key(method: point.method, k: point.k)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(point)
    }
    return order.map { key in
        let sorted = (groups[key] ?? []).sorted { ($0.budget ?? 0) < ($1.budget ?? 0) }
        return ScalingCurve(name: "\(key.method)@\(key.k)", method: key.method, budget: nil,
                            x: sorted.map { Double($0.budget ?? 0) },
                            accuracy: sorted.map(\.accuracy), low: sorted.map(\.low), high: sorted.map(\.high))
    }
}
