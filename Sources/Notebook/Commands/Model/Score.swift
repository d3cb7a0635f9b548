// tokens and score — token-level work: the ids a text becomes, and the log-probability the model
// gives each token of a completion (with its rank and the model's own first choice). Both take
// token ids directly (ids=…), so a checkpoint is inspected in ids without going through text.
import Foundation
import Models

extension CommandDefinition {
    /// `tokens "TEXT"` or `tokens ids=…`
    static let tokens = CommandDefinition(CommandDeclaration(
        name: "tokens",
        summary: "show the token ids of a text, or the strings of ids: tokens \"12+34=\" prompt=true",
        help: "With TEXT: its ids under the current model's tokenizer (prompt=true encodes it as prompts are, with "
            + "<bos> first). With ids=…: each id's string, and the ids decoded together.",
        positionals: [ArgumentSpec("text", .string, help: "the text to encode (quote it)")],
        keys: [
            ArgumentSpec("ids", .intList, bounds: 0...Double(TransformerConfig.maxVocabulary - 1), help: "token ids to show instead of a text"),
            ArgumentSpec("prompt", .bool, default: .bool(false), help: "encode as a prompt (with <bos>)"),
        ],
        recorded: false,
        examples: ["tokens \"12+34=\" prompt=true", "tokens ids=1,8,9"]
    )) { invocation, session in
        let text = try invocation.string("text")
        let given = try invocation.ints("ids")
        let asPrompt = try invocation.bool(defaulted: "prompt")
        let local = try session.requireLocalModel(for: "tokens")
        let ids: [Int]
        switch (text, given) {
        case (.some, .some): throw CommandError("tokens: give a TEXT or ids=…, not both")
        case (nil, nil): throw CommandError("tokens: give a text in quotes, or ids=1,2,3")
        case (.some(let text), nil):
            ids = try domain("tokens") { asPrompt ? try local.encodePrompt(text, system: session[DatasetSlot.self]?.system) : try local.tokenizer.encode(text) }
        case (nil, .some(let list)):
            ids = try checkedIDs(list, local, "tokens")
        }
        var table = Table(columns: [Table.Column("#", .right), Table.Column("id", .right), Table.Column("token")])
        for (i, id) in ids.enumerated() {
            table.append(["\(i)", "\(id)", local.tokenizer.tokenString(id).map(Format.quoted) ?? "(no string)"])
        }
        var output = CommandOutput.line("\(ids.count) tokens: " + ids.map(String.init).joined(separator: ","))
        output.append(.table(table))
        output.append(.line("decoded " + Format.quoted(local.tokenizer.decode(ids))))
        return output
    }

    /// `score "PROMPT" "COMPLETION"` or `score ids=… from=K`
    static let score = CommandDefinition(CommandDeclaration(
        name: "score",
        summary: "log-probability of each completion token: score \"12+34=\" \"<think></think>46<eos>\"",
        help: "Runs the local model once over PROMPT + COMPLETION (the prompt encoded with <bos> first, as every "
            + "command prompts) and shows, for each completion token, its log-probability at temperature 1, its rank "
            + "among all tokens (1 = the model's first choice) and that first choice. With ids=… the sequence is "
            + "given in token ids and from=K says where the scored part starts.",
        positionals: [ArgumentSpec("prompt", .string, help: "the prompt text (quote it)"),
                      ArgumentSpec("completion", .string, help: "the completion text (quote it)")],
        keys: [
            ArgumentSpec("ids", .intList, bounds: 0...Double(TransformerConfig.maxVocabulary - 1), help: "the whole sequence in token ids instead of texts"),
            ArgumentSpec("from", .int, default: .int(1), bounds: 1...1e6, help: "with ids=: the index of the first scored token"),
        ],
        recorded: false,
        examples: ["score \"12+34=\" \"<think></think>46<eos>\"", "score ids=1,8,9,6,10,11,17,3,4 from=7"]
    )) { invocation, session in
        let prompt = try invocation.string("prompt"), completion = try invocation.string("completion")
        let given = try invocation.ints("ids")
        let from = try invocation.int(defaulted: "from")
        let local = try session.requireLocalModel(for: "score")
        let ids: [Int], start: Int
        switch (prompt, completion, given) {
        case (.some(let p), .some(let c), nil):
            let head = try domain("score") { try local.encodePrompt(p, system: session[DatasetSlot.self]?.system) }
            let tail = try domain("score") { try local.tokenizer.encode(c) }
            guard !tail.isEmpty else { throw CommandError("score: the completion is empty — give the text to score") }
            ids = head + tail
            start = head.count
        case (nil, nil, .some(let list)):
            ids = try checkedIDs(list, local, "score")
            guard from < ids.count else {
                throw CommandError("score: from=\(from) leaves nothing to score — the sequence has \(ids.count) tokens (from=1…\(ids.count - 1))")
            }
            start = from
        default:
            throw CommandError("score: give a prompt and a completion in quotes, or ids=… (with from=K)")
        }
        let V = local.transformer.config.vocabSize
        let batch = try domain("score") {
            try TokenBatch(rows: 1, length: ids.count, inputs: ids.map { Int32($0) },
                           targets: Array(ids.dropFirst()).map { Int32($0) } + [-1])
        }
        let logits = try domain("score") { try local.transformer.logits(batch) }
        var table = Table(columns: [Table.Column("#", .right), Table.Column("id", .right), Table.Column("token"),
                                    Table.Column("logprob", .right), Table.Column("rank", .right), Table.Column("first choice")])
        var total = 0.0
        for position in start..<ids.count {
            let row = logits[(position - 1) * V..<position * V]
            let top = row.indices.max { row[$0] < row[$1] } ?? row.startIndex
            let m = Double(row[top])
            let z = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
            let target = row.startIndex + ids[position]
            let logprob = Double(row[target]) - m - Foundation.log(z)
            let rank = 1 + row.count { $0 > row[target] }
            total += logprob
            let topID = top - row.startIndex
            table.append(["\(position)", "\(ids[position])", local.tokenizer.tokenString(ids[position]).map(Format.quoted) ?? "",
                          Format.fixed(logprob, 4), "\(rank)",
                          "\(topID) " + (local.tokenizer.tokenString(topID).map(Format.quoted) ?? "")])
        }
        let count = ids.count - start
        var output = CommandOutput.table(table)
        output.append(.line("total logprob \(Format.fixed(total, 4)) over \(count) tokens (mean \(Format.fixed(total / Double(count), 4)), "
                            + "perplexity \(Format.fixed(Foundation.exp(-total / Double(count)), 3)))"))
        return output
    }
}

/// `list` as token ids of `local`'s vocabulary, refused when empty, too long or out of range.
func checkedIDs(_ list: [Int], _ local: LocalModel, _ command: String) throws -> [Int] {
    let V = local.transformer.config.vocabSize
    guard !list.isEmpty else { throw CommandError("\(command): ids= is empty — give token ids like ids=1,8,9") }
    let limit = local.transformer.config.maxPositionEmbeddings
    guard list.count <= limit else {
        throw CommandError("\(command): \(list.count) ids is longer than the model's context (\(limit) positions)")
    }
    if let bad = list.first(where: { $0 < 0 || $0 >= V }) {
        throw CommandError("\(command): id \(bad) is outside the vocabulary 0..<\(V)")
    }
    return list
}
