// Weight initialisations: the torch option draws embeddings from N(0, 1) and linear weights from
// U(±1/√fan_in), keeps norms at 1, and the gpt2 default is untouched by its existence.
import Testing
@testable import Models

@Suite struct TransformerInitializationTests {
    static let config = TransformerConfig(vocabSize: 40, hiddenSize: 64, intermediateSize: 96, numHiddenLayers: 2,
                                          numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 32)

    static func moments(_ v: [Float]) -> (mean: Double, std: Double, maxAbs: Double) {
        let n = Double(v.count)
        let mean = v.reduce(0.0) { $0 + Double($1) } / n
        let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot(), Double(v.map { abs($0) }.max() ?? 0))
    }

    @Test func torchDefaultsFollowTheLayerRules() throws {
        let model = try Transformer(config: Self.config, seed: 3, initialization: .torch)
        let tensors = model.tensors()
        let embedding = Self.moments(try #require(tensors["model.embed_tokens.weight"]).values)
        #expect(abs(embedding.mean) < 0.05 && abs(embedding.std - 1) < 0.05)   // 2,560 draws of N(0, 1)
        for entry in model.parameterEntries where entry.shape.count == 2 && !entry.name.contains("embed_tokens") {
            let values = try #require(tensors[entry.name]).values
            let bound = 1 / Double(entry.shape[1]).squareRoot()
            let m = Self.moments(values)
            #expect(m.maxAbs <= bound, "\(entry.name): \(m.maxAbs) > \(bound)")
            // A uniform on [−b, b] has standard deviation b/√3.
            #expect(abs(m.std - bound / 3.0.squareRoot()) < 0.1 * bound, "\(entry.name): std \(m.std)")
        }
        for entry in model.parameterEntries where entry.name.hasSuffix("norm.weight") {
            #expect(try #require(tensors[entry.name]).values.allSatisfy { $0 == 1 })
        }
    }

    @Test func gpt2IsTheDefaultAndSeedsAreReproducible() throws {
        let plain = try Transformer(config: Self.config, seed: 3)
        let gpt2 = try Transformer(config: Self.config, seed: 3, initialization: .gpt2)
        #expect(Array(plain.parameters) == Array(gpt2.parameters))
        let a = try Transformer(config: Self.config, seed: 3, initialization: .torch)
        let b = try Transformer(config: Self.config, seed: 3, initialization: .torch)
        #expect(Array(a.parameters) == Array(b.parameters))
        #expect(Array(a.parameters) != Array(plain.parameters))
        let q = Self.moments(try #require(plain.tensors()["model.layers.0.self_attn.q_proj.weight"]).values)
        #expect(abs(q.std - 0.02) < 0.002)
    }
}
