// Evaluation/ValueTraining.swift — training a value model on a policy's sampled completions by
// Monte-Carlo regression: every state s_t of a completion (t = 0…T−1, the prompt alone included)
// is regressed on the completion's correctness, V(s_t) ≈ P(correct | s_t) (γ = λ = 1 returns of
// the correctness reward). Problems are split as for the verifier (held-out problems never
// trained on); batches are seeded, and by default class-balanced like the verifier's (half right,
// half wrong): the value is then P(correct | s) under an even mix — it ranks completions as the
// calibrated value would (the shift is monotonic) and learns the rare class far faster. With
// `balanced` off, batches are drawn uniformly and V is the expectation under the policy's own mix
// (what PPO needs; on a 1-in-10 toy it settles on the base rate first). Reported: the final-state values' AUC and
// accuracy at 0.5 (comparable with the outcome verifier's) and the explained variance over states.
import Fields
import Foundation
import Kernels
import Models
import Tasks

/// Every knob of value training, with its default (the verifier's where they mean the same).
public struct ValueTrainingConfig: Sendable, Equatable {
    /// Start from the policy's weights (plus a zeroed value row) instead of a fresh network.
    public var fromPolicy: Bool = false
    /// Layers, width, heads and SwiGLU width of a fresh network (2 × 64, 4 heads, 172).
    public var layers: Int = 2, hiddenSize: Int = 64, heads: Int = 4, intermediateSize: Int = 172
    /// Optimizer steps (400), completions per step (32).
    public var steps: Int = 400, batchSize: Int = 32
    /// Half correct, half wrong completions per batch (true); false: drawn uniformly.
    public var balanced: Bool = true
    /// AdamW peak learning rate (3e-3; 20 warm-up steps, cosine to 10%), weight decay, gradient clip.
    public var learningRate: Float = 3e-3, weightDecay: Float = 0.01, clipNorm: Float = 1.0
    /// Share of problems held out (0.2).
    public var heldOutFraction: Double = 0.2

    /// The defaults.
    public init() {}

    /// Throws naming the first unusable value.
    public func validate() throws {
        func need(_ ok: Bool, _ message: String) throws { if !ok { throw EvaluationError("value train: " + message) } }
        try FieldError.mapped(to: { EvaluationError("value train: " + $0) }) { try Field.check(Self.fields, in: self) }
        try need(hiddenSize % heads == 0, "dim = \(hiddenSize) must be a positive multiple of heads = \(heads)")
        try need(intermediateSize >= 1, "ffn = \(intermediateSize) must be at least 1")
        try need(batchSize >= (balanced ? 2 : 1), "batch = \(batchSize) must be at least \(balanced ? "2 (half correct, half wrong)" : "1")")
        try need(weightDecay >= 0 && weightDecay.isFinite, "weight decay = \(weightDecay) must not be negative")
        try need(clipNorm > 0 && clipNorm.isFinite, "clip = \(clipNorm) must be positive")
    }
}

extension ValueTrainingConfig: FieldRoot {
    public static var defaults: ValueTrainingConfig { ValueTrainingConfig() }

    /// The keys of `value train` that set a knob directly, each declared once (`from` chooses
    /// `fromPolicy`; the SwiGLU width follows dim).
    public static let fields: [Field<ValueTrainingConfig>] = [
        .whole("steps", \.steps, "steps", "optimizer steps", bounds: 1...1_000_000),
        .whole("batch", \.batchSize, "batchSize", "completions per step", bounds: 1...4096),
        .flag("balanced", \.balanced, "balanced",
              "half correct, half wrong per batch (ranks well, calibrated to an even mix); false: uniform (calibrated to the policy's mix)"),
        .real("lr", \.learningRate, "learningRate", "AdamW peak learning rate (warm-up, cosine)", bounds: 1e-7...1),
        .whole("layers", \.layers, "layers", "layers of a fresh network", bounds: 1...64),
        .whole("dim", \.hiddenSize, "hiddenSize", "width of a fresh network", bounds: 4...4096),
        .whole("heads", \.heads, "heads", "attention heads of a fresh network", bounds: 1...64),
        .real("held_out", \.heldOutFraction, "heldOutFraction", "share of problems held out", bounds: 0...0.9),
    ]
}

/// A value model's quality on labelled completions.
public struct ValueMetrics: Sendable, Equatable {
    /// Completions judged (their final-state values against correctness: count, accuracy, AUC).
    public var judged: VerifierMetrics
    /// 1 − Var(y − V)/Var(y) over every state of every completion (y its correctness).
    public var explainedVariance: Double
    /// Mean ½(V − y)² over every state.
    public var loss: Double
}

/// The outcome of value training.
public struct ValueTrainingReport: Sendable, Equatable {
    /// Mean loss over the last 10% of steps.
    public var finalLoss: Double
    /// On the training completions.
    public var train: ValueMetrics
    /// On the held-out problems' completions; nil when none were held out.
    public var heldOut: ValueMetrics?
}

/// One completion encoded for the value model.
private struct EncodedExample {
    var prompt: [Int]
    var completion: [Int]
    var target: Double
}

