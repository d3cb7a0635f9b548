// Training/LengthBuckets.swift — length-bucketed batching for SFT: examples of similar length
// share a batch, so short direct answers are not padded to the length of worked solutions (the
// reference recipe measured 1.6× more steps per second this way). Owns the epoch order and the
// cursor, both Codable, so a checkpoint resumes on exactly the next batch.

/// An epoch-by-epoch schedule of batches drawn from length buckets.
///
/// Each epoch shuffles the examples inside every bucket, cuts each bucket into batches of
/// `batchSize` (a bucket's remainder waits for the next epoch's shuffle unless the bucket is
/// smaller than one batch, in which case it forms one short batch), then shuffles the order of
/// all batches. So every batch is single-bucket and the steps follow the data's length mix.
public struct LengthBucketBatcher: Sendable, Codable, Equatable {
    /// Token length of every example.
    public let lengths: [Int]
    /// Examples per batch.
    public let batchSize: Int
    /// Lengths are grouped by ⌈length / width⌉; 0 puts everything in one bucket (no bucketing).
    public let bucketWidth: Int
    /// The batches of the current epoch (example indices).
    public private(set) var order: [[Int]] = []
    /// The next batch of `order` to hand out.
    public private(set) var cursor: Int = 0
    /// Completed epochs.
    public private(set) var epoch: Int = 0

    /// Creates a batcher; the first epoch is drawn lazily by the first `next`.
    /// - Throws: when there are no examples, the batch size is not positive, or the width is negative.
    public init(lengths: [Int], batchSize: Int, bucketWidth: Int) throws {
        guard !lengths.isEmpty else { throw TrainingError("no training examples — load or generate a data set first") }
        guard batchSize >= 1 else { throw TrainingError("batch size must be at least 1 (got \(batchSize))") }
        guard bucketWidth >= 0 else { throw TrainingError("bucket width must be 0 (off) or positive (got \(bucketWidth))") }
        self.lengths = lengths
        self.batchSize = batchSize
        self.bucketWidth = bucketWidth
    }

    /// The bucket key of each length.
    func bucketKey(_ length: Int) -> Int {
        bucketWidth == 0 ? 0 : (length + bucketWidth - 1) / bucketWidth
    }

    /// Example indices grouped by bucket, buckets in increasing key order.
    public func buckets() -> [[Int]] {
        var byKey: [Int: [Int]] = [:]
        for (i, n) in lengths.enumerated() { byKey[bucketKey(n), default: []].append(i) }
        return byKey.keys.sorted().map { byKey[$0] ?? [] }
    }

    /// Draws the batches of one epoch.
    mutating func drawEpoch(rng: inout some RandomNumberGenerator) {
        var batches: [[Int]] = []
        for var bucket in buckets() {
            bucket.shuffle(using: &rng)
            if bucket.count < batchSize {
                batches.append(bucket)
                continue
            }
            var start = 0
            while start + batchSize <= bucket.count {
                batches.append(Array(bucket[start..<start + batchSize]))
                start += batchSize
            }
        }
        batches.shuffle(using: &rng)
        order = batches
        cursor = 0
    }

    /// The next batch of example indices, starting a new epoch when the current one is used up.
    public mutating func next(rng: inout some RandomNumberGenerator) -> [Int] {
        if cursor >= order.count {
            if !order.isEmpty { epoch += 1 }
            drawEpoch(rng: &rng)
        }
        let batch = order[cursor]
        cursor += 1
        return batch
    }
}
