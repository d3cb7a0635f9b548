// Subsets — drawing k of a problem's n samples without replacement, for the one estimate that is
// not computed exactly: a weighted vote over more subsets than can be enumerated
// (`weightedVoteAtK`). Every draw comes from the caller's generator.
import Foundation

/// k distinct indices from 0..<n, uniformly, by a partial Fisher–Yates shuffle (k swaps).
/// The caller has checked 1 ≤ k ≤ n.
func drawSubset(n: Int, k: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
    var indices = Array(0..<n)
    for i in 0..<k {
        let j = Int.random(in: i..<n, using: &generator)
        indices.swapAt(i, j)
    }
    return Array(indices[0..<k])
}
