// ExactSelection — maj@k and best@k as exact expectations over all k-subsets of a problem's n
// samples, computed from counts instead of drawn subsets. A benchmark that samples k answers per
// problem sees one random k-subset; the number to report is the mean over all of them, which the
// Monte-Carlo average only approaches (three calls on the same samples used to give maj@1 = 0.543,
// 0.555 and 0.545). Exact values need no generator, do not change from call to call, and at k = 1
// equal pass@1 by construction (a vote of one sample is that sample).
//
// Plain majority vote only depends on how many samples of each answer a subset holds, so the sum
// over C(n, k) subsets collapses to a sum over count vectors weighted by products of binomials
// (a multivariate hypergeometric law), organised as a small dynamic programme over answers.
// Best-of-k only depends on which rank group the subset's top sample falls in. Weighted votes
// depend on the weights themselves; they are enumerated exactly when C(n, k) is small and otherwise
// estimated over a fixed, seeded set of subsets (see `weightedVoteAtK`).
import Foundation
import Kernels

/// Subsets beyond which a weighted vote is estimated rather than enumerated.
public let weightedVoteEnumerationLimit = 4096

/// Binomial coefficients C(c, 0…c) as Doubles (exact while they stay below 2^53, correctly
/// rounded beyond; n ≤ 1020 keeps every value finite).
private func binomialRow(_ c: Int) -> [Double] {
    var row = [1.0]
    row.reserveCapacity(c + 1)
    for i in 0..<c { row.append(row[i] * Double(c - i) / Double(i + 1)) }
    return row
}

/// The largest n for which counts of subsets stay finite in a Double (C(1020, 510) ≈ 1e305).
public let exactSelectionLimit = 1020

/// One problem's exact maj@k: the expected outcome of a plain majority vote over a uniformly random
/// k-subset of its samples, with the tie rule of `majorityVote` (the fraction of correct answers
/// among tied winners) and 0 when the subset holds no answer.
public func exactMajorityVote(_ samples: [ScoredSample], k: Int) throws -> Double {
    let n = samples.count
    guard k >= 1, k <= n else { throw EvaluationError("maj@\(k): k must lie in 1…\(n), the problem's samples") }
    guard n <= exactSelectionLimit else {
        throw EvaluationError("maj@\(k): \(n) samples per problem is more than the exact vote handles (\(exactSelectionLimit))")
    }
    var order: [String] = []
    var answers: [String: (count: Int, correct: Bool)] = [:]
    var silent = 0
    for sample in samples {
        guard let key = sample.answerKey else { silent += 1; continue }
        if let entry = answers[key] { answers[key] = (entry.count + 1, entry.correct) } else {
            order.append(key)
            answers[key] = (1, sample.correct)
        }
    }
    let groups = order.compactMap { answers[$0] }
    let rows = Dictionary(grouping: groups.map(\.count) + [silent], by: { $0 }).mapValues { binomialRow($0[0]) }
    let total = binomialRow(n)[k]
    var expected = 0.0
    for (a, winner) in groups.enumerated() where winner.correct {
        let others = groups.indices.filter { $0 != a }.map { groups[$0].count }
        guard let own = rows[winner.count], let none = rows[silent] else { continue }
        for x in 1...min(winner.count, k) {
            // ways[s][t]: choices of s samples among the other answers with each answer's count ≤ x
            // and exactly t of them at count x (tied with the winner).
            let maxTies = min(others.filter { $0 >= x }.count, (k - x) / x)
            var ways = Array(repeating: Array(repeating: 0.0, count: maxTies + 1), count: k - x + 1)
            ways[0][0] = 1
            var reach = 0
            for c in others {
                guard let row = rows[c] else { continue }
                let top = min(c, x, k - x)
                var next = Array(repeating: Array(repeating: 0.0, count: maxTies + 1), count: k - x + 1)
                for s in 0...reach {
                    for t in 0...maxTies where ways[s][t] != 0 {
                        for y in 0...min(top, k - x - s) {
                            let tt = y == x ? t + 1 : t
                            if tt > maxTies { continue }
                            next[s + y][tt] += ways[s][t] * row[y]
                        }
                    }
                }
                ways = next
                reach = min(reach + top, k - x)
            }
            var sum = 0.0
            for s in 0...reach where k - x - s <= silent {
                for t in 0...maxTies where ways[s][t] != 0 {
                    sum += ways[s][t] * none[k - x - s] / Double(t + 1)
                }
            }
            expected += own[x] * sum
        }
    }
    return expected / total
}

