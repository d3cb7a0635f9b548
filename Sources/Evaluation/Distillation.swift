// Evaluation/Distillation.swift — owns the supervised data a run's samples make: each problem
// paired with its correct, finished completions (deduplicated), as the solutions to fine-tune on.
// `sft source=run:NAME` uses it to distil a teacher's sampled reasoning into the current model
// (DeepSeek-R1's distilled models; rejection-sampling fine-tuning when the run is the model's own).
import Models
import Tasks

extension EvaluationRun {
    /// One problem per distinct correct completion that ended by itself (an end token or a stop
    /// string, not the length cap), with that completion as its `solution` and `metadata["source"]`
    /// naming the run's generator; end-of-sequence markers are cut. Order: problems as evaluated,
    /// then samples as drawn. `workedOnly` keeps only completions whose thinking has text (a
    /// teacher's reasoning traces, without its direct answers).
    public func correctCompletions(workedOnly: Bool = false) -> [Problem] {
        var out: [Problem] = []
        for (p, problem) in problems.enumerated() where p < texts.count && p < samples.count {
            var seen = Set<String>()
            for (s, text) in texts[p].enumerated() where s < samples[p].samples.count {
                guard samples[p].samples[s].correct, text.finishReason != .length else { continue }
                let body = completionBody(text.text)
                if workedOnly, !CompletionParts(body).showsWork { continue }
                guard seen.insert(body).inserted else { continue }
                var copy = problem
                copy.solution = body
                copy.metadata["source"] = generatorName
                out.append(copy)
            }
        }
        return out
    }
}
