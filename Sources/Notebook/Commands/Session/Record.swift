// record — writes the session's commands so far as a Markdown notebook, one cell per command with
// its output, so an exploration can be replayed (`verity run FILE`) and checked later.

extension CommandDefinition {
    /// `record FILE`
    static let record = CommandDefinition(CommandDeclaration(
        name: "record",
        summary: "write the commands so far as a Markdown notebook: record notebooks/mine.md",
        help: "Each successful command becomes a ```verity cell followed by its output; failed commands "
            + "and commands that only inspect the session are left out. Replay it with 'verity run FILE'.",
        positionals: [ArgumentSpec("file", .path, required: true, help: "the notebook to write (.md)")],
        recorded: false,
        examples: ["record /tmp/verity-session.md"]
    )) { invocation, session in
        guard let file = try invocation.writePath("file", session) else { return .empty }
        var entries = session.history.filter { !$0.failed }
        // Random draws made before any `seed` command depend on the seed the session started
        // with; a first cell that sets it makes the replay draw the same numbers.
        if entries.first.map({ !$0.source.trimmingWhitespace().hasPrefix("seed ") }) ?? false {
            let source = "seed \(session.initialSeed)"
            entries.insert(HistoryEntry(number: 0, source: source, output: .line(source), failed: false), at: 0)
        }
        let document = SessionRecording.document(entries, width: session.settings.width, file: file)
        try AtomicFile.write(document.renderMarkdown(), to: file)
        return .line("wrote \(entries.count) cell\(entries.count == 1 ? "" : "s") to \(file)")
    }
}

/// Turns history entries into a notebook document.
enum SessionRecording {
    static func document(_ entries: [HistoryEntry], width: Int, file: String) -> NotebookDocument {
        var segments: [NotebookDocument.Segment] = [
            .prose(["# Verity session", "", "Recorded with `record`; replay with `verity run \(file)`.", ""]),
        ]
        var line = 6
        for (index, entry) in entries.enumerated() {
            if index > 0 { segments.append(.prose([""])); line += 1 }
            let lines = entry.output.renderedLines(width: width, includePlots: false)
            let images = NotebookRunner.imageLinks(for: entry.output.plots, notebook: file)
            segments.append(.cell(NotebookCell(openFence: "```verity", closeFence: "```", source: [entry.source],
                                               firstLine: line, output: lines.isEmpty ? nil : lines, images: images)))
            line += 3 + (lines.isEmpty ? 0 : lines.count + 2) + images.count
        }
        return NotebookDocument(segments: segments, isScript: false, trailingNewline: true)
    }
}
