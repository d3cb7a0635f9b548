// Evaluation/ValueSearch.swift — step-level beam search guided by a scorer of partial solutions
// (a learned value, or a process verifier), with token accounting so that it sits on the same
// tokens-vs-accuracy axes as pass@k and majority vote.
//
// A step is what the policy writes up to a step boundary (a space or `</think>` in the arithmetic
// worked form: `3+6=9c0 `), or the rest of the completion when it ends first. Per problem:
//   beams = {the empty completion}
//   repeat: every live beam is extended by `expand` sampled steps; the candidates (all of them,
//   finished or not) are scored; the `width` best are kept; the finished ones among them leave
//   the beam; stop when none are live or `width` have finished.
//   the answer: the best-scored finished completion (live beams count when the token limit ends them).
// Every sampled token counts, pruned candidates included: that is the search's cost.
// Width 1 with one greedy expansion per step is greedy decoding (a test holds it to that).
import Foundation
import Kernels
import Models
import Tasks

/// Scores a partial or finished completion (token ids after the prompt) of one problem.
public protocol PrefixScorer {
    /// Scores of `completions` of `problem` (whose encoded prompt is `prompt`), each a full state.
    func scores(problem: Problem, prompt: [Int], completions: [[Int]]) throws -> [Double]
}

/// The value model as a prefix scorer: V(prompt + completion), a finished one at the state before its end token.
public struct ValuePrefixScorer: PrefixScorer {
    /// The value model.
    public let value: ValueModel
    /// A scorer over `value`.
    public init(value: ValueModel) { self.value = value }

    public func scores(problem: Problem, prompt: [Int], completions: [[Int]]) throws -> [Double] {
        guard !completions.isEmpty else { return [] }
        return try value.completionValues(prompts: Array(repeating: prompt, count: completions.count), completions: completions)
    }
}

/// Knobs of the search.
public struct BeamSearchConfig: Sendable, Equatable {
    /// Beams kept after each step (b).
    public var width: Int = 4
    /// Candidate steps sampled from each live beam (m).
    public var expand: Int = 4
    /// Sampling temperature of the steps (0: greedy, then `expand` > 1 repeats one candidate).
    public var temperature: Float = 1
    /// Longest completion, in tokens.
    public var maxNewTokens: Int = 64
    /// Token sequences that end a step (encoded step boundaries).
    public var stepEnds: [[Int]] = []

    /// The defaults.
    public init(width: Int = 4, expand: Int = 4, temperature: Float = 1, maxNewTokens: Int = 64, stepEnds: [[Int]] = []) {
        self.width = width; self.expand = expand; self.temperature = temperature
        self.maxNewTokens = maxNewTokens; self.stepEnds = stepEnds
    }

    /// Throws naming the first unusable value.
    public func validate() throws {
        guard width >= 1 else { throw EvaluationError("search: width=\(width) must be at least 1") }
        guard expand >= 1 else { throw EvaluationError("search: expand=\(expand) must be at least 1") }
        guard temperature >= 0, temperature.isFinite else { throw EvaluationError("search: temperature=\(temperature) must be ≥ 0") }
        guard maxNewTokens >= 1 else { throw EvaluationError("search: max_tokens=\(maxNewTokens) must be at least 1") }
    }
}

/// The outcome of a search on one problem.
public struct SearchOutcome: Sendable, Equatable {
    /// The chosen completion's token ids (eos included when it stopped).
    public var tokens: [Int]
    /// Its decoded text (without the final eos).
    public var text: String
    /// Its score.
    public var score: Double
    /// Whether it verifies.
    public var correct: Bool
    /// Every token sampled for this problem, pruned candidates included.
    public var generatedTokens: Int
    /// Steps taken (rounds of expansion).
    public var steps: Int
}

private struct Beam {
    var tokens: [Int]
    var done: Bool
    var score: Double
}