/// One problem's exact best@k: the expected outcome of best-of-k by `criterion` over a uniformly
/// random k-subset, with `bestOfN`'s tie rule. The top of a subset lies in a rank group (samples of
/// equal value) when the subset misses every sample ranked above it and hits the group; given that,
/// each chosen member of the group is correct with the group's share of correct samples.
public func exactBestOfN(_ samples: [ScoredSample], k: Int, by criterion: BestOfNCriterion = .score) throws -> Double {
    let n = samples.count
    guard k >= 1, k <= n else { throw EvaluationError("best@\(k): k must lie in 1…\(n), the problem's samples") }
    let values = try samples.enumerated().map { index, sample -> Double in
        let value = criterion == .score ? sample.score : sample.logprob
        guard let value, !value.isNaN else {
            throw EvaluationError("best-of-N: sample \(index) has no \(criterion.rawValue) — "
                + (criterion == .score ? "run a scorer first" : "record log-probabilities when sampling"))
        }
        return value
    }
    // P(a k-subset misses m given samples) = C(n−m, k) / C(n, k) = ∏_{i<m} (1 − k/(n−i)).
    func missAll(_ m: Int) -> Double {
        var p = 1.0
        for i in 0..<m where p > 0 { p *= max(0, 1 - Double(k) / Double(n - i)) }
        return p
    }
    let ranked = zip(values, samples.map(\.correct)).sorted { $0.0 > $1.0 }
    var expected = 0.0, above = 0, start = 0
    while start < ranked.count {
        var end = start
        while end < ranked.count, ranked[end].0 == ranked[start].0 { end += 1 }
        let size = end - start
        let correct = ranked[start..<end].filter(\.1).count
        expected += (missAll(above) - missAll(above + size)) * Double(correct) / Double(size)
        above += size
        start = end
    }
    return expected
}

/// One problem's weighted-vote maj@k: exact (every k-subset enumerated) when there are at most
/// `weightedVoteEnumerationLimit` subsets, which covers k = 1 and k = n always; otherwise the mean
/// over `draws` subsets drawn by a generator seeded from the problem's n and k alone, so the value
/// is the same on every call and every machine.
public func weightedVoteAtK(_ samples: [ScoredSample], k: Int, weighting: VoteWeighting, draws: Int = 1024) throws -> Double {
    let n = samples.count
    guard k >= 1, k <= n else { throw EvaluationError("maj@\(k): k must lie in 1…\(n), the problem's samples") }
    if weighting == .uniform { return try exactMajorityVote(samples, k: k) }
    let subsets = min(n, exactSelectionLimit) == n ? binomialRow(n)[min(k, n - k)] : .infinity
    if subsets <= Double(weightedVoteEnumerationLimit) {
        var total = 0.0, count = 0
        var chosen = Array(0..<k)
        while true {
            total += try majorityVote(chosen.map { samples[$0] }, weighting: weighting)
            count += 1
            // Next combination in lexicographic order.
            var i = k - 1
            while i >= 0, chosen[i] == n - k + i { i -= 1 }
            if i < 0 { break }
            chosen[i] += 1
            for j in (i + 1)..<k { chosen[j] = chosen[j - 1] + 1 }
        }
        return total / Double(count)
    }
    var generator = RNG(seed: UInt64(n) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(k))
    var total = 0.0
    for _ in 0..<max(draws, 1) {
        total += try majorityVote(drawSubset(n: n, k: k, using: &generator).map { samples[$0] }, weighting: weighting)
    }
    return total / Double(max(draws, 1))
}
