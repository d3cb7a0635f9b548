// OutcomeVerifier+Training — training the outcome verifier on a policy's own rollouts: labelled
// examples from evaluation runs, a split by problem (held-out problems are never trained on),
// class-balanced seeded batches, cross-entropy on the judgement token only (−log p(label) at one
// position per sequence), AdamW from the engine; and its accuracy and ROC AUC on held-out rollouts.
// Also scoring a run's samples with a verifier, for best-of-N and score-weighted votes.
import Fields
import Foundation
import Kernels
import Models
import Tasks

/// One labelled rollout: the prompt the policy saw, its completion, and the verifier's verdict.
public struct VerifierExample: Sendable, Equatable, Codable {
    /// Problem id (the train/held-out split is by problem).
    public var problemID: String
    /// The full prompt.
    public var prompt: String
    /// The completion.
    public var completion: String
    /// Whether the completion was correct.
    public var correct: Bool

    /// An example.
    public init(problemID: String, prompt: String, completion: String, correct: Bool) {
        self.problemID = problemID
        self.prompt = prompt
        self.completion = completion
        self.correct = correct
    }
}

/// Every sample of the runs as a labelled example (prompts rebuilt with `dataset.fullPrompt`).
public func verifierExamples(from runs: [EvaluationRun], dataset: Dataset) -> [VerifierExample] {
    runs.flatMap { run in
        zip(run.problems, zip(run.texts, run.samples)).flatMap { problem, pair in
            zip(pair.0, pair.1.samples).map { text, sample in
                VerifierExample(problemID: problem.id, prompt: dataset.fullPrompt(problem),
                                completion: text.text, correct: sample.correct)
            }
        }
    }
}

/// Every knob of verifier training, with its default.
public struct VerifierTrainingConfig: Sendable, Equatable, Codable {
    /// Transformer layers of the verifier (2: it only has to read one answer).
    public var layers: Int
    /// Width (64).
    public var hiddenSize: Int
    /// Attention heads (4).
    public var heads: Int
    /// SwiGLU width (172 ≈ 8/3 × 64, the Llama ratio).
    public var intermediateSize: Int
    /// Optimizer steps (400).
    public var steps: Int
    /// Sequences per step, half correct and half wrong (32).
    public var batchSize: Int
    /// AdamW peak learning rate (3e-3, the SFT recipe's), with 20 warm-up steps and cosine to 10%.
    public var learningRate: Float
    /// AdamW decoupled weight decay λ (0.01).
    public var weightDecay: Float
    /// Gradient-norm clip (1.0).
    public var clipNorm: Float
    /// Share of problems held out for the verifier's own accuracy (0.2; 0 keeps none).
    public var heldOutFraction: Double

    /// The defaults (written once, here), any of which can be overridden.
    public init(layers: Int = 2, hiddenSize: Int = 64, heads: Int = 4, intermediateSize: Int = 172, steps: Int = 400,
                batchSize: Int = 32, learningRate: Float = 3e-3, weightDecay: Float = 0.01, clipNorm: Float = 1.0,
                heldOutFraction: Double = 0.2) {
        self.layers = layers; self.hiddenSize = hiddenSize; self.heads = heads
        self.intermediateSize = intermediateSize; self.steps = steps; self.batchSize = batchSize
        self.learningRate = learningRate; self.weightDecay = weightDecay; self.clipNorm = clipNorm
        self.heldOutFraction = heldOutFraction
    }

    /// Throws naming the first unusable value.
    public func validate() throws {
        func need(_ ok: Bool, _ message: String) throws { if !ok { throw EvaluationError("verifier train: " + message) } }
        try FieldError.mapped(to: { EvaluationError("verifier train: " + $0) }) { try Field.check(Self.fields, in: self) }
        try need(hiddenSize % heads == 0, "dim = \(hiddenSize) must be a positive multiple of heads = \(heads)")
        try need(intermediateSize >= 1, "ffn = \(intermediateSize) must be at least 1")
        try need(weightDecay >= 0 && weightDecay.isFinite, "weight decay = \(weightDecay) must not be negative")
        try need(clipNorm > 0 && clipNorm.isFinite, "clip = \(clipNorm) must be positive")
    }
}

extension VerifierTrainingConfig: FieldRoot {
    public static var defaults: VerifierTrainingConfig { VerifierTrainingConfig() }

    /// The keys of `verifier train`, each declared once (the SwiGLU width follows dim).
    public static let fields: [Field<VerifierTrainingConfig>] = [
        .whole("steps", \.steps, "steps", "optimizer steps", bounds: 1...1_000_000),
        .whole("batch", \.batchSize, "batchSize", "samples per step, half correct and half wrong", bounds: 2...4096),
        .real("lr", \.learningRate, "learningRate", "AdamW peak learning rate (warm-up, cosine)", bounds: 1e-7...1),
        .whole("layers", \.layers, "layers", "verifier layers", bounds: 1...64),
        .whole("dim", \.hiddenSize, "hiddenSize", "verifier width", bounds: 4...4096),
        .whole("heads", \.heads, "heads", "verifier attention heads", bounds: 1...64),
        .real("held_out", \.heldOutFraction, "heldOutFraction", "share of problems held out", bounds: 0...0.9),
    ]
}

