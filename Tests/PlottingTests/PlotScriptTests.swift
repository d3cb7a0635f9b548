// Tests of the pure side of plotting: tables, smoothing, and the scripts of the standard plots
// (no gnuplot needed).
import Foundation
import Testing
@testable import Plotting

@Test func tableWritesHeaderAndRowsAsTSV() throws {
    let table = try PlotTable(columns: ["series", "x"], rows: [["a\tb", PlotTable.cell(0.1)], ["c\"d", PlotTable.cell(.nan)]])
    #expect(table.tsv == "series\tx\na b\t0.1\nc'd\tNaN\n")
    #expect(throws: PlotError.self) { try PlotTable(columns: ["a", "b"], rows: [["1"]]) }
}

@Test func cellsRoundTripDoubles() {
    for value in [0.1, 1.0 / 3.0, 1e-300, 123456789.125, -2.5] {
        #expect(Double(PlotTable.cell(value)) == value)
    }
}

@Test func movingAverageIsTrailingAndSkipsNaN() {
    // Hand-computed: window 3 over [1, 2, 3, 4] → [1, 1.5, 2, 3].
    #expect(movingAverage([1, 2, 3, 4], window: 3) == [1, 1.5, 2, 3])
    #expect(movingAverage([1, 2], window: 1) == [1, 2])
    let withGap = movingAverage([.nan, 4, .nan, 8], window: 2)
    #expect(withGap[0].isNaN)
    #expect(withGap[1] == 4 && withGap[2] == 4 && withGap[3] == 8)
}

@Test func seriesRejectsMismatchedLengths() {
    #expect(throws: PlotError.self) { try PlotSeries(name: "a", x: [1, 2], y: [1]) }
    #expect(throws: PlotError.self) { try PlotSeries(name: "a", x: [1], y: [1], low: [0], high: nil) }
    #expect(throws: PlotError.self) { try PlotSeries(name: "a", x: [1], y: [1], low: [0, 1], high: [1, 2]) }
}

@Test func metricsUsesOnePanelPerMetricAndSmooths() throws {
    let reward = PlotSeries(name: "reward", y: [0, 1, 2, 3])
    let length = PlotSeries(name: "mean_length", y: [10, 20, 30, 40])
    let plot = try Plot.metrics([reward, length], title: "run 1", smoothing: 2)
    let script = plot.commands(dataSource: "$D")
    #expect(script.contains("set multiplot layout 2,1 title \"run 1\""))
    #expect(script.contains("unset multiplot"))
    #expect(script.contains("strcol(1) eq \"mean_length\""))
    #expect(plot.table.columns == ["series", "step", "value", "smoothed"])
    #expect(plot.table.rows.count == 8)
    // smoothed column of reward at step 1 = (0 + 1) / 2.
    #expect(plot.table.rows[1] == ["reward", "1.0", "1.0", "0.5"])
    let single = try Plot.metrics([reward]).commands(dataSource: "$D")
    #expect(!single.contains("multiplot"))
    #expect(throws: PlotError.self) { try Plot.metrics([reward], smoothing: 0) }
    #expect(throws: PlotError.self) { try Plot.metrics([]) }
    #expect(throws: PlotError.self) { try Plot.metrics([reward, reward]) }
}

