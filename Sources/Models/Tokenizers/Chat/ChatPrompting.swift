// Models/Tokenizers/Chat/ChatPrompting.swift — prompting through a chat template: a problem's
// prompt becomes the user turn (after an optional system turn) of a conversation rendered with
// the generation prompt, as `apply_chat_template(…, add_generation_prompt=True)` makes it. A
// tokenizer that carries one (`Tokenizer.chat`) makes `encodePrompt` — and so SFT, RL sampling,
// evaluation and scaling sweeps — condition the model this way.

/// How prompts are wrapped in a chat template.
public struct ChatPrompting: Sendable {
    /// The template (the checkpoint's own, or one given by file).
    public var template: ChatTemplate
    /// The system turn used when the data set brings none; nil for none (the template may still
    /// add its own default, as Qwen2.5's does).
    public var system: String?
    /// Extra template variables, e.g. `enable_thinking` (Qwen3) or `date_string` (Llama 3).
    public var variables: [String: JinjaValue]
    /// The special-token strings templates read (`bos_token`, `eos_token`, …).
    public var specialTokens: [String: String]

    public init(template: ChatTemplate, system: String? = nil, variables: [String: JinjaValue] = [:],
                specialTokens: [String: String] = [:]) {
        self.template = template
        self.system = system
        self.variables = variables
        self.specialTokens = specialTokens
    }

    /// The rendered text for one prompt: [system] + user, with the assistant's opening.
    /// `system` (the data set's) wins over the default one.
    public func text(user: String, system dataSystem: String? = nil) throws(ChatTemplateError) -> String {
        var turns: [ChatMessage] = []
        if let s = dataSystem ?? system { turns.append(ChatMessage(role: "system", content: s)) }
        turns.append(ChatMessage(role: "user", content: user))
        return try template.render(turns, addGenerationPrompt: true, specialTokens: specialTokens, variables: variables)
    }

    /// The special-token strings a template reads, from `tokenizer_config.json` when it names them
    /// (as a string or as `{"content": …}`), else from the tokenizer's own special ids.
    public static func specialTokenStrings(tokenizerConfig: [UInt8]?, tokenizer: any Tokenizer) -> [String: String] {
        var out: [String: String] = [:]
        let roles: [(String, Int?)] = [("bos_token", tokenizer.special.bos), ("eos_token", tokenizer.special.eos),
                                       ("pad_token", tokenizer.special.pad), ("unk_token", nil)]
        let config = tokenizerConfig.flatMap { try? JSONParser.parse($0).objectValue }
        for (role, id) in roles {
            if let value = config?[role] {
                if let s = value.stringValue ?? value.objectValue?["content"]?.stringValue { out[role] = s; continue }
            }
            if let id, let s = tokenizer.tokenString(id) { out[role] = s }
        }
        return out
    }
}

extension ChatPrompting: Equatable {
    public static func == (a: ChatPrompting, b: ChatPrompting) -> Bool {
        a.template.source == b.template.source && a.system == b.system && a.specialTokens == b.specialTokens
            && a.variables.mapValues(\.repr) == b.variables.mapValues(\.repr)
    }
}

extension Tokenizer {
    /// A tokenizer type that cannot carry a template (test doubles) prompts plainly.
    public var chat: ChatPrompting? { nil }
    public func withChat(_ chat: ChatPrompting?) -> any Tokenizer { self }
}
