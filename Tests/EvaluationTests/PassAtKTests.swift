// pass@k: hand-computed cases, the n − c < k rule, errors, agreement with exact binomials and with
// exhaustive subset enumeration, coverage curves.
import Foundation
import Testing
@testable import Evaluation

@Test func passAtKHandCases() throws {
    // 1 − C(3,3)/C(5,3) = 1 − 1/10.
    #expect(abs(try passAtK(n: 5, c: 2, k: 3) - 0.9) < 1e-12)
    // 1 − C(199,100)/C(200,100) = 1 − 100/200.
    #expect(abs(try passAtK(n: 200, c: 1, k: 100) - 0.5) < 1e-12)
    // pass@1 is the fraction correct.
    #expect(abs(try passAtK(n: 8, c: 3, k: 1) - 0.375) < 1e-12)
    #expect(try passAtK(n: 10, c: 0, k: 4) == 0)
}

@Test func passAtKIsOneWhenEveryKSubsetHasACorrectSample() throws {
    #expect(try passAtK(n: 5, c: 3, k: 3) == 1)   // n − c = 2 < 3
    #expect(try passAtK(n: 4, c: 4, k: 1) == 1)
    #expect(try passAtK(n: 10, c: 8, k: 3) == 1)
}

@Test func passAtKRejectsImpossibleK() {
    #expect(throws: EvaluationError.self) { try passAtK(n: 4, c: 1, k: 5) }
    #expect(throws: EvaluationError.self) { try passAtK(n: 4, c: 1, k: 0) }
    #expect(throws: EvaluationError.self) { try passAtK(n: 4, c: 5, k: 1) }
    #expect(throws: EvaluationError.self) { try passAtK([problem("p", n: 3, c: 1)], k: 4) }
    #expect(throws: EvaluationError.self) { try passAtK([], k: 1) }
}

/// C(n, k) in Double by the multiplicative formula (exact enough below n = 60).
private func binomial(_ n: Int, _ k: Int) -> Double {
    if k < 0 || k > n { return 0 }
    var result = 1.0
    for i in 0..<k { result = result * Double(n - i) / Double(i + 1) }
    return result
}

@Test func passAtKMatchesExactBinomialsAcrossAGrid() throws {
    var checked = 0
    for n in 1...60 {
        for c in 0...n {
            for k in 1...n {
                let exact = 1 - binomial(n - c, k) / binomial(n, k)
                let estimate = try passAtK(n: n, c: c, k: k)
                #expect(abs(estimate - exact) < 1e-9, "n=\(n) c=\(c) k=\(k): \(estimate) vs \(exact)")
                checked += 1
            }
        }
    }
    #expect(checked == (1...60).reduce(0) { $0 + ($1 + 1) * $1 })
}

@Test func passAtKMatchesSubsetEnumeration() throws {
    // pass@k is the share of k-subsets holding at least one correct sample.
    for n in 1...9 {
        for c in 0...n {
            for k in 1...n {
                let subsets = allSubsets(n: n, k: k)
                let hits = subsets.filter { $0.contains { $0 < c } }.count
                #expect(abs(try passAtK(n: n, c: c, k: k) - Double(hits) / Double(subsets.count)) < 1e-12)
            }
        }
    }
}

@Test func passAtKAveragesOverProblems() throws {
    let problems = [problem("a", n: 5, c: 2), problem("b", n: 4, c: 0), problem("c", n: 6, c: 6)]
    // k = 3: 0.9, 0, 1.
    #expect(abs(try passAtK(problems, k: 3) - 1.9 / 3) < 1e-12)
    #expect(try passAtKPerProblem(problems, k: 3).count == 3)
}

@Test func coverageCurveUsesPowersOfTwoUpToN() throws {
    #expect(coverageKs(upTo: 8) == [1, 2, 4, 8])
    #expect(coverageKs(upTo: 6) == [1, 2, 4, 6])
    #expect(coverageKs(upTo: 1) == [1])
    #expect(coverageKs(upTo: 0) == [])
    let curve = try coverageCurve([problem("a", n: 6, c: 1), problem("b", n: 8, c: 2)])
    #expect(curve.map(\.k) == [1, 2, 4, 6])
    // Coverage never decreases with k.
    #expect(zip(curve, curve.dropFirst()).allSatisfy { $0.passAtK <= $1.passAtK })
    #expect(abs(curve[0].passAtK - (1.0 / 6 + 2.0 / 8) / 2) < 1e-12)
    #expect(throws: EvaluationError.self) { try coverageCurve([]) }
}
