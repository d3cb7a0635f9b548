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
// Best-first tree search instead keeps every unfinished node in one frontier and expands the
// best-scored one, `width` expansions in all; the answer is again the best-scored finished one.
// Every sampled token counts, pruned candidates included: that is the search's cost.
// Width 1 with one greedy expansion per step is greedy decoding (a test holds it to that). All
// problems advance together, so each round is one batched generation.
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

/// How the search walks the tree of partial completions.
public enum SearchStrategy: String, Sendable, Equatable, CaseIterable {
    /// Step-level beam search: the `width` best candidates survive each step.
    case beam
    /// Best-first tree search: the best-scored unfinished node anywhere in the tree is expanded
    /// next, `width` expansions per problem.
    case bestFirst = "best-first"
}

/// Knobs of the search.
public struct BeamSearchConfig: Sendable, Equatable {
    /// The strategy (beam search).
    public var strategy: SearchStrategy = .beam
    /// Beams kept after each step (b); for best-first search, the expansions allowed per problem.
    public var width: Int = 4
    /// Candidate steps sampled from each live beam (m).
    public var expand: Int = 4
    /// How steps are sampled: its temperature (0: greedy, then `expand` > 1 repeats one
    /// candidate) and `maxNewTokens`, the longest completion. Its stop strings are not used: steps
    /// end at `stepEnds`.
    public var sampling: GenerationOptions
    /// Token sequences that end a step (encoded step boundaries).
    public var stepEnds: [[Int]] = []

    /// The defaults.
    public init(strategy: SearchStrategy = .beam, width: Int = 4, expand: Int = 4, sampling: GenerationOptions = GenerationOptions(),
                stepEnds: [[Int]] = []) {
        self.strategy = strategy
        self.width = width; self.expand = expand; self.sampling = sampling; self.stepEnds = stepEnds
    }

