// Claims and seeds: `expect` passes or stops the run, `repeat seeds=…` runs a cell once per seed
// with the same results as reseeding by hand, `tally` and `seeds summary` give per-seed values and
// their t-interval, and the arithmetic fingerprint line of a notebook is read and written.
import Foundation
import Testing
@testable import Notebook
import Evaluation

@Suite struct SeedsAndExpectTests {
    @Test func expectComparesFiguresAndFailsWithBothSides() throws {
        let session = CommandTesting.session()
        #expect(try CommandTesting.run(session, "expect 2 * 3 >= 6") == "expect ok: 2 * 3 = 6.000 >= 6")
        #expect(try CommandTesting.run(session, "expect 1 + 1 == 2").hasPrefix("expect ok"))
        #expect(try CommandTesting.run(session, "expect 3 != 2").hasPrefix("expect ok"))
        #expect(try CommandTesting.run(session, "expect 0.52 within 0.05 of 0.5").hasPrefix("expect ok"))
        #expect(CommandTesting.failure(session, "expect 0.6 within 0.05 of 0.5")
                == "expect failed: 0.6 = 0.600, 0.5 = 0.500, 0.100 apart, more than 0.05")
        #expect(CommandTesting.failure(session, "expect 1 > 2") == "expect failed: 1, not > 2")
        #expect(CommandTesting.failure(session, "expect 1").hasPrefix("expect needs a comparison"))
        #expect(CommandTesting.failure(session, "expect accuracy(nothing) > 0").contains("no evaluation run"))
        #expect(CommandTesting.failure(session, "expect mean(nothing) > 0").contains("nothing"))
    }

    /// A cell of a tiny untrained model: what it generates depends on the seed that built it.
    static let body = "model new layers=1 dim=16 heads=2 ffn=32 max_pos=32\neval problems=8 max_tokens=6 as=a\ntally len tokens(a)\n"

    @Test func repeatRunsTheCellPerSeedLikeReseedingByHand() throws {
        let text = "# Seeds\n\n```verity\ntask arithmetic op=add digits=1 train=50 test=20\n```\n\n"
            + "```verity\nrepeat seeds=2..4\n" + Self.body + "```\n\n"
            + "```verity\nseeds summary\nexpect n(len) == 3\n```\n"
        let session = CommandTesting.session()
        // The same session without the repeated cell, to compare the random stream with afterwards.
        let without = CommandTesting.session()
        _ = try without.execute("task arithmetic op=add digits=1 train=50 test=20")
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "s.md", session: session)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        // The session continues where it was: seed 1, the same random stream position.
        #expect(session.seed == 1)
        #expect(session.rng == without.rng)
        // Only the tallies are shown, under one header per seed.
        let repeated = result.cells[1].lines
        #expect(repeated.count == 6)
        #expect(repeated.enumerated().allSatisfy { $0.offset % 2 == 0 ? $0.element.hasPrefix("seed ") : $0.element.hasPrefix("  tally len = ") })
        // Each seed's value equals the same commands after `seed N` in a fresh session.
        let tallies = try #require(session[SeedTalliesSlot.self])
        var byHand: [Double] = []
        for seed in 2...4 {
            let fresh = CommandTesting.session()
            _ = try fresh.execute("task arithmetic op=add digits=1 train=50 test=20")
            _ = try fresh.execute("seed \(seed)")
            for line in Self.body.split(separator: "\n") { _ = try fresh.execute(String(line)) }
            let value = try #require(fresh[SeedTalliesSlot.self]?.value("len", seed: UInt64(seed)))
            #expect(tallies.value("len", seed: UInt64(seed)) == value)
            byHand.append(value)
        }
        #expect(Set(byHand).count > 1, "three random models should not all generate the same lengths: \(byHand)")
        // The summary: one row per seed, then mean, sd and the 95% t-interval (t(2) = 4.303).
        let mean = byHand.reduce(0, +) / 3
        let sd = (byHand.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        let summary = result.cells[2].lines
        let row: (String) -> [String] = { label in
            summary.first { $0.hasPrefix(label) }.map { $0.dropFirst(label.count).split(separator: " ").map(String.init) } ?? []
        }
        #expect(row("mean") == [String(format: "%.3f", mean)])
        #expect(row("sd") == [String(format: "%.3f", sd)])
        #expect(row("95% low") == [String(format: "%.3f", mean - 4.303 * sd / 3.0.squareRoot())])
        #expect(row("95% high") == [String(format: "%.3f", mean + 4.303 * sd / 3.0.squareRoot())])
        #expect(summary.last == "expect ok: n(len) = 3.000 == 3")
        // Figures over tallies.
        #expect(try CommandTesting.run(session, "expect count(len >= \(byHand.min() ?? 0)) == 3").hasPrefix("expect ok"))
        #expect(try CommandTesting.run(session, "expect max(len) == \(byHand.max() ?? 0)").hasPrefix("expect ok"))
    }

    @Test func aTallyCanBeADifferenceToOneTalliedBeforeIt() throws {
        // last(T) is the value T recorded last: inside a repeat cell, this seed's.
        let text = "# Seeds\n\n```verity\ntask arithmetic op=add digits=1 train=50 test=20\n```\n\n"
            + "```verity\nrepeat seeds=2..3\n" + Self.body + "tally twice 2 * last(len)\ntally diff last(twice) - last(len)\n```\n"
        let session = CommandTesting.session()
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "s.md", session: session)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        let tallies = try #require(session[SeedTalliesSlot.self])
        for seed: UInt64 in [2, 3] {
            let len = try #require(tallies.value("len", seed: seed))
            #expect(tallies.value("twice", seed: seed) == 2 * len)
            #expect(tallies.value("diff", seed: seed) == len, "this seed's len, not the other seed's")
        }
        #expect(CommandTesting.failure(session, "expect last(nothing) > 0").contains("no tally 'nothing'"))
        // seeds summary NAMES shows those tallies, in that order.
        let header = try CommandTesting.run(session, "seeds summary diff,len").split(separator: "\n").first ?? ""
        #expect(header.split(separator: " ") == ["seed", "diff", "len"])
        #expect(CommandTesting.failure(session, "seeds summary len,nope").contains("no tally 'nope'"))
    }

    /// A named training run is each seed's own: the second seed's `rl run=grpo` on its new model is
    /// not refused as "a run of another model", the runs from before the cell stay, and the last
    /// seed's run remains for plotting.
    @Test func namedTrainingRunsBelongToTheirSeed() throws {
        let text = "```verity\ntask arithmetic op=add digits=1 train=40 test=8\nmodel new layers=1 dim=16 heads=2 ffn=32 max_pos=32\n"
            + "rl steps=1 prompts=2 n=2 max_tokens=4 run=before\n```\n\n"
            + "```verity\nrepeat seeds=1..2\nmodel new layers=1 dim=16 heads=2 ffn=32 max_pos=32\n"
            + "rl steps=2 prompts=2 n=2 max_tokens=4 run=grpo\ntally steps metric(reward, mean)\n```\n"
        let session = CommandTesting.session()
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "r.md", session: session)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        let runs = try #require(session[TrainingRunsSlot.self]).runs
        #expect(runs.map(\.name) == ["before", "grpo"])
        #expect(runs.last?.log.rows.map(\.step) == [1, 2])
    }

    /// The 97.5% t quantiles against published values (any statistics table): from the table up to
    /// 30 degrees of freedom, from the expansion beyond.
    @Test func tQuantilesMatchTheTables() {
        let published: [(Int, Double)] = [(1, 12.706), (4, 2.776), (30, 2.042), (31, 2.040), (40, 2.021), (60, 2.000), (120, 1.980)]
        for (degrees, value) in published {
            #expect(abs(SeedStatistics.t975(degrees: degrees) - value) < 0.0015, "t(\(degrees))")
        }
    }

    @Test func aFalseClaimStopsTheNotebookAtItsLine() throws {
        let text = "```verity\necho one\nexpect 1 + 1 > 3\necho never\n```\n"
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "c.md", session: CommandTesting.session())
        let failure = try #require(result.failure)
        #expect(failure.line == 3)
        #expect(failure.error.message == "expect failed: 1 + 1 = 2.000, not > 3")
        #expect(result.cells[0].lines == ["one"])
    }

    @Test func repeatNeedsSeedsAndOnlyWorksAsTheFirstLine() throws {
        let bad = "```verity\nrepeat seeds=\necho x\n```\n"
        let result = NotebookRunner.run(try NotebookDocument.markdown(bad), file: "r.md", session: CommandTesting.session())
        #expect(result.failure?.line == 2)
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "repeat seeds=1..3").hasPrefix("repeat must be the first line of a notebook cell"))
        #expect(CommandTesting.failure(session, "seeds summary").hasPrefix("seeds summary: no tallies yet"))
    }

    @Test func theArithmeticLineIsReadReplacedAndInsertedAfterTheTitle() throws {
        let plain = try NotebookDocument.markdown("# Title\n\nText.\n\n```verity\necho a\n```\n")
        #expect(plain.recordedArithmetic == nil)
        let recorded = plain.recordingArithmetic("n9-x")
        #expect(recorded.recordedArithmetic == "n9-x")
        #expect(recorded.renderMarkdown() == "# Title\n<!-- verity arithmetic: n9-x -->\n\nText.\n\n```verity\necho a\n```\n")
        let again = try NotebookDocument.markdown(recorded.renderMarkdown()).recordingArithmetic("n10-y")
        #expect(again.renderMarkdown() == "# Title\n<!-- verity arithmetic: n10-y -->\n\nText.\n\n```verity\necho a\n```\n")
    }
}

