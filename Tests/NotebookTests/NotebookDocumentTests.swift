// Notebook document tests: Markdown parse/write round trips, output replacement, scripts.
import Testing
@testable import Notebook

@Suite struct NotebookDocumentTests {
    static let sample = """
        # Title

        Prose with `code`.

        ```verity
        seed 7
        echo hi
        ```
        ```output
        seed 7
        hi
        ```
        ![plot](../plots/a.png)

        ````markdown
        ```verity
        not a cell
        ```
        ````

        ```verity
        echo two
        ```
        End.

        """

    @Test func parsesCellsOutputsAndImages() throws {
        let document = try NotebookDocument.markdown(Self.sample)
        let cells = document.cells
        #expect(cells.count == 2)
        #expect(cells[0].source == ["seed 7", "echo hi"])
        #expect(cells[0].firstLine == 6)
        #expect(cells[0].output == ["seed 7", "hi"])
        #expect(cells[0].images == ["![plot](../plots/a.png)"])
        #expect(cells[1].source == ["echo two"])
        #expect(cells[1].firstLine == 22)
        #expect(cells[1].output == nil)
    }

    @Test func canonicalDocumentsRoundTripByteForByte() throws {
        let document = try NotebookDocument.markdown(Self.sample)
        #expect(document.renderMarkdown() == Self.sample)
        let noTrailingNewline = String(Self.sample.dropLast())
        #expect(try NotebookDocument.markdown(noTrailingNewline).renderMarkdown() == noTrailingNewline)
    }

    @Test func replacingOutputsWritesThemUnderEachCell() throws {
        let document = try NotebookDocument.markdown(Self.sample)
        let written = document.replacingOutputs([(lines: ["new"], images: []),
                                                  (lines: ["``` tricky", "two"], images: ["![](x.png)"])])
        let text = written.renderMarkdown()
        #expect(text.contains("```verity\nseed 7\necho hi\n```\n```output\nnew\n```\n\n````markdown"))
        #expect(text.contains("```verity\necho two\n```\n````output\n``` tricky\ntwo\n````\n![](x.png)\nEnd."))
        // Writing is idempotent: parse what was written, write the same outputs again.
        let again = try NotebookDocument.markdown(text)
        #expect(again.cells.map(\.output) == [["new"], ["``` tricky", "two"]])
        #expect(again.replacingOutputs([(lines: ["new"], images: []),
                                        (lines: ["``` tricky", "two"], images: ["![](x.png)"])]).renderMarkdown() == text)
        // An empty output removes the block.
        let cleared = document.replacingOutputs([(lines: [], images: []), (lines: [], images: [])]).renderMarkdown()
        #expect(!cleared.contains("```output"))
        #expect(!cleared.contains("![plot]"))
    }

    @Test func outputAfterBlankLinesBelongsToTheCell() throws {
        let text = "```verity\necho x\n```\n\n```output\nx\n```\n"
        let document = try NotebookDocument.markdown(text)
        #expect(document.cells[0].output == ["x"])
        #expect(document.renderMarkdown() == "```verity\necho x\n```\n```output\nx\n```\n")
    }

    @Test func unclosedCellNamesItsLine() {
        #expect(throws: CommandError.self) { try NotebookDocument.markdown("a\n\n```verity\nseed 1\n", file: "n.md") }
        do {
            _ = try NotebookDocument.markdown("a\n\n```verity\nseed 1\n", file: "n.md")
        } catch let error as CommandError {
            #expect(error.message.hasPrefix("n.md:3: "))
        } catch {}
    }

    @Test func scriptsHaveOneCellPerCommandLine() {
        let document = NotebookDocument.script("# comment\nseed 3\n\necho hi\n")
        #expect(document.isScript)
        #expect(document.cells.map(\.source) == [["seed 3"], ["echo hi"]])
        #expect(document.cells.map(\.firstLine) == [2, 4])
        #expect(document.renderMarkdown() == "# comment\nseed 3\n\necho hi\n")
    }
}
