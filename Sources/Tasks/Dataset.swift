// Tasks/Dataset.swift — owns `Dataset`: named train/test splits of problems together with how
// their answers are extracted and compared, plus splitting, deduplication, shuffling, filtering.

import Foundation

/// One of a data set's two parts: `train`, what training samples from, or `test`, held out for
/// evaluation. Commands name it with `split=`.
public enum Split: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case train, test

    /// The other part.
    public var other: Split { self == .train ? .test : .train }
    public var description: String { rawValue }
}

/// A data set: disjoint train and test splits (no prompt in both), the answer extractor and
/// comparison that define correctness for it, and the characters a character tokenizer needs.
public struct Dataset: Sendable, Equatable {
    /// Short name shown in tables (e.g. `add-d3`, `gsm8k`).
    public var name: String
    /// Training problems.
    public var train: [Problem]
    /// Held-out problems; no prompt here also appears in `train`.
    public var test: [Problem]
    /// How answers are cut from completions.
    public var extractor: AnswerExtractor
    /// How extracted answers are compared with gold answers.
    public var comparison: AnswerComparison
    /// The plain characters that prompts and completions of this task use, or nil when open
    /// (loaded natural-language data). Special tokens (`<think>`, `</think>`, end of sequence)
    /// are not in it: the tokenizer adds those itself.
    public var alphabet: Set<Character>?
    /// Text placed before every prompt (a system or reasoning instruction), or nil for none.
    public var promptPrefix: String?
    /// The system turn for models prompted through a chat template (`model chat on`), or nil for
    /// none; plain prompting does not use it (put an instruction in `promptPrefix` for that).
    public var system: String? = nil
    /// The reasoning mode every toggle prompt was switched to (`think` or `no_think`, see
    /// `Problem.inForm(worked:)`), or nil while the prompts keep the modes they were drawn with.
    public var switchedMode: String? = nil

    /// Creates a data set. Use `Dataset.split(…)` to build disjoint splits from one list.
    public init(name: String, train: [Problem], test: [Problem],
                extractor: AnswerExtractor = .afterThink, comparison: AnswerComparison = .numeric,
                alphabet: Set<Character>? = nil, promptPrefix: String? = nil) {
        self.name = name
        self.train = train
        self.test = test
        self.extractor = extractor
        self.comparison = comparison
        self.alphabet = alphabet
        self.promptPrefix = promptPrefix
    }

    /// Both splits, train first.
    public var all: [Problem] { train + test }

    /// The problems of `split`.
    public func problems(in split: Split) -> [Problem] {
        switch split {
        case .train: train
        case .test: test
        }
    }

    /// Problem `index` of `split`.
    /// - Throws: `TasksError` naming the split's size when there is no such problem.
    public func problem(_ index: Int, in split: Split) throws -> Problem {
        let problems = problems(in: split)
        guard problems.indices.contains(index) else {
            throw TasksError("problem=\(index) is out of range — the \(split) split has \(problems.count) problems"
                             + (problems.isEmpty ? "" : " (0..\(problems.count - 1))"))
        }
        return problems[index]
    }

    /// The prompt as the model sees it: `promptPrefix` (if any) followed by the problem's prompt.
    public func fullPrompt(_ problem: Problem) -> String {
        (promptPrefix ?? "") + problem.prompt
    }

    /// Builds disjoint splits from `problems`: duplicates by prompt are dropped (first kept),
    /// the rest shuffled with `rng`, and the first `testCount` become the test split.
    /// Throws when fewer distinct prompts than `testCount` exist.
    public static func split(name: String, problems: [Problem], testCount: Int,
                             rng: inout some RandomNumberGenerator,
                             extractor: AnswerExtractor = .afterThink,
                             comparison: AnswerComparison = .numeric,
                             alphabet: Set<Character>? = nil, promptPrefix: String? = nil) throws -> Dataset {
        guard testCount >= 0 else {
            throw TasksError("test=\(testCount) is negative — give a count of 0 or more")
        }
        var unique = deduplicatedByPrompt(problems)
        guard unique.count >= testCount else {
            throw TasksError("'\(name)' has \(unique.count) distinct prompts, fewer than test=\(testCount) — lower test")
        }
        unique.shuffle(using: &rng)
        return Dataset(name: name, train: Array(unique[testCount...]), test: Array(unique[..<testCount]),
                       extractor: extractor, comparison: comparison, alphabet: alphabet,
                       promptPrefix: promptPrefix)
    }

    /// This data set with duplicate prompts removed within each split and every training
    /// problem whose prompt is also a test prompt dropped (the test split wins).
    public func deduplicated() -> Dataset {
        var copy = self
        copy.test = deduplicatedByPrompt(test)
        let testPrompts = Set(copy.test.map(\.prompt))
        copy.train = deduplicatedByPrompt(train).filter { !testPrompts.contains($0.prompt) }
        return copy
    }

    /// This data set with both splits shuffled by `rng` (train first, then test).
    public func shuffled(rng: inout some RandomNumberGenerator) -> Dataset {
        var copy = self
        copy.train.shuffle(using: &rng)
        copy.test.shuffle(using: &rng)
        return copy
    }

    /// This data set keeping only the problems for which `isIncluded` is true, in both splits.
    public func filtered(_ isIncluded: (Problem) -> Bool) -> Dataset {
        var copy = self
        copy.train = train.filter(isIncluded)
        copy.test = test.filter(isIncluded)
        return copy
    }

    /// This data set keeping problems whose difficulty lies in `range` (both splits).
    public func filtered(difficulty range: ClosedRange<Double>) -> Dataset {
        filtered { range.contains($0.difficulty) }
    }

    /// Whether a completion is correct for `problem` under this data set's extractor and comparison.
    public func isCorrect(completion: String, problem: Problem) -> Bool {
        Tasks.isCorrect(completion: completion, problem: problem, extractor: extractor, comparison: comparison)
    }

    /// The voting key of a completion: the normalized extracted answer, or nil when none.
    public func answerKey(completion: String) -> String? {
        extractor.extract(completion).flatMap { Tasks.answerKey($0, comparison: comparison) }
    }
}

/// `problems` without later duplicates of an earlier prompt, order kept.
func deduplicatedByPrompt(_ problems: [Problem]) -> [Problem] {
    var seen = Set<String>()
    return problems.filter { seen.insert($0.prompt).inserted }
}

/// Whether `completion` is correct for `problem`: the extractor finds an answer and it equals the
/// gold answer under `comparison` (for `.countdown`: the expression uses only the problem's
/// numbers, each at most once, and its value equals the target).
public func isCorrect(completion: String, problem: Problem, extractor: AnswerExtractor,
                      comparison: AnswerComparison) -> Bool {
    guard let extracted = extractor.extract(completion) else { return false }
    return isCorrectAnswer(extracted, problem: problem, comparison: comparison)
}

/// Whether an already extracted answer is correct for `problem` under `comparison`.
public func isCorrectAnswer(_ extracted: String, problem: Problem, comparison: AnswerComparison) -> Bool {
    if comparison == .countdown { return countdownVerdict(extracted, problem: problem) == nil }
    guard let key = answerKey(extracted, comparison: comparison),
          let gold = answerKey(problem.answer, comparison: comparison) else { return false }
    return key == gold
}
