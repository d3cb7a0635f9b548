// Tasks/WeightedReward.swift — owns `WeightedReward` (a weighted sum of rewards that keeps each
// component's value for metrics, with optional format gating) and `RewardBreakdown`.

/// One component's part of a reward evaluation.
public struct RewardComponentValue: Sendable, Equatable {
    /// The component's name (`correct`, `format`, `length`, …).
    public var name: String
    /// Its weight in the sum.
    public var weight: Double
    /// Its raw value, nil where it does not apply.
    public var value: Double?
    /// What it added to the total: weight × value, 0 when nil or gated.
    public var contribution: Double
    /// True when the format gate zeroed this component.
    public var gated: Bool
}

/// The total reward of one completion and every component's value.
public struct RewardBreakdown: Sendable, Equatable {
    /// Σ weight × value over components that apply and are not gated.
    public var total: Double
    /// Each component in the order of the `WeightedReward`.
    public var components: [RewardComponentValue]

    /// The raw value of the component named `name`, nil when absent or not applicable.
    public func value(_ name: String) -> Double? {
        components.first { $0.name == name }?.value
    }
}

/// A weighted sum of rewards, r = Σᵢ wᵢ·rᵢ (nil components count 0), keeping each rᵢ.
///
/// Optional gating: when `gate` is set, the components named in `gated` (by default
/// `correct`) count only when the completion is well formed under `gate` — so a right answer
/// in a broken format earns nothing, as in rule-based RLVR setups that require the template
/// (e.g. Logic-RL, Xie et al., 2025). The gated component's raw value is still reported.
public struct WeightedReward: Reward {
    /// A named, weighted reward.
    public struct Component: Sendable {
        /// Name shown in metrics; unique within the sum.
        public var name: String
        /// Weight wᵢ (any finite number; negative to penalize).
        public var weight: Double
        /// The reward rᵢ.
        public var reward: any Reward

        /// A component named after its reward unless `name` is given.
        public init(_ reward: any Reward, weight: Double = 1, name: String? = nil) {
            self.name = name ?? reward.name
            self.weight = weight
            self.reward = reward
        }
    }

    /// The components, evaluated in order.
    public private(set) var components: [Component]
    /// The format that gated components require, or nil for no gating.
    public private(set) var gate: FormatReward?
    /// Names of the components the gate applies to.
    public private(set) var gated: Set<String>

    /// Throws when names repeat, a weight is not finite, or a gated name is not a component.
    public init(_ components: [Component], gate: FormatReward? = nil, gated: Set<String> = ["correct"]) throws {
        var names = Set<String>()
        for c in components {
            guard names.insert(c.name).inserted else {
                throw TasksError("reward component '\(c.name)' appears twice — give each component once")
            }
            guard c.weight.isFinite else {
                throw TasksError("reward component '\(c.name)' has weight \(c.weight) — use a finite number")
            }
        }
        if gate != nil, let missing = gated.sorted().first(where: { !names.contains($0) }) {
            throw TasksError("the format gate applies to '\(missing)', which is not a component — add it or drop gate")
        }
        self.components = components
        self.gate = gate
        self.gated = gated
    }

    /// For component lists known to be valid (distinct names, finite weights, no gate).
    init(unchecked components: [Component]) {
        self.components = components
        self.gate = nil
        self.gated = []
    }

    public var name: String { "reward" }

    /// The total and every component's value for one completion.
    public func evaluate(completion: String, problem: Problem, tokenCount: Int) -> RewardBreakdown {
        let formatOK = gate?.isWellFormed(completion) ?? true
        var total = 0.0
        var values: [RewardComponentValue] = []
        values.reserveCapacity(components.count)
        for c in components {
            let value = c.reward.score(completion: completion, problem: problem, tokenCount: tokenCount)
            let isGated = !formatOK && gated.contains(c.name)
            let contribution = isGated ? 0 : c.weight * (value ?? 0)
            total += contribution
            values.append(RewardComponentValue(name: c.name, weight: c.weight, value: value,
                                               contribution: contribution, gated: isGated))
        }
        return RewardBreakdown(total: total, components: values)
    }

    /// The total, so a weighted sum is itself a `Reward`.
    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        evaluate(completion: completion, problem: problem, tokenCount: tokenCount).total
    }
}
