// ipynb export tests: the nbformat 4.5 structure (required keys per cell type, id pattern), checked
// in Swift so CI needs no Python (scripts/validate_ipynb.py validates against the real schema).
import Foundation
import Testing
@testable import Notebook

@Suite struct IpynbExportTests {
    static let pngBytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])

    func exported() throws -> [String: Any] {
        let text = "# T\n\nProse.\n\n```verity\nseed 3\necho a\n```\n\n```verity\necho b\n```\n"
        let document = try NotebookDocument.markdown(text)
        var result = NotebookRunner.run(document, file: "t.md", session: DeclarationTests.quietSession())
        result.cells[1].plots = [PlotReference(path: "plots/p.png", title: "curve")]
        let data = try IpynbExport.data(document, run: result) { $0 == "plots/p.png" ? Self.pngBytes : nil }
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func hasTheNbformat45Structure() throws {
        let notebook = try exported()
        #expect(notebook["nbformat"] as? Int == 4)
        #expect(notebook["nbformat_minor"] as? Int == 5)
        let metadata = try #require(notebook["metadata"] as? [String: Any])
        // No kernelspec: Jupyter has no Verity kernel, and naming one it lacks makes it fail to
        // start one; without it Jupyter opens the notebook and asks.
        #expect(metadata["kernelspec"] == nil)
        #expect((metadata["language_info"] as? [String: Any])?["name"] as? String == "verity")
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "code"])
        var ids = Set<String>()
        for cell in cells {
            let id = try #require(cell["id"] as? String)
            #expect((1...64).contains(id.count))
            #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            #expect(ids.insert(id).inserted)
            #expect(cell["metadata"] is [String: Any])
            #expect(cell["source"] is [String])
            if cell["cell_type"] as? String == "code" {
                #expect(cell["execution_count"] is Int)
                #expect(cell["outputs"] is [[String: Any]])
                #expect(Set(cell.keys) == ["cell_type", "id", "metadata", "source", "execution_count", "outputs"])
            } else {
                #expect(Set(cell.keys) == ["cell_type", "id", "metadata", "source"])
            }
        }
        #expect(cells[1]["source"] as? [String] == ["seed 3\n", "echo a"])
    }

    @Test func outputsAreStreamsAndEmbeddedImages() throws {
        let cells = try #require(try exported()["cells"] as? [[String: Any]])
        let first = try #require(cells[1]["outputs"] as? [[String: Any]])
        #expect(first.count == 1)
        #expect(first[0]["output_type"] as? String == "stream")
        #expect(first[0]["name"] as? String == "stdout")
        #expect(first[0]["text"] as? [String] == ["seed 3\n", "a\n"])
        let second = try #require(cells[2]["outputs"] as? [[String: Any]])
        #expect(second.map { $0["output_type"] as? String } == ["stream", "display_data"])
        let bundle = try #require(second[1]["data"] as? [String: Any])
        let png = try #require(bundle["image/png"] as? String)
        #expect(Data(base64Encoded: png) == Self.pngBytes)
        #expect(bundle["text/plain"] as? String == "curve (plots/p.png)")
        #expect(second[1]["metadata"] is [String: Any])
    }
}

@Suite struct CompletionAndTableTests {
    let files: (String) -> [String] = { directory in
        directory == "." ? ["notebooks/", "notes.md", ".hidden"] : (directory == "notebooks/" ? ["a.md", "b.md"] : [])
    }

    @Test func completesCommandsSubverbsKeysValuesAndPaths() {
        #expect(Completion.complete("se").candidates == ["search", "seed", "seeds", "set"])
        // Every sub-verb of `show` the registry declares (other command families add theirs).
        let showSubverbs = Registry.definitions(named: "show").compactMap(\.declaration.subverb).sorted()
        #expect(showSubverbs.contains("settings"))
        #expect(Completion.complete("show ").candidates == showSubverbs)
        #expect(Completion.complete("show se").candidates == ["settings"])
        #expect(Completion.complete("set prog").candidates == ["progress="])
        #expect(Completion.complete("set progress=o").candidates == ["progress=off", "progress=on"])
        #expect(Completion.complete("set quick=").candidates == ["quick=false", "quick=true"])
        #expect(Completion.complete("set precision=3 pre").candidates.isEmpty)
        #expect(Completion.complete("help sh").candidates == ["show"])
        #expect(Completion.complete("help show ").candidates == showSubverbs)
        #expect(Completion.complete("record no", listFiles: files).candidates == ["notebooks/", "notes.md"])
        #expect(Completion.complete("run notebooks/", listFiles: files).candidates == ["notebooks/a.md", "notebooks/b.md"])
        let middle = Completion.complete("set prog width=3", cursor: 8)
        #expect(middle.start == 4)
        #expect(middle.candidates == ["progress="])
        #expect(Completion.complete("nosuch ").candidates.isEmpty)
    }

    @Test func tablesAlignAndFit() {
        var table = Table(columns: [Table.Column("name"), Table.Column("value", .right)])
        table.append(["a", "1.000"])
        table.append(["long name", "22.5"])
        #expect(table.rendered() == ["name       value", "---------  -----", "a          1.000", "long name   22.5"])
        var wide = Table(columns: [Table.Column("k"), Table.Column("text")])
        wide.append(["x", String(repeating: "w", count: 200)])
        let lines = wide.rendered(width: 60)
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines[2].hasSuffix("…"))
    }
}
