// Suggestions — "did you mean …" for unknown commands, keys and choices, by edit distance.

/// Finds the closest known names to a misspelt one.
enum Suggestions {
    /// The optimal-string-alignment distance (Levenshtein plus adjacent transpositions), so
    /// `stpes` is one edit from `steps`.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, previous2[j - 2] + 1)
                }
                current[j] = best
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }

    /// The closest candidate within a tolerance that grows with the word's length (1 edit for
    /// short words, up to a third of the length), or a candidate the word is a prefix of.
    static func nearest(to word: String, among candidates: [String]) -> String? {
        guard !word.isEmpty, word.count <= 64 else { return nil }
        let tolerance = max(1, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let score = distance(word, candidate)
            if score <= tolerance, score < (best?.1 ?? Int.max) { best = (candidate, score) }
        }
        if let best { return best.0 }
        if word.count >= 2 { return candidates.first { $0.hasPrefix(word) } }
        return nil
    }
}
