// generate — a quick peek at what the model writes for one prompt: n samples with their text,
// token counts, finish reason and, when the prompt is a problem of the current data set, whether
// each is correct. Local models decode in one batch; a connected server gets one request.
import Kernels
import Models
import Tasks

extension CommandDefinition {
    /// `generate ["PROMPT"] n=4 …` (alias `complete`)
    static let generate = CommandDefinition(CommandDeclaration(
        name: "generate", aliases: ["complete"],
        summary: "sample completions for one prompt: generate \"123+456=\" n=4 temperature=1",
        help: "Samples n completions of PROMPT (or of problem=N of the current data set's split) and shows "
            + "each with its token count, thinking tokens, finish reason and verdict. temperature, top_p, top_k "
            + "and max_tokens default to the session settings. budget=B forces </think> after B thinking "
            + "tokens; waits=W replaces the first W attempts to stop thinking with ' Wait' (local models).",
        positionals: [ArgumentSpec("prompt", .string, help: "the prompt text (quote it)")],
        keys: [
            ArgumentSpec("problem", .int, bounds: 0...1e9, help: "use problem N of the current data set instead of PROMPT"),
            ArgumentSpec("ids", .intList, bounds: 0...Double(TransformerConfig.maxVocabulary - 1),
                         help: "prompt token ids instead of PROMPT, used as given (no <bos> added; local models)"),
            .split(default: .test, help: "the split problem= indexes"),
            ArgumentSpec("n", .int, default: .int(4), bounds: 1...1024, help: "completions to sample"),
        ] + SamplingKeys.all.map(\.spec),
        examples: ["generate \"12+34=\" n=2 max_tokens=8 temperature=0.5 top_p=0.9 top_k=5 budget=4 waits=0",
                   "generate ids=1,5,6 n=1 temperature=0 max_tokens=4",
                   "complete problem=0 split=test n=1 temperature=0"]
    )) { invocation, session in
        let text = try invocation.string("prompt")
        let index = try invocation.int("problem")
        let split = try invocation.split()
        let n = try invocation.int(defaulted: "n")
        var options = try SamplingKeys.options(invocation)

        if let given = try invocation.ints("ids") {
            guard text == nil, index == nil else { throw CommandError("generate: give ids=… alone, without a PROMPT or problem=") }
            return try generateFromIDs(given, n: n, options: options, session: session)
        }
        let dataset = session[DatasetSlot.self]
        options.system = dataset?.system
        let prompt: String
        var problem: Problem?
        switch (text, index) {
        case (.some, .some): throw CommandError("generate: give a PROMPT or problem=N, not both")
        case (nil, nil): throw CommandError("generate: give a prompt in quotes, or problem=N of the current data set")
        case (.some(let given), nil):
            prompt = given
            // A prompt typed by hand that is a problem of the data set is judged like one.
            problem = dataset.flatMap { data in data.all.first { data.fullPrompt($0) == given || $0.prompt == given } }
        case (nil, .some(let n)):
            let data = try session.requireDataset(for: "generate")
            let chosen = try data.problem(n, in: split, for: "generate")
            problem = chosen
            prompt = data.fullPrompt(chosen)
        }
        let model = try session.requireModel(for: "generate")
        let seed = session.commandSeed()
        let samples = try sampleCompletions(model, prompt: prompt, n: n, options: options, seed: seed, session: session)
        return GenerationView.render(samples, prompt: prompt, problem: problem, dataset: dataset,
                                     width: session.settings.width)
    }
}

/// Samples `n` completions of `prompt` with the session's model. Local models decode as one batch
/// from `RNG(seed:)`; a server gets the seed in its request.
func sampleCompletions(_ model: LoadedModel, prompt: String, n: Int, options: GenerationOptions, seed: UInt64,
                       session: Session) throws -> [GeneratedText] {
    let cancelled = session.cancellationRequested
    switch model {
    case .local(let local):
        let tokens = try local.encodePrompt(prompt, system: options.system)
        let controls = try domain("generate") { try DecodeControls(options: options, tokenizer: local.tokenizer) }
        var rng = RNG(seed: seed)
        let sequences = try domain("generate") {
            try local.transformer.generate(prompts: Array(repeating: tokens, count: n), controls: controls,
                                           rng: &rng, isCancelled: { cancelled() })
        }
        return sequences.map { sequence in
            GeneratedText(text: local.tokenizer.decode(sequence.tokens), tokenCount: sequence.tokens.count,
                          thinkingTokens: sequence.thinkingTokens, finishReason: sequence.finishReason,
                          logprob: Double(sequence.logprobs.reduce(0, +)))
        }
    case .remote(let remote):
        let result = try domain("generate") {
            try remote.generator.generate(prompts: [prompt], samplesPerPrompt: n, options: options, seed: seed,
                                          isCancelled: { cancelled() })
        }
        return result.first ?? []
    }
}

/// `generate ids=…`: samples from token ids as given and shows each completion's ids and text.
func generateFromIDs(_ given: [Int], n: Int, options: GenerationOptions, session: Session) throws -> CommandOutput {
    let local = try session.requireLocalModel(for: "generate ids=")
    let ids = try checkedIDs(given, local, "generate")
    let controls = try domain("generate") { try DecodeControls(options: options, tokenizer: local.tokenizer) }
    var rng = RNG(seed: session.commandSeed())
    let cancelled = session.cancellationRequested
    let sequences = try domain("generate") {
        try local.transformer.generate(prompts: Array(repeating: ids, count: n), controls: controls, rng: &rng, isCancelled: { cancelled() })
    }
    var output = CommandOutput.line("prompt ids " + ids.map(String.init).joined(separator: ",") + "  "
                                    + Format.quoted(local.tokenizer.decode(ids)))
    var table = Table(columns: [Table.Column("#", .right), Table.Column("tokens", .right), Table.Column("finish"),
                                Table.Column("ids"), Table.Column("completion")])
    for (i, s) in sequences.enumerated() {
        table.append(["\(i)", "\(s.tokens.count)", s.finishReason.rawValue, s.tokens.map(String.init).joined(separator: ","),
                      Format.quoted(local.tokenizer.decode(s.tokens))])
    }
    output.append(.table(table))
    return output
}

/// The table `generate` prints.
enum GenerationView {
    static func render(_ samples: [GeneratedText], prompt: String, problem: Problem?, dataset: Dataset?,
                       width: Int) -> CommandOutput {
        var output = CommandOutput.line("prompt " + Format.quoted(prompt) + (problem.map { "  (answer \($0.answer))" } ?? ""))
        var table = Table(columns: [Table.Column("#", .right), Table.Column("tokens", .right), Table.Column("thinking", .right),
                                    Table.Column("finish"), Table.Column("correct"), Table.Column("completion")])
        var right = 0
        for (index, sample) in samples.enumerated() {
            var verdict = "-"
            if let problem, let dataset {
                let correct = dataset.isCorrect(completion: sample.text, problem: problem)
                if correct { right += 1 }
                verdict = correct ? "yes" : "no"
            }
            table.append(["\(index)", "\(sample.tokenCount)", "\(sample.thinkingTokens)", sample.finishReason.rawValue,
                          verdict, Format.quoted(sample.text)])
        }
        output.append(.table(table))
        if problem != nil, dataset != nil, !samples.isEmpty {
            output.append(.line("\(right)/\(samples.count) correct"))
        }
        return output
    }
}