@Test func scalingDrawsBandsAndLog2Axis() throws {
    let maj = try PlotSeries(name: "maj", x: [1, 2, 4], y: [0.2, 0.4, 0.5], low: [0.1, 0.3, 0.4], high: [0.3, 0.5, 0.6])
    let pass = try PlotSeries(name: "pass", x: [1, 2, 4], y: [0.2, 0.5, 0.7])
    let plot = try Plot.scaling([maj, pass])
    let script = plot.commands(dataSource: "'x.tsv'")
    #expect(script.contains("set logscale x 2"))
    // The data's span (0.1–0.7 with bands) padded by 8%, not a fixed 0–1 that flattens curves.
    #expect(script.contains("set yrange [0.052:0.748]"))
    #expect(script.contains("set key outside"))
    let high = try Plot.scaling([try PlotSeries(name: "p", x: [1, 2], y: [0.9, 1.0])]).commands(dataSource: "'x.tsv'")
    #expect(high.contains("set yrange [0.880:1.000]"))
    let counts = try Plot.scaling([try PlotSeries(name: "n", x: [1, 2], y: [3, 40])]).commands(dataSource: "'x.tsv'")
    #expect(!counts.contains("yrange"))
    // One band (maj has low/high, pass has none) and two lines.
    #expect(script.components(separatedBy: "filledcurves").count - 1 == 1)
    #expect(script.components(separatedBy: "linespoints").count - 1 == 2)
    #expect(script.contains("'x.tsv' skip 1 using 2:"))
    #expect(plot.table.rows[3] == ["pass", "1.0", "0.2", "NaN", "NaN"])
    let zero = try PlotSeries(name: "bad", x: [0, 1], y: [0.1, 0.2])
    #expect(throws: PlotError.self) { try Plot.scaling([zero]) }
    #expect(try Plot.scaling([zero], log2X: false).commands(dataSource: "$D").contains("logscale") == false)
}

@Test func compareOverlaysRuns() throws {
    let a = PlotSeries(name: "grpo", y: [1, 2, 3])
    let b = PlotSeries(name: "dr-grpo", y: [1, 3, 5])
    let plot = try Plot.compare([a, b], yLabel: "reward", smoothing: 3)
    let script = plot.commands(dataSource: "$D")
    #expect(script.contains("title \"grpo\"") && script.contains("title \"dr-grpo\""))
    // Smoothing draws the moving-average column (4).
    #expect(script.contains("? $4 : NaN"))
    #expect(plot.table.columns.first == "run")
}

@Test func standaloneScriptReadsTheTSVAndSetsOutput() throws {
    let plot = try Plot.compare([PlotSeries(name: "a", y: [1, 2])])
    let text = try plot.standaloneScript(terminal: .defaultPNG, imageFile: "it's.png", dataFile: "it's.tsv")
    #expect(text.contains("set terminal pngcairo size 800,500"))
    #expect(text.contains("set output 'it''s.png'"))
    #expect(text.contains("'it''s.tsv' skip 1"))
    #expect(!text.contains("VerityData"))
    #expect(text.contains("unset output"))
}

@Test func quotingEscapesGnuplotStrings() {
    #expect(GnuplotQuote.double("a\"b\\c\nd") == "\"a\\\"b\\\\c d\"")
    #expect(GnuplotQuote.single("o'k") == "'o''k'")
}

@Test func terminalSizesAreChecked() throws {
    #expect(throws: PlotError.self) { try PlotTerminal.png(width: 0, height: 10).command() }
    #expect(throws: PlotError.self) { try PlotTerminal.forImage(at: "plots/x.jpg") }
    #expect(try PlotTerminal.forImage(at: "plots/x.SVG") == .svg(width: 800, height: 500))
    #expect(throws: PlotError.self) { try PlotTerminal.window("qt; system('rm')").command() }
}

@Test func stderrClassificationSeparatesWarningsFromErrors() {
    let text = "gnuplot> foo bar\n         ^\n         line 6: invalid command\n\nWarning: empty y range [1:1], adjusting to [0.99:1.01]\n"
    let (warnings, failures) = Gnuplot.classify(stderr: text)
    #expect(warnings == ["Warning: empty y range [1:1], adjusting to [0.99:1.01]"])
    #expect(failures == ["line 6: invalid command (in: foo bar)"])
}

