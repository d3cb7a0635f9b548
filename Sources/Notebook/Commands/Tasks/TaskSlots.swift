// Task slots — the session state of the task family: the current data set (`task`, `data load`)
// and the current reward configuration (`reward …`). Training and evaluation commands read both:
//
//     let dataset = try session.requireDataset()            // throws "no data set — run 'task …'"
//     let reward = session.currentReward()                  // the configured sum, else correct + format
import Tasks

/// The current data set: problems with train/test splits, extractor and comparison.
public enum DatasetSlot: SessionSlot {
    public typealias Value = Dataset
}

/// A reward configuration as set by `reward correct format=0.1 …`: the text it was built from
/// (shown by `reward` and `verify`) and the weighted sum itself.
public struct RewardConfiguration: Sendable {
    /// The arguments as typed (`correct format=0.1`).
    public var spec: String
    /// The weighted reward built by `RewardRegistry`.
    public var reward: WeightedReward

    /// Pairs a reward with the text it came from.
    public init(spec: String, reward: WeightedReward) {
        self.spec = spec
        self.reward = reward
    }
}

/// The session's reward function (`reward …` with no rollouts pending sets it).
public enum RewardSlot: SessionSlot {
    public typealias Value = RewardConfiguration
}

extension Session {
    /// The current data set, or an error telling the user how to make one.
    public func requireDataset(for command: String) throws -> Dataset {
        guard let dataset = self[DatasetSlot.self] else {
            throw CommandError("\(command): no data set — run 'task arithmetic …' or 'data load PATH' first")
        }
        return dataset
    }

    /// The reward to score completions with: the one set with `reward …`, else correctness plus a
    /// format term of weight 0.1 built for the current data set's extractor.
    public func currentReward() throws -> RewardConfiguration {
        if let configured = self[RewardSlot.self] { return configured }
        let spec = "correct format=0.1"
        let reward = try domain("reward") { try RewardRegistry.parse(text: spec, dataset: self[DatasetSlot.self]) }
        return RewardConfiguration(spec: spec, reward: reward)
    }
}
