// Training/RolloutScorer.swift — turns a completion into a `ScoredReward` and a correctness
// verdict: a weighted sum of Tasks rewards (each component kept for the `rewards/<name>/mean`
// metrics) and the data set's own verifier for `accuracy`.

import Tasks

/// Scores completions for the trainer. A value: the rewards are `Sendable` values too, so the
/// asynchronous producer can score on its own thread.
public struct RolloutScorer: Sendable {
    /// One weighted component.
    public struct Component: Sendable {
        /// Metric name (`correct`, `format`, …).
        public var name: String
        /// Weight w in r = Σ w·score.
        public var weight: Double
        /// The reward function.
        public var reward: any Reward
        /// Creates a component.
        public init(name: String, weight: Double, reward: any Reward) {
            self.name = name; self.weight = weight; self.reward = reward
        }
    }

    /// The components of the weighted sum.
    public var components: [Component]
    /// When set, every component except the gate counts only if the gate's score is ≥ 0.5
    /// (e.g. correctness only when the format is right); the gate itself always counts.
    public var gate: String?
    /// Decides `Rollout.correct` (the `accuracy` metric).
    public var verifier: @Sendable (String, Problem) -> Bool

    /// A scorer from weighted components and a verifier.
    public init(components: [Component], gate: String? = nil,
                verifier: @escaping @Sendable (String, Problem) -> Bool) {
        self.components = components; self.gate = gate; self.verifier = verifier
    }

    /// The plain RLVR reward for a data set: 1 when the answer verifies, else 0 (the recipe's).
    public init(dataset: Dataset) {
        let d = dataset
        self.init(components: [Component(name: "correct", weight: 1, reward: CorrectnessReward(dataset: dataset))],
                  verifier: { d.isCorrect(completion: $0, problem: $1) })
    }

    /// Scores one completion of `tokenCount` tokens. A nil component counts as 0.
    public func score(completion: String, problem: Problem, tokenCount: Int) -> (reward: ScoredReward, correct: Bool) {
        var values: [Double?] = []
        for c in components { values.append(c.reward.score(completion: completion, problem: problem, tokenCount: tokenCount)) }
        var gateOpen = true
        if let gate, let g = components.firstIndex(where: { $0.name == gate }) { gateOpen = (values[g] ?? 0) >= 0.5 }
        var total = 0.0
        for (i, c) in components.enumerated() {
            let counts = gateOpen || c.name == gate
            if counts { total += c.weight * (values[i] ?? 0) }
        }
        return (ScoredReward(total: total, names: components.map(\.name), values: values),
                verifier(completion, problem))
    }
}
