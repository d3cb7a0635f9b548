// Compares the Swift transformer with the PyTorch reference fixtures written by
// bench/make_fixtures.py: logits, per-token log-probs and entropies, loss, every gradient.
import Foundation
import Testing
@testable import Models

/// One loaded reference fixture.
struct TorchFixture {
    var config: TransformerConfig
    var temperature: Float
    var entropyCoef: Float
    var batch: TokenBatch
    var weights: [String: Tensor]
    var logits: [Float]
    var logprobs: [Float]
    var entropies: [Float]
    var loss: Float
    var gradients: [String: [Float]]

    static func load(_ name: String) throws -> TorchFixture {
        let url = try #require(Bundle.module.url(forResource: "reference_\(name)", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cfgData = try JSONSerialization.data(withJSONObject: try #require(doc["config"]))
        let config = try JSONDecoder().decode(TransformerConfig.self, from: cfgData)
        func floats(_ v: Any?) throws -> [Float] { try #require(v as? [NSNumber]).map { $0.floatValue } }
        func ints(_ v: Any?) throws -> [Int32] { try #require(v as? [NSNumber]).map { $0.int32Value } }
        let rows = try #require(doc["rows"] as? Int), length = try #require(doc["length"] as? Int)
        let batch = try TokenBatch(rows: rows, length: length, inputs: try ints(doc["inputs"]), targets: try ints(doc["targets"]))
        var weights: [String: Tensor] = [:]
        for (k, v) in try #require(doc["weights"] as? [String: Any]) {
            let d = try #require(v as? [String: Any])
            let shape = try #require(d["shape"] as? [Int])
            let values = try floats(d["values"])
            guard let t = Tensor(shape: shape, values: values) else { throw ModelError("fixture tensor \(k) has a bad shape") }
            weights[k] = t
        }
        var grads: [String: [Float]] = [:]
        for (k, v) in try #require(doc["gradients"] as? [String: Any]) { grads[k] = try floats(v) }
        return TorchFixture(config: config, temperature: try #require(doc["temperature"] as? NSNumber).floatValue,
                            entropyCoef: try #require(doc["entropy_coef"] as? NSNumber).floatValue,
                            batch: batch, weights: weights, logits: try floats(doc["logits"]),
                            logprobs: try floats(doc["logprobs"]), entropies: try floats(doc["entropies"]),
                            loss: try #require(doc["loss"] as? NSNumber).floatValue, gradients: grads)
    }
}

/// Largest |a − b| relative to the largest |b| (at least 1e-3, so all-tiny tensors compare absolutely).
func relativeMaxDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var d: Float = 0, m: Float = 1e-3
    for i in a.indices { d = max(d, abs(a[i] - b[i])); m = max(m, abs(b[i])) }
    return d / m
}

@Test(arguments: ["qwen2_gqa_bias", "llama_tied"])
func matchesPyTorchReference(name: String) throws {
    let f = try TorchFixture.load(name)
    let model = try Transformer(config: f.config, tensors: f.weights)
    #expect(model.config.attentionBias == (name == "qwen2_gqa_bias"))

    let logits = try model.logits(f.batch)
    let dLogits = relativeMaxDifference(logits, f.logits)
    print("[\(name)] logits max relative difference \(dLogits)")
    #expect(dLogits < 1e-4)

    let out = try model.forward(f.batch, temperature: f.temperature)
    #expect(relativeMaxDifference(out.logprobs, f.logprobs) < 1e-4)
    #expect(relativeMaxDifference(out.entropies, f.entropies) < 1e-4)
    let n = Float(f.batch.targetCount)
    var loss: Float = 0
    for i in out.logprobs.indices { loss += -out.logprobs[i] / n - f.entropyCoef * out.entropies[i] / n }
    print("[\(name)] loss swift \(loss) torch \(f.loss)")
    #expect(abs(loss - f.loss) < 1e-4 * max(1, abs(f.loss)))

    model.zeroGradients()
    let dLp = f.batch.targets.map { $0 >= 0 ? -1 / n : 0 }
    let dEnt = f.batch.targets.map { $0 >= 0 ? -f.entropyCoef / n : 0 }
    try model.backward(dLogprob: dLp, dEntropy: dEnt)
    let grads = model.gradientTensors()
    #expect(Set(grads.keys) == Set(f.gradients.keys))
    for (k, ref) in f.gradients.sorted(by: { $0.key < $1.key }) {
        let g = try #require(grads[k])
        let d = relativeMaxDifference(g.values, ref)
        print("[\(name)] grad \(k) max relative difference \(d)")
        #expect(d < 1e-4, "gradient \(k)")
    }
}
