// data mode — switches every problem of a toggle data set (`task … think=toggle:P`) to one
// reasoning mode, `/think` with worked solutions or `/no_think` with direct ones, or back to the
// modes it was generated with. The problems stay the same, so one model can be measured in both
// modes on the same held-out set (`Tasks/ThinkToggle.swift`).
import Tasks

extension CommandDefinition {
    /// `data mode think|no_think|drawn`
    static let dataMode = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "mode",
        summary: "put every prompt of a toggle data set in one reasoning mode: data mode think|no_think|drawn",
        help: "For data sets made with think=toggle[:P]: think starts every prompt (train and test) with /think and "
            + "gives it the worked solution, no_think with /no_think and the direct solution; drawn restores the "
            + "mode each problem was generated with. The problems themselves do not change. A policy trainer "
            + "made before a switch is not used on the switched prompts (rl starts a new one, as after a new task); "
            + "switching back finds it again.",
        positionals: [ArgumentSpec("mode", .choice(["think", "no_think", "drawn"]), required: true,
                                   help: "think, no_think, or drawn (as generated)")],
        examples: ["data mode think", "data mode no_think", "data mode drawn"]
    )) { invocation, session in
        let mode = try invocation.string("mode") ?? "drawn"
        var dataset = try session.requireDataset(for: "data mode")
        guard dataset.train.contains(where: { $0.metadata["drawn_mode"] != nil })
                || dataset.test.contains(where: { $0.metadata["drawn_mode"] != nil }) else {
            throw CommandError("data mode: \(dataset.name) has no /think or /no_think prompts — "
                               + "make it with task … think=toggle or think=toggle:P")
        }
        func switched(_ problems: [Problem]) -> [Problem] {
            problems.map { p in
                guard p.metadata["drawn_mode"] != nil else { return p }
                return (mode == "drawn" ? p.inDrawnForm() : p.inForm(worked: mode == "think")) ?? p
            }
        }
        dataset.train = switched(dataset.train)
        dataset.test = switched(dataset.test)
        dataset.switchedMode = mode == "drawn" ? nil : mode
        session[DatasetSlot.self] = dataset
        let think = (dataset.train + dataset.test).filter { $0.thinkFlag == .think }.count
        let total = dataset.train.count + dataset.test.count
        return .line("\(dataset.name): \(think) of \(total) prompts say /think, \(total - think) say /no_think (mode \(mode))")
    }
}