@Suite struct CompareAtKTests {
    @Test func compareAndExpectAtKAgreeWithTheEstimators() throws {
        let session = CommandTesting.session()
        for line in ["task arithmetic op=add digits=1 train=40 test=12 think=mixed", "model new layers=1 dim=16 heads=2 ffn=32 max_pos=32",
                     "eval problems=12 n=8 temperature=1 max_tokens=6 as=a", "eval problems=12 n=8 temperature=1.5 max_tokens=6 as=b"] {
            _ = try session.execute(line)
        }
        let table = try CommandTesting.run(session, "compare a b ks=1,4,8 resamples=200")
        let rows = table.split(separator: "\n").filter { $0.first.map { " 0123456789".contains($0) } == true && $0.split(separator: " ").count == 9 }
        #expect(rows.count == 3, "\(table)")
        // The k = 1 row's difference equals the accuracy difference, and gain@K equals the estimators' difference.
        let a = try session.requireRun("a", for: "t").run, b = try session.requireRun("b", for: "t").run
        for k in [1, 4, 8] {
            let expected = try passAtK(a.samples, k: k) - passAtK(b.samples, k: k)
            let figure = try CommandTesting.run(session, "expect gain@\(k)(a, b) within 1e-9 of \(expected)")
            #expect(figure.hasPrefix("expect ok"), "\(figure)")
            let majority = try majorityAtK(a.samples, k: k) - majorityAtK(b.samples, k: k)
            #expect(try CommandTesting.run(session, "expect majgain@\(k)(a, b) within 1e-9 of \(majority)").hasPrefix("expect ok"))
            #expect(try CommandTesting.run(session, "expect gain_low@\(k)(a, b) <= gain@\(k)(a, b)").hasPrefix("expect ok"))
            #expect(try CommandTesting.run(session, "expect gain_high@\(k)(a, b) >= gain@\(k)(a, b)").hasPrefix("expect ok"))
        }
        #expect(CommandTesting.failure(session, "compare a b ks=9").contains("k must lie in 1…8"))
    }
}
