// data system — the current data set's system prompt: the system turn its prompts get when the
// model prompts through a chat template (`model chat on`). One place for tasks and loaded data
// alike; plain prompting does not use it.
import Tasks

extension CommandDefinition {
    /// `data system "TEXT"` or `data system off`
    static let dataSystem = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "system",
        summary: "set the data set's system prompt for chat-templated models: data system \"Answer with a number.\"",
        help: "The text becomes the system turn of every prompt when the model prompts through its chat template "
            + "(model chat on); off removes it. It does not change plain prompts (use a prompt prefix for those). "
            + "A new task or data load starts without one.",
        positionals: [ArgumentSpec("text", .string, required: true, help: "the system prompt in quotes, or off")],
        examples: ["data system \"Think step by step, then give the answer.\"", "data system off"]
    )) { invocation, session in
        let text = try invocation.string("text") ?? ""
        var dataset = try session.requireDataset(for: "data system")
        guard text.utf8.count <= 65_536 else { throw CommandError("data system: the text is over 64 KiB — shorten it") }
        dataset.system = text == "off" ? nil : text
        session[DatasetSlot.self] = dataset
        return .line(dataset.system.map { "system prompt of \(dataset.name): \(Format.quoted($0))" }
                     ?? "\(dataset.name) has no system prompt")
    }
}
