// Training/SFT.swift — supervised fine-tuning on prompt/completion pairs (worked solutions,
// STaR's kept samples, any pairs): cross-entropy on completion tokens only (completion =
// solution + eos), length-bucketed batches, AdamW with warm-up + cosine and gradient clipping,
// one `SFTStepReport` per step. Incremental: `step()` hands control back after every update.

import Fields
import Foundation
import Kernels
import Models
import Tasks

/// One training pair in token ids.
public struct SFTExample: Sendable, Codable, Equatable {
    /// Conditioning tokens (no loss).
    public var prompt: [Int]
    /// Target tokens (the loss), usually ending in eos.
    public var completion: [Int]
    /// Creates a pair.
    public init(prompt: [Int], completion: [Int]) { self.prompt = prompt; self.completion = completion }
}

/// SFT settings; defaults are the "Thinking pays" warm start (RECIPES.md).
public struct SFTConfig: Sendable, Codable, Equatable {
    /// Examples per step. Default 64.
    public var batchSize: Int = 64
    /// Peak learning rate η. Default 3e-3.
    public var learningRate: Double = 3e-3
    /// Decoupled weight decay λ (not on norms). Default 0.01; 0 = off.
    public var weightDecay: Double = 0.01
    /// Linear warm-up steps. Default 30.
    public var warmupSteps: Int = 30
    /// Cosine length; 0 = the steps of the current run.
    public var totalSteps: Int = 0
    /// Cosine floor as a fraction of the peak. Default 0.1.
    public var minLearningRateRatio: Double = 0.1
    /// Gradient-norm clip. Default 1; 0 = off.
    public var maxGradNorm: Double = 1.0
    /// Length bucket width in tokens (batches hold one bucket). Default 8; 0 = no bucketing.
    public var bucketWidth: Int = 8

    /// The defaults.
    public init() {}

    /// Checks every field; messages name the field and the valid range.
    public func validate() throws {
        try FieldError.mapped(to: { TrainingError($0) }) { try Field.check(Self.fields, in: self) }
        if !(learningRate > 0) { throw TrainingError("lr=\(learningRate) — must be > 0") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { throw TrainingError("weight_decay=\(weightDecay) — must be ≥ 0") }
    }

    /// Warm-up then cosine, at 0-based step `step` of a run of `runSteps`.
    public func learningRate(at step: Int, runSteps: Int) -> Double {
        let total = totalSteps > 0 ? totalSteps : runSteps
        let schedule = LearningRateSchedule(peak: learningRate, warmupSteps: warmupSteps,
                                            decay: .cosine(totalSteps: total, floorRatio: minLearningRateRatio))
        return schedule.rate(at: step)
    }
}

extension SFTConfig: FieldRoot {
    public static var defaults: SFTConfig { SFTConfig() }

    /// The keys of `sft` (batch and lr are also `star`'s), each declared once; defaults are the
    /// properties' own.
    public static let fields: [Field<SFTConfig>] = [
        .whole("batch", \.batchSize, "batchSize", "examples per step", bounds: 1...65_536),
        .real("lr", \.learningRate, "learningRate", "peak learning rate", symbol: "η", bounds: 0...10),
        .whole("warmup", \.warmupSteps, "warmupSteps", "linear warm-up steps", bounds: 0...10_000_000),
        .real("min_lr_ratio", \.minLearningRateRatio, "minLearningRateRatio", "cosine floor as a fraction of lr", bounds: 0...1),
        .real("grad_clip", \.maxGradNorm, "maxGradNorm", "gradient-norm clip", off: "off", bounds: 0...1e6),
        .whole("total_steps", \.totalSteps, "totalSteps", "cosine schedule length", off: "this run's steps", bounds: 0...10_000_000),
        .whole("bucket", \.bucketWidth, "bucketWidth", "length-bucket width in tokens",
               off: "short and long examples share batches (the recipe's setting)", bounds: 0...100_000),
    ]
}

/// What one SFT step did.
public struct SFTStepReport: Sendable, Codable, Equatable {
    /// 1-based step number after this step.
    public var step: Int
    /// Mean cross-entropy per completion token (nats).
    public var loss: Double
    /// Completion tokens in the batch.
    public var tokens: Int
    /// Rows and padded length of the batch.
    public var rows: Int, length: Int
    /// Gradient norm before clipping.
    public var gradNorm: Double
    /// Learning rate used.
    public var learningRate: Double
    /// Wall-clock seconds of the step.
    public var seconds: Double
    /// Completion tokens per second.
    public var tokensPerSecond: Double
    /// Set when the step was rejected (non-finite loss or gradient); the model is unchanged.
    public var rejected: String?
}

/// Builds SFT pairs from problems with worked solutions: prompt = the data set's full prompt,
/// completion = solution + eos. Problems without a solution are skipped.
/// - Throws: when the tokenizer has no end-of-sequence token or a character is unknown.
public func sftExamples(problems: [Problem], dataset: Dataset, tokenizer: any Tokenizer) throws -> [SFTExample] {
    guard let eos = tokenizer.special.eos else {
        throw TrainingError("the tokenizer has no end-of-sequence token — SFT needs one to teach the model to stop")
    }
    return try problems.compactMap { p in
        guard let solution = p.solution else { return nil }
        return SFTExample(prompt: try encodePrompt(dataset.fullPrompt(p), tokenizer: tokenizer, system: dataset.system),
                          completion: try tokenizer.encode(solution) + [eos])
    }
}

/// A token batch of prompt+completion rows with the loss on completion tokens only.
func completionBatch(prompts: [[Int]], completions: [[Int]], masks: [[Bool]]? = nil, padId: Int) throws -> TokenBatch {
    var sequences: [[Int]] = []
    var lossMask: [[Bool]] = []
    for (i, (p, c)) in zip(prompts, completions).enumerated() {
        sequences.append(p + c)
        lossMask.append([Bool](repeating: false, count: p.count) + (masks?[i] ?? [Bool](repeating: true, count: c.count)))
    }
    return try TokenBatch(sequences: sequences, padId: padId, lossMask: lossMask)
}

/// Supervised fine-tuning of a model on fixed pairs.
public final class SFTTrainer: @unchecked Sendable {
    /// The model being trained (shared with the session).
    public let model: Transformer
    /// Its optimizer.
    public let optimizer: AdamW
    /// Settings (the optimizer's hyper-parameters are fixed at creation).
    public let config: SFTConfig
    /// The pairs.
    public let examples: [SFTExample]
    /// Completed steps.
    public internal(set) var step = 0
    var batcher: LengthBucketBatcher
    var rng: RNG
    let padId: Int
    /// Mean completion tokens per example over all examples (the gradient's constant divisor).
    let meanCompletionTokens: Double