/// A verifier's quality on a set of labelled rollouts.
public struct VerifierMetrics: Sendable, Equatable, Codable {
    /// Rollouts judged.
    public var count: Int
    /// Correct rollouts among them.
    public var positives: Int
    /// Share judged right with threshold 0.5 on the score.
    public var accuracy: Double
    /// Share judged right on correct and on wrong rollouts, averaged (0.5 = chance, whatever the balance).
    public var balancedAccuracy: Double
    /// ROC AUC: the chance a random correct rollout outscores a random wrong one (ties ½); nil
    /// when one class is absent.
    public var auc: Double?
}

/// The outcome of verifier training.
public struct VerifierTrainingReport: Sendable, Equatable, Codable {
    /// Mean loss (−log p(label)) over the last 10% of steps.
    public var finalLoss: Double
    /// Quality on the training rollouts.
    public var train: VerifierMetrics
    /// Quality on the held-out problems' rollouts; nil when none were held out.
    public var heldOut: VerifierMetrics?
    /// Problem ids held out.
    public var heldOutProblems: [String]
}

/// ROC AUC by the Mann–Whitney statistic: over all (correct, wrong) pairs, the share where the
/// correct one scores higher, ties counting ½. nil when either class is empty.
public func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
    let positives = zip(scores, labels).filter { $0.1 }.map(\.0).sorted()
    let negatives = zip(scores, labels).filter { !$0.1 }.map(\.0).sorted()
    guard !positives.isEmpty, !negatives.isEmpty else { return nil }
    // For each positive, count negatives below it and tied with it by binary search.
    func countBelow(_ x: Double, strictly: Bool) -> Int {
        var lo = 0, hi = negatives.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strictly ? negatives[mid] < x : negatives[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
    var wins = 0.0
    for p in positives {
        let below = countBelow(p, strictly: true)
        wins += Double(below) + 0.5 * Double(countBelow(p, strictly: false) - below)
    }
    return wins / (Double(positives.count) * Double(negatives.count))
}

/// Accuracy, balanced accuracy and AUC of `scores` against `labels`.
func verifierMetrics(scores: [Double], labels: [Bool]) -> VerifierMetrics {
    let hits = zip(scores, labels).map { ($0.0 >= 0.5) == $0.1 }
    let positives = labels.filter { $0 }.count, negatives = labels.count - positives
    let truePositive = zip(hits, labels).filter { $0.0 && $0.1 }.count
    let trueNegative = zip(hits, labels).filter { $0.0 && !$0.1 }.count
    var rates: [Double] = []
    if positives > 0 { rates.append(Double(truePositive) / Double(positives)) }
    if negatives > 0 { rates.append(Double(trueNegative) / Double(negatives)) }
    return VerifierMetrics(count: labels.count, positives: positives,
                           accuracy: Double(hits.filter { $0 }.count) / Double(max(labels.count, 1)),
                           balancedAccuracy: rates.reduce(0, +) / Double(max(rates.count, 1)),
                           auc: rocAUC(scores: scores, labels: labels))
}

extension OutcomeVerifier {
    /// The verifier's accuracy and AUC on labelled rollouts.
    public func metrics(on examples: [VerifierExample], isCancelled: () -> Bool = { false }) throws -> VerifierMetrics {
        let scores = try scores(examples.map { ($0.prompt, $0.completion) }, isCancelled: isCancelled)
        return verifierMetrics(scores: scores, labels: examples.map(\.correct))
    }

    /// A copy of `run` with every sample's `score` set to this verifier's score of its completion.
    public func score(_ run: EvaluationRun, dataset: Dataset, isCancelled: () -> Bool = { false }) throws -> EvaluationRun {
        var items: [(prompt: String, completion: String)] = []
        for (problem, row) in zip(run.problems, run.texts) {
            for text in row { items.append((dataset.fullPrompt(problem), text.text)) }
        }
        return run.withScores(try scores(items, isCancelled: isCancelled))
    }
}

extension EvaluationRun {
    /// A copy whose samples carry `scores`, problem after problem, sample after sample.
    func withScores(_ scores: [Double]) -> EvaluationRun {
        var scored = self
        var next = 0
        for p in scored.samples.indices {
            for s in scored.samples[p].samples.indices where next < scores.count {
                scored.samples[p].samples[s].score = scores[next]
                next += 1
            }
        }
        return scored
    }
}

/// Splits labelled rollouts by problem: a seeded `heldOutFraction` of the problem ids is held
/// out (at least one problem always stays for training), so held-out metrics measure rollouts of
/// problems never trained on. Returns the training and held-out rollouts and the held-out ids.
func splitByProblem(_ examples: [VerifierExample], heldOutFraction: Double, rng: inout RNG)
    -> (train: [VerifierExample], heldOut: [VerifierExample], heldOutIDs: [String]) {
    var problemIDs: [String] = []
    var seen = Set<String>()
    for example in examples where seen.insert(example.problemID).inserted { problemIDs.append(example.problemID) }
    problemIDs.shuffle(using: &rng)
    let heldCount = min(Int((Double(problemIDs.count) * heldOutFraction).rounded()), max(problemIDs.count - 1, 0))
    let held = Set(problemIDs.prefix(heldCount))
    return (examples.filter { !held.contains($0.problemID) }, examples.filter { held.contains($0.problemID) },
            Array(problemIDs.prefix(heldCount)))
}

/// Trains a fresh verifier (a tiny Transformer over `tokenizer`) on labelled rollouts.
///
/// Problems are split first: a seeded `heldOutFraction` of problem ids is held out, so the
/// held-out metrics measure rollouts of problems the verifier never saw. Each step draws half
/// its batch from correct and half from wrong training rollouts (with replacement), so the class
/// balance of the policy's rollouts does not bias the verifier.
///
/// - Throws: `EvaluationError` when the training split lacks correct or wrong rollouts;
///   `CancellationError` when cancelled (no verifier is returned).
public func trainOutcomeVerifier(examples: [VerifierExample], tokenizer: any Tokenizer, judgement: VerifierJudgement,
                                 config: VerifierTrainingConfig = VerifierTrainingConfig(), seed: UInt64,
                                 isCancelled: () -> Bool = { false },
                                 progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws
    -> (verifier: OutcomeVerifier, report: VerifierTrainingReport) {
    try config.validate()
    var rng = RNG(seed: seed)
    let (trainSet, heldSet, heldIDs) = splitByProblem(examples, heldOutFraction: config.heldOutFraction, rng: &rng)
    let positives = trainSet.filter(\.correct), negatives = trainSet.filter { !$0.correct }
    guard !positives.isEmpty, !negatives.isEmpty else {
        throw EvaluationError("verifier train: the training rollouts hold \(positives.count) correct and \(negatives.count) wrong — "
            + "a verifier needs both; sample more completions or at a higher temperature")
    }
    let modelConfig = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: config.hiddenSize,
                                        intermediateSize: config.intermediateSize, numHiddenLayers: config.layers,
                                        numAttentionHeads: config.heads, bosTokenId: tokenizer.special.bos,
                                        eosTokenId: tokenizer.special.eos, padTokenId: tokenizer.special.pad)
    let model = try Transformer(config: modelConfig, seed: rng.next())
    let verifier = try OutcomeVerifier(model: model, tokenizer: tokenizer, judgement: judgement)
    verifier.trainingPrompts = Set(trainSet.map(\.prompt))
    let positiveContexts = try positives.map { try verifier.contextIDs(prompt: $0.prompt, completion: $0.completion) }
    let negativeContexts = try negatives.map { try verifier.contextIDs(prompt: $0.prompt, completion: $0.completion) }
    let optimizer = try AdamW(model: model, config: .supervised(weightDecay: config.weightDecay))
    let schedule = LearningRateSchedule(peak: Double(config.learningRate), warmupSteps: min(20, config.steps / 10),
                                        decay: .cosine(totalSteps: config.steps, floorRatio: 0.1))
    let half = config.batchSize / 2
    var losses: [Double] = []
    for step in 0..<config.steps {
        if isCancelled() { throw CancellationError() }
        var contexts: [[Int]] = [], labels: [Int] = []
        for _ in 0..<half {
            contexts.append(positiveContexts[rng.int(below: positiveContexts.count)]); labels.append(judgement.correct)
        }
        for _ in 0..<(config.batchSize - half) {
            contexts.append(negativeContexts[rng.int(below: negativeContexts.count)]); labels.append(judgement.wrong)
        }
        let (batch, positions) = try verifier.judgementBatch(contexts, labels: labels)
        let loss: Double
        do {
            loss = try supervisedStep(model: model, optimizer: optimizer, learningRate: schedule.rate(at: step),
                                      maxGradNorm: Double(config.clipNorm)) {
                let result = try model.forward(batch)
                // Loss = −(1/B) Σ log p(label); the engine's backward takes dLoss/dLogprob per position.
                var dLogprob = [Float](repeating: 0, count: batch.inputs.count)
                let scale = 1 / Float(contexts.count)
                var loss = 0.0
                for position in positions {
                    dLogprob[position] = -scale
                    loss -= Double(result.logprobs[position]) * Double(scale)
                }
                if loss.isFinite { try model.backward(dLogprob: dLogprob, dEntropy: nil) }
                return loss
            }.loss
        } catch let rejected as RejectedUpdate {
            throw EvaluationError("verifier train: step \(step + 1): \(rejected.message)")
        }
        losses.append(loss)
        progress(step + 1, config.steps)
    }
    let tail = losses.suffix(max(1, config.steps / 10))
    let report = VerifierTrainingReport(
        finalLoss: tail.reduce(0, +) / Double(tail.count),
        train: try verifier.metrics(on: trainSet, isCancelled: isCancelled),
        heldOut: heldSet.isEmpty ? nil : try verifier.metrics(on: heldSet, isCancelled: isCancelled),
        heldOutProblems: heldIDs.sorted())
    return (verifier, report)
}
