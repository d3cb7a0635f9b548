// Tests of length-bucketed batching (single-bucket batches, full coverage, exact resume) and of
// the difficulty filter's statistics.
import Foundation
import Testing
import TestSupport
@testable import Training

@Suite struct BatchingAndFilterTests {
    @Test func batchesStayInsideOneBucketAndCoverTheData() throws {
        // 80 short (7 tokens) and 20 long (30 tokens) examples, as in the recipe's SFT mix.
        let lengths = (0..<100).map { $0 % 5 == 0 ? 30 : 7 }
        var b = try LengthBucketBatcher(lengths: lengths, batchSize: 10, bucketWidth: 8)
        var rng = SplitMix64(seed: 1)
        var seen: [Int] = []
        for _ in 0..<10 {
            let batch = b.next(rng: &rng)
            #expect(batch.count == 10)
            #expect(Set(batch.map { lengths[$0] }).count == 1)
            seen += batch
        }
        #expect(Set(seen).count == 100)
        #expect(b.epoch == 0)
        _ = b.next(rng: &rng)
        #expect(b.epoch == 1)
    }

    @Test func resumedBatcherContinuesIdentically() throws {
        let lengths = (0..<37).map { 3 + ($0 * 7) % 20 }
        var a = try LengthBucketBatcher(lengths: lengths, batchSize: 4, bucketWidth: 5)
        var rngA = SplitMix64(seed: 9)
        for _ in 0..<5 { _ = a.next(rng: &rngA) }
        var b = try JSONDecoder().decode(LengthBucketBatcher.self, from: JSONEncoder().encode(a))
        var rngB = rngA
        for _ in 0..<20 { #expect(a.next(rng: &rngA) == b.next(rng: &rngB)) }
    }

    @Test func noBucketingMixesLengths() throws {
        var b = try LengthBucketBatcher(lengths: [1, 50, 2, 60], batchSize: 4, bucketWidth: 0)
        var rng = SplitMix64(seed: 2)
        #expect(Set(b.next(rng: &rng)) == [0, 1, 2, 3])
        #expect(throws: TrainingError.self) { try LengthBucketBatcher(lengths: [], batchSize: 4, bucketWidth: 0) }
    }

    @Test func difficultyFilterByHand() throws {
        let r = try difficultyFilter(correctCounts: [0, 1, 4, 8, 2, 8], samples: 8, lo: 0.1, hi: 0.9)
        #expect(r.kept == [1, 2, 4])
        #expect(r.histogram == [1, 1, 1, 0, 1, 0, 0, 0, 2])
        #expect(r.passRates[2] == 0.5)
        #expect(abs(r.keptFraction - 0.5) < 1e-12)
        #expect(throws: TrainingError.self) { try difficultyFilter(correctCounts: [9], samples: 8, lo: 0, hi: 1) }
        #expect(throws: TrainingError.self) { try difficultyFilter(correctCounts: [1], samples: 8, lo: 0.9, hi: 0.1) }
    }
}
