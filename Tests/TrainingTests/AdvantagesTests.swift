// Tests of the advantage estimators against hand-computed examples.
import Testing
@testable import Training

@Suite struct AdvantagesTests {
    let rewards: [Double] = [1, 0, 0, 1, 1, 1, 1, 0]

    @Test func groupMeanStdMatchesHandComputed() throws {
        // Group 1: mean 0.5, sample std √(1/3) = 0.577350; group 2: mean 0.75, std 0.5.
        let a = try computeAdvantages(rewards: rewards, groupSize: 4, estimator: .groupMeanStd, epsilon: 0)
        let s1 = (1.0 / 3).squareRoot()
        let expected = [0.5 / s1, -0.5 / s1, -0.5 / s1, 0.5 / s1, 0.5, 0.5, 0.5, -1.5]
        for (x, y) in zip(a, expected) { #expect(abs(x - y) < 1e-12) }
    }

    @Test func groupMeanAndLeaveOneOut() throws {
        let m = try computeAdvantages(rewards: rewards, groupSize: 4, estimator: .groupMean)
        #expect(m == [0.5, -0.5, -0.5, 0.5, 0.25, 0.25, 0.25, -0.75])
        let l = try computeAdvantages(rewards: rewards, groupSize: 4, estimator: .leaveOneOut)
        // r₀ = 1, others (0, 0, 1) mean 1/3 → 2/3; r₇ = 0, others mean 1 → −1.
        let expected = [2.0 / 3, -2.0 / 3, -2.0 / 3, 2.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, -1]
        for (x, y) in zip(l, expected) { #expect(abs(x - y) < 1e-12) }
    }

    @Test func batchNormalizedAndNone() throws {
        let b = try computeAdvantages(rewards: rewards, groupSize: 4, estimator: .batchNormalized, epsilon: 0)
        // Batch mean 5/8; sample std √(Σ(r−5/8)²/7) = √((5·(3/8)²+3·(5/8)²)/7).
        let std = ((5 * 9.0 / 64 + 3 * 25.0 / 64) / 7).squareRoot()
        #expect(abs(b[0] - (3.0 / 8) / std) < 1e-12)
        #expect(abs(b[1] + (5.0 / 8) / std) < 1e-12)
        #expect(try computeAdvantages(rewards: rewards, groupSize: 4, estimator: .none) == rewards)
    }

    @Test func zeroVarianceGroupsGiveZeroAdvantage() throws {
        let r: [Double] = [0.1, 0.1, 0.1, 1, 0, 1, 0.7, 0.7, 0.7]
        for e in [AdvantageEstimator.groupMeanStd, .groupMean, .leaveOneOut] {
            let a = try computeAdvantages(rewards: r, groupSize: 3, estimator: e)
            #expect(a[0] == 0 && a[1] == 0 && a[2] == 0, "\(e)")
            #expect(a[6] == 0 && a[7] == 0 && a[8] == 0, "\(e)")
            #expect(a[3] != 0)
        }
        #expect(zeroVarianceGroups(rewards: r, groupSize: 3) == [0, 2])
    }

    @Test func advantagesSumToZeroPerGroup() throws {
        let r: [Double] = [0.3, 2, -1, 0.5, 4, 4.5]
        for e in [AdvantageEstimator.groupMeanStd, .groupMean, .leaveOneOut] {
            let a = try computeAdvantages(rewards: r, groupSize: 3, estimator: e)
            #expect(abs(a[0] + a[1] + a[2]) < 1e-12)
            #expect(abs(a[3] + a[4] + a[5]) < 1e-12)
        }
    }

    @Test func badInputsThrow() {
        #expect(throws: TrainingError.self) { try computeAdvantages(rewards: [1, 2, 3], groupSize: 2, estimator: .groupMean) }
        #expect(throws: TrainingError.self) { try computeAdvantages(rewards: [1, .nan], groupSize: 2, estimator: .groupMean) }
        #expect(throws: TrainingError.self) { try computeAdvantages(rewards: [1], groupSize: 0, estimator: .groupMean) }
    }
}
