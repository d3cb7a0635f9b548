// Runner — sampling completions for a data set's problems on any `Generator` (the local model or a
// remote server) and scoring them with the data set's extractor and comparison. The result keeps
// the generated texts (for `show`) next to the `ProblemSamples` records every estimator reads.
//
// Prompts go to the generator in chunks, so a long run reports progress and can be cancelled
// between chunks; a cancelled run throws and returns nothing, so its partial work never reaches
// the caller's state. Each chunk samples with its own seed derived from the run's seed and the
// chunk's index, so a run is reproducible for a given seed and chunk size.
import Foundation
import Models
import Tasks

/// Everything one evaluation run produced: the problems, their completions, and their scores.
public struct EvaluationRun: Sendable {
    /// The generator's name (for tables and comparisons).
    public var generatorName: String
    /// The data set's name.
    public var datasetName: String
    /// The options the completions were sampled with.
    public var options: GenerationOptions
    /// The run's seed.
    public var seed: UInt64
    /// The problems, in the order evaluated.
    public var problems: [Problem]
    /// `texts[p][s]`: completion s of problem p, as the generator returned it.
    public var texts: [[GeneratedText]]
    /// The scored records, one per problem, in the same order as `problems`.
    public var samples: [ProblemSamples]

    /// Samples per problem, n.
    public var samplesPerProblem: Int { samples.first?.n ?? 0 }

    /// A run from its parts (e.g. rollouts loaded from a file); `texts` and `samples` must be
    /// indexed like `problems`, which `evaluate` guarantees for the runs it returns.
    public init(generatorName: String, datasetName: String, options: GenerationOptions, seed: UInt64,
                problems: [Problem], texts: [[GeneratedText]], samples: [ProblemSamples]) throws {
        guard texts.count == problems.count, samples.count == problems.count,
              zip(texts, samples).allSatisfy({ $0.count == $1.n }) else {
            throw EvaluationError("run: \(problems.count) problems, \(texts.count) text rows and \(samples.count) sample records "
                + "do not line up — build the run with one row of texts and one record per problem")
        }
        self.generatorName = generatorName
        self.datasetName = datasetName
        self.options = options
        self.seed = seed
        self.problems = problems
        self.texts = texts
        self.samples = samples
    }
}

/// How prompts are split into generator calls.
public struct RunChunking: Sendable, Equatable {
    /// Prompts per generator call (each with all n samples). Smaller chunks report progress and
    /// notice cancellation sooner; larger ones batch better. Default 16.
    public var promptsPerChunk: Int

    /// Chunking with `promptsPerChunk` prompts per call (default 16).
    public init(promptsPerChunk: Int = 16) { self.promptsPerChunk = promptsPerChunk }
}

/// The seed of chunk `index` of a run seeded with `seed`: a SplitMix64 mix of both, so chunks draw
/// independent streams and a run's chunks do not depend on one another's length.
func chunkSeed(_ seed: UInt64, chunk index: Int) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Scores one completion of `problem` with the data set's extractor and comparison.
func scoreCompletion(_ text: GeneratedText, problem: Problem, dataset: Dataset) -> ScoredSample {
    ScoredSample(answerKey: dataset.answerKey(completion: text.text),
                 correct: dataset.isCorrect(completion: text.text, problem: problem),
                 generatedTokens: text.tokenCount, thinkingTokens: text.thinkingTokens, logprob: text.logprob)
}

/// Prompt length in tokens when the generator's tokenizer is known (the local model), else nil.
func promptTokenCount(_ prompt: String, system: String?, generator: any Generator) -> Int? {
    guard let local = generator as? LocalGenerator else { return nil }
    return try? encodePrompt(prompt, tokenizer: local.tokenizer, system: system).count
}

/// Samples `n` completions of each problem on `generator` and scores them.
///
/// - Parameters:
///   - dataset: supplies the prompt prefix, the answer extractor and the comparison.
///   - problems: the problems to evaluate (e.g. `dataset.test`); their ids must be unique.
///   - n: samples per problem (1 with temperature 0 is greedy accuracy).
///   - options: sampling options (temperature, max tokens, thinking budget, wait extensions).
///   - chunking: how many prompts go to the generator per call.
///   - seed: the run's seed; chunk i samples with `chunkSeed(seed, i)`.
///   - isCancelled: polled before each chunk and by the generator inside it.
///   - progress: called after each chunk with (problems done, problems in all).
/// - Throws: `CancellationError` when cancelled (nothing partial is returned), `EvaluationError`
///   for bad arguments, and the generator's errors.
public func evaluate(generator: any Generator, dataset: Dataset, problems: [Problem], samples n: Int,
                     options: GenerationOptions, chunking: RunChunking = RunChunking(), seed: UInt64,
                     isCancelled: () -> Bool = { false },
                     progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> EvaluationRun {
    guard n >= 1 else { throw EvaluationError("eval: n = \(n) samples per problem must be at least 1") }
    guard !problems.isEmpty else {
        throw EvaluationError("eval: no problems to evaluate — load or generate a data set with a non-empty split")
    }
    guard chunking.promptsPerChunk >= 1 else {
        throw EvaluationError("eval: prompts per chunk = \(chunking.promptsPerChunk) must be at least 1")
    }
    var seen = Set<String>()
    for problem in problems where !seen.insert(problem.id).inserted {
        throw EvaluationError("eval: problem id '\(problem.id)' appears twice — give every problem a unique id")
    }
    // The data set's system turn reaches a model that prompts through its chat template.
    var options = options
    options.system = dataset.system
    var texts: [[GeneratedText]] = []
    texts.reserveCapacity(problems.count)
    var start = 0, chunk = 0
    while start < problems.count {
        if isCancelled() { throw CancellationError() }
        let end = min(start + chunking.promptsPerChunk, problems.count)
        let prompts = problems[start..<end].map { dataset.fullPrompt($0) }
        let rows = try generator.generate(prompts: prompts, samplesPerPrompt: n, options: options,
                                          seed: chunkSeed(seed, chunk: chunk), isCancelled: isCancelled)
        // A remote server's reply is untrusted: check its shape before indexing.
        guard rows.count == prompts.count, rows.allSatisfy({ $0.count == n }) else {
            throw EvaluationError("eval: generator '\(generator.name)' returned \(rows.count) rows of "
                + "\(rows.map(\.count)) samples for \(prompts.count) prompts × \(n) — the backend dropped samples; retry or lower n")
        }
        texts += rows
        start = end
        chunk += 1
        progress(start, problems.count)
    }
    var records: [ProblemSamples] = []
    records.reserveCapacity(problems.count)
    for (problem, row) in zip(problems, texts) {
        records.append(ProblemSamples(problemID: problem.id,
                                      samples: row.map { scoreCompletion($0, problem: problem, dataset: dataset) },
                                      promptTokens: promptTokenCount(dataset.fullPrompt(problem), system: dataset.system, generator: generator)))
    }
    return try EvaluationRun(generatorName: generator.name, datasetName: dataset.name, options: options, seed: seed,
                             problems: problems, texts: texts, samples: records)
}
