// filter — offline difficulty filtering: samples n completions of each training problem with the
// current model (the trainer's sampling settings), keeps the problems whose pass rate lies in
// [lo, hi] and replaces the data set's train split with them; shows the pass-rate histogram.
import Tasks
import Training

extension CommandDefinition {
    /// `filter lo=0.1 hi=0.9 n=8 [limit=N]`
    static let filter = CommandDefinition(CommandDeclaration(
        name: "filter",
        summary: "keep training problems the model solves sometimes: filter lo=0.1 hi=0.9 n=8",
        help: "Measures each training problem's pass rate from n samples (the trainer's temperature and max_tokens) "
            + "and keeps those with lo ≤ rate ≤ hi: problems always solved or never solved give GRPO no signal. "
            + "The data set's train split is replaced (the test split is untouched); limit=N filters only the first "
            + "N problems (the rest are dropped).",
        keys: [
            ArgumentSpec("lo", .float, default: .float(0.1), bounds: 0...1, help: "lowest pass rate kept"),
            ArgumentSpec("hi", .float, default: .float(0.9), bounds: 0...1, help: "highest pass rate kept"),
            ArgumentSpec("n", .int, default: .int(8), bounds: 1...1024, help: "samples per problem"),
            ArgumentSpec("limit", .int, default: .int(0), bounds: 0...10_000_000, help: "filter only the first N; 0 = all"),
        ],
        examples: ["filter lo=0 hi=1 n=1 limit=2"]
    )) { invocation, session in
        let lo = try invocation.double(defaulted: "lo")
        let hi = try invocation.double(defaulted: "hi")
        let n = try invocation.int(defaulted: "n")
        let limit = try invocation.int(defaulted: "limit")
        guard lo <= hi else { throw CommandError("filter: lo=\(Format.compact(lo)) is above hi=\(Format.compact(hi)) — give lo ≤ hi", kind: .usage) }
        let trainer = try session.policyTrainer(for: "filter")
        let before = trainer.dataset.train.count
        let cancelled = session.cancellationRequested
        let result = try domain("filter") {
            try trainer.filterByDifficulty(samples: n, lo: lo, hi: hi, limit: limit, apply: true, isCancelled: { cancelled() })
        }
        // The session's data set follows the trainer's, and the trainer stays the session's (same optimizer).
        let filtered = trainer.dataset
        session[DatasetSlot.self] = filtered
        if var handle = session[TrainerSlot.self] {
            handle.datasetKey = Session.datasetKey(filtered)
            session[TrainerSlot.self] = handle
        }
        var table = Table(columns: [Table.Column("correct", .right), Table.Column("rate", .right),
                                    Table.Column("problems", .right), Table.Column("kept")])
        for (count, problems) in result.histogram.enumerated() {
            let rate = Double(count) / Double(n)
            let kept = rate >= lo - 1e-12 && rate <= hi + 1e-12
            table.append(["\(count)/\(n)", Format.fixed(rate, 3), "\(problems)", kept ? "yes" : ""])
        }
        var output = CommandOutput([.table(table)])
        output.append(.line("kept \(result.kept.count) of \(result.passRates.count) problems measured "
            + "(\(before) before); the train split now has \(filtered.train.count)"))
        return output
    }
}
