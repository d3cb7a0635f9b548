// NotebookDocument — a Markdown notebook (prose plus ```verity cells, each optionally followed by
// its ```output block and plot image links) or a plain `.verity` script, parsed so that writing
// it back reproduces the file byte for byte except for the outputs being replaced.

/// One ```verity cell.
public struct NotebookCell: Sendable, Equatable {
    /// The opening fence line as written (```` ```verity ````).
    public var openFence: String
    /// The closing fence line as written.
    public var closeFence: String
    /// The command lines of the cell.
    public var source: [String]
    /// The file line number of the first source line (1-based).
    public var firstLine: Int
    /// The recorded output lines (nil when the cell has no output block).
    public var output: [String]?
    /// The recorded plot image-link lines under the output.
    public var images: [String]
}

/// A notebook or script.
public struct NotebookDocument: Sendable, Equatable {
    /// A run of prose lines or a cell.
    public enum Segment: Sendable, Equatable {
        case prose([String])
        case cell(NotebookCell)
    }

    /// The document, in order.
    public var segments: [Segment]
    /// True for a plain script (one command a line; each line is its own cell, no prose).
    public var isScript: Bool
    /// Whether the file ended with a line break.
    public var trailingNewline: Bool

    /// The cells, in order.
    public var cells: [NotebookCell] {
        segments.compactMap { if case .cell(let cell) = $0 { return cell } else { return nil } }
    }

    /// Parses a file by its extension: `.verity` (or `.txt`) as a script, anything else as Markdown.
    public static func parse(_ text: String, path: String) throws -> NotebookDocument {
        let lower = path.lowercased()
        return lower.hasSuffix(".verity") || lower.hasSuffix(".txt") ? script(text) : try markdown(text, file: path)
    }

    /// A plain script: every line is a cell of its own (blank and comment lines are kept as prose).
    public static func script(_ text: String) -> NotebookDocument {
        let (lines, trailing) = splitLines(text)
        var segments: [Segment] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                segments.append(.prose([line]))
            } else {
                segments.append(.cell(NotebookCell(openFence: "", closeFence: "", source: [line], firstLine: index + 1,
                                                   output: nil, images: [])))
            }
        }
        return NotebookDocument(segments: segments, isScript: true, trailingNewline: trailing)
    }

    /// Parses Markdown. Only fences whose info string starts with `verity` are cells; other fenced
    /// blocks are prose (a ```verity inside them is not a cell).
    /// - Throws: when a ```verity cell is never closed, naming its line.
    public static func markdown(_ text: String, file: String = "notebook") throws -> NotebookDocument {
        let (lines, trailing) = splitLines(text)
        var segments: [Segment] = []
        var prose: [String] = []
        var index = 0
        func flushProse() {
            if !prose.isEmpty { segments.append(.prose(prose)); prose = [] }
        }
        while index < lines.count {
            guard let fence = Fence(lines[index]) else { prose.append(lines[index]); index += 1; continue }
            guard let close = fence.closing(in: lines, after: index) else {
                if fence.info == "verity" {
                    throw CommandError("\(file):\(index + 1): the ```verity cell opened here is never closed — add a ``` line after it")
                }
                prose += lines[index...]
                break
            }
            guard fence.info == "verity" else {
                prose += lines[index...close]
                index = close + 1
                continue
            }
            flushProse()
            var cell = NotebookCell(openFence: lines[index], closeFence: lines[close],
                                    source: Array(lines[(index + 1)..<close]), firstLine: index + 2,
                                    output: nil, images: [])
            index = close + 1
            // An output block may follow after blank lines; it belongs to this cell.
            var next = index
            while next < lines.count, lines[next].trimmingWhitespace().isEmpty { next += 1 }
            if next < lines.count, let outFence = Fence(lines[next]), outFence.info == "output",
               let outClose = outFence.closing(in: lines, after: next) {
                cell.output = Array(lines[(next + 1)..<outClose])
                index = outClose + 1
            }
            while index < lines.count, isImageLink(lines[index]) {
                cell.images.append(lines[index])
                index += 1
            }
            segments.append(.cell(cell))
        }
        flushProse()
        return NotebookDocument(segments: segments, isScript: false, trailingNewline: trailing)
    }

    /// The document as Markdown: prose unchanged; each cell followed directly by its output block
    /// (when it has output) and its image links.
    public func renderMarkdown() -> String {
        var out: [String] = []
        for segment in segments {
            switch segment {
            case .prose(let lines): out += lines
            case .cell(let cell):
                if isScript { out += cell.source; continue }
                out.append(cell.openFence)
                out += cell.source
                out.append(cell.closeFence)
                if let output = cell.output, !output.isEmpty {
                    let fence = Self.fence(for: output)
                    out.append(fence + "output")
                    out += output
                    out.append(fence)
                }
                out += cell.images
            }
        }
        return out.joined(separator: "\n") + (trailingNewline ? "\n" : "")
    }

    /// The same document with the outputs and image links of its cells replaced, in cell order.
    public func replacingOutputs(_ outputs: [(lines: [String], images: [String])]) -> NotebookDocument {
        var copy = self
        var cellIndex = 0
        for (segmentIndex, segment) in segments.enumerated() {
            guard case .cell(var cell) = segment else { continue }
            if cellIndex < outputs.count {
                cell.output = outputs[cellIndex].lines.isEmpty ? nil : outputs[cellIndex].lines
                cell.images = outputs[cellIndex].images
            }
            copy.segments[segmentIndex] = .cell(cell)
            cellIndex += 1
        }
        return copy
    }

    /// A backtick fence longer than any backtick run that starts a line of `lines`.
    static func fence(for lines: [String]) -> String {
        let longest = lines.map { line in line.trimmingWhitespace().prefix(while: { $0 == "`" }).count }.max() ?? 0
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// `![alt](target)` alone on a line.
    static func isImageLink(_ line: String) -> Bool {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("!["), trimmed.hasSuffix(")"), let middle = trimmed.range(of: "](") else { return false }
        return !trimmed[middle.upperBound...].dropLast().isEmpty
    }

    /// Lines of `text` and whether it ended with a line break (`\r\n` is read as a break).
    static func splitLines(_ text: String) -> ([String], Bool) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        let trailing = text.hasSuffix("\n")
        if trailing { lines.removeLast() }
        return (lines, trailing)
    }
}

/// A CommonMark code fence line: up to three spaces, three or more backticks or tildes, an info string.
struct Fence {
    var character: Character
    var length: Int
    var info: String

    init?(_ line: String) {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count <= 3 else { return nil }
        let rest = line.dropFirst(indent.count)
        guard let first = rest.first, first == "`" || first == "~" else { return nil }
        let run = rest.prefix(while: { $0 == first })
        guard run.count >= 3 else { return nil }
        let infoText = String(rest.dropFirst(run.count)).trimmingWhitespace()
        if first == "`", infoText.contains("`") { return nil }
        character = first
        length = run.count
        info = infoText.split(separator: " ").first.map(String.init) ?? ""
    }

    /// The index of the line closing this fence (same character, at least as long, nothing after).
    func closing(in lines: [String], after open: Int) -> Int? {
        var index = open + 1
        while index < lines.count {
            let trimmed = lines[index].trimmingWhitespace()
            if trimmed.count >= length, trimmed.allSatisfy({ $0 == character }),
               lines[index].prefix(while: { $0 == " " }).count <= 3 { return index }
            index += 1
        }
        return nil
    }
}
