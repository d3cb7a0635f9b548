// Models/Tokenizers/Chat/ChatTemplate.swift — a model's chat template (the Jinja text in
// `tokenizer_config.json`'s `chat_template` or in `chat_template.jinja`) parsed once and rendered
// for a conversation, as transformers' `apply_chat_template(…, tokenize=False)` renders it.
//
// The renderer is Verity's own and covers the Jinja that the Qwen2.5, Qwen3 and Llama 3.x templates
// use (checked against jinja2 on those templates, see Tests/ModelsTests/ChatTemplateTests.swift). A
// template that needs more (macros, includes, call blocks, unusual filters) is refused at load or
// render time with a message naming the construct — never rendered approximately.

/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }
}

/// A parsed chat template.
public struct ChatTemplate: @unchecked Sendable {
    /// The template text as the checkpoint stores it.
    public let source: String
    let nodes: [JinjaNode]

    /// Parses `source`; throws with the line of the first construct the renderer cannot handle.
    public init(_ source: String) throws(ChatTemplateError) {
        guard source.utf8.count <= 1 << 20 else { throw ChatTemplateError("chat template is larger than 1 MiB") }
        self.source = source
        self.nodes = try JinjaParser.parse(source)
    }

    /// The template with `messages` (each a JSON object: role, content and anything else the
    /// template reads) and `variables` (e.g. `enable_thinking`, `date_string`, `bos_token`).
    /// `tools` and `documents` are passed as none unless given, as transformers does.
    func render(messages: [JinjaValue], addGenerationPrompt: Bool, variables: [String: JinjaValue]) throws(ChatTemplateError) -> String {
        var scope: [String: JinjaValue] = ["tools": .none, "documents": .none]
        for (k, v) in variables { scope[k] = v }
        scope["messages"] = .array(messages)
        scope["add_generation_prompt"] = .bool(addGenerationPrompt)
        var renderer = JinjaRenderer(variables: scope)
        _ = try renderer.render(nodes)
        return renderer.output
    }

    /// Renders a conversation of plain turns.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true,
                       specialTokens: [String: String] = [:], variables: [String: JinjaValue] = [:]) throws(ChatTemplateError) -> String {
        var scope: [String: JinjaValue] = [:]
        for (k, v) in specialTokens { scope[k] = .string(v) }
        for (k, v) in variables { scope[k] = v }
        let turns = messages.map { JinjaValue.object(JinjaObject([("role", .string($0.role)), ("content", .string($0.content))])) }
        return try render(messages: turns, addGenerationPrompt: addGenerationPrompt, variables: scope)
    }

    /// Renders from JSON: messages as transformers takes them (objects with role, content, and
    /// optionally tool_calls, reasoning_content, …), tools, and extra variables.
    func render(messagesJSON: JSONValue, tools: JSONValue?, addGenerationPrompt: Bool,
                variables: [String: JSONValue]) throws(ChatTemplateError) -> String {
        var scope: [String: JinjaValue] = [:]
        for (k, v) in variables { scope[k] = JinjaValue(json: v) }
        if let tools { scope["tools"] = JinjaValue(json: tools) }
        guard case .array(let turns) = messagesJSON else { throw ChatTemplateError("messages must be a JSON list") }
        return try render(messages: turns.map(JinjaValue.init(json:)), addGenerationPrompt: addGenerationPrompt, variables: scope)
    }
}
