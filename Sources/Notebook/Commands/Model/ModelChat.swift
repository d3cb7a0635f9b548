// model chat — prompting through the model's chat template. With `on`, every prompt (SFT, rl
// sampling, eval, scale, generate, score) becomes [system] + user turn + the assistant's opening,
// rendered from the checkpoint's template (tokenizer_config.json's chat_template or
// chat_template.jinja) or from a .jinja file, as transformers' apply_chat_template renders it.
import Foundation
import Models
import Tasks

extension CommandDefinition {
    /// `model chat [on|off] [system=…] [template=FILE] [thinking=…] [date=…]`
    static let modelChat = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "chat",
        summary: "prompt through the chat template: model chat on system=\"Answer with a number.\"",
        help: "on: prompts become a conversation rendered by the model's chat template (the checkpoint's, or "
            + "template=FILE.jinja); off: plain prompts (<bos> + text); no argument: show the template and an "
            + "example. The data set's system prompt (data system) wins over system= here. thinking= sets the "
            + "template's enable_thinking (Qwen3), date= its date_string (Llama 3; without it the template's "
            + "fixed date is used, never today's, so replays stay identical). A template file is saved with the model.",
        positionals: [ArgumentSpec("state", .choice(["on", "off"]), help: "on or off; omit to show")],
        keys: [
            ArgumentSpec("system", .string, help: "the system turn when the data set has none"),
            ArgumentSpec("template", .path, help: "a .jinja chat template file to use instead of the checkpoint's"),
            ArgumentSpec("thinking", .bool, help: "the template's enable_thinking variable"),
            ArgumentSpec("date", .string, help: "the template's date_string variable"),
        ],
        examples: ["model chat", "model chat off",
                   "model chat on system=\"Answer with a number.\" template=notebooks/models/chatml.jinja thinking=false date=\"26 Jul 2024\""]
    )) { invocation, session in
        let state = try invocation.string("state")
        let given = ["system", "template", "thinking", "date"].filter { invocation.isGiven($0) }
        let system = try invocation.string("system")
        let thinking = try invocation.bool("thinking")
        let date = try invocation.string("date")
        let templatePath = try invocation.string("template")
        var local = try session.requireLocalModel(for: "model chat")
        switch state {
        case nil:
            guard given.isEmpty else { throw CommandError("model chat: \(given.joined(separator: ", ")) need 'on'") }
        case "off":
            guard given.isEmpty else { throw CommandError("model chat off takes no keys (got \(given.joined(separator: ", ")))") }
            local.tokenizer = local.tokenizer.withChat(nil)
            session[ModelSlot.self] = .local(local)
        default:
            var companions = local.companions
            let source: String
            if templatePath != nil, let path = try invocation.readPath("template", session) {
                let data = try domain("model chat") { () throws -> Data in
                    try RegularFile.require(path, wanted: "a .jinja chat template")
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    guard size <= 1 << 20 else { throw CommandError("\(path) is over 1 MiB — not a chat template") }
                    return try Data(contentsOf: URL(fileURLWithPath: path))
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw CommandError("model chat: \(path) is not UTF-8 text")
                }
                source = text
                companions[Checkpoint.chatTemplateFile] = data
            } else if let own = Checkpoint.chatTemplateSource(companions: local.companions) {
                source = own
            } else {
                throw CommandError("model chat: \(local.name) has no chat template (a checkpoint keeps one in "
                                   + "tokenizer_config.json or chat_template.jinja) — give one with template=FILE.jinja")
            }
            let template = try domain("model chat") { try ChatTemplate(source) }
            var variables: [String: JinjaValue] = [:]
            if let thinking { variables["enable_thinking"] = .bool(thinking) }
            if let date { variables["date_string"] = .string(date) }
            let tokens = ChatPrompting.specialTokenStrings(
                tokenizerConfig: local.companions[Checkpoint.tokenizerConfigFile].map { [UInt8]($0) }, tokenizer: local.tokenizer)
            let chat = ChatPrompting(template: template, system: system, variables: variables,
                                     specialTokens: tokens)
            let tokenizer = local.tokenizer.withChat(chat)
            // Render and encode once now, so a template the tokenizer cannot encode fails here.
            _ = try domain("model chat") { try Models.encodePrompt("1+1=", tokenizer: tokenizer, system: session[DatasetSlot.self]?.system) }
            local.tokenizer = tokenizer
            local.companions = companions
            session[ModelSlot.self] = .local(local)
        }
        return ChatView.render(local, dataset: session[DatasetSlot.self])
    }
}

/// What `model chat` shows: the template, the state and one prompt as the model sees it.
enum ChatView {
    static func render(_ local: LocalModel, dataset: Dataset?) -> CommandOutput {
        var table = Table(columns: [Table.Column("field"), Table.Column("value")])
        let own = Checkpoint.chatTemplateSource(companions: local.companions)
        let chat = local.tokenizer.chat
        table.append(["chat", chat == nil ? "off (prompts are <bos> + text)" : "on"])
        if let source = chat?.template.source ?? own {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            table.append(["template", "\(lines) lines, \(source.utf8.count) bytes, \(family(source))"])
        } else {
            table.append(["template", "none (model chat on template=FILE.jinja)"])
        }
        if let chat {
            if let system = dataset?.system { table.append(["system", Format.quoted(system) + " (the data set's)"]) }
            else if let system = chat.system { table.append(["system", Format.quoted(system)]) }
            for key in chat.variables.keys.sorted() { table.append([key, chat.variables[key]?.repr ?? ""]) }
        }
        let sample = dataset.flatMap { d in (d.test.first ?? d.train.first).map { d.fullPrompt($0) } } ?? "12+34="
        if let ids = try? Models.encodePrompt(sample, tokenizer: local.tokenizer, system: dataset?.system) {
            table.append(["example", Format.quoted(local.tokenizer.decode(ids))])
            table.append(["example tokens", "\(ids.count)"])
        }
        return .table(table)
    }

    /// A recognisable name for common template families (display only).
    static func family(_ source: String) -> String {
        if source.contains("<|im_start|>") { return source.contains("enable_thinking") ? "ChatML with thinking switch (Qwen3 style)" : "ChatML (Qwen style)" }
        if source.contains("<|start_header_id|>") { return "Llama 3 style" }
        return "custom"
    }
}
