// Training/StepReport.swift — what one policy-gradient step returns: its metrics under TRL's
// names (plus `thinking/…` and `staleness`), the time split into sampling and training, and a
// message when the step was rejected. Also the function that computes the rollout metrics.

/// The result of one `PolicyTrainer.step()`.
public struct StepReport: Sendable, Codable, Equatable {
    /// The trainer's step count after this step (1-based).
    public var step: Int
    /// Every metric of the step (also appended to the trainer's log).
    public var metrics: Metrics
    /// Seconds generating and scoring (0 when the rollouts were sampled earlier or by the producer).
    public var samplingSeconds: Double
    /// Seconds in forward/backward/optimizer.
    public var trainingSeconds: Double
    /// Wall-clock seconds of the whole step.
    public var seconds: Double
    /// Set when the update was rejected (non-finite loss or gradient): parameters and optimizer
    /// state were restored; the message says what happened and what to change.
    public var rejected: String?
}

/// Rollout metrics of a batch (TRL names): reward, reward_std, rewards/<name>/mean, accuracy,
/// completion lengths, clipped ratio, thinking length and share, frac_reward_zero_std.
public func rolloutMetrics(_ batch: RolloutBatch) -> Metrics {
    var m = Metrics()
    let rs = batch.rollouts
    let n = Double(max(rs.count, 1))
    m["reward"] = rs.reduce(0) { $0 + $1.reward.total } / n
    // TRL: the mean over groups of the within-group standard deviation.
    var stdSum = 0.0
    if batch.groups > 0 {
        for g in 0..<batch.groups {
            stdSum += groupStatistics(rs[g * batch.groupSize..<(g + 1) * batch.groupSize].map(\.reward.total)[...]).std
        }
        m["reward_std"] = stdSum / Double(batch.groups)
    } else {
        m["reward_std"] = 0
    }
    if let first = rs.first {
        for (k, name) in first.reward.names.enumerated() {
            let vals = rs.compactMap { k < $0.reward.values.count ? $0.reward.values[k] : nil }
            m["rewards/\(name)/mean"] = vals.isEmpty ? 0 : vals.reduce(0, +) / Double(vals.count)
        }
    }
    m["accuracy"] = Double(rs.filter(\.correct).count) / n
    let lengths = rs.map(\.length)
    m["completions/mean_length"] = Double(lengths.reduce(0, +)) / n
    m["completions/min_length"] = Double(lengths.min() ?? 0)
    m["completions/max_length"] = Double(lengths.max() ?? 0)
    m["completions/clipped_ratio"] = Double(rs.filter { $0.finish == .length }.count) / n
    m["thinking/mean_length"] = Double(rs.reduce(0) { $0 + $1.thinkingTokens }) / n
    m["thinking/share"] = Double(rs.filter { $0.thinkingTokens > 0 }.count) / n
    m["frac_reward_zero_std"] = batch.zeroStdFraction
    return m
}