    /// Throws naming the first unusable value.
    public func validate() throws {
        guard width >= 1 else { throw EvaluationError("search: width=\(width) must be at least 1") }
        guard expand >= 1 else { throw EvaluationError("search: expand=\(expand) must be at least 1") }
        if let problem = sampling.problem { throw EvaluationError("search: " + problem) }
        guard sampling.maxNewTokens >= 1 else { throw EvaluationError("search: max_tokens=\(sampling.maxNewTokens) must be at least 1") }
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

/// One problem's search in progress.
private struct SearchState {
    let problem: Problem
    let prompt: [Int]
    var live = [Beam(tokens: [], done: false, score: 0)]
    var finished: [Beam] = []
    var generated = 0, steps = 0
    /// Best-first: expansions made; the finishing rollout has been run.
    var expansions = 0, completed = false
}

/// Step-level beam search (or best-first tree search, `config.strategy`) on each problem, guided
/// by `scorer`. All problems advance in lockstep: each round, every problem's nodes to expand are
/// sampled in one batched generation (grouped by length), from one generator seeded with `seed`.
/// Results are deterministic for a given seed, problem list and config (decoding is batch-invariant,
/// so greedy search does not depend on the other problems; sampled search draws from a shared stream).
/// Best-first search whose budget ends before any node finished completes its best node with one
/// plain rollout (no step stops), whose tokens count.
public func beamSearch(policy: Transformer, tokenizer: any Tokenizer, dataset: Dataset, problems: [Problem],
                       scorer: any PrefixScorer, config: BeamSearchConfig, seed: UInt64,
                       isCancelled: () -> Bool = { false }) throws -> [SearchOutcome] {
    try config.validate()
    let end = tokenizer.special.eos
    var base = DecodeControls(eos: end, thinkStart: tokenizer.special.thinkStart, thinkEnd: tokenizer.special.thinkEnd,
                              stopSequences: config.stepEnds,
                              sampling: config.sampling)
    base.moreEnds = tokenizer.special.moreEnds
    var states = try problems.map { problem -> SearchState in
        do { return SearchState(problem: problem, prompt: try encodePrompt(dataset.fullPrompt(problem), tokenizer: tokenizer)) } catch {
            throw EvaluationError("search: cannot encode the prompt of \(problem.id): \(error)")
        }
    }
    var rng = RNG(seed: seed)

    /// Samples `copies` continuations of each (problem, node) request, batched by node length, and
    /// returns them per request in order; `stops` false samples to the end of the completion.
    func sample(_ requests: [(problem: Int, node: Beam)], copies: Int, stops: Bool) throws -> [[Beam]] {
        var out = [[Beam]](repeating: [], count: requests.count)
        for length in Set(requests.map(\.node.tokens.count)).sorted() {
            let members = requests.indices.filter { requests[$0].node.tokens.count == length }
            var controls = base
            controls.sampling.maxNewTokens = config.sampling.maxNewTokens - length
            if !stops { controls.stopSequences = [] }
            let prefixes = members.flatMap { r in
                Array(repeating: states[requests[r].problem].prompt + requests[r].node.tokens, count: copies)
            }
            let sampled = try policy.generate(prompts: prefixes, controls: controls, rng: &rng, isCancelled: isCancelled)
            for (k, seq) in sampled.enumerated() {
                let r = members[k / copies]
                states[requests[r].problem].generated += seq.tokens.count
                let tokens = requests[r].node.tokens + seq.tokens
                let done = seq.finishReason == .stop || seq.finishReason == .length || seq.tokens.isEmpty
                    || tokens.count >= config.sampling.maxNewTokens || !stops
                out[r].append(Beam(tokens: tokens, done: done, score: 0))
            }
        }
        return out
    }

    /// Scores each problem's new nodes with one scorer call per problem.
    func scored(_ children: [[Beam]], of requests: [(problem: Int, node: Beam)]) throws -> [[Beam]] {
        var byProblem: [Int: [(request: Int, child: Int)]] = [:]
        for (r, list) in children.enumerated() {
            for c in list.indices { byProblem[requests[r].problem, default: []].append((r, c)) }
        }
        var out = children
        for p in byProblem.keys.sorted() {
            guard let slots = byProblem[p] else { continue }
            let scores = try scorer.scores(problem: states[p].problem, prompt: states[p].prompt,
                                           completions: slots.map { children[$0.request][$0.child].tokens })
            for (i, slot) in slots.enumerated() { out[slot.request][slot.child].score = i < scores.count ? scores[i] : -.infinity }
        }
        return out
    }

    while true {
        if isCancelled() { throw CancellationError() }
        var requests: [(problem: Int, node: Beam)] = []
        for p in states.indices {
            switch config.strategy {
            case .beam:
                guard !states[p].live.isEmpty, states[p].finished.count < config.width else { continue }
                requests += states[p].live.map { (p, $0) }
            case .bestFirst:
                guard states[p].expansions < config.width, !states[p].live.isEmpty else { continue }
                // The best-scored frontier node (the earliest on a tie) leaves the frontier.
                let live = states[p].live
                let next = live.indices.max { a, b in live[a].score != live[b].score ? live[a].score < live[b].score : a > b } ?? 0
                requests.append((p, states[p].live.remove(at: next)))
                states[p].expansions += 1
            }
        }
        if requests.isEmpty { break }
        let children = try scored(try sample(requests, copies: config.expand, stops: true), of: requests)
        for p in Set(requests.map(\.problem)) { states[p].steps += 1 }
        switch config.strategy {
        case .beam:
            var candidates: [Int: [Beam]] = [:]
            for (r, list) in children.enumerated() { candidates[requests[r].problem, default: []] += list }
            for (p, list) in candidates {
                // Best first; a stable order among equal scores (the earlier candidate wins).
                let ranked = list.indices.sorted { a, b in list[a].score != list[b].score ? list[a].score > list[b].score : a < b }
                    .map { list[$0] }
                let kept = ranked.prefix(config.width - states[p].finished.count)
                states[p].finished += kept.filter(\.done)
                states[p].live = kept.filter { !$0.done }
            }
        case .bestFirst:
            for (r, list) in children.enumerated() {
                let p = requests[r].problem
                for child in list {
                    if child.done { states[p].finished.append(child) } else { states[p].live.append(child) }
                }
            }
        }
    }
    // Best-first budgets that ended with nothing finished: one rollout from the best frontier node.
    if config.strategy == .bestFirst {
        var requests: [(problem: Int, node: Beam)] = []
        for p in states.indices where states[p].finished.isEmpty && !states[p].live.isEmpty {
            let live = states[p].live
            let best = live.indices.max { a, b in live[a].score != live[b].score ? live[a].score < live[b].score : a > b } ?? 0
            requests.append((p, live[best]))
        }
        if !requests.isEmpty {
            let rolled = try scored(try sample(requests, copies: 1, stops: false), of: requests)
            for (r, list) in rolled.enumerated() { states[requests[r].problem].finished += list }
        }
    }
    return states.map { state in
        let pool = state.finished.isEmpty ? state.live : state.finished
        let best = pool.indices.max { a, b in
            pool[a].score != pool[b].score ? pool[a].score < pool[b].score : a > b
        }.map { pool[$0] } ?? Beam(tokens: [], done: true, score: 0)
        var visible = best.tokens
        if let last = visible.last, last == end || tokenizer.special.moreEnds.contains(last) { visible.removeLast() }
        let text = tokenizer.decode(visible)
        return SearchOutcome(tokens: best.tokens, text: text, score: best.score,
                             correct: dataset.isCorrect(completion: text, problem: state.problem),
                             generatedTokens: state.generated, steps: state.steps)
    }
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
