// Shared test fixtures: the recipe's 18-symbol tokenizer, a tiny Llama-style model, a small
// addition data set, and rewards that make learning signals easy to see.
import Foundation
import Kernels
import Models
import Tasks
@testable import Training

enum Fixture {
    static let vocabulary = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "=", "c", " ",
                             "<think>", "</think>", "<eos>", "<pad>"]

    static func tokenizer() throws -> CharTokenizer { try CharTokenizer(vocabulary: vocabulary) }

    static func model(seed: UInt64 = 1, hidden: Int = 32, layers: Int = 2) throws -> Transformer {
        let config = TransformerConfig(vocabSize: 18, hiddenSize: hidden, intermediateSize: 2 * hidden, numHiddenLayers: layers,
                                       numAttentionHeads: 2, numKeyValueHeads: 2, maxPositionEmbeddings: 128)
        return try Transformer(config: config, seed: seed)
    }

    static func dataset(train: Int = 80, test: Int = 20, digits: ClosedRange<Int> = 1...1,
                        think: ThinkMode = .none, seed: UInt64 = 5) throws -> Dataset {
        var rng = RNG(seed: seed)
        return try ArithmeticTask(operation: .add, digits: digits, think: think).makeDataset(train: train, test: test, rng: &rng)
    }
}

/// Reward: the share of sevens among the completion's characters (an easy signal to learn).
struct SevensReward: Reward {
    var name: String { "sevens" }
    func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        let chars = completion.filter { $0 != "<" }
        guard !chars.isEmpty else { return 0 }
        return Double(chars.filter { $0 == "7" }.count) / Double(max(tokenCount, 1))
    }
}

/// Reward: a constant (every group has zero variance).
struct ConstantReward: Reward {
    var value: Double
    var name: String { "constant" }
    func score(completion: String, problem: Problem, tokenCount: Int) -> Double? { value }
}

func scorer(_ r: any Reward) throws -> RolloutScorer {
    RolloutScorer(reward: try WeightedReward([.init(r)]), verifier: { _, _ in false })
}
