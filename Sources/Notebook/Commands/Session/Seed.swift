// seed — shows or sets the session seed; setting it restarts the session's random generator.

extension CommandDefinition {
    /// `seed [N]`
    static let seed = CommandDefinition(CommandDeclaration(
        name: "seed",
        summary: "show the session seed, or set it and restart the random generator: seed 7",
        help: "Every random draw in the session comes from one generator seeded here, so the same "
            + "notebook with the same seed gives the same outputs.",
        positionals: [ArgumentSpec("seed", .int, bounds: 0...1e15, help: "the new seed")],
        examples: ["seed", "seed 7"]
    )) { invocation, session in
        guard let value = try invocation.int("seed") else { return .line("seed \(session.seed)") }
        session.reseed(UInt64(value))
        return .line("seed \(session.seed)")
    }
}
