// Training/AsyncRollouts.swift — off-policy / asynchronous rollouts: a producer thread with its
// own model copy samples batch j with the policy snapshot of exactly max(0, j − K) completed
// steps, while the trainer updates; so a batch is at most K steps stale, the PPO ratio uses the
// producer's behaviour log-probs, and — since which snapshot a batch uses does not depend on
// timing — an asynchronous run is as reproducible as a synchronous one.

import Foundation
import Kernels
import Models

/// The producer side: snapshots published by the trainer, batches consumed by it.
final class AsyncRolloutProducer: @unchecked Sendable {
    private let condition = NSCondition()
    private var snapshots: [Int: [Float]] = [:]     // completed steps in this run → parameters
    private var batches: [Int: Result<RolloutBatch, Error>] = [:]
    private var stopped = false
    private var finished = false
    private let model: Transformer
    private let sampler: RolloutSampler
    /// The trainer's settings when the run started (a run does not change them).
    private let config: TrainerConfig
    private let staleness: Int
    private let count: Int
    private let baseStep: Int
    /// The producer's prompt cursor and RNG (read back after the run).
    private(set) var cursor: PromptCursor
    private(set) var rng: RNG

    init(model: Transformer, sampler: RolloutSampler, config: TrainerConfig, count: Int, baseStep: Int, cursor: PromptCursor, rng: RNG) {
        self.model = model; self.sampler = sampler; self.config = config; self.staleness = config.maxStaleness; self.count = count
        self.baseStep = baseStep; self.cursor = cursor; self.rng = rng
    }

    /// Makes the parameters after `version` completed steps of this run available.
    func publish(version: Int, parameters: UnsafeMutableBufferPointer<Float>) {
        let copy = Array(parameters)
        condition.lock()
        snapshots[version] = copy
        condition.broadcast()
        condition.unlock()
    }

    /// Starts the producer thread.
    func start() {
        let thread = Thread { [self] in self.produce() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func produce() {
        var j = 0
        while j < count {
            let needed = max(0, j - staleness)
            condition.lock()
            while snapshots[needed] == nil && !stopped { condition.wait() }
            let params = stopped ? nil : snapshots[needed]
            for v in snapshots.keys where v < needed { snapshots[v] = nil }
            condition.unlock()
            guard let params else { break }
            let p = model.parameters
            for i in p.indices { p[i] = params[i] }
            let result = Result { () throws -> RolloutBatch in
                try sampler.batch(model: model, config: config, cursor: &cursor, policyVersion: baseStep + needed, rng: &rng,
                                  isCancelled: { [self] in self.isStopped })
            }
            condition.lock()
            batches[j] = result
            condition.broadcast()
            condition.unlock()
            if case .failure = result { break }
            j += 1
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private var isStopped: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopped
    }

    /// Waits for batch `j` (throws what its sampling threw).
    func take(_ j: Int) throws -> RolloutBatch {
        condition.lock()
        while batches[j] == nil && !finished { condition.wait() }
        let r = batches.removeValue(forKey: j)
        condition.unlock()
        guard let r else { throw CancellationError() }
        return try r.get()
    }

    /// Stops the producer and waits for its thread to end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

extension PolicyTrainer {
    /// The `rl` loop with a producer sampling ahead (K = `config.maxStaleness` > 0).
    func runAsynchronous(steps: Int, progress: (StepReport) -> Void,
                         isCancelled: @escaping @Sendable () -> Bool) throws -> [StepReport] {
        guard steps > 0 else { return [] }
        pending = nil
        // The producer and the trainer each get one core: the kernels' thread pool is process-wide
        // and serves one caller at a time (see Kernels/Threading.swift), so with two callers a
        // product would be split or not depending on which thread reached the pool first, and a
        // split product differs from a whole one in the last bits: async runs would not be
        // reproducible. Restored after the producer has stopped.
        let savedThreads = Threading.threads
        Threading.setThreads(1)
        defer { Threading.setThreads(savedThreads) }
        var seedRNG = rng
        let producerRNG = RNG(seed: seedRNG.next())
        let producer = AsyncRolloutProducer(model: try model.copy(), sampler: sampler, config: config,
                                            count: steps, baseStep: step, cursor: cursor, rng: producerRNG)
        producer.publish(version: 0, parameters: model.parameters)
        producer.start()
        defer { producer.stop() }
        var reports: [StepReport] = []
        for j in 0..<steps {
            if isCancelled() { break }
            let start = Date()
            let batch: RolloutBatch
            do { batch = try producer.take(j) } catch is CancellationError { break }
            let report = try update(with: batch, samplingSeconds: 0, start: start)
            producer.publish(version: j + 1, parameters: model.parameters)
            reports.append(report)
            progress(report)
        }
        producer.stop()
        rng = seedRNG
        if reports.count == steps { cursor = producer.cursor }
        return reports
    }
}
