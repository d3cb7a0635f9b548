// task — builds a verifiable data set from a task generator (`Tasks.TaskRegistry`) and makes it
// the session's current data set. Seeded from the session stream, so `seed N` then `task …`
// always gives the same problems.
import Kernels
import Tasks

extension CommandDefinition {
    /// `task KIND key=value …`
    static let task = CommandDefinition(CommandDeclaration(
        name: "task",
        summary: "generate a verifiable data set: task arithmetic op=add digits=3 train=5000 test=500",
        help: "Builds train and test splits of generated problems and makes them the current data set. "
            + "Kinds: " + TaskRegistry.kinds.map { kind in
                "\(kind.name) (" + kind.keys.filter { !["train", "test"].contains($0) }.joined(separator: ", ") + ")"
            }.joined(separator: ", ") + ". think=none|always|mixed[:P] chooses direct or worked "
            + "solutions; think=toggle[:P] also starts each prompt with /think (worked, share P) or /no_think (direct); test_digits gives a shifted test split. Keys that do not belong to the kind are errors.",
        positionals: [ArgumentSpec("kind", .choice(TaskRegistry.kindNames), required: true,
                                   help: "the task family")],
        keys: TaskRegistry.keys.map(taskArgument),
        examples: ["task arithmetic op=add digits=2 train=60 test=20 think=mixed",
                   "task countdown count=3 max=20 target=50 all=false train=20 test=5",
                   "task sorting length=3:4 max=9 train=20 test=5",
                   "task arithmetic op=mul digits=1 test_digits=2 train=30 test=10 think=always",
                   "task arithmetic op=add digits=2 train=30 test=10 think=always greek=0.3"]
    )) { invocation, session in
        let kind = try invocation.string("kind") ?? ""
        // Only keys given on the line reach the registry, typed, so a key of another kind is an error there.
        let values = try invocation.givenValues(TaskRegistry.keys.map(\.name))
        let request = try domain("task") { try TaskRegistry.make(kind: kind, values: values) }
        // About 1 kB per generated problem (measured: 2M 3-digit problems with worked solutions
        // took 1.9 GB, with the set of seen prompts), checked before drawing any.
        try domain("task") {
            try MemoryBudget.check(MemoryBudget.bytes(request.train + request.test, of: 1024),
                                   for: "\(request.train + request.test) problems",
                                   advice: "ask for fewer problems with train= and test=")
        }
        var rng = session.commandRNG()
        let dataset = try domain("task") { try request.makeDataset(rng: &rng, isCancelled: session.cancellationRequested) }
        session[DatasetSlot.self] = dataset
        // A reward configured for an older data set may use its extractor; rebuild it for this one.
        if let configured = session[RewardSlot.self] {
            session[RewardSlot.self] = try? configureReward(spec: configured.spec, dataset: dataset)
        }
        return DatasetSummary.render(dataset, kind: kind)
    }
}

/// A task key as a command key (the one bridge, `ArgumentSpec(FieldSpec)`), with its kinds in the
/// help line. Only keys given on the line reach the registry, so a key that
/// does not belong to the kind stays an error; the declared default is for help.
private func taskArgument(_ key: TaskKey) -> ArgumentSpec {
    let kinds = key.kinds.isEmpty ? "" : key.kinds.joined(separator: "/") + ": "
    return ArgumentSpec(key.spec, help: kinds + key.spec.summary)
}

/// The short description of a data set shown by `task`, `data load` and `data info`.
enum DatasetSummary {
    static func render(_ dataset: Dataset, kind: String?) -> CommandOutput {
        var table = Table(columns: [Table.Column("field"), Table.Column("value")])
        table.append(["name", dataset.name])
        if let kind { table.append(["kind", kind]) }
        table.append(["train", "\(dataset.train.count)"])
        table.append(["test", "\(dataset.test.count)"])
        table.append(["extractor", dataset.extractor.rawValue])
        table.append(["comparison", dataset.comparison.rawValue])
        table.append(["alphabet", dataset.alphabet.map { "\($0.count) characters" } ?? "open (natural text)"])
        if let prefix = dataset.promptPrefix { table.append(["prompt prefix", Format.quoted(prefix)]) }
        if let system = dataset.system { table.append(["system prompt", Format.quoted(system) + " (used with model chat on)"]) }
        if let sample = dataset.train.first ?? dataset.test.first {
            table.append(["sample prompt", Format.quoted(dataset.fullPrompt(sample))])
            if let solution = sample.solution { table.append(["sample solution", Format.quoted(solution)]) }
            table.append(["sample answer", sample.answer])
        }
        if let worked = workedShare(dataset) { table.append(["worked share", Format.fixed(worked, 2)]) }
        return .table(table)
    }

    /// The share of training solutions that show work (a thinking section with content), when
    /// the data set has solutions at all.
    static func workedShare(_ dataset: Dataset) -> Double? {
        let solutions = dataset.train.compactMap(\.solution)
        guard !solutions.isEmpty else { return nil }
        let worked = solutions.filter { solution in
            guard let open = solution.range(of: "<think>"), let close = solution.range(of: "</think>"),
                  open.upperBound <= close.lowerBound else { return false }
            return !solution[open.upperBound..<close.lowerBound].isEmpty
        }
        return Double(worked.count) / Double(solutions.count)
    }
}
