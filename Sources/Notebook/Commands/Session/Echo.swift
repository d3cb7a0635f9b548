// echo / note — prints its text; notebooks use it to label results.

extension CommandDefinition {
    /// `echo TEXT…`
    static let echo = CommandDefinition(CommandDeclaration(
        name: "echo", aliases: ["note"],
        summary: "print text (handy in notebooks): echo results after 200 steps",
        help: "Prints the rest of the line as written. A single \"quoted string\" is printed without its "
            + "quotes, with \\n as a line break. A '#' that starts a word begins a comment.",
        takesText: true,
        examples: ["echo hello", "note \"two\\nlines\""]
    )) { invocation, _ in
        let text = invocation.text
        if text.hasPrefix("\""), let parsed = try Parser.parse("echo " + text),
           parsed.words.count == 1, parsed.arguments.isEmpty, case .string(let unquoted) = parsed.words[0].kind {
            return .line(unquoted)
        }
        return .line(text)
    }
}
