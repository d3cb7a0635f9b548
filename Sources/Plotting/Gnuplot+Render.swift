// Gnuplot+Render — drawing a `Plot` to an image file (with its data and script beside it), to
// text for the terminal, or to a live window.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files written for one image: the image, its data (TSV) and a script that re-renders it.
public struct RenderedPlot: Sendable, Equatable {
    /// The PNG or SVG image.
    public var image: URL
    /// The data, tab-separated with a header line (`plots/x.tsv`).
    public var data: URL
    /// A gnuplot script that re-renders the image from the data when run from its directory
    /// (`cd plots && gnuplot x.gp`).
    public var script: URL
    /// gnuplot's warnings while drawing (e.g. an empty y range it widened), for the caller to show.
    public var warnings: [String] = []
}

extension Gnuplot {
    /// The datablock the pipe renderer defines; plots refer to it instead of a file.
    static let datablockName = "$VerityData"

    /// Renders `plot` to an image at `path` (`.png` or `.svg`), writing `x.tsv` and `x.gp` beside it.
    ///
    /// The data and script are written first (atomically), so they exist even when gnuplot is
    /// missing — the thrown `PlotError.gnuplotMissing` then lists them. The image is drawn to a
    /// temporary name in the same directory and renamed over `path`, so a failed render never
    /// leaves a half-written image where a good one was.
    @discardableResult
    public func render(_ plot: Plot, to path: String, width: Int = 800, height: Int = 500) throws -> RenderedPlot {
        let terminal = try PlotTerminal.forImage(at: path, width: width, height: height)
        let image = URL(fileURLWithPath: path).standardizedFileURL
        let directory = image.deletingLastPathComponent()
        let stem = image.deletingPathExtension().lastPathComponent
        guard !stem.isEmpty else { throw PlotError.invalidOutput("'\(path)' has no file name before its extension") }
        let data = directory.appendingPathComponent(stem + ".tsv")
        let script = directory.appendingPathComponent(stem + ".gp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(plot.table.tsv.utf8).write(to: data, options: .atomic)
            let text = try plot.standaloneScript(terminal: terminal, imageFile: image.lastPathComponent,
                                                 dataFile: data.lastPathComponent)
            try Data(text.utf8).write(to: script, options: .atomic)
        } catch let error as PlotError {
            throw error
        } catch {
            throw PlotError.io("cannot write the plot files in \(directory.path): \(error.localizedDescription) — check the directory exists and is writable")
        }
        guard Gnuplot.locate(executable) != nil else {
            throw PlotError.gnuplotMissing(written: [data.path, script.path])
        }
        let temporary = directory.appendingPathComponent(".\(stem).\(UUID().uuidString).partial.\(image.pathExtension)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let commands = """
            \(try terminal.command())
            set output \(GnuplotQuote.single(temporary.path))
            \(plot.datablock(named: Self.datablockName))\(plot.commands(dataSource: Self.datablockName))
            """
        let reply: GnuplotReply
        do {
            // `unset output` runs even when the plot failed, so gnuplot closes the file and the
            // next plot starts clean.
            reply = try run(commands + "\nunset output")
        } catch {
            _ = try? run("unset output")
            throw error
        }
        guard FileManager.default.fileExists(atPath: temporary.path) else {
            throw PlotError.gnuplot(message: "no image was produced for '\(plot.title)'")
        }
        guard rename(temporary.path, image.path) == 0 else {
            throw PlotError.io("cannot move the rendered image to \(image.path): \(String(cString: strerror(errno)))")
        }
        return RenderedPlot(image: image, data: data, script: script, warnings: reply.warnings)
    }

    /// Renders `plot` as text (gnuplot's `dumb` terminal), `width` columns × `height` lines, for
    /// the REPL to print inline.
    public func renderText(_ plot: Plot, width: Int = 80, height: Int = 24) throws -> String {
        let terminal = PlotTerminal.ascii(width: width, height: height)
        let commands = """
            \(try terminal.command())
            set output
            \(plot.datablock(named: Self.datablockName))\(plot.commands(dataSource: Self.datablockName))
            """
        let reply = try run(commands)
        // dumb starts each page with a form feed; a terminal does not need it.
        let text = reply.output.replacingOccurrences(of: "\u{0C}", with: "")
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
    }

    /// Draws `plot` in an interactive window (`qt`, `wxt` or `x11`), or throws
    /// `PlotError.noWindowTerminal` saying why none exists here. The window lives as long as this
    /// gnuplot process.
    public func show(_ plot: Plot) throws {
        let name = try windowTerminal()
        let commands = """
            \(try PlotTerminal.window(name).command())
            set output
            \(plot.datablock(named: Self.datablockName))\(plot.commands(dataSource: Self.datablockName))
            """
        try run(commands)
    }
}
