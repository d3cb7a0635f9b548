// Registry — the one list of commands, and the validation of a parsed line against it. To add a
// command: write `Commands/<Family>/<Name>.swift` defining `extension CommandDefinition { static
// let name = CommandDefinition(CommandDeclaration(…)) { invocation, session in … } }` and add
// `.name` to `Registry.commands` below. Help, completion and validation pick it up from there.

/// The command registry.
public enum Registry {
    /// Every command, in the order `help` lists them. A verb may appear several times with
    /// different sub-verbs (`show settings`, `show rollouts`), each in its own file.
    public static let commands: [CommandDefinition] = [
        .help, .set, .showSettings, .seed, .history, .rerun, .record, .run,
        .echo, .sleep, .quit, .expect, .repeatSeeds, .tally, .seedsSummary,
        .task, .dataSave, .dataLoad, .dataShow, .dataInfo, .dataSystem, .dataMode, .reward, .verify,
        .modelNew, .modelSave, .modelLoad, .modelInfo, .modelChat, .modelConnect, .generate, .tokens, .score,
        .eval, .showSamples, .scale, .verifierTrain, .verifierScore, .verifierSave, .verifierLoad, .valueTrain, .valueSave, .valueLoad, .search, .compare,
        .plotScaling, .plotCompare, .plotMetrics, .plotSeeds, .bench,
        .sft, .sample, .showRollouts, .step, .rl, .filter, .star, .showTrainer, .runs,
        .metrics, .exportMetrics, .exportRollouts, .exportRecipe,
    ]

    /// The definitions whose verb (or alias) is `verb`.
    public static func definitions(named verb: String) -> [CommandDefinition] {
        commands.filter { $0.declaration.name == verb || $0.declaration.aliases.contains(verb) }
    }

    /// Verbs listed by `help` and offered by completion.
    public static var visibleVerbs: [String] {
        var seen: [String] = []
        for command in commands where !command.declaration.hidden && !seen.contains(command.declaration.name) {
            seen.append(command.declaration.name)
        }
        return seen
    }

    /// Every verb and alias, hidden ones included (for "did you mean").
    static var allVerbs: [String] {
        commands.flatMap { [$0.declaration.name] + $0.declaration.aliases }
    }

    /// Finds the command a parsed line names and validates its arguments against the declaration.
    /// - Throws: `CommandError` (usage) for an unknown command or sub-verb, too many or missing
    ///   positionals, unknown keys (with suggestions and the valid keys) and invalid values.
    public static func resolve(_ parsed: ParsedCommand, settings: Settings) throws -> (CommandDefinition, Invocation) {
        let candidates = definitions(named: parsed.verb)
        guard !candidates.isEmpty else {
            var message = "unknown command '\(parsed.verb)'"
            if let near = Suggestions.nearest(to: parsed.verb, among: allVerbs) { message += " — did you mean '\(near)'?" }
            throw CommandError.usage(message + " (type 'help' for the list)", at: parsed.verbLocation,
                                     span: parsed.verb.count)
        }
        var words = parsed.words
        let definition: CommandDefinition
        let subverbs = candidates.compactMap(\.declaration.subverb)
        if let first = words.first, case .word(let word) = first.kind,
           let match = candidates.first(where: { $0.declaration.subverb == word }) {
            definition = match
            words.removeFirst()
        } else if let plain = candidates.first(where: { $0.declaration.subverb == nil }) {
            definition = plain
        } else {
            let list = subverbs.map { "'\(parsed.verb) \($0)'" }.joined(separator: ", ")
            if let first = words.first {
                var message = "unknown sub-command '\(first.text)' of '\(parsed.verb)'"
                if let near = Suggestions.nearest(to: first.text, among: subverbs) { message += " — did you mean '\(near)'?" }
                throw CommandError.usage(message + "; try \(list)", at: first.location, span: first.span)
            }
            throw CommandError.usage("'\(parsed.verb)' needs a sub-command: \(list)", at: parsed.verbLocation,
                                     span: parsed.verb.count)
        }
        let declaration = definition.declaration
        var positionals: [String: ArgumentValue] = [:]
        var keyed: [String: ArgumentValue] = [:]
        if !declaration.takesText {
            positionals = try bindPositionals(words, declaration)
            keyed = try bindKeys(parsed.arguments, declaration)
            let missing = (declaration.positionals + declaration.keys).filter {
                $0.required && positionals[$0.name] == nil && keyed[$0.name] == nil && $0.defaultValue == nil
                    && settings.value($0.name) == nil
            }
            if let first = missing.first {
                let what = declaration.positionals.contains { $0.name == first.name } ? first.name.uppercased() : "\(first.name)="
                throw CommandError.usage("missing \(what) — usage: \(declaration.usage)",
                                         at: SourceLocation(line: parsed.line, column: parsed.source.count + 1))
            }
        }
        let invocation = Invocation(declaration: declaration, command: parsed, positionalValues: positionals,
                                    keyValues: keyed, settings: settings, tracker: ReadTracker())
        return (definition, invocation)
    }

    private static func bindPositionals(_ words: [Value], _ declaration: CommandDeclaration) throws -> [String: ArgumentValue] {
        var bound: [String: ArgumentValue] = [:]
        for (index, word) in words.enumerated() {
            guard index < declaration.positionals.count else {
                throw CommandError.usage("unexpected value '\(word.text)' — usage: \(declaration.usage)",
                                         at: word.location, span: word.span)
            }
            let spec = declaration.positionals[index]
            bound[spec.name] = try spec.convert(word)
        }
        return bound
    }

    private static func bindKeys(_ arguments: [KeyValue], _ declaration: CommandDeclaration) throws -> [String: ArgumentValue] {
        var bound: [String: ArgumentValue] = [:]
        let names = declaration.keys.map(\.name)
        for argument in arguments {
            guard let spec = declaration.keys.first(where: { $0.name == argument.key }) else {
                var message = "unknown key '\(argument.key)' for '\(declaration.fullName)'"
                if let elsewhere = declaration.keysElsewhere[argument.key] {
                    message += " — \(elsewhere)"
                } else if let near = Suggestions.nearest(to: argument.key, among: names) {
                    message += " — did you mean '\(near)'?"
                }
                message += names.isEmpty ? " (it takes no keys)" : " (keys: \(names.joined(separator: ", ")))"
                throw CommandError.usage(message, at: argument.keyLocation, span: argument.key.count)
            }
            bound[spec.name] = try spec.convert(argument.value)
        }
        return bound
    }
}