    /// Creates a trainer; the batch order is drawn from `seed`.
    public init(model: Transformer, examples: [SFTExample], config: SFTConfig = SFTConfig(), padId: Int = 0, seed: UInt64) throws {
        try config.validate()
        guard !examples.isEmpty else { throw TrainingError("no SFT examples — the data set has no worked solutions; generate one with think=always or mixed") }
        if let bad = examples.firstIndex(where: { $0.prompt.isEmpty || $0.completion.isEmpty }) {
            throw TrainingError("SFT example \(bad) has an empty prompt or completion")
        }
        self.model = model
        self.config = config
        self.examples = examples
        self.padId = padId
        meanCompletionTokens = Double(examples.reduce(0) { $0 + $1.completion.count }) / Double(examples.count)
        // β and ε are the built-in supervised learners' (shared with the verifier and the value model).
        optimizer = try AdamW(model: model, config: .supervised(weightDecay: Float(config.weightDecay)))
        batcher = try LengthBucketBatcher(lengths: examples.map { $0.prompt.count + $0.completion.count },
                                          batchSize: config.batchSize, bucketWidth: config.bucketWidth)
        rng = RNG(seed: seed)
    }

    /// One step: next batch, forward, loss on completion tokens, backward, clip, AdamW.
    /// - Parameter runSteps: the run's length, for the cosine schedule when `totalSteps` is 0.
    public func step(runSteps: Int) throws -> SFTStepReport {
        let start = Date()
        let batch = batcher.next(rng: &rng)
        let tb = try completionBatch(prompts: batch.map { examples[$0].prompt },
                                     completions: batch.map { examples[$0].completion }, padId: padId)
        let counted = tb.targetCount
        let lr = config.learningRate(at: step, runSteps: runSteps)
        var report = SFTStepReport(step: step + 1, loss: .nan, tokens: counted, rows: tb.rows, length: tb.length,
                                   gradNorm: .nan, learningRate: lr, seconds: 0, tokensPerSecond: 0, rejected: nil)
        do {
            report.gradNorm = try supervisedStep(model: model, optimizer: optimizer, learningRate: lr,
                                                 maxGradNorm: config.maxGradNorm) {
                report.loss = try completionLoss(tb, rows: batch.count)
                return report.loss
            }.gradNorm
        } catch let r as RejectedUpdate {
            // Nothing was applied: the update is refused before AdamW touches anything.
            report.rejected = r.message
        }
        step += 1
        report.seconds = Date().timeIntervalSince(start)
        report.tokensPerSecond = Double(counted) / max(report.seconds, 1e-9)
        return report
    }

    /// The mean negative log-likelihood of `tb`'s completion tokens, its gradient accumulated
    /// into the model (not when the loss is not finite).
    func completionLoss(_ tb: TokenBatch, rows: Int) throws -> Double {
        let fr = try model.forward(tb)
        // Why a constant divisor and not this batch's token count: batches hold one length bucket,
        // so a per-batch token mean would weigh a token of a long (worked) example 5× less than one
        // of a short (direct) example, and skew every decision they share — the first token after
        // `<think>` then settles near 5% worked instead of the data's 20%. Dividing by
        // rows × the data set's mean completion length makes the expected gradient that of the
        // token mean over all data, whatever the bucketing.
        let scale = 1 / Float(Double(rows) * meanCompletionTokens)
        var loss = 0.0
        var d = [Float](repeating: 0, count: tb.targets.count)
        for p in 0..<d.count where tb.targets[p] >= 0 {
            loss -= Double(fr.logprobs[p])
            d[p] = -scale
        }
        loss /= Double(max(tb.targetCount, 1))
        if loss.isFinite { try model.backward(dLogprob: d, dEntropy: nil) }
        return loss
    }

    /// Runs `steps` steps, calling `progress` after each; stops between steps when `isCancelled`
    /// turns true (every completed step stays applied).
    public func run(steps: Int, progress: (SFTStepReport) -> Void = { _ in },
                    isCancelled: () -> Bool = { false }) throws -> [SFTStepReport] {
        var reports: [SFTStepReport] = []
        let runSteps = step + steps
        for _ in 0..<steps {
            if isCancelled() { break }
            let r = try step(runSteps: runSteps)
            reports.append(r)
            progress(r)
        }
        return reports
    }
}
