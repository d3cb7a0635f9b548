// Training/StepReport.swift — what one policy-gradient step returns: its metrics under TRL's
// names (plus `thinking/…` and `staleness`), the time split into sampling and training, and a
// message when the step was rejected. Also the functions that compute the rollout, update and
// value metrics a step logs.

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
///
/// `reward`, `rewards/<name>/mean` and `accuracy` are over every rollout generated for the step, so
/// they compare across runs with and without filtering; `kept/reward` and `kept/accuracy` are over
/// the groups the update trained on. Under dynamic sampling the kept groups exclude the all-wrong
/// (and all-right) ones, so on hard problems the kept numbers look better than the policy is — DAPO's kept reward of 0.55 next to
/// GRPO's 0.38 at equal held-out accuracy was that. The other metrics describe the kept batch.
public func rolloutMetrics(_ batch: RolloutBatch) -> Metrics {
    var m = Metrics()
    let rs = batch.rollouts
    let n = Double(max(rs.count, 1))
    let all = rs + batch.notKept
    let sampled = Double(max(all.count, 1))
    m["reward"] = all.reduce(0) { $0 + $1.reward.total } / sampled
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
    if let first = all.first {
        for (k, name) in first.reward.names.enumerated() {
            let vals = all.compactMap { k < $0.reward.values.count ? $0.reward.values[k] : nil }
            m["rewards/\(name)/mean"] = vals.isEmpty ? 0 : vals.reduce(0, +) / Double(vals.count)
        }
    }
    m["accuracy"] = Double(all.filter(\.correct).count) / sampled
    let lengths = rs.map(\.length)
    m["completions/mean_length"] = Double(lengths.reduce(0, +)) / n
    m["completions/min_length"] = Double(lengths.min() ?? 0)
    m["completions/max_length"] = Double(lengths.max() ?? 0)
    m["completions/clipped_ratio"] = Double(rs.filter { $0.finish == .length }.count) / n
    m["thinking/mean_length"] = Double(rs.reduce(0) { $0 + $1.thinkingTokens }) / n
    m["thinking/share"] = Double(rs.filter { $0.thinkingTokens > 0 }.count) / n
    m["frac_reward_zero_std"] = batch.zeroStdFraction
    m["kept/reward"] = rs.reduce(0) { $0 + $1.reward.total } / n
    m["kept/accuracy"] = Double(rs.filter(\.correct).count) / n
    return m
}

/// The update's metrics (TRL names), in the order the log lists them.
func updateMetrics(_ stats: UpdateStatistics, learningRate: Double) -> Metrics {
    var m = Metrics()
    m["kl"] = stats.kl
    m["entropy"] = stats.entropy
    m["clip_ratio/low_mean"] = stats.clipLow
    m["clip_ratio/high_mean"] = stats.clipHigh
    m["clip_ratio/dual_mean"] = stats.dualClip
    m["loss"] = stats.loss
    m["grad_norm"] = stats.updates > 0 ? stats.gradNorm : 0
    m["learning_rate"] = learningRate
    m["rollout/logprob_diff_max"] = stats.gap.maxAbs
    m["rollout/logprob_diff_mean"] = stats.gap.mean
    m["rollout/ratio_deviation_max"] = stats.gap.ratioDeviation
    m["train/rows"] = Double(stats.rows)
    m["train/tokens"] = Double(stats.tokens)
    return m
}

/// PPO's value metrics: VinePPO's Monte-Carlo values, or the learned critic's update.
func valueMetrics(vine: VineStatistics?, critic: CriticStatistics?) -> Metrics {
    var m = Metrics()
    if let v = vine {
        m["vine/continuations"] = Double(v.continuations)
        m["vine/tokens"] = Double(v.tokens)
        m["vine/values_mean"] = v.valueMean
    }
    if let c = critic {
        m["loss/value_avg"] = c.loss
        m["val/clipfrac_avg"] = c.clipFraction
        m["critic/vf_explained_var"] = c.explainedVariance
        m["critic/values_mean"] = c.valueMean
        m["critic/returns_mean"] = c.returnMean
        m["critic/rejected"] = c.rejected == nil ? 0 : 1
    }
    return m
}
