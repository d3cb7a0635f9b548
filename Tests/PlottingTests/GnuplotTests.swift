// Tests against the real gnuplot: images, text plots, errors, process death, timeouts and the
// re-rendering `.gp` scripts. gnuplot is a test requirement (the Makefile installs it), so these
// FAIL with the install command when it is missing instead of skipping silently.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plotting

/// A fresh temporary directory per test (tests run in parallel).
private func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func requireGnuplot() throws {
    try #require(Gnuplot.isAvailable, "gnuplot is not installed — run 'apt-get install gnuplot-nox' (make deps does)")
}

private func samplePlot() throws -> Plot {
    let pass = try PlotSeries(name: "pass@k", x: [1, 2, 4, 8], y: [0.3, 0.45, 0.6, 0.7],
                              low: [0.25, 0.4, 0.55, 0.65], high: [0.35, 0.5, 0.65, 0.75])
    let maj = try PlotSeries(name: "maj@k", x: [1, 2, 4, 8], y: [0.3, 0.33, 0.4, 0.42])
    return try Plot.scaling([pass, maj], title: "Scaling Check")
}

private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

@Test func pngHasSignatureAndSubstance() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let gnuplot = Gnuplot()
    let path = directory.appendingPathComponent("plots/scaling.png").path
    let files = try gnuplot.render(try samplePlot(), to: path)
    let bytes = try Data(contentsOf: files.image)
    #expect(Array(bytes.prefix(8)) == pngSignature)
    #expect(bytes.count > 5_000)
    let tsv = try String(contentsOf: files.data, encoding: .utf8)
    #expect(tsv.hasPrefix("series\tx\ty\tlow\thigh\n"))
    #expect(files.script.lastPathComponent == "scaling.gp")
    // No temporary image is left behind.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: files.image.deletingLastPathComponent().path)
    #expect(leftovers.sorted() == ["scaling.gp", "scaling.png", "scaling.tsv"])
}

@Test func metricsPanelsRenderToPNG() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let steps = (0..<50).map(Double.init)
    let reward = try PlotSeries(name: "reward", x: steps, y: steps.map { 1 - exp(-$0 / 10) })
    let length = try PlotSeries(name: "length", x: steps, y: steps.map { 20 + $0.truncatingRemainder(dividingBy: 7) })
    let plot = try Plot.metrics([reward, length], smoothing: 5)
    let files = try Gnuplot().render(plot, to: directory.appendingPathComponent("train.png").path)
    let bytes = try Data(contentsOf: files.image)
    #expect(Array(bytes.prefix(8)) == pngSignature && bytes.count > 5_000)
}

/// Records the name of the document's root element.
private final class RootFinder: NSObject, XMLParserDelegate {
    var root: String?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name }
    }
}

@Test func svgParsesAsXMLWithSvgRoot() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Gnuplot().render(try samplePlot(), to: directory.appendingPathComponent("s.svg").path, width: 640, height: 400)
    let data = try Data(contentsOf: files.image)
    let parser = XMLParser(data: data)
    let finder = RootFinder()
    parser.delegate = finder
    #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
    #expect(finder.root == "svg")
}

@Test func asciiPlotShowsTitleAndTics() throws {
    try requireGnuplot()
    let text = try Gnuplot().renderText(try samplePlot(), width: 70, height: 22)
    #expect(text.contains("Scaling Check"))
    #expect(text.contains("pass@k"))
    // x tics at powers of two on the log₂ axis, y tics inside the data's padded range (0.21–0.79).
    #expect(text.contains("8"))
    #expect(text.contains("0.3") && text.contains("0.7") && !text.contains("0.9"))
    #expect(text.split(separator: "\n").count >= 15)
}

@Test func gnuplotErrorIsThrownAndProcessKeepsWorking() throws {
    try requireGnuplot()
    let gnuplot = Gnuplot()
    #expect(throws: PlotError.self) { try gnuplot.run("plot sin(x) with nonsense_style") }
    do {
        try gnuplot.run("foo bar baz")
        Issue.record("an invalid command did not throw")
    } catch let error as PlotError {
        guard case .gnuplot(let message) = error else { Issue.record("wrong error \(error)"); return }
        #expect(message.contains("invalid command"))
    }
    #expect(gnuplot.isRunning)
    #expect(try gnuplot.run("print 6*7").output == "42\n")
    #expect(try gnuplot.renderText(try samplePlot()).contains("Scaling Check"))
}

