// NotebookDocument+Arithmetic — the arithmetic fingerprint a notebook was recorded with, kept in
// the Markdown as an HTML comment (invisible when rendered) on the line after the title:
//
//     <!-- verity arithmetic: n2-openblas0.3.21-haswell-t16x128 -->
//
// `--write` sets it; `--check` compares outputs byte for byte only when it matches this machine's.

extension NotebookDocument {
    static let arithmeticPrefix = "<!-- verity arithmetic: "
    static let arithmeticSuffix = " -->"

    /// The fingerprint recorded in the notebook, if any.
    public var recordedArithmetic: String? {
        for segment in segments {
            guard case .prose(let lines) = segment else { continue }
            for line in lines {
                let t = line.trimmingWhitespace()
                if t.hasPrefix(Self.arithmeticPrefix), t.hasSuffix(Self.arithmeticSuffix) {
                    return String(t.dropFirst(Self.arithmeticPrefix.count).dropLast(Self.arithmeticSuffix.count))
                        .trimmingWhitespace()
                }
            }
        }
        return nil
    }

    /// The same document recording `fingerprint`: the existing comment line replaced, or a new one
    /// inserted after the first line of the first prose block (the title). Scripts are unchanged.
    public func recordingArithmetic(_ fingerprint: String) -> NotebookDocument {
        guard !isScript else { return self }
        let line = Self.arithmeticPrefix + fingerprint + Self.arithmeticSuffix
        var copy = self
        for (i, segment) in segments.enumerated() {
            guard case .prose(var lines) = segment else { continue }
            if let j = lines.firstIndex(where: { $0.trimmingWhitespace().hasPrefix(Self.arithmeticPrefix) }) {
                lines[j] = line
                copy.segments[i] = .prose(lines)
                return copy
            }
        }
        if case .prose(var lines) = segments.first {
            lines.insert(line, at: min(1, lines.count))
            copy.segments[0] = .prose(lines)
        } else {
            copy.segments.insert(.prose([line]), at: 0)
        }
        return copy
    }
}
