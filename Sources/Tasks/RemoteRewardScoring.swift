// Tasks/RemoteRewardScoring.swift — scoring completions sent by another engine, as OpenRLHF's
// `--remote_rm_url` sends them: each item is the decoded prompt + response (`query`, special
// tokens included), the prompt text, and the data set's label (the gold answer). The completion is
// the query after its prompt with the end tokens stripped; the problem is the data set's own when
// the prompt is one of its prompts (so rewards that read metadata work), else one made from the label.

/// Scores remote queries with a data set's verifier and a weighted reward.
public struct RemoteRewardScoring: Sendable {
    public var dataset: Dataset
    public var reward: WeightedReward
    /// Strings that end a sequence (`<|im_end|>`, `<|endoftext|>`, …), cut from the end of a completion.
    public var endMarkers: [String]
    /// Tokens of a completion, for length rewards (the model's tokenizer when known).
    public var countTokens: @Sendable (String) -> Int
    private let byPrompt: [String: Problem]

    public init(dataset: Dataset, reward: WeightedReward, endMarkers: [String] = RemoteRewardScoring.commonEndMarkers,
                countTokens: @escaping @Sendable (String) -> Int = { $0.unicodeScalars.count }) {
        self.dataset = dataset
        self.reward = reward
        self.endMarkers = endMarkers
        self.countTokens = countTokens
        var index: [String: Problem] = [:]
        for p in dataset.all where index[dataset.fullPrompt(p)] == nil { index[dataset.fullPrompt(p)] = p }
        byPrompt = index
    }

    /// End-of-sequence strings of the common model families.
    public static let commonEndMarkers = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "</s>", "<eos>"]

    /// One scored item.
    public struct Scored: Sendable {
        public var breakdown: RewardBreakdown
        public var correct: Bool
        public var completion: String
    }

    /// Scores one item. `prompt` may be nil (older OpenRLHF sends only queries): the data set's
    /// prompt that begins the query is used. `label` is the gold answer when the prompt is not one
    /// of the data set's.
    public func score(query: String, prompt: String?, label: String?) throws -> Scored {
        let promptText: String
        if let prompt {
            promptText = prompt
        } else if let found = byPrompt.keys.filter({ query.hasPrefix($0) }).max(by: { $0.count < $1.count }) {
            promptText = found
        } else {
            throw TasksError("a query without its prompt does not begin with any prompt of '\(dataset.name)' — send \"prompts\"")
        }
        guard query.hasPrefix(promptText) else {
            throw TasksError("the query does not begin with its prompt (\(promptText.prefix(40).debugDescription)…) — "
                             + "send the decoded prompt + response as \"query\"")
        }
        var completion = String(query.dropFirst(promptText.count))
        var stripped = true
        while stripped {
            stripped = false
            for marker in endMarkers where !marker.isEmpty && completion.hasSuffix(marker) {
                completion.removeLast(marker.count)
                stripped = true
            }
        }
        let problem: Problem
        // A chat-templated prompt holds the data set's prompt inside it: take the longest one it holds
        // ("11+2=" over "1+2=").
        let inside = byPrompt[promptText] == nil
            ? byPrompt.keys.filter { promptText.contains($0) }.max { ($0.count, $0) < ($1.count, $1) }.flatMap { byPrompt[$0] }
            : nil
        if let known = byPrompt[promptText] ?? inside,
           label == nil || label == known.answer {
            problem = known
        } else if let label {
            problem = Problem(id: "remote", prompt: promptText, answer: label)
        } else {
            throw TasksError("the prompt is not one of '\(dataset.name)' and no label came with it — send \"labels\" (the gold answers)")
        }
        let breakdown = reward.evaluate(completion: completion, problem: problem, tokenCount: countTokens(completion))
        return Scored(breakdown: breakdown, correct: dataset.isCorrect(completion: completion, problem: problem), completion: completion)
    }
}