@Test func processDeathIsReportedAndANewProcessStarts() throws {
    try requireGnuplot()
    let gnuplot = Gnuplot()
    #expect(try gnuplot.run("print 1").output == "1\n")
    #expect(throws: PlotError.self) { try gnuplot.run("exit") }
    #expect(!gnuplot.isRunning)
    #expect(try gnuplot.run("print 2").output == "2\n")
}

@Test func slowCommandTimesOutAndRecovers() throws {
    try requireGnuplot()
    let gnuplot = Gnuplot(timeout: 0.5)
    #expect(try gnuplot.run("print 0").output == "0\n")
    let stuck = try #require(gnuplot.processID)
    do {
        try gnuplot.run("pause 5")
        Issue.record("pause 5 did not time out")
    } catch let error as PlotError {
        #expect(error == .timeout(seconds: 0.5))
    }
    // The stuck process was killed (gnuplot defers SIGTERM during `pause`), not left behind.
    var gone = false
    for _ in 0..<100 where !gone {
        gone = kill(stuck, 0) != 0
        if !gone { usleep(10_000) }
    }
    #expect(gone, "gnuplot \(stuck) outlived its timeout")
    #expect(try gnuplot.run("print 3").output == "3\n")
}

@Test func scriptBesideTheImageReRendersIt() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Gnuplot().render(try samplePlot(), to: directory.appendingPathComponent("x.png").path)
    try FileManager.default.removeItem(at: files.image)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(Gnuplot.locate("gnuplot")))
    process.arguments = ["x.gp"]
    process.currentDirectoryURL = directory
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "gnuplot x.gp failed: \(said)")
    #expect(said.isEmpty, "gnuplot x.gp printed: \(said)")
    let bytes = try Data(contentsOf: files.image)
    #expect(Array(bytes.prefix(8)) == pngSignature && bytes.count > 5_000)
}

@Test func missingGnuplotStillWritesDataAndScript() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let gnuplot = Gnuplot(executable: directory.appendingPathComponent("no-such-gnuplot").path)
    do {
        try gnuplot.render(try samplePlot(), to: directory.appendingPathComponent("m.png").path)
        Issue.record("rendering without gnuplot did not throw")
    } catch let error as PlotError {
        guard case .gnuplotMissing(let written) = error else { Issue.record("wrong error \(error)"); return }
        #expect(written.count == 2)
        #expect(error.description.contains("apt-get install gnuplot-nox"))
    }
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.tsv").path))
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.gp").path))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.png").path))
    #expect(throws: PlotError.self) { try gnuplot.run("print 1") }
}

@Test func windowTerminalNeedsADisplayAndAWindowTerminal() throws {
    try requireGnuplot()
    let gnuplot = Gnuplot()
    let known = try gnuplot.terminals()
    #expect(known.contains("dumb") && known.contains("pngcairo"))
    let hasWindow = known.contains { ["qt", "wxt", "x11"].contains($0) }
    let hasDisplay = ProcessInfo.processInfo.environment["DISPLAY"].map { !$0.isEmpty } ?? false
    if hasWindow && hasDisplay {
        #expect(try ["qt", "wxt", "x11"].contains(gnuplot.windowTerminal()))
    } else {
        #expect(throws: PlotError.self) { try gnuplot.windowTerminal() }
        #expect(throws: PlotError.self) { try gnuplot.show(try samplePlot()) }
    }
}

@Test func awkwardNamesReachGnuplotIntact() throws {
    try requireGnuplot()
    let names = ["VERITY_EOD", "say \"hi\"", "back\\slash", "it's", "a_b^c"]
    let runs = names.enumerated().map { index, name in PlotSeries(name: name, y: [1, 2, 3].map { $0 * Double(index + 1) }) }
    let text = try Gnuplot().renderText(try Plot.compare(runs, title: "names"), width: 100, height: 30)
    #expect(text.contains("VERITY_EOD"))
    #expect(text.contains("it's"))
    #expect(text.contains("a_b^c"))
    #expect(text.contains("back\\slash"))
}

@Test func degenerateSeriesRenderWithWarningsNotErrors() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let gnuplot = Gnuplot()
    // A constant metric gets a range around it (no empty-range warning); a constant outside 0–1 too.
    let flat = PlotSeries(name: "flat", y: [0.5, 0.5, 0.5])
    let files = try gnuplot.render(try Plot.metrics([flat]), to: directory.appendingPathComponent("flat.png").path)
    #expect(files.warnings.isEmpty, "\(files.warnings)")
    #expect(try Plot.metrics([flat]).commands(dataSource: "$D").contains("set yrange [0:1]"))
    let big = PlotSeries(name: "big", y: [7, 7])
    let bigFiles = try gnuplot.render(try Plot.metrics([big]), to: directory.appendingPathComponent("big.png").path)
    #expect(bigFiles.warnings.isEmpty, "\(bigFiles.warnings)")
    // A single point per series still draws (points of linespoints).
    let single = try PlotSeries(name: "one", x: [4], y: [0.25], low: [0.2], high: [0.3])
    let text = try gnuplot.renderText(try Plot.scaling([single, try PlotSeries(name: "two", x: [1, 2], y: [0.1, 0.2])]))
    #expect(text.contains("one") && text.contains("two"))
}

