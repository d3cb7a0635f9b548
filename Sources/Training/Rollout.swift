// Training/Rollout.swift — what one sampled completion carries through scoring and the update:
// its tokens, loss mask, behaviour log-probs, finish reason, thinking length, every reward
// component, correctness, advantage, the policy version that sampled it, and the decoded text
// (for `show rollouts`). Plus the batch of groups a step consumes.

import Models
import Tasks

/// Why a completion ended, with the thinking budget told apart from a natural stop.
public enum RolloutFinish: String, Sendable, Codable, Equatable {
    /// End of sequence (or a stop string) after the model closed its thinking itself.
    case stop
    /// `maxNewTokens` was reached: the completion is truncated.
    case length
    /// Stopped normally, but the thinking was cut by the budget (a forced `</think>`).
    case budget
}

/// The scored value of one completion: the weighted total and every component.
public struct ScoredReward: Sendable, Codable, Equatable {
    /// The weighted sum used as the reward r.
    public var total: Double
    /// Component names, in the reward's order.
    public var names: [String]
    /// Component values (nil: not applicable), parallel to `names`.
    public var values: [Double?]

    /// Creates a scored reward.
    public init(total: Double, names: [String] = [], values: [Double?] = []) {
        self.total = total; self.names = names; self.values = values
    }
}

/// One completion of one prompt.
public struct Rollout: Sendable {
    /// The problem it answers.
    public var problem: Problem
    /// Index of its group (prompt) within the batch.
    public var group: Int
    /// Prompt token ids (prefix included).
    public var promptTokens: [Int]
    /// Generated token ids, forced ones included (eos last when it stopped).
    public var tokens: [Int]
    /// Behaviour log-probs of `tokens` (the sampler's), the PPO ratio's denominator.
    public var logprobs: [Float]
    /// Frozen-reference log-probs of `tokens`, filled when the KL term is on.
    public var referenceLogprobs: [Float]?
    /// True for tokens forced by the thinking controls (left out of the loss).
    public var forced: [Bool]
    /// Why it ended.
    public var finish: RolloutFinish
    /// The engine's finish reason (stop / stop_string / length).
    public var finishReason: FinishReason
    /// Generated tokens inside `<think>…</think>`.
    public var thinkingTokens: Int
    /// s1 wait extensions inserted.
    public var waitsUsed: Int
    /// The decoded completion (without the final end-of-sequence token).
    public var text: String
    /// Its reward and components.
    public var reward: ScoredReward
    /// Whether the answer verifies (the `accuracy` metric), independent of reward shaping.
    public var correct: Bool
    /// Its advantage A (set by `assignAdvantages`; with a critic, the mean of `tokenAdvantages`).
    public var advantage: Double = 0
    /// Per-token advantages A_t (PPO with a critic: GAE); nil: every token weighs `advantage`.
    public var tokenAdvantages: [Double]?
    /// The critic's values V(s_t) at sampling time, one per token (PPO; the value clip's centre).
    public var values: [Float]?
    /// The critic's regression targets G_t, one per token (PPO).
    public var returns: [Double]?
    /// The trainer step whose policy sampled it (for staleness).
    public var policyVersion: Int

    /// Generated tokens.
    public var length: Int { tokens.count }
}

/// The groups sampled for one step: `groups × groupSize` rollouts, group after group.
public struct RolloutBatch: Sendable {
    /// Rollouts, group after group.
    public var rollouts: [Rollout]
    /// G.
    public var groupSize: Int
    /// Generation rounds used (more than 1 with dynamic sampling).
    public var rounds: Int = 1
    /// Groups dropped by dynamic sampling because all their rewards were equal.
    public var droppedGroups: Int = 0
    /// Share of sampled groups (before any dropping) whose rewards were all equal.
    public var zeroStdFraction: Double = 0
    /// Seconds spent generating and scoring.
    public var samplingSeconds: Double = 0
    /// Tokens generated (all rounds).
    public var generatedTokens: Int = 0
    /// Whether advantages have been assigned.
    public var hasAdvantages = false
    /// Rollouts generated for the step but not trained on: groups dropped by dynamic sampling and
    /// groups beyond a full batch. They count in the step's `reward` and `accuracy` (see `rolloutMetrics`).
    public var notKept: [Rollout] = []

    /// Number of groups.
    public var groups: Int { groupSize > 0 ? rollouts.count / groupSize : 0 }

    /// Creates a batch.
    public init(rollouts: [Rollout], groupSize: Int) {
        self.rollouts = rollouts; self.groupSize = groupSize
    }

    /// Computes every rollout's advantage from its reward.
    public mutating func assignAdvantages(estimator: AdvantageEstimator, epsilon: Double) throws {
        let a = try computeAdvantages(rewards: rollouts.map(\.reward.total), groupSize: groupSize,
                                      estimator: estimator, epsilon: epsilon)
        for i in rollouts.indices { rollouts[i].advantage = a[i] }
        hasAdvantages = true
    }
}
