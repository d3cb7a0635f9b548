// Tasks/Arithmetic.swift — owns `ArithmeticTask`: seeded add / subtract / multiply problems
// whose worked solutions go digit by digit, so that thinking genuinely helps a small model.
//
// Formats (the end-of-sequence token is never part of a solution; the trainer appends it):
//   add  prompt `123+456=`   direct `<think></think>579`
//        worked `<think>3+6=9c0 2+5=7c0 1+4=5c0</think>579`
//        One step per digit column from the least significant: `x+y=scC`, where s is the digit
//        written (x + y + the carry into the column, mod 10) and C the carry out. Columns past
//        the shorter operand use 0 for its missing digit (`58+7`: `8+7=5c1 5+0=6c0`). A final
//        carry shows only in the answer (`9+3`: `<think>9+3=2c1</think>12`).
//   sub  prompt `456-123=`   worked `<think>6-3=3b0 5-2=3b0 4-1=3b0</think>333`
//        Same columns with `x-y=dbB`: d = (x − y − borrow in) mod 10 and B the borrow out.
//        The first operand is never smaller than the second, so answers are never negative;
//        leading zeros of the difference are dropped in the answer only.
//   mul  prompt `123*45=`    worked `<think>123*5=615 123*40=4920 615+4920=5535</think>5535`
//        One partial product per digit of the second operand (least significant first, its
//        place value written as trailing zeros), then a running sum of the partials. Coarser
//        than add/sub: each partial product is one step, not one step per digit.
// Alphabets: add `0-9 + = c space`, sub `0-9 - = b space`, mul `0-9 * + = space`.
// Script mixing (`greekShare`, for the language-consistency reward): a share of worked solutions
// write their carry or borrow marks in Greek (`κ`, `β`) instead of Latin (`c`, `b`); problems then
// carry `language=en`, so the reward's target script is Latin.
// Difficulty: one per digit column plus one per carry or borrow (add, sub); for mul the
// product of the operands' digit counts plus one per partial sum.

/// Seeded arithmetic problems with a digit range and a worked-solution share.
public struct ArithmeticTask: TaskGenerator, Equatable {
    /// The operation of every problem.
    public enum Operation: String, Sendable, CaseIterable, Equatable {
        /// a + b
        case add
        /// a − b with a ≥ b
        case sub
        /// a × b
        case mul
    }

    /// Operation of every problem.
    public var operation: Operation
    /// Each operand has a number of digits drawn uniformly from this range (1 digit includes 0).
    public var digits: ClosedRange<Int>
    /// Share of solutions that show their steps.
    public var think: ThinkMode
    /// Share of worked solutions whose marks are Greek (0: none, and no random draw for it).
    public var greekShare: Double = 0

    /// The largest digit count, chosen so that every product fits in 64-bit integers.
    public static let maxDigits = 9

    /// Creates the task; throws when the digit range is outside 1…9 or `think` is out of range.
    public init(operation: Operation = .add, digits: ClosedRange<Int> = 3...3, think: ThinkMode = .none,
                greekShare: Double = 0) throws {
        guard digits.lowerBound >= 1, digits.upperBound <= ArithmeticTask.maxDigits else {
            throw TasksError("digits=\(digits.lowerBound):\(digits.upperBound) is out of range — use 1 to \(ArithmeticTask.maxDigits)")
        }
        try think.validate()
        guard (0...1).contains(greekShare) else { throw TasksError("greek=\(greekShare) — the share must be between 0 and 1") }
        guard greekShare == 0 || operation != .mul else {
            throw TasksError("greek=\(greekShare): multiplication steps have no carry or borrow marks to write in Greek — use op=add or op=sub")
        }
        self.greekShare = greekShare
        self.operation = operation
        self.digits = digits
        self.think = think
    }

    /// `add-d3`, `mul-d1-2`.
    public var name: String {
        let d = digits.lowerBound == digits.upperBound ? "\(digits.lowerBound)" : "\(digits.lowerBound)-\(digits.upperBound)"
        return "\(operation.rawValue)-d\(d)"
    }

    /// Characters of prompts and solutions for this operation.
    public var alphabet: Set<Character> {
        let base = Set("0123456789= ").union(think.addedAlphabet)
        switch operation {
        case .add: return base.union(greekShare > 0 ? "+cκ" : "+c")
        case .sub: return base.union(greekShare > 0 ? "-bβ" : "-b")
        case .mul: return base.union("*+")
        }
    }

    public func makeProblem(rng: inout some RandomNumberGenerator) -> Problem {
        var a = randomOperand(&rng), b = randomOperand(&rng)
        if operation == .sub, a < b { swap(&a, &b) }
        let worked = think.showsWork(rng: &rng)
        var made = problem(a, b, worked: worked)
        if greekShare > 0 {
            // Drawn for every problem, worked or not, so the operands that follow do not depend on the form.
            let greek = Double.random(in: 0..<1, using: &rng) < greekShare
            made.metadata["language"] = "en"
            if greek, let steps = made.metadata["worked_solution"] {
                let written = ArithmeticTask.greekMarks(steps)
                made.metadata["worked_solution"] = written
                made.metadata["script"] = "greek"
                if worked { made.solution = written }
            } else {
                made.metadata["script"] = "latin"
            }
        }
        return think.finishing(made, worked: worked)
    }