@Test func failedRenderKeepsThePreviousImage() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let gnuplot = Gnuplot()
    let path = directory.appendingPathComponent("keep.png").path
    let good = try gnuplot.render(try samplePlot(), to: path)
    let before = try Data(contentsOf: good.image)
    let broken = Plot(title: "broken", table: try PlotTable(columns: ["x"]), body: [.text("plot no_such_function(x)\n")])
    #expect(throws: PlotError.self) { try gnuplot.render(broken, to: path) }
    #expect(try Data(contentsOf: good.image) == before)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(!names.contains { $0.contains("partial") })
    // The connection still draws afterwards.
    #expect(try gnuplot.renderText(try samplePlot()).contains("Scaling Check"))
}

@Test func largeWriteToABusyGnuplotTimesOut() throws {
    try requireGnuplot()
    let gnuplot = Gnuplot(timeout: 0.5)
    // gnuplot sits in `pause` and stops reading; 1 MB of input overflows the pipe.
    let filler = String(repeating: "# filler line of comment text to fill the pipe buffer quickly\n", count: 16_000)
    do {
        try gnuplot.run("pause 10\n" + filler)
        Issue.record("a blocked write did not time out")
    } catch let error as PlotError {
        #expect(error == .timeout(seconds: 0.5))
    }
    #expect(try gnuplot.run("print 5").output == "5\n")
}

/// Figures over seeds: every seed's value and the mean with its interval are in the data file, and
/// gnuplot draws them (points plus error bars) to a real PNG.
@Test func seedFiguresRenderWithTheirValuesAndIntervals() throws {
    try requireGnuplot()
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let gain = SeedFigure(name: "gain", values: [0.42, 0.01, 0.33], mean: 0.2533, low: -0.3, high: 0.8)
    let rl = SeedFigure(name: "rl", values: [0.99, 0.85, 0.97], mean: 0.9367, low: 0.75, high: 1.12)
    let files = try Gnuplot().render(try Plot.seeds([gain, rl], title: "t"), to: directory.appendingPathComponent("s.png").path)
    let bytes = try Data(contentsOf: files.image)
    #expect(Array(bytes.prefix(8)) == pngSignature && bytes.count > 5_000)
    let rows = try String(contentsOf: files.data, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    #expect(rows.first == ["figure", "x", "value", "kind", "low", "high"])
    #expect(rows.filter { $0.count > 3 && $0[3] == "seed" }.count == 6)
    let means = rows.filter { $0.count == 6 && $0[3] == "mean" }
    #expect(means.map { $0[0] } == ["gain", "rl"])
    #expect(means.first.map { Double($0[4]) == -0.3 && Double($0[5]) == 0.8 } == true)
    let script = try String(contentsOf: files.script, encoding: .utf8)
    #expect(script.contains("with yerrorbars") && !script.contains("rotate"))
    // Five or more figures slant their names; gnuplot still draws them.
    let many = (1...6).map { SeedFigure(name: "d_practice\($0)", values: [0, 0.1, 0.2], mean: 0.1, low: -0.1, high: 0.3) }
    let slanted = try Gnuplot().render(try Plot.seeds(many, title: "m"), to: directory.appendingPathComponent("m.png").path)
    #expect(try String(contentsOf: slanted.script, encoding: .utf8).contains("set xtics rotate by 30 right ("))
    #expect(try Data(contentsOf: slanted.image).prefix(8) == Data(pngSignature))
    #expect(throws: PlotError.self) { try Plot.seeds([]) }
    // A fixed range for shares: the axis is 0…1 and the data keep the full interval.
    let ranged = try Gnuplot().render(try Plot.seeds([gain, rl], title: "r", yRange: 0...1), to: directory.appendingPathComponent("r.png").path)
    let rangedScript = try String(contentsOf: ranged.script, encoding: .utf8)
    #expect(rangedScript.contains("set yrange [0.0:1.0]") && !rangedScript.contains("set offsets"))
    #expect(try String(contentsOf: ranged.data, encoding: .utf8).contains("1.12"))
}
