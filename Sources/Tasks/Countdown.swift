// Tasks/Countdown.swift — owns `CountdownTask` (as in TinyZero: reach a target from given
// numbers with + − × ÷) and its verifier, which parses and evaluates the answer expression.
//
// Format:
//   prompt  `nums 3 7 25 50 target 75:`
//   direct  `<think></think>(50+25)`
//   worked  `<think>50+25=75</think>(50+25)` — one `x op y=z` step per operation, in the order
//           a person would compute them, then the full expression as the answer.
// The gold `answer` is one reference expression; metadata holds `numbers` (space separated),
// `target`, and `use_all` ("true" when every number must be used, as in TinyZero's checker).
// Verification: the text after `</think>` must parse (Expression.swift), use only the given
// numbers, each at most once (exactly once with `use_all`), and evaluate exactly to the target.
// Division by zero, a bad character or a number not given is simply incorrect.
// Alphabet: `0-9 + - * / ( ) = : space` and the letters of `nums target`.
// Difficulty: the number of operations in the reference expression.

/// Seeded countdown problems: `count` numbers from 1…`maxNumber`, a target reachable from them.
public struct CountdownTask: TaskGenerator, Equatable {
    /// How many numbers each problem gives (2…6).
    public var count: Int
    /// Largest number given (≥ 2).
    public var maxNumber: Int
    /// Largest target (targets are whole numbers from 1 to this; at least 10 and at least `maxNumber`).
    public var maxTarget: Int
    /// Whether a correct answer must use every number (TinyZero) or each at most once.
    public var useAll: Bool
    /// Share of solutions that show their steps.
    public var think: ThinkMode

    /// Creates the task; throws on out-of-range parameters with what to change.
    public init(count: Int = 4, maxNumber: Int = 99, maxTarget: Int = 999, useAll: Bool = false,
                think: ThinkMode = .none) throws {
        guard (2...6).contains(count) else { throw TasksError("count=\(count) is out of range — use 2 to 6 numbers") }
        guard (2...10_000).contains(maxNumber) else { throw TasksError("max=\(maxNumber) is out of range — use 2 to 10000") }
        guard (10...1_000_000).contains(maxTarget) else { throw TasksError("target=\(maxTarget) is out of range — use 10 to 1000000") }
        // Targets below the largest number make valid draws rare; keep generation fast.
        guard maxTarget >= maxNumber else {
            throw TasksError("target=\(maxTarget) is below max=\(maxNumber) — make target at least max")
        }
        try think.validate()
        self.count = count
        self.maxNumber = maxNumber
        self.maxTarget = maxTarget
        self.useAll = useAll
        self.think = think
    }

    public var name: String { "countdown-n\(count)" }
    public var comparison: AnswerComparison { .countdown }
    public var alphabet: Set<Character> { Set("0123456789+-*/()=: numstarge").union(think.addedAlphabet) }

    public func makeProblem(rng: inout some RandomNumberGenerator) -> Problem {
        // Build a random expression over the numbers (all of them when useAll) whose every
        // intermediate value is a positive whole number; retry until the target is in range.
        while true {
            let numbers = (0..<count).map { _ in Int.random(in: 1...maxNumber, using: &rng) }
            let used = useAll ? count : Int.random(in: 2...count, using: &rng)
            var pool: [(value: Int, text: String)] = numbers.shuffled(using: &rng).prefix(used).map { ($0, String($0)) }
            var steps: [String] = []
            var ok = true
            while pool.count > 1 {
                let i = Int.random(in: 0..<pool.count, using: &rng)
                let x = pool.remove(at: i)
                let j = Int.random(in: 0..<pool.count, using: &rng)
                let y = pool.remove(at: j)
                guard let (value, symbol) = combine(x.value, y.value, &rng) else { ok = false; break }
                let (a, b) = symbol == "-" || symbol == "/" ? (max(x.value, y.value) == x.value ? (x, y) : (y, x)) : (x, y)
                steps.append("\(a.value)\(symbol)\(b.value)=\(value)")
                pool.append((value, "(\(a.text)\(symbol)\(b.text))"))
            }
            // A target equal to one of the numbers is answered by copying it: not a problem.
            guard ok, let result = pool.first, (1...maxTarget).contains(result.value), !numbers.contains(result.value) else { continue }
            let target = result.value
            let prompt = "nums " + numbers.map(String.init).joined(separator: " ") + " target \(target):"
            let worked = think.showsWork(rng: &rng)
            let direct = thinkFormat("", result.text)
            let full = thinkFormat(steps.joined(separator: " "), result.text)
            return think.finishing(Problem(id: "", prompt: prompt, answer: result.text, solution: worked ? full : direct,
                           difficulty: Double(steps.count),
                           metadata: ["numbers": numbers.map(String.init).joined(separator: " "),
                                      "target": String(target), "use_all": useAll ? "true" : "false",
                                      "worked": worked ? "true" : "false",
                                      "direct_solution": direct, "worked_solution": full]), worked: worked)
        }
    }

    /// A random operation on x, y keeping results positive and whole: (value, symbol), or nil.
    private func combine(_ x: Int, _ y: Int, _ rng: inout some RandomNumberGenerator) -> (Int, String)? {
        let hi = max(x, y), lo = min(x, y)
        var options: [(Int, String)] = [(x + y, "+")]
        if hi > lo { options.append((hi - lo, "-")) }
        if x * y <= maxTarget * maxNumber { options.append((x * y, "*")) }
        if lo > 1, hi % lo == 0 { options.append((hi / lo, "/")) }
        return options.randomElement(using: &rng)
    }
}

/// Why a countdown answer is wrong, or nil when it is correct for `problem`.
/// Reads `numbers`, `target` and `use_all` from the metadata; without `numbers`, any integers
/// may be used; without `target`, the value of the gold answer expression is the target.
public func countdownVerdict(_ expression: String, problem: Problem) -> String? {
    let parsed: (value: Rational, numbers: [Int])
    do { parsed = try ExpressionParser.evaluate(expression) } catch {
        return "the answer is not a valid expression: \(error)"
    }
    let target: Rational
    if let t = problem.metadata["target"], let n = Int(t) {
        target = Rational(n)
    } else if let gold = try? ExpressionParser.evaluate(problem.answer).value {
        target = gold
    } else {
        return "the problem has no target — set metadata target= or a gold expression"
    }
    if let list = problem.metadata["numbers"] {
        var available: [Int: Int] = [:]
        for n in list.split(separator: " ").compactMap({ Int($0) }) { available[n, default: 0] += 1 }
        let allowed = available
        for n in parsed.numbers {
            guard let left = available[n], left > 0 else {
                return allowed[n] == nil ? "\(n) is not one of the given numbers" : "\(n) is used more often than given"
            }
            available[n] = left - 1
        }
        if problem.metadata["use_all"] == "true", available.values.contains(where: { $0 > 0 }) {
            return "not every given number is used"
        }
    }
    return parsed.value == target ? nil : "the expression equals \(parsed.value), not \(target)"
}
