// Ablation figures: `seeds summary MEASURES arms=…` reads tallies MEASURE_ARM as a grid of mean
// and 95% interval, `plot seeds … arms=…` draws one panel per measure, `steps_to` reads how soon a
// training metric reaches a target, and a tally of a time prints with its unit.
import Foundation
import Testing
@testable import Notebook

@Suite struct SeedsGridTests {
    /// Tallies d_a, d_b, s_a over three seeds (s_b missing on purpose).
    static func session() -> Session {
        let session = CommandTesting.session()
        var tallies = SeedTallies()
        for (seed, values) in [(UInt64(1), [0.1, 0.5, 4.0]), (2, [0.3, 0.5, 6.0]), (3, [0.2, 0.5, 8.0])] {
            tallies.record("d_a", seed: seed, value: values[0])
            tallies.record("d_b", seed: seed, value: values[1])
            tallies.record("s_a", seed: seed, value: values[2])
        }
        session[SeedTalliesSlot.self] = tallies
        return session
    }

    @Test func summaryGridShowsMeanAndIntervalPerArmAndMeasure() throws {
        let session = Self.session()
        let text = try CommandTesting.run(session, "seeds summary d,s arms=a,b labels=\"arm A,arm B\" measures=\"final accuracy,steps\"")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "mean [95% interval] over 3 seeds")
        // d_a: mean 0.2, sd 0.1, half-width t(2) · sd / √3 = 4.303 · 0.1 / 1.732 = 0.248.
        let half = 4.303 * 0.1 / 3.0.squareRoot()
        let expectedA = String(format: "0.200 [%.3f, %.3f]", 0.2 - half, 0.2 + half)
        let rowA = try #require(lines.first { $0.hasPrefix("arm A") })
        #expect(rowA.contains(expectedA), "\(text)")
        // s_a: mean 6, sd 2 → half-width 4.303 · 2 / √3.
        let halfS = 4.303 * 2 / 3.0.squareRoot()
        #expect(rowA.contains(String(format: "6.000 [%.3f, %.3f]", 6 - halfS, 6 + halfS)), "\(text)")
        let rowB = try #require(lines.first { $0.hasPrefix("arm B") })
        #expect(rowB.contains("0.500 [0.500, 0.500]"))
        #expect(rowB.hasSuffix(" -"), "an arm without the measure shows '-': \(rowB)")
        #expect(lines.contains { $0.contains("final accuracy") && $0.contains("steps") })
    }

    @Test func gridMistakesAreNamed() {
        let session = Self.session()
        #expect(CommandTesting.failure(session, "seeds summary d arms=a,zz").contains("no tally MEASURE_zz"))
        #expect(CommandTesting.failure(session, "seeds summary q arms=a").contains("no tally q_ARM"))
        #expect(CommandTesting.failure(session, "seeds summary d arms=a,b labels=one").contains("1 labels for 2 arms"))
        #expect(CommandTesting.failure(session, "seeds summary d_a labels=x").contains("give arms= too"))
        #expect(CommandTesting.failure(session, "plot seeds d arms=a ylabel=x").contains("panels="))
        #expect(CommandTesting.failure(session, "plot seeds d_a panels=x").contains("give arms= too"))
    }

    @Test func plotSeedsWithArmsDrawsOnePanelPerMeasure() throws {
        let session = Self.session()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verity-grid-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("grid.png").path
        _ = try CommandTesting.run(session, "plot seeds d,s arms=a,b panels=\"accuracy,steps\" to=\(image)")
        #expect(FileManager.default.fileExists(atPath: image))
        let script = try String(contentsOfFile: folder.appendingPathComponent("grid.gp").path, encoding: .utf8)
        #expect(script.contains("set multiplot layout 2,1"))
        #expect(script.contains("set ylabel \"accuracy\"") && script.contains("set ylabel \"steps\""))
        // Rows: three seeds and a mean for d_a, d_b and s_a; nothing for the missing s_b.
        let table = try String(contentsOfFile: folder.appendingPathComponent("grid.tsv").path, encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst()
        #expect(rows.count == 12)
        #expect(rows.filter { $0.hasPrefix("2\tb\t") }.isEmpty)
    }

    @Test func stepsToIsTheFirstLoggedStepAtTheTargetOrOneIntervalPastTheEnd() throws {
        let session = CommandTesting.session()
        for line in ["task arithmetic op=add digits=1 train=60 test=12", "model new layers=1 dim=16 heads=2 ffn=32 max_pos=32",
                     "reward correct", "rl steps=4 prompts=2 n=4 max_tokens=6 eval_every=2 eval_n=6"] {
            _ = try session.execute(line)
        }
        #expect(try CommandTesting.run(session, "tally a steps_to(eval/accuracy, 0)") == "tally a = 2.000")
        #expect(try CommandTesting.run(session, "tally b steps_to(eval/accuracy, 1.5)") == "tally b = 6.000")
        #expect(CommandTesting.failure(session, "tally c steps_to(eval/accuracy, high)").contains("must be a number"))
        #expect(CommandTesting.failure(session, "tally c steps_to(nosuch, 1)").contains("not in the training log"))
    }

    @Test func aTallyOfATimePrintsItsUnitSoChecksSkipIt() throws {
        #expect(FigureEvaluator.isTime("metric(time/step, sum) - 2", timed: []))
        #expect(!FigureEvaluator.isTime("metric(entropy, mean)", timed: []))
        #expect(FigureEvaluator.isTime("last(w) * 2", timed: ["w"]))
        #expect(!FigureEvaluator.isTime("accuracy(w)", timed: ["w"]))
        let session = Self.session()
        var tallies = try #require(session[SeedTalliesSlot.self])
        tallies.record("w", seed: 1, value: 2.5, time: true)
        session[SeedTalliesSlot.self] = tallies
        let line = try CommandTesting.run(session, "tally w2 last(w) + 1")
        #expect(line == "tally w2 = 3.500 s")
        #expect(OutputCheck.isTimingLine(line))
        #expect(!OutputCheck.isTimingLine(try CommandTesting.run(session, "tally plain last(d_a)")))
    }
}
