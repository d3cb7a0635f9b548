// Training/UpdateGuard.swift — the guarded optimizer step both trainers use: clip the gradient
// norm, refuse non-finite losses and gradients, apply AdamW; and a snapshot of parameters and
// optimizer state so a step made of several updates can be rolled back as a whole.

import Models

/// Parameters and optimizer moments saved before a step, restored when the step is rejected.
struct ParameterSnapshot {
    let parameters: [Float]
    let optimizerState: [String: Tensor]
    let optimizerStep: Int

    /// Captures `model` and `optimizer`.
    init(model: Transformer, optimizer: AdamW) {
        parameters = Array(model.parameters)
        optimizerState = optimizer.stateTensors()
        optimizerStep = optimizer.step
    }

    /// Puts both back exactly.
    func restore(model: Transformer, optimizer: AdamW) throws {
        let p = model.parameters
        for i in p.indices { p[i] = parameters[i] }
        try optimizer.restore(state: optimizerState, step: optimizerStep)
        model.zeroGradients()
    }
}

/// Why an update was refused.
struct RejectedUpdate: Error {
    let message: String
}

/// Clips, checks and applies one AdamW update from the gradients accumulated in `model`.
/// - Returns: the gradient norm before clipping.
/// - Throws: `RejectedUpdate` (parameters untouched) when the loss or the gradient is not finite.
func guardedUpdate(model: Transformer, optimizer: AdamW, loss: Double, maxGradNorm: Double,
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
