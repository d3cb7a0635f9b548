// Tasks/Sorting.swift — owns `SortingTask`: sort a list of small numbers ascending. A task of
// a different kind from arithmetic: the answer is a sequence, compared as an exact string.
//
// Format:
//   prompt  `sort 5 3 9 3:`
//   direct  `<think></think>3 3 5 9`
//   worked  `<think>3:5 9 3 3:5 9 5:9</think>3 3 5 9` — selection sort written out: each step is
//           the smallest remaining number, `:`, then the numbers still left in their original
//           order (the last number needs no step).
// Answers are the numbers separated by single spaces; comparison is `.exact` after trimming,
// so `3 3 5 9` is right and `3,3,5,9` is wrong.
// Alphabet: `0-9 : space` and the letters of `sort`.
// Difficulty: the list length plus the share of out-of-order pairs (inversions / pairs).

/// Seeded sorting problems with a list-length range and a largest value.
public struct SortingTask: TaskGenerator, Equatable {
    /// List lengths are drawn uniformly from this range (2…20).
    public var length: ClosedRange<Int>
    /// Values are drawn uniformly from 0…maxValue (1…9999).
    public var maxValue: Int
    /// Share of solutions that show their steps.
    public var think: ThinkMode

    /// Creates the task; throws on out-of-range parameters with what to change.
    public init(length: ClosedRange<Int> = 4...6, maxValue: Int = 99, think: ThinkMode = .none) throws {
        guard length.lowerBound >= 2, length.upperBound <= 20 else {
            throw TasksError("length=\(length.lowerBound):\(length.upperBound) is out of range — use 2 to 20")
        }
        guard (1...9999).contains(maxValue) else { throw TasksError("max=\(maxValue) is out of range — use 1 to 9999") }
        try think.validate()
        self.length = length
        self.maxValue = maxValue
        self.think = think
    }

    public var name: String {
        length.lowerBound == length.upperBound ? "sort-n\(length.lowerBound)" : "sort-n\(length.lowerBound)-\(length.upperBound)"
    }
    public var comparison: AnswerComparison { .exact }
    public var alphabet: Set<Character> { Set("0123456789: sort").union(think.addedAlphabet) }

    public func makeProblem(rng: inout some RandomNumberGenerator) -> Problem {
        let n = Int.random(in: length, using: &rng)
        let values = (0..<n).map { _ in Int.random(in: 0...maxValue, using: &rng) }
        let worked = think.showsWork(rng: &rng)
        return think.finishing(problem(values, worked: worked), worked: worked)
    }

    /// The problem for `values` (public so tests and notebooks can build exact cases).
    public func problem(_ values: [Int], worked: Bool) -> Problem {
        let sorted = values.sorted()
        let answer = sorted.map(String.init).joined(separator: " ")
        var rest = values
        var steps: [String] = []
        while rest.count > 1, let m = rest.min(), let i = rest.firstIndex(of: m) {
            rest.remove(at: i)
            steps.append("\(m):" + rest.map(String.init).joined(separator: " "))
        }
        var inversions = 0
        for i in values.indices { for j in values.indices where j > i && values[j] < values[i] { inversions += 1 } }
        let pairs = max(1, values.count * (values.count - 1) / 2)
        let direct = thinkFormat("", answer)
        let full = thinkFormat(steps.joined(separator: " "), answer)
        return Problem(id: "", prompt: "sort " + values.map(String.init).joined(separator: " ") + ":",
                       answer: answer, solution: worked ? full : direct,
                       difficulty: Double(values.count) + Double(inversions) / Double(pairs),
                       metadata: ["worked": worked ? "true" : "false",
                                  "direct_solution": direct, "worked_solution": full])
    }
}
