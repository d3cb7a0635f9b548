// PlotTerminal — the output devices Verity draws to and the gnuplot `set terminal` line for each.
import Foundation

/// Where a plot is drawn.
public enum PlotTerminal: Sendable, Equatable {
    /// A PNG image through cairo (anti-aliased), `width`×`height` pixels.
    case png(width: Int, height: Int)
    /// An SVG image, `width`×`height` (SVG user units, pixels).
    case svg(width: Int, height: Int)
    /// Text for a terminal (`dumb`), `width` columns × `height` lines, returned as a String.
    case ascii(width: Int, height: Int)
    /// An interactive window with the named gnuplot terminal (`qt`, `wxt`, `x11`).
    case window(String)

    /// The default PNG: 800×500, readable in a README and a notebook.
    public static let defaultPNG = PlotTerminal.png(width: 800, height: 500)
    /// The default SVG: 800×500.
    public static let defaultSVG = PlotTerminal.svg(width: 800, height: 500)
    /// The default ASCII plot: 80×24, one classic terminal screen.
    public static let defaultASCII = PlotTerminal.ascii(width: 80, height: 24)

    /// The terminal for an image path, by extension (`.png`, `.svg`); throws for anything else.
    public static func forImage(at path: String, width: Int = 800, height: Int = 500) throws -> PlotTerminal {
        switch (path as NSString).pathExtension.lowercased() {
        case "png": return .png(width: width, height: height)
        case "svg": return .svg(width: width, height: height)
        default:
            throw PlotError.invalidOutput("'\(path)' has no known image extension — use .png or .svg")
        }
    }

    /// The `set terminal` command. `noenhanced` everywhere: metric names such as `mean_tokens`
    /// must print literally, not as subscripts.
    func command() throws -> String {
        switch self {
        case .png(let width, let height):
            try Self.checkSize(width, height, range: 64...8192)
            return "set terminal pngcairo size \(width),\(height) noenhanced font 'sans,10' background rgb 'white'"
        case .svg(let width, let height):
            try Self.checkSize(width, height, range: 64...8192)
            return "set terminal svg size \(width),\(height) noenhanced font 'sans,10' background rgb 'white'"
        case .ascii(let width, let height):
            try Self.checkSize(width, height, range: 20...1000)
            return "set terminal dumb size \(width),\(height) noenhanced"
        case .window(let name):
            guard name.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw PlotError.invalidOutput("'\(name)' is not a gnuplot window terminal name")
            }
            return "set terminal \(name) noenhanced"
        }
    }

    private static func checkSize(_ width: Int, _ height: Int, range: ClosedRange<Int>) throws {
        guard range.contains(width), range.contains(height) else {
            throw PlotError.invalidOutput("size \(width)×\(height) is out of range — use \(range.lowerBound)…\(range.upperBound) for each side")
        }
    }
}

/// gnuplot string literals. Double-quoted strings interpret backslash escapes, so backslashes and
/// quotes are escaped and line breaks become spaces.
enum GnuplotQuote {
    static func double(_ text: String) -> String {
        var out = "\""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r", "\t": out += " "
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// Single-quoted strings (used for file names) take everything literally except `'`, doubled.
    static func single(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
