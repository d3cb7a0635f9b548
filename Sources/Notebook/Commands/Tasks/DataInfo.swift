// data info — the current data set's summary (sizes, extractor, alphabet, a sample).
import Tasks

extension CommandDefinition {
    /// `data info`
    static let dataInfo = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "info",
        summary: "summarize the current data set",
        recorded: false,
        examples: ["data info"]
    )) { _, session in
        DatasetSummary.render(try session.requireDataset(for: "data info"), kind: nil)
    }
}
