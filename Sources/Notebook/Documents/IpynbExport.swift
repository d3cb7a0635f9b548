// IpynbExport — writes a run as a Jupyter notebook (nbformat 4.5): prose as markdown cells, each
// ```verity cell as a code cell with its execution count, text output as a `stream`, and each plot
// as `display_data` (PNG embedded as base64 `image/png`, SVG as `image/svg+xml`).
import Foundation

/// Exports notebook runs to `.ipynb`.
public enum IpynbExport {
    /// The JSON document for `document` after `run`.
    /// - Parameter readFile: reads a plot file (injected so tests need no files); nil data means
    ///   the plot is referenced by its path in `text/plain` only.
    public static func notebook(_ document: NotebookDocument, run: NotebookRunResult,
                                readFile: (String) -> Data? = { FileManager.default.contents(atPath: $0) }) -> [String: Any] {
        var cells: [[String: Any]] = []
        var cellIndex = 0
        var nextID = 1
        func makeID() -> String {
            defer { nextID += 1 }
            return "cell-\(nextID)"
        }
        for segment in document.segments {
            switch segment {
            case .prose(let lines):
                if document.isScript { continue }
                let trimmed = trimBlankLines(lines)
                guard !trimmed.isEmpty else { continue }
                cells.append(["cell_type": "markdown", "id": makeID(), "metadata": [String: Any](),
                              "source": sourceLines(trimmed)])
            case .cell(let cell):
                let cellRun = run.cells.first { $0.cellIndex == cellIndex }
                cellIndex += 1
                var outputs: [[String: Any]] = []
                if let cellRun, !cellRun.lines.isEmpty {
                    outputs.append(["output_type": "stream", "name": "stdout",
                                    "text": sourceLines(cellRun.lines, finalNewline: true)])
                }
                for plot in cellRun?.plots ?? [] {
                    outputs.append(displayData(plot, readFile: readFile))
                }
                cells.append(["cell_type": "code", "id": makeID(), "metadata": [String: Any](),
                              "execution_count": cellRun.map { $0.executionCount as Any } ?? NSNull(),
                              "source": sourceLines(cell.source), "outputs": outputs])
            }
        }
        return [
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": [
                "language_info": ["name": "verity", "file_extension": ".verity"],
            ],
            "cells": cells,
        ]
    }

    /// The notebook as pretty-printed JSON with sorted keys (stable across runs).
    public static func data(_ document: NotebookDocument, run: NotebookRunResult,
                            readFile: (String) -> Data? = { FileManager.default.contents(atPath: $0) }) throws -> Data {
        let object = notebook(document, run: run, readFile: readFile)
        do {
            var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            data.append(0x0A)
            return data
        } catch {
            throw CommandError("could not encode the notebook as JSON: \(error)")
        }
    }

    private static func displayData(_ plot: PlotReference, readFile: (String) -> Data?) -> [String: Any] {
        var bundle: [String: Any] = ["text/plain": plot.title.isEmpty ? "plot: \(plot.path)" : "\(plot.title) (\(plot.path))"]
        let lower = plot.path.lowercased()
        if let bytes = readFile(plot.path) {
            if lower.hasSuffix(".png") {
                bundle["image/png"] = bytes.base64EncodedString()
            } else if lower.hasSuffix(".svg"), let text = String(data: bytes, encoding: .utf8) {
                bundle["image/svg+xml"] = text
            }
        }
        return ["output_type": "display_data", "data": bundle, "metadata": [String: Any]()]
    }

    /// Jupyter's multiline-string form: each line keeps its `\n`, the last one only if asked.
    static func sourceLines(_ lines: [String], finalNewline: Bool = false) -> [String] {
        lines.enumerated().map { index, line in
            index < lines.count - 1 || finalNewline ? line + "\n" : line
        }
    }

    private static func trimBlankLines(_ lines: [String]) -> [String] {
        var slice = lines[...]
        while let first = slice.first, first.trimmingWhitespace().isEmpty { slice = slice.dropFirst() }
        while let last = slice.last, last.trimmingWhitespace().isEmpty { slice = slice.dropLast() }
        return Array(slice)
    }
}