@Test func datablockTerminatorNeverStartsADataLine() throws {
    let plot = try Plot.compare([PlotSeries(name: "VERITY_EOD", y: [1, 2])])
    let block = plot.datablock(named: "$D")
    let lines = block.split(separator: "\n").map(String.init)
    let terminator = try #require(lines.last)
    #expect(lines.first == "$D << \(terminator)")
    #expect(lines.dropFirst().dropLast().allSatisfy { !$0.hasPrefix(terminator) })
}

@Test func mutatedSeriesAreRevalidated() throws {
    var series = PlotSeries(name: "a", y: [1, 2, 3])
    series.y = [1]
    #expect(throws: PlotError.self) { try Plot.metrics([series]) }
    #expect(throws: PlotError.self) { try Plot.scaling([series], log2X: false) }
}

/// Runs compared: one colour per run, one dash pattern per method; with more series than colours and
/// no groups, the palette repeats with another dash pattern, so no two series look alike.
@Test func colourPerRunStylePerMethodAndNoRepeatedLook() throws {
    var series: [PlotSeries] = []
    for (run, name) in ["sft", "rl"].enumerated() {
        for (method, kind) in ["pass", "maj"].enumerated() {
            var item = try PlotSeries(name: "\(name): \(kind)", x: [1, 2], y: [0.5, 0.6])
            item.colorGroup = run; item.style = method
            series.append(item)
        }
    }
    let script = try Plot.scaling(series).commands(dataSource: "'x.tsv'")
    #expect(script.contains("lc rgb '#0072B2' dt 1 title \"sft: pass\"") && script.contains("lc rgb '#0072B2' dt 2 title \"sft: maj\""))
    #expect(script.contains("lc rgb '#D55E00' dt 1 title \"rl: pass\"") && script.contains("lc rgb '#D55E00' dt 2 title \"rl: maj\""))
    let many = try (0..<10).map { try PlotSeries(name: "budget \($0)", x: [1, 2], y: [0.5, 0.6]) }
    let manyScript = try Plot.scaling(many).commands(dataSource: "'x.tsv'")
    let looks = manyScript.split(separator: "\n").compactMap { line -> String? in
        guard let range = line.range(of: "lc rgb '"), let end = line.range(of: " title") else { return nil }
        return String(line[range.lowerBound..<end.lowerBound])
    }
    #expect(looks.count == 10 && Set(looks).count == 10)
}

/// Training panels: readable labels with units, about four y tics whatever the range, and held-out
/// points over the accuracy panel.
@Test func trainingPanelsHaveUnitsSpacedTicsAndHeldOutPoints() throws {
    #expect(PlotStyle.metricLabel("completions/mean_length") == "length (tokens)")
    #expect(PlotStyle.metricLabel("reward") == "reward")
    #expect(PlotStyle.ticSpacing([0.91, 0.97]) == "0.02")      // 0.06 / 3 = 0.02: three labels, not one every 0.005
    #expect(PlotStyle.ticSpacing([0, 30]) == "10")
    #expect(PlotStyle.ticSpacing([0.5, 0.5]) == nil)
    let accuracy = try PlotSeries(name: "accuracy", x: [1, 2, 3, 4], y: [0.5, 0.6, 0.7, 0.8])
    let length = try PlotSeries(name: "completions/mean_length", x: [1, 2, 3, 4], y: [10, 12, 14, 20])
    let heldOut = try PlotSeries(name: "eval/accuracy", x: [2, 4], y: [0.55, 0.9])
    let plot = try Plot.metrics([accuracy, length], overlays: ["accuracy": heldOut])
    let script = plot.commands(dataSource: "$D")
    #expect(script.contains("set ylabel \"length (tokens)\""))
    #expect(script.contains("with points") && script.contains("title \"eval/accuracy\""))
    #expect(script.components(separatedBy: "with points").count - 1 == 1)
    #expect(plot.table.rows.contains(["eval/accuracy", "4.0", "0.9", "0.9"]))
    #expect(script.contains("set ytics 0.2\n") && script.contains("set ytics 5\n"))
}
