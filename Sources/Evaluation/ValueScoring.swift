// Evaluation/ValueScoring.swift — a value model as the scorer of best-of-N and score-weighted
// votes: a sample's score is the value of its whole text V(prompt + completion) (the state
// before the end token: see `completionValues`), the
// critic's estimate of the reward it earned. A learned value judges from the same features as an
// outcome verifier but is trained on the policy's own returns (PPO's critic, `value save`).
import Foundation
import Models
import Tasks

extension ValueModel {
    /// A copy of `run` with every sample's `score` set to its final-state value (clamped at 0), computed in
    /// batches of `batchSize`; `isCancelled` is polled between batches.
    public func score(_ run: EvaluationRun, dataset: Dataset, batchSize: Int = 64,
                      isCancelled: () -> Bool = { false }) throws -> EvaluationRun {
        var prompts: [[Int]] = [], completions: [[Int]] = []
        for (problem, row) in zip(run.problems, run.texts) {
            let prompt: [Int]
            do { prompt = try encodePrompt(dataset.fullPrompt(problem), tokenizer: tokenizer) } catch {
                throw EvaluationError("value: cannot encode the prompt of \(problem.id) (\(error)) — the value model needs the policy's tokenizer")
            }
            for text in row {
                var ids: [Int]
                do { ids = try tokenizer.encode(text.text) } catch {
                    throw EvaluationError("value: cannot encode a completion of \(problem.id) (\(error)) — the value model needs the policy's tokenizer")
                }
                prompts.append(prompt)
                completions.append(ids)
            }
        }
        var scores: [Double] = []
        scores.reserveCapacity(prompts.count)
        var start = 0
        while start < prompts.count {
            if isCancelled() { throw CancellationError() }
            let end = min(start + max(batchSize, 1), prompts.count)
            let values = try completionValues(prompts: Array(prompts[start..<end]), completions: Array(completions[start..<end]))
            // Clamped at 0 so score-weighted votes can use it (rewards here are ≥ 0; a value
            // below 0 is the critic's error, not a meaningful weight).
            scores += values.map { max(0, $0) }
            start = end
        }
        return run.withScores(scores)
    }
}
