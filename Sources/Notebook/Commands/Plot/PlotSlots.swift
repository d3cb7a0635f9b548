// Plot slots — the session's gnuplot process (one per session, started on first use), the last
// scaling sweep (the `scale` command stores its points here; `plot scaling` draws them) and the
// training metrics log (`MetricsLog`, appended by the training commands; `plot metrics` draws it).
import Evaluation
import Foundation
import Plotting

/// The session's gnuplot process.
public enum GnuplotSlot: SessionSlot {
    public typealias Value = Gnuplot
}

/// The last scaling sweep's points (`scale` fills it).
public enum SweepSlot: SessionSlot {
    public typealias Value = [SweepPoint]
}

extension Session {
    /// The session's gnuplot, started on first use.
    func gnuplot() -> Gnuplot {
        if let running = self[GnuplotSlot.self] { return running }
        let process = Gnuplot()
        self[GnuplotSlot.self] = process
        return process
    }
}

/// Draws a plot to a file (registered with the session's plots through the output) and/or inline
/// as text.
enum PlotDrawing {
    /// Refuses an image path whose `.tsv` / `.gp` companions would overwrite one of the input files
    /// (`plot scaling plots/x.tsv to=plots/x.png` would replace the sweep with the plot's table).
    static func checkNotOverwritten(_ inputs: [String], by image: String?) throws {
        guard let image else { return }
        let stem = URL(fileURLWithPath: image).standardizedFileURL.deletingPathExtension()
        let companions = ["tsv", "gp"].map { stem.appendingPathExtension($0).path }
        for input in inputs where companions.contains(URL(fileURLWithPath: input).standardizedFileURL.path) {
            throw CommandError("plot: to=\(image) would overwrite the input \(input) with the plot's data — choose another image name")
        }
    }

    static func draw(_ plot: Plot, to path: String?, ascii: Bool, session: Session) throws -> CommandOutput {
        var output = CommandOutput()
        let gnuplot = session.gnuplot()
        if let path {
            // The files actually written go under the write rules (FileAccess): the image and its two
            // companions, or nothing at `path` when a --check sends plots to its own scratch folder
            // (then nothing there can be replaced, and the check replays without --allow).
            let target: String
            if let scratch = session.checkScratchTarget(for: path) {
                target = scratch
            } else {
                let stem = URL(fileURLWithPath: path).deletingPathExtension()
                for file in [path, stem.appendingPathExtension("tsv").path, stem.appendingPathExtension("gp").path] {
                    try session.files.checkWrite(file)
                }
                target = path
            }
            let rendered = try domain("plot") { try gnuplot.render(plot, to: target, height: plot.preferredHeight ?? 500) }
            output.append(.line("wrote \(path) (data \(rendered.data.lastPathComponent), script \(rendered.script.lastPathComponent))"))
            output.blocks.append(.plot(PlotReference(path: path, title: plot.title)))
            for warning in rendered.warnings { output.blocks.append(.warning("gnuplot: \(warning)")) }
        }
        if path == nil || ascii {
            let width = max(40, min(session.settings.width, 120))
            let text = try domain("plot") { try gnuplot.renderText(plot, width: width, height: 24) }
            output.append(.lines(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                .dropLast(text.hasSuffix("\n") ? 1 : 0).map { $0 }))
        }
        return output
    }
}
