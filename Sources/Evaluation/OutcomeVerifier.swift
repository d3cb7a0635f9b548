// OutcomeVerifier — an outcome reward model: a separate tiny Transformer (same tokenizer as the
// policy) that reads `prompt + completion + <eos>` and predicts one judgement token, the token for
// "correct" (e.g. `1`) or for "wrong" (e.g. `0`). Its score is p(correct) / (p(correct) + p(wrong)),
// renormalised over the two judgement tokens so the rest of the vocabulary does not matter. Used
// for best-of-N and score-weighted votes (Cobbe et al. 2021's verifiers, in their simplest form).
// Saved as an ordinary checkpoint directory; the judgement ids travel in `trainer_state.json`.
import Foundation
import Kernels
import Models
import Tasks

/// The two token ids a verifier predicts after a completion.
public struct VerifierJudgement: Sendable, Equatable, Codable {
    /// Id of the token meaning "correct".
    public var correct: Int
    /// Id of the token meaning "wrong".
    public var wrong: Int

    /// Judgement ids given directly; they must differ.
    public init(correct: Int, wrong: Int) throws {
        guard correct != wrong else {
            throw EvaluationError("verifier: the correct and wrong judgement tokens are both id \(correct) — choose two different tokens")
        }
        self.correct = correct
        self.wrong = wrong
    }

    /// The ids of the texts `correct` (default "1") and `wrong` (default "0"), each of which must
    /// be a single token of `tokenizer` (true for the arithmetic character vocabulary).
    public static func tokens(_ tokenizer: any Tokenizer, correct: String = "1", wrong: String = "0") throws -> VerifierJudgement {
        func single(_ text: String) throws -> Int {
            let ids: [Int]
            do { ids = try tokenizer.encode(text) } catch {
                throw EvaluationError("verifier: the judgement text '\(text)' cannot be encoded (\(error)) — pick a token the vocabulary has")
            }
            guard ids.count == 1, let id = ids.first else {
                throw EvaluationError("verifier: the judgement text '\(text)' is \(ids.count) tokens, not one — pick a single-token text")
            }
            return id
        }
        return try VerifierJudgement(correct: single(correct), wrong: single(wrong))
    }
}

/// What a verifier checkpoint stores besides the weights.
struct VerifierState: Codable {
    /// Marks the directory as a verifier (not a policy) checkpoint.
    var kind: String
    var correctToken: Int
    var wrongToken: Int
    /// Prompts of the problems it was trained on (absent in files from before the leak guard).
    var trainingPrompts: [String]?
    static let kindName = "outcome-verifier"
}

/// A trained (or freshly initialised) outcome verifier. A class because it owns a model's buffers;
/// not safe to use from two threads at once.
public final class OutcomeVerifier: @unchecked Sendable {
    /// The scoring model.
    public let model: Transformer
    /// The tokenizer shared with the policy.
    public let tokenizer: any Tokenizer
    /// The judgement tokens.
    public let judgement: VerifierJudgement
    /// The full prompts of the problems whose samples it was trained on (held-out problems are not
    /// among them); nil when unknown (a checkpoint saved before this was recorded). Scoring those
    /// problems again measures memory, not judgement: see `trainingOverlap(with:dataset:)`.
    public var trainingPrompts: Set<String>?

