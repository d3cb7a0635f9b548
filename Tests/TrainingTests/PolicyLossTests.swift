// Tests of the per-token PPO clip / dual clip loss, the KL estimators and the batched policy loss:
// hand-computed cases and derivatives against central finite differences.
import Foundation
import Testing
import TestSupport
@testable import Training

@Suite struct PolicyLossTests {
    func loss(_ ratio: Double, _ a: Double, low: Double = 0.2, high: Double = 0.2, dual: Double = 0) -> ClippedTokenLoss {
        clippedTokenLoss(logprob: log(ratio) - 1.5, behaviourLogprob: -1.5, advantage: a,
                         epsilonLow: low, epsilonHigh: high, dualClip: dual)
    }

    @Test func clipCasesByHand() {
        // A > 0, r = 1.5 > 1.2: clipped at −1.2·A, no gradient, counted as high clip.
        var c = loss(1.5, 1)
        #expect(abs(c.loss + 1.2) < 1e-12 && c.dLogprob == 0 && c.clippedHigh && !c.clippedLow)
        // A < 0, r = 0.5 < 0.8: the pessimistic value is 0.8·|A|, no gradient, low clip.
        c = loss(0.5, -1)
        #expect(abs(c.loss - 0.8) < 1e-12 && c.dLogprob == 0 && c.clippedLow)
        // A < 0, r = 1.5: unclipped 1.5 is larger, gradient −A·r = 1.5.
        c = loss(1.5, -1)
        #expect(abs(c.loss - 1.5) < 1e-12 && abs(c.dLogprob - 1.5) < 1e-12 && !c.clippedLow && !c.clippedHigh)
        // A > 0, r = 0.5: unclipped −0.5 is larger (pessimistic), gradient −0.5.
        c = loss(0.5, 1)
        #expect(abs(c.loss + 0.5) < 1e-12 && abs(c.dLogprob + 0.5) < 1e-12)
        // Clip-higher: with ε_high = 0.28, r = 1.25 is not clipped.
        c = loss(1.25, 2, high: 0.28)
        #expect(abs(c.loss + 2.5) < 1e-12 && !c.clippedHigh)
        // Dual clip c = 3, A = −1, r = 4: bounded at 3, no gradient.
        c = loss(4, -1, dual: 3)
        #expect(abs(c.loss - 3) < 1e-12 && c.dLogprob == 0 && c.dualClipped)
        // ε = 0 switches clipping off: r = 3 keeps its gradient.
        c = loss(3, 1, low: 0, high: 0)
        #expect(abs(c.loss + 3) < 1e-12 && abs(c.dLogprob + 3) < 1e-12)
    }

    @Test func onPolicyGradientIsMinusAdvantage() {
        for a in [-2.0, -0.3, 0.7, 5] {
            let c = clippedTokenLoss(logprob: -0.7, behaviourLogprob: -0.7, advantage: a, epsilonLow: 0.2, epsilonHigh: 0.28, dualClip: 3)
            #expect(abs(c.dLogprob + a) < 1e-12)
            #expect(abs(c.loss + a) < 1e-12)
        }
    }

    @Test func clippedLossDerivativeMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 3)
        var checked = 0
        for _ in 0..<400 {
            let b = -3 * g.unit()
            let l = b + (g.unit() - 0.5) * 1.6
            let a = (g.unit() - 0.5) * 4
            let f = { (x: Double) in clippedTokenLoss(logprob: x, behaviourLogprob: b, advantage: a,
                                                       epsilonLow: 0.2, epsilonHigh: 0.28, dualClip: 1.8) }
            let r = exp(l - b)
            // Skip points within h of a kink (where the one-sided slopes differ).
            if [0.8, 1.28, 1.8].contains(where: { abs(r - $0) < 1e-3 }) { continue }
            let h = 1e-6
            let fd = (f(l + h).loss - f(l - h).loss) / (2 * h)
            #expect(abs(fd - f(l).dLogprob) < 1e-6, "l=\(l) b=\(b) a=\(a)")
            checked += 1
        }
        #expect(checked > 300)
    }

    @Test func klEstimatorsByHandAndByFiniteDifferences() {
        // x = ref − ℓ = 0.5: k1 = −0.5, k3 = e^0.5 − 0.5 − 1.
        let k1 = klPenalty(logprob: -1, referenceLogprob: -0.5, estimator: .k1)
        #expect(abs(k1.value + 0.5) < 1e-12 && k1.dLogprob == 1)
        let k3 = klPenalty(logprob: -1, referenceLogprob: -0.5, estimator: .k3)
        #expect(abs(k3.value - (exp(0.5) - 1.5)) < 1e-12)
        #expect(klPenalty(logprob: -1, referenceLogprob: -1, estimator: .k3).value == 0)
        for e in [KLEstimator.k1, .k3] {
            for (l, r) in [(-1.0, -0.5), (-0.2, -2.0), (-3.0, -3.1)] {
                let h = 1e-6
                let fd = (klPenalty(logprob: l + h, referenceLogprob: r, estimator: e).value
                          - klPenalty(logprob: l - h, referenceLogprob: r, estimator: e).value) / (2 * h)
                #expect(abs(fd - klPenalty(logprob: l, referenceLogprob: r, estimator: e).dLogprob) < 1e-6)
            }
        }
    }

    @Test func batchedLossDerivativeMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 11)
        let n = 12
        let behaviour = (0..<n).map { _ in Float(-3 * g.unit()) }
        var logprobs = behaviour.map { $0 + Float((g.unit() - 0.5) * 0.3) }
        let reference = behaviour.map { $0 + Float((g.unit() - 0.5) * 0.5) }
        let entropies = (0..<n).map { _ in Float(g.unit() * 2) }
        let weights: [Double] = (0..<n).map { $0 % 5 == 4 ? 0 : 0.1 }
        let adv = (0..<n).map { _ in (g.unit() - 0.5) * 2 }
        let settings = PolicyLossSettings(epsilonLow: 0.2, epsilonHigh: 0.28, dualClip: 3, kl: .k3,
                                          klCoefficient: 0.3, entropyCoefficient: 0.01)
        let base = policyLoss(logprobs: logprobs, entropies: entropies, behaviour: behaviour, reference: reference,
                              weights: weights, advantages: adv, settings: settings)
        #expect(base.tokens == 10)
        for p in 0..<n {
            let h: Float = 1e-3
            let keep = logprobs[p]
            logprobs[p] = keep + h
            let up = policyLoss(logprobs: logprobs, entropies: entropies, behaviour: behaviour, reference: reference,
                                weights: weights, advantages: adv, settings: settings).loss
            logprobs[p] = keep - h
            let down = policyLoss(logprobs: logprobs, entropies: entropies, behaviour: behaviour, reference: reference,
                                  weights: weights, advantages: adv, settings: settings).loss
            logprobs[p] = keep
            let fd = (up - down) / Double(2 * h)
            #expect(abs(fd - Double(base.dLogprob[p])) < 2e-3, "position \(p)")
            // dLoss/dH = −α·w.
            #expect(abs(Double(base.dEntropy?[p] ?? 99) + 0.01 * weights[p]) < 1e-7)
        }
    }
}