/// Step-level beam search on each problem, guided by `scorer`. Problem i draws from a generator
/// seeded with `seed` + i, so a problem's search does not depend on the others.
public func beamSearch(policy: Transformer, tokenizer: any Tokenizer, dataset: Dataset, problems: [Problem],
                       scorer: any PrefixScorer, config: BeamSearchConfig, seed: UInt64,
                       isCancelled: () -> Bool = { false }) throws -> [SearchOutcome] {
    try config.validate()
    let end = tokenizer.special.eos
    var base = DecodeControls(eos: end, thinkStart: tokenizer.special.thinkStart, thinkEnd: tokenizer.special.thinkEnd,
                              stopSequences: config.stepEnds, maxNewTokens: config.maxNewTokens,
                              temperature: config.temperature)
    base.moreEnds = tokenizer.special.moreEnds
    var outcomes: [SearchOutcome] = []
    for (index, problem) in problems.enumerated() {
        if isCancelled() { throw CancellationError() }
        let prompt: [Int]
        do { prompt = try encodePrompt(dataset.fullPrompt(problem), tokenizer: tokenizer) } catch {
            throw EvaluationError("search: cannot encode the prompt of \(problem.id): \(error)")
        }
        var rng = RNG(seed: seed &+ UInt64(index))
        var live = [Beam(tokens: [], done: false, score: 0)]
        var finished: [Beam] = []
        var generated = 0, steps = 0
        while !live.isEmpty && finished.count < config.width {
            if isCancelled() { throw CancellationError() }
            steps += 1
            // Beams of equal length share one batched generation (same remaining token budget);
            // candidates keep the beams' order, `expand` per beam.
            var slots = [Beam?](repeating: nil, count: live.count * config.expand)
            for length in Set(live.map(\.tokens.count)).sorted() {
                let members = live.indices.filter { live[$0].tokens.count == length }
                var controls = base
                controls.maxNewTokens = config.maxNewTokens - length
                let prefixes = members.flatMap { Array(repeating: prompt + live[$0].tokens, count: config.expand) }
                let sampled = try policy.generate(prompts: prefixes, controls: controls, rng: &rng, isCancelled: isCancelled)
                for (k, s) in sampled.enumerated() {
                    let b = members[k / config.expand]
                    generated += s.tokens.count
                    let tokens = live[b].tokens + s.tokens
                    let done = s.finishReason == .stop || s.finishReason == .length || s.tokens.isEmpty
                        || tokens.count >= config.maxNewTokens
                    slots[b * config.expand + k % config.expand] = Beam(tokens: tokens, done: done, score: 0)
                }
            }
            var candidates = slots.compactMap { $0 }
            let scores = try scorer.scores(problem: problem, prompt: prompt, completions: candidates.map(\.tokens))
            for i in candidates.indices { candidates[i].score = i < scores.count ? scores[i] : -.infinity }
            // Best first; a stable order among equal scores (the earlier candidate wins).
            let ranked = candidates.indices.sorted { a, b in
                candidates[a].score != candidates[b].score ? candidates[a].score > candidates[b].score : a < b
            }.map { candidates[$0] }
            let kept = ranked.prefix(config.width - finished.count)
            finished += kept.filter(\.done)
            live = kept.filter { !$0.done }
        }
        let pool = finished.isEmpty ? live : finished
        let best = pool.indices.max { a, b in
            pool[a].score != pool[b].score ? pool[a].score < pool[b].score : a > b
        }.map { pool[$0] } ?? Beam(tokens: [], done: true, score: 0)
        var visible = best.tokens
        if let last = visible.last, last == end || tokenizer.special.moreEnds.contains(last) { visible.removeLast() }
        let text = tokenizer.decode(visible)
        outcomes.append(SearchOutcome(tokens: best.tokens, text: text, score: best.score,
                                      correct: dataset.isCorrect(completion: text, problem: problem),
                                      generatedTokens: generated, steps: steps))
    }
    return outcomes
}

/// The process verifier as a prefix scorer: 1 while every complete step is right, 0 from the
/// first wrong one (the minimum over steps, as process reward models are used for search). An
/// oracle for the steps: it knows the canonical solution.
public struct ProcessPrefixScorer: PrefixScorer {
    /// Decodes completions.
    public let tokenizer: any Tokenizer
    /// A scorer decoding with `tokenizer`.
    public init(tokenizer: any Tokenizer) { self.tokenizer = tokenizer }

    public func scores(problem: Problem, prompt: [Int], completions: [[Int]]) throws -> [Double] {
        try completions.map { ids in
            guard let check = StepVerifier.check(completion: tokenizer.decode(ids), problem: problem) else {
                throw EvaluationError("search: problem \(problem.id) has no checkable worked steps — scorer=process needs a task "
                    + "whose problems carry a worked solution (task arithmetic …)")
            }
            return check.firstWrong == nil ? 1 : 0
        }
    }
}

/// A search's outcomes as an evaluation run of one sample per problem (the chosen completion),
/// so `accuracy(NAME)`, `compare` and `show samples` read it. Its token count is the search's
/// whole cost on the problem — every sampled token, pruned candidates included — so `tokens(NAME)`
/// sits on the same axis as k × tokens of repeated sampling.
public func searchRun(_ outcomes: [SearchOutcome], problems: [Problem], generatorName: String, dataset: Dataset,
                      options: GenerationOptions, seed: UInt64) throws -> EvaluationRun {
    guard outcomes.count == problems.count else {
        throw EvaluationError("search: \(outcomes.count) outcomes for \(problems.count) problems")
    }
    var texts: [[GeneratedText]] = [], samples: [ProblemSamples] = []
    for (outcome, problem) in zip(outcomes, problems) {
        texts.append([GeneratedText(text: outcome.text, tokenCount: outcome.generatedTokens, thinkingTokens: 0,
                                    finishReason: .stop)])
        var sample = ScoredSample(answerKey: dataset.answerKey(completion: outcome.text), correct: outcome.correct,
                                  generatedTokens: outcome.generatedTokens)
        sample.score = outcome.score
        samples.append(ProblemSamples(problemID: problem.id, samples: [sample]))
    }
    return try EvaluationRun(generatorName: generatorName, datasetName: dataset.name, options: options, seed: seed,
                             problems: problems, texts: texts, samples: samples)
}

/// A search's accuracy as a point of a scaling curve: k is the beam width, the band a bootstrap
/// percentile interval over problems, the tokens the mean search cost per problem.
public func searchPoint(_ outcomes: [SearchOutcome], method: String, width: Int, options: SweepOptions = SweepOptions(),
                        using generator: inout some RandomNumberGenerator) throws -> SweepPoint {
    guard !outcomes.isEmpty else { throw EvaluationError("search: no problems searched") }
    try validateBootstrap(resamples: options.resamples, confidence: options.confidence, what: "search")
    let values = outcomes.map { $0.correct ? 1.0 : 0.0 }
    let band = bootstrapInterval(values, resamples: drawResamples(count: values.count, resamples: options.resamples, using: &generator),
                                 confidence: options.confidence)
    let tokens = Double(outcomes.reduce(0) { $0 + $1.generatedTokens }) / Double(outcomes.count)
    return SweepPoint(method: method, k: width, budget: nil, meanTokens: tokens,
                      accuracy: values.reduce(0, +) / Double(values.count), low: band.low, high: band.high)
}