    /// The problem for the operands `a`, `b` (public so tests and notebooks can build exact cases).
    public func problem(_ a: Int, _ b: Int, worked: Bool) -> Problem {
        let symbol: String
        let work: (steps: String, answer: Int, difficulty: Double)
        switch operation {
        case .add: symbol = "+"; work = additionSteps(a, b)
        case .sub: symbol = "-"; work = subtractionSteps(a, b)
        case .mul: symbol = "*"; work = multiplicationSteps(a, b)
        }
        let answer = String(work.answer)
        let direct = thinkFormat("", answer)
        let full = thinkFormat(work.steps, answer)
        return Problem(id: "", prompt: "\(a)\(symbol)\(b)=", answer: answer,
                       solution: worked ? full : direct, difficulty: work.difficulty,
                       metadata: ["op": operation.rawValue, "worked": worked ? "true" : "false",
                                  "direct_solution": direct, "worked_solution": full])
    }

    /// A worked solution with its carry and borrow marks in Greek: `3+9=2c1` → `3+9=2κ1`.
    static func greekMarks(_ text: String) -> String {
        guard let close = text.range(of: "</think>") else { return text }
        let thinking = text[..<close.lowerBound].replacingOccurrences(of: "c", with: "κ").replacingOccurrences(of: "b", with: "β")
        // `<think>` itself has no `c` or `b`; only the steps change.
        return thinking + text[close.lowerBound...]
    }

    /// A number whose digit count is uniform in `digits`, then uniform among such numbers.
    private func randomOperand(_ rng: inout some RandomNumberGenerator) -> Int {
        let n = Int.random(in: digits, using: &rng)
        if n == 1 { return Int.random(in: 0...9, using: &rng) }
        let low = power10(n - 1)
        return Int.random(in: low..<(low * 10), using: &rng)
    }
}

/// 10^n for small n.
func power10(_ n: Int) -> Int {
    var p = 1
    for _ in 0..<n { p *= 10 }
    return p
}

/// Decimal digits of a non-negative integer, least significant first.
func digitsLSB(_ n: Int) -> [Int] {
    var x = n, out: [Int] = []
    repeat { out.append(x % 10); x /= 10 } while x > 0
    return out
}

/// Column-by-column addition steps, the sum and the difficulty (columns + carries).
func additionSteps(_ a: Int, _ b: Int) -> (steps: String, answer: Int, difficulty: Double) {
    let da = digitsLSB(a), db = digitsLSB(b)
    let columns = max(da.count, db.count)
    var carry = 0, carries = 0
    var steps: [String] = []
    for i in 0..<columns {
        let x = i < da.count ? da[i] : 0, y = i < db.count ? db[i] : 0
        let total = x + y + carry
        carry = total / 10
        carries += carry
        steps.append("\(x)+\(y)=\(total % 10)c\(carry)")
    }
    return (steps.joined(separator: " "), a + b, Double(columns + carries))
}

/// Column-by-column subtraction steps for a ≥ b, the difference and the difficulty.
func subtractionSteps(_ a: Int, _ b: Int) -> (steps: String, answer: Int, difficulty: Double) {
    let da = digitsLSB(a), db = digitsLSB(b)
    let columns = max(da.count, db.count)
    var borrow = 0, borrows = 0
    var steps: [String] = []
    for i in 0..<columns {
        let x = i < da.count ? da[i] : 0, y = i < db.count ? db[i] : 0
        var d = x - y - borrow
        borrow = d < 0 ? 1 : 0
        if d < 0 { d += 10 }
        borrows += borrow
        steps.append("\(x)-\(y)=\(d)b\(borrow)")
    }
    return (steps.joined(separator: " "), a - b, Double(columns + borrows))
}

/// Partial products per digit of `b`, then their running sum; the product and the difficulty
/// (digits(a) × digits(b), plus one per partial sum).
func multiplicationSteps(_ a: Int, _ b: Int) -> (steps: String, answer: Int, difficulty: Double) {
    let db = digitsLSB(b)
    var steps: [String] = []
    var partials: [Int] = []
    for (i, d) in db.enumerated() {
        let multiplier = d * power10(i)
        let p = a * multiplier
        partials.append(p)
        steps.append("\(a)*\(multiplier)=\(p)")
    }
    var sum = partials[0]
    for p in partials.dropFirst() {
        steps.append("\(sum)+\(p)=\(sum + p)")
        sum += p
    }
    let difficulty = Double(digitsLSB(a).count * db.count + partials.count - 1)
    return (steps.joined(separator: " "), a * b, difficulty)
}
