// Training/RolloutScorer.swift — turns a completion into a `ScoredReward` and a correctness
// verdict: the Tasks `WeightedReward` (each component kept for the `rewards/<name>/mean`
// metrics, format gating included) and the data set's own verifier for `accuracy`.

import Tasks

/// Scores completions for the trainer. A value (the rewards are `Sendable`), so the
/// asynchronous producer scores on its own thread.
public struct RolloutScorer: Sendable {
    /// The reward: a weighted sum of components.
    public var reward: WeightedReward
    /// Decides `Rollout.correct` (the `accuracy` metric), independent of reward shaping.
    public var verifier: @Sendable (String, Problem) -> Bool

    /// A scorer from a weighted reward and a verifier.
    public init(reward: WeightedReward, verifier: @escaping @Sendable (String, Problem) -> Bool) {
        self.reward = reward
        self.verifier = verifier
    }

    /// A weighted reward with the data set's verifier for accuracy.
    public init(reward: WeightedReward, dataset: Dataset) {
        let d = dataset
        self.init(reward: reward, verifier: { d.isCorrect(completion: $0, problem: $1) })
    }

    /// The plain RLVR reward for a data set: 1 when the answer verifies, else 0 (the recipe's).
    public init(dataset: Dataset) throws {
        self.init(reward: try WeightedReward([.init(CorrectnessReward(dataset: dataset), weight: 1, name: "correct")]),
                  dataset: dataset)
    }

    /// Scores one completion of `tokenCount` tokens.
    public func score(completion: String, problem: Problem, tokenCount: Int) -> (reward: ScoredReward, correct: Bool) {
        let b = reward.evaluate(completion: completion, problem: problem, tokenCount: tokenCount)
        return (ScoredReward(total: b.total, names: b.components.map(\.name), values: b.components.map(\.value)),
                verifier(completion, problem))
    }
}
