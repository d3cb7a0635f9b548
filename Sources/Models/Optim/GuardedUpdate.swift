// GuardedUpdate — the one guarded optimiser step of every training loop (the policy trainer and
// its critic, SFT and STaR, the outcome verifier, the value model): clip the gradient norm, refuse
// non-finite losses and gradients, apply AdamW; the supervised step built on it; and a snapshot of
// parameters and optimizer state so a step made of several updates can be rolled back as a whole.

/// Parameters and optimizer moments saved before a step, restored when the step is rejected.
public struct ParameterSnapshot {
    let parameters: [Float]
    let optimizerState: [String: Tensor]
    let optimizerStep: Int

    /// Captures `model` and `optimizer`.
    public init(model: Transformer, optimizer: AdamW) {
        parameters = Array(model.parameters)
        optimizerState = optimizer.stateTensors()
        optimizerStep = optimizer.step
    }

    /// Puts both back exactly.
    public func restore(model: Transformer, optimizer: AdamW) throws {
        let p = model.parameters
        for i in p.indices { p[i] = parameters[i] }
        try optimizer.restore(state: optimizerState, step: optimizerStep)
        model.zeroGradients()
    }
}

/// Why an update was refused: the parameters and the optimizer are as they were.
public struct RejectedUpdate: Error, CustomStringConvertible {
    /// What was not finite, and what to change.
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Clips, checks and applies one AdamW update from the gradients accumulated in `model`.
/// - Returns: the gradient norm before clipping.
/// - Throws: `RejectedUpdate` (parameters untouched) when the loss or the gradient is not finite.
public func guardedUpdate(model: Transformer, optimizer: AdamW, loss: Double, maxGradNorm: Double,
                          learningRate: Double) throws -> Double {
    guard loss.isFinite else {
        throw RejectedUpdate(message: "the loss was \(loss); the step was rejected and parameters and optimizer state restored — lower the learning rate or check the rewards")
    }
    let norm = model.clipGradientNorm(maxNorm: Float(maxGradNorm))
    guard norm.isFinite else {
        throw RejectedUpdate(message: "the gradient norm was \(norm); the step was rejected and parameters and optimizer state restored — lower the learning rate or enable grad_clip")
    }
    try optimizer.update(model, learningRate: Float(learningRate))
    return Double(norm)
}

/// One supervised step, shared by SFT (and so STaR), the outcome verifier and the value model:
/// zero the gradients, let `accumulate` run the forward and backward passes and return the loss
/// (it may skip the backward pass when the loss is not finite), then `guardedUpdate`.
/// - Returns: the loss and the gradient norm before clipping.
/// - Throws: `RejectedUpdate` with the gradients zeroed and the parameters untouched when the loss
///   or the gradient is not finite; whatever `accumulate` throws.
public func supervisedStep(model: Transformer, optimizer: AdamW, learningRate: Double, maxGradNorm: Double,
                           accumulate: () throws -> Double) throws -> (loss: Double, gradNorm: Double) {
    model.zeroGradients()
    let loss = try accumulate()
    do {
        return (loss, try guardedUpdate(model: model, optimizer: optimizer, loss: loss, maxGradNorm: maxGradNorm,
                                        learningRate: learningRate))
    } catch let rejected as RejectedUpdate {
        model.zeroGradients()
        throw rejected
    }
}
