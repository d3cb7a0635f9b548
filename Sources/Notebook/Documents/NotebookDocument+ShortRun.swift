// NotebookDocument+ShortRun — where the test command's short replay of a long notebook stops. A
// notebook whose last part takes long (a five-seed repetition, say) marks the line after which
// that part starts, as an HTML comment (invisible when rendered):
//
//     <!-- verity: short run ends here -->
//
// `verity run --short` replays and checks only the cells above the mark, against the outputs the
// full replay recorded: no cell below it can change them, since cells run in order. A full
// replay ignores the mark.

extension NotebookDocument {
    static let shortRunMark = "<!-- verity: short run ends here -->"

    /// The number of cells above the short-run mark, or nil when the notebook has none.
    public var shortRunCellCount: Int? {
        var cells = 0
        for segment in segments {
            switch segment {
            case .cell: cells += 1
            case .prose(let lines):
                if lines.contains(where: { $0.trimmingWhitespace() == Self.shortRunMark }) { return cells }
            }
        }
        return nil
    }
}
