// TokenBatch — the input of a training forward pass: B right-padded rows of T input ids and the
// target id each position predicts (−1 where no prediction counts: padding, prompts if wanted).

/// B rows of T tokens, right-padded, row-major. `targets[i] == -1` marks an ignored position
/// (its log-prob and entropy are reported as 0 and it receives no gradient).
public struct TokenBatch: Sendable, Equatable {
    /// B.
    public let rows: Int
    /// T.
    public let length: Int
    /// B·T input ids.
    public let inputs: [Int32]
    /// B·T target ids, −1 for ignored positions.
    public let targets: [Int32]

    /// Validates the counts; id ranges are checked against the model in `forward`.
    public init(rows: Int, length: Int, inputs: [Int32], targets: [Int32]) throws {
        guard rows > 0, length > 0 else {
            throw ModelError("token batch needs at least one row and one position, got \(rows)×\(length)")
        }
        guard inputs.count == rows * length else {
            throw ModelError("token batch: \(inputs.count) input ids for \(rows) rows × \(length) positions — expected \(rows * length)")
        }
        guard targets.count == rows * length else {
            throw ModelError("token batch: \(targets.count) target ids for \(rows) rows × \(length) positions — expected \(rows * length)")
        }
        guard inputs.allSatisfy({ $0 >= 0 }) else {
            throw ModelError("token batch: input ids must be non-negative (pad with a real token id, e.g. the pad or eos id)")
        }
        guard targets.allSatisfy({ $0 >= -1 }) else {
            throw ModelError("token batch: target ids must be ≥ 0, or −1 for ignored positions")
        }
        self.rows = rows
        self.length = length
        self.inputs = inputs
        self.targets = targets
    }

    /// Next-token batch from whole sequences: inputs = seq[..<n−1], targets = seq[1...], padded
    /// on the right to the longest sequence with `padId` inputs and ignored targets.
    /// `lossMask` (optional, per sequence, same length as the sequence) marks which tokens are
    /// predicted: target position i (predicting seq[i+1]) counts when lossMask[i+1] is true.
    public init(sequences: [[Int]], padId: Int = 0, lossMask: [[Bool]]? = nil) throws {
        guard !sequences.isEmpty else { throw ModelError("token batch: no sequences given") }
        if let lossMask, lossMask.count != sequences.count {
            throw ModelError("token batch: \(lossMask.count) loss masks for \(sequences.count) sequences")
        }
        for (i, s) in sequences.enumerated() where s.count < 2 {
            throw ModelError("token batch: sequence \(i) has \(s.count) token(s); next-token training needs at least 2")
        }
        let T = sequences.map { $0.count - 1 }.max() ?? 1
        var inp = [Int32](repeating: Int32(padId), count: sequences.count * T)
        var tgt = [Int32](repeating: -1, count: sequences.count * T)
        for (b, s) in sequences.enumerated() {
            if let m = lossMask?[b], m.count != s.count {
                throw ModelError("token batch: loss mask \(b) has \(m.count) entries for a sequence of \(s.count) tokens")
            }
            for t in 0..<(s.count - 1) {
                guard s[t] >= 0, s[t] <= Int(Int32.max), s[t + 1] >= 0, s[t + 1] <= Int(Int32.max) else {
                    throw ModelError("token batch: sequence \(b) has a negative or huge token id")
                }
                inp[b * T + t] = Int32(s[t])
                if lossMask?[b][t + 1] ?? true { tgt[b * T + t] = Int32(s[t + 1]) }
            }
        }
        try self.init(rows: sequences.count, length: T, inputs: inp, targets: tgt)
    }

    /// Number of positions whose target is not ignored.
    public var targetCount: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}

/// Per-token outputs of a training forward pass, B·T each, 0 at ignored positions.
public struct ForwardResult: Sendable, Equatable {
    /// log p(target) under softmax(logits / temperature).
    public var logprobs: [Float]
    /// Entropy −Σ p log p of softmax(logits / temperature).
    public var entropies: [Float]
    public init(logprobs: [Float], entropies: [Float]) {
        self.logprobs = logprobs; self.entropies = entropies
    }
}

extension Transformer {
    /// The batch type, also reachable as `Transformer.TokenBatch`.
    public typealias TokenBatch = Models.TokenBatch
    /// The forward result type, also reachable as `Transformer.ForwardResult`.
    public typealias ForwardResult = Models.ForwardResult
}
