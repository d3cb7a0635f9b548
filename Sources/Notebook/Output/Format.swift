// Format — number and string formatting shared by commands, tables and settings, so that the same
// value always prints the same way (notebook outputs are compared by `--check`).
import Foundation

/// Stable text formatting for values shown to people.
public enum Format {
    /// A number at a fixed number of decimals (`fixed(0.5, 3)` → `0.500`); non-finite values
    /// print as `nan`, `inf`, `-inf`.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        return String(format: "%.\(max(0, min(digits, 12)))f", value)
    }

    /// The shortest text that reads back as the same number, without a trailing `.0` for
    /// integers (`3`, `0.25`, `1e-06`).
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        // Six significant digits cover every default and typed value; fall back to Swift's
        // shortest round-trip form when they would lose information.
        let short = String(format: "%.6g", value)
        return Double(short) == value ? short : "\(value)"
    }

    /// A double-quoted string with `"`, `\` and line breaks escaped, readable by the parser.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// A duration for people: `850 ms`, `3.2 s`, `2 min 05 s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return fixed(seconds, 1) + " s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min " + String(format: "%02d", whole % 60) + " s" }
        return "\(whole / 3600) h " + String(format: "%02d", (whole % 3600) / 60) + " min"
    }
}