private func encode(_ examples: [VerifierExample], tokenizer: any Tokenizer) throws -> [EncodedExample] {
    try examples.map { e in
        do {
            var completion = try tokenizer.encode(e.completion)
            if let eos = tokenizer.special.eos { completion.append(eos) }
            return EncodedExample(prompt: try encodePrompt(e.prompt, tokenizer: tokenizer), completion: completion,
                                  target: e.correct ? 1 : 0)
        } catch {
            throw EvaluationError("value train: cannot encode a sample of \(e.problemID) (\(error)) — the value model needs the policy's tokenizer")
        }
    }
}

extension ValueModel {
    /// The value model's quality on labelled completions.
    public func metrics(on examples: [VerifierExample], isCancelled: () -> Bool = { false }) throws -> ValueMetrics {
        let encoded = try encode(examples, tokenizer: tokenizer)
        var finals: [Double] = [], residual: [Double] = [], ys: [Double] = []
        var start = 0
        while start < encoded.count {
            if isCancelled() { throw CancellationError() }
            let chunk = Array(encoded[start..<min(start + 64, encoded.count)])
            let states = try values(prompts: chunk.map(\.prompt), completions: chunk.map(\.completion))
            finals += try completionValues(prompts: chunk.map(\.prompt), completions: chunk.map(\.completion))
            for (e, row) in zip(chunk, states) {
                for v in row { residual.append(e.target - Double(v)); ys.append(e.target) }
            }
            start += 64
        }
        func variance(_ x: [Double]) -> Double {
            guard !x.isEmpty else { return 0 }
            let m = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
        }
        let vy = variance(ys)
        return ValueMetrics(judged: verifierMetrics(scores: finals, labels: examples.map(\.correct)),
                            explainedVariance: vy > 0 ? 1 - variance(residual) / vy : 0,
                            loss: residual.isEmpty ? 0 : residual.reduce(0) { $0 + 0.5 * $1 * $1 } / Double(residual.count))
    }
}

/// Trains a value model on labelled completions (see the file header). `policy` is used only
/// when `config.fromPolicy`.
public func trainValueModel(examples: [VerifierExample], tokenizer: any Tokenizer, policy: Transformer?,
                            config: ValueTrainingConfig = ValueTrainingConfig(), seed: UInt64,
                            isCancelled: () -> Bool = { false },
                            progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws
    -> (value: ValueModel, report: ValueTrainingReport) {
    try config.validate()
    var rng = RNG(seed: seed)
    let (trainSet, heldSet, _) = splitByProblem(examples, heldOutFraction: config.heldOutFraction, rng: &rng)
    let positives = trainSet.filter(\.correct).count, negatives = trainSet.count - positives
    guard positives > 0, negatives > 0 else {
        throw EvaluationError("value train: the training samples hold \(positives) correct and \(negatives) wrong — "
            + "a value model needs both; sample more completions or at a higher temperature")
    }
    let encoded = try encode(trainSet, tokenizer: tokenizer)
    let right = encoded.filter { $0.target > 0 }, wrong = encoded.filter { $0.target == 0 }
    let value: ValueModel
    if config.fromPolicy {
        guard let policy else { throw EvaluationError("value train: from=policy needs a local policy model") }
        value = try ValueModel.from(policy: policy, tokenizer: tokenizer)
    } else {
        value = try ValueModel.fresh(tokenizer: tokenizer, layers: config.layers, hiddenSize: config.hiddenSize, heads: config.heads,
                                     intermediateSize: config.intermediateSize,
                                     maxPositions: policy?.config.maxPositionEmbeddings ?? 2048, seed: rng.next())
    }
    let optimizer = try AdamW(model: value.model, config: .supervised(weightDecay: config.weightDecay))
    let schedule = LearningRateSchedule(peak: Double(config.learningRate), warmupSteps: min(20, config.steps / 10),
                                        decay: .cosine(totalSteps: config.steps, floorRatio: 0.1))
    var losses: [Double] = []
    for step in 0..<config.steps {
        if isCancelled() { throw CancellationError() }
        var batch: [EncodedExample] = []
        if config.balanced {
            for i in 0..<config.batchSize {
                let pool = i < config.batchSize / 2 ? right : wrong
                batch.append(pool[rng.int(below: pool.count)])
            }
        } else {
            for _ in 0..<config.batchSize { batch.append(encoded[rng.int(below: encoded.count)]) }
        }
        let states = batch.reduce(0) { $0 + $1.completion.count }
        let loss: Double
        do {
            loss = try supervisedStep(model: value.model, optimizer: optimizer, learningRate: schedule.rate(at: step),
                                      maxGradNorm: Double(config.clipNorm)) {
                try value.accumulateRegression(prompts: batch.map(\.prompt), completions: batch.map(\.completion),
                                               targets: batch.map { e in e.completion.map { _ in e.target } },
                                               weights: batch.map { e in e.completion.map { _ in 1 / Double(max(states, 1)) } }).loss
            }.loss
        } catch let rejected as RejectedUpdate {
            throw EvaluationError("value train: step \(step + 1): \(rejected.message)")
        }
        losses.append(loss)
        progress(step + 1, config.steps)
    }
    let tail = losses.suffix(max(1, config.steps / 10))
    let report = ValueTrainingReport(finalLoss: tail.reduce(0, +) / Double(tail.count),
                                     train: try value.metrics(on: trainSet, isCancelled: isCancelled),
                                     heldOut: heldSet.isEmpty ? nil : try value.metrics(on: heldSet, isCancelled: isCancelled))
    return (value, report)
}