    /// A verifier over `model`; the tokenizer and judgement ids must fit the model's vocabulary.
    public init(model: Transformer, tokenizer: any Tokenizer, judgement: VerifierJudgement) throws {
        let V = model.config.vocabSize
        guard tokenizer.vocabularySize <= V else {
            throw EvaluationError("verifier: the tokenizer has \(tokenizer.vocabularySize) ids but the model only \(V) — use the policy's tokenizer")
        }
        guard (0..<V).contains(judgement.correct), (0..<V).contains(judgement.wrong) else {
            throw EvaluationError("verifier: judgement ids \(judgement.correct)/\(judgement.wrong) lie outside the vocabulary 0..<\(V)")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.judgement = judgement
    }

    /// The token ids the verifier reads for one completion: the encoded prompt (with bos, as the
    /// policy sees it), the completion, and eos when the tokenizer has one (marks "the end").
    func contextIDs(prompt: String, completion: String) throws -> [Int] {
        do {
            var ids = try encodePrompt(prompt, tokenizer: tokenizer) + tokenizer.encode(completion)
            if let eos = tokenizer.special.eos { ids.append(eos) }
            return ids
        } catch {
            throw EvaluationError("verifier: cannot encode '\(prompt)' + '\(completion)': \(error) — the verifier needs the policy's tokenizer")
        }
    }

    /// Scores (p(correct) renormalised over the two judgement tokens) for each (prompt, completion),
    /// in batches of `batchSize`. `isCancelled` is polled between batches.
    public func scores(_ items: [(prompt: String, completion: String)], batchSize: Int = 64,
                       isCancelled: () -> Bool = { false }) throws -> [Double] {
        let contexts = try items.map { try contextIDs(prompt: $0.prompt, completion: $0.completion) }
        return try scores(contexts: contexts, batchSize: batchSize, isCancelled: isCancelled)
    }

    /// Scores of already encoded contexts (see `contextIDs`).
    func scores(contexts: [[Int]], batchSize: Int = 64, isCancelled: () -> Bool = { false }) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(contexts.count)
        var start = 0
        while start < contexts.count {
            if isCancelled() { throw CancellationError() }
            let end = min(start + max(batchSize, 1), contexts.count)
            let chunk = Array(contexts[start..<end])
            // Two forward passes, one per judgement token as the target of the last position:
            // only those head rows are computed, whatever the vocabulary size.
            let right = try judgementLogprobs(chunk, token: judgement.correct)
            let wrong = try judgementLogprobs(chunk, token: judgement.wrong)
            for (a, b) in zip(right, wrong) {
                // p1 / (p1 + p0) = sigmoid(log p1 − log p0), stable for any magnitudes.
                out.append(1 / (1 + exp(Double(b) - Double(a))))
            }
            start = end
        }
        return out
    }

    /// log p(token) at the position after each context's last token.
    func judgementLogprobs(_ contexts: [[Int]], token: Int) throws -> [Float] {
        let batch = try judgementBatch(contexts, labels: Array(repeating: token, count: contexts.count))
        let result = try model.forward(batch.batch)
        return batch.labelPositions.map { result.logprobs[$0] }
    }

    /// Contexts followed by their label tokens as a next-token batch whose only target is the
    /// label; returns the flat index of each row's label position.
    func judgementBatch(_ contexts: [[Int]], labels: [Int]) throws -> (batch: TokenBatch, labelPositions: [Int]) {
        let sequences = zip(contexts, labels).map { $0 + [$1] }
        let masks = sequences.map { sequence in sequence.indices.map { $0 == sequence.count - 1 } }
        let batch = try TokenBatch(sequences: sequences, padId: tokenizer.special.pad ?? 0, lossMask: masks)
        let positions = sequences.enumerated().map { row, sequence in row * batch.length + sequence.count - 2 }
        return (batch, positions)
    }

    /// Saves the verifier as a checkpoint directory (config.json, model.safetensors,
    /// tokenizer.json, trainer_state.json with the judgement ids), atomically.
    public func save(to url: URL) throws {
        try Checkpoint.save(to: url, config: model.config, tensors: model.tensors(), tokenizer: tokenizer,
                            trainerState: VerifierState(kind: VerifierState.kindName,
                                                        correctToken: judgement.correct, wrongToken: judgement.wrong,
                                                        trainingPrompts: trainingPrompts.map { $0.sorted() }))
    }

    /// Loads a verifier saved by `save(to:)`. Throws when the directory is not a verifier checkpoint.
    public static func load(from url: URL) throws -> OutcomeVerifier {
        let contents = try Checkpoint.load(from: url)
        // A policy checkpoint's trainer state has another shape: treat it as "not a verifier".
        let state = try? contents.trainerState(as: VerifierState.self)
        guard let state = state ?? nil, state.kind == VerifierState.kindName else {
            throw EvaluationError("\(url.path) is not a verifier checkpoint (no trainer_state.json of kind '\(VerifierState.kindName)') — "
                + "train one with 'verifier train' or give the verifier's directory")
        }
        let config = try contents.config(as: TransformerConfig.self)
        let model = try Transformer(config: config, tensors: contents.tensors)
        let verifier = try OutcomeVerifier(model: model, tokenizer: contents.tokenizer,
                                           judgement: VerifierJudgement(correct: state.correctToken, wrong: state.wrongToken))
        verifier.trainingPrompts = state.trainingPrompts.map(Set.init)
        return verifier
    }
}

extension OutcomeVerifier {
    /// How many of `problems` the verifier was trained on (matched by full prompt, so a data set
    /// regenerated under another name still counts); nil when its training problems are unknown.
    public func trainingOverlap(with problems: [Problem], dataset: Dataset) -> Int? {
        guard let trainingPrompts else { return nil }
        return problems.filter { trainingPrompts.contains(dataset.fullPrompt($0)) }.count
    }
}
