// Tests of the loss aggregations' per-token weights against hand-computed examples.
import Testing
@testable import Training

@Suite struct LossAggregationTests {
    let counts = [2, 4, 0, 6]

    @Test func tokenMean() {
        let w = aggregationWeights(tokenCounts: counts, aggregation: .tokenMean, normalizer: 10)
        let expected: [Double] = [1.0 / 12, 1.0 / 12, 0, 1.0 / 12]
        #expect(w == expected)
    }

    @Test func seqMeanTokenMean() {
        // Three active sequences: 1/(3·|oᵢ|).
        let w = aggregationWeights(tokenCounts: counts, aggregation: .seqMeanTokenMean, normalizer: 10)
        let expected: [Double] = [1.0 / 6, 1.0 / 12, 0, 1.0 / 18]
        #expect(w == expected)
        // Every active sequence then weighs 1/3 in total.
        let totals: [Double] = zip(w, counts).map { $0 * Double($1) }
        #expect(abs(totals[0] - 1.0 / 3) < 1e-12 && abs(totals[3] - 1.0 / 3) < 1e-12)
    }

    @Test func seqMeanTokenSumNorm() {
        let w = aggregationWeights(tokenCounts: counts, aggregation: .seqMeanTokenSumNorm, normalizer: 10)
        let expected: [Double] = [1.0 / 30, 1.0 / 30, 0, 1.0 / 30]
        #expect(w == expected)
    }

    @Test func allMaskedGivesZeroWeights() {
        for a in LossAggregation.allCases {
            #expect(aggregationWeights(tokenCounts: [0, 0], aggregation: a, normalizer: 4) == [0, 0])
        }
    }

    @Test func onPolicyTokenMeanLossIsMinusMeanAdvantage() {
        // On-policy (ratio 1), no KL: loss = −Σ w·A; with token-mean weights that is −mean over tokens.
        let lp: [Float] = [-1, -2, -0.5, -0.1]
        let w = aggregationWeights(tokenCounts: [3, 1], aggregation: .tokenMean, normalizer: 1)
        let weights = [w[0], w[0], w[0], w[1]]
        let adv = [1.0, 1, 1, -2]
        let r = policyLoss(logprobs: lp, entropies: [0, 0, 0, 0], behaviour: lp, reference: nil, weights: weights,
                           advantages: adv, settings: PolicyLossSettings())
        #expect(abs(r.loss - (-(1 + 1 + 1 - 2) / 4.0)) < 1e-12)
        #expect(r.dEntropy == nil)
        let expected: [Float] = [-0.25, -0.25, -0.25, 0.5]
        #expect(r.dLogprob == expected)
    }
}
