// Tests of the evaluation commands (eval, show samples, scale, verifier, compare) through
// `Session.execute`, on a tiny model given a short supervised warm start so that some answers are
// right: every printed number is checked against the Evaluation functions called directly.
import Evaluation
import Foundation
import Models
import Testing
import Training
@testable import Notebook

@Suite(.serialized) struct EvaluationCommandTests {
    /// 1-digit additions (direct answers) and a 2x32 model after 150 SFT steps: right on some
    /// problems, wrong on others, so votes, verifiers and comparisons have something to do.
    static func trainedSession() throws -> Session {
        let session = CommandTesting.session()
        _ = try session.execute("task arithmetic op=add digits=1 train=60 test=30 think=none")
        _ = try session.execute("model new layers=2 dim=32 heads=4 ffn=64")
        guard case .local(let local) = try #require(session[ModelSlot.self]) else { throw CommandError("not local") }
        let dataset = try #require(session[DatasetSlot.self])
        let examples = try sftExamples(problems: dataset.train, dataset: dataset, tokenizer: local.tokenizer)
        var config = SFTConfig()
        config.batchSize = 32
        config.warmupSteps = 10
        let trainer = try SFTTrainer(model: local.transformer, examples: examples, config: config,
                                     padId: local.tokenizer.special.pad ?? 0, seed: 3)
        _ = try trainer.run(steps: 150)
        return session
    }

    static func storedRun(_ session: Session, _ name: String) throws -> EvaluationRun {
        try #require(session[EvaluationRunsSlot.self]?.byName[name]).run
    }

    @Test func evalPrintsTheSummaryOfItsRun() throws {
        let session = try Self.trainedSession()
        let text = try CommandTesting.run(session, "eval problems=30 n=4 temperature=1 max_tokens=12 as=t1")
        let run = try Self.storedRun(session, "t1")
        #expect(run.problems.count == 30 && run.samplesPerProblem == 4 && run.options.temperature == 1)
        let summary = try summarize(run)
        #expect(summary.accuracy > 0 && summary.accuracy < 1, "the warm start should get some but not all right")
        #expect(text.contains("run 't1': 2x32 on add-d1 test, 30 problems × 4 samples (temperature 1)"))
        #expect(text.contains("accuracy \(Format.fixed(summary.accuracy, 3)) (mean share of correct samples)"))
        let lines = text.split(separator: "\n").map(String.init)
        for (pass, maj) in zip(summary.passAtK, summary.majAtK) {
            let row = "\(pass.k)   \(Format.fixed(pass.value, 3))  \(Format.fixed(maj.value, 3))"
            #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == row }, "missing row \(row)")
        }
        #expect(summary.passAtK.map(\.k) == [1, 2, 4])
        let perSample = summary.perSample
        let tokenRow = "per sample" + [perSample.thinking, perSample.answer, perSample.generated].map { Format.fixed($0, 1) }
            .reduce("") { $0 + " " + $1 }
        #expect(lines.contains { $0.split(separator: " ").joined(separator: " ").hasPrefix(tokenRow) }, "missing \(tokenRow)")
        #expect(text.contains("format failures \(summary.formatFailures) (\(Format.fixed(summary.formatFailureRate, 3)))"))
        let finish = summary.finishReasons
        #expect(text.contains("finish: stop \(finish.stop), stop_string \(finish.stopString), length \(finish.length)"))
        #expect(finish.total == 120)

        // n=1 without a temperature decodes greedily.
        let greedy = try CommandTesting.run(session, "eval problems=30")
        let greedyRun = try Self.storedRun(session, "last")
        #expect(greedyRun.options.temperature == 0)
        let greedySummary = try summarize(greedyRun)
        #expect(greedy.contains("accuracy \(Format.fixed(greedySummary.accuracy, 3)) (greedy)"))
        #expect(session[EvaluationRunsSlot.self]?.latest == "last")

        // show samples lists the problem with its samples and verdicts.
        let shown = try CommandTesting.run(session, "show samples 0..1 run=t1 samples=2")
        #expect(shown.contains(Format.quoted(run.problems[0].prompt)) && shown.contains(Format.quoted(run.problems[1].prompt)))
        let verdicts = shown.split(separator: "\n").dropFirst(3).filter { $0.contains(" yes ") || $0.contains(" no ") }
        #expect(verdicts.count == 4)
        #expect(CommandTesting.failure(session, "show samples 40..41 run=t1").contains("out of range"))
        #expect(CommandTesting.failure(session, "show samples run=t2").contains("did you mean 't1'?"))
    }

    @Test func scaleReusesTheRunWritesTSVAndPNGAndSweepsBudgets() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try Self.trainedSession()
        _ = try session.execute("eval problems=20 n=8 temperature=1 max_tokens=12")
        let run = try Self.storedRun(session, "last")
        let text = try CommandTesting.run(session, "scale ks=1,2,4,8 methods=pass,maj temperature=1 max_tokens=12 "
                                          + "tsv=\(directory)/points.tsv to=\(directory)/s.png x=tokens")
        #expect(text.contains("reusing run 'last': 20 problems × 8 samples"))
        let points = try #require(session[SweepSlot.self])
        #expect(points.count == 8)
        let back = try readSweepTSV(from: URL(fileURLWithPath: "\(directory)/points.tsv"))
        #expect(back == points)
        // pass@k is exact (unbiased estimator), so it equals the function on the run's records.
        for point in points where point.method == "pass" {
            #expect(abs(point.accuracy - (try passAtK(run.samples, k: point.k))) < 1e-12)
            #expect(text.contains("pass    \(point.k)"))
        }
        let png = try #require(FileManager.default.contents(atPath: "\(directory)/s.png"))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(session.plots.map(\.path) == ["\(directory)/s.png"])

        // Other options do not reuse the run: a fresh generation, kept as run 'scale'.
        let fresh = try CommandTesting.run(session, "scale ks=1,2 problems=5 temperature=0.5 max_tokens=12")
        #expect(fresh.contains("generated 5 problems × 2 samples"))
        #expect(try Self.storedRun(session, "scale").options.temperature == 0.5)

        // Budget sweep: one generation per budget, points carry their budget.
        let budgets = try CommandTesting.run(session, "scale n=2 budgets=0,4 problems=5 max_tokens=12")
        #expect(budgets.contains("generated 2 settings × 5 problems × 2 samples"))
        let swept = try #require(session[SweepSlot.self])
        #expect(swept.map(\.budget) == [0, 0, 0, 0, 4, 4, 4, 4])
        #expect(Set(swept.map(\.method)) == ["pass", "maj"])
        // Read the other way: accuracy against the budget, one curve per method and k.
        let dir = try CommandTesting.scratch()
        _ = try session.execute("plot scaling x=budget to=\(dir)/b.png")
        let table = try String(contentsOfFile: dir + "/b.tsv", encoding: .utf8)
        #expect(table.contains("pass@1 (any correct)\t0.0\t") && table.contains("majority vote of 2\t4.0\t"))
        #expect(table.contains("pass@2 (any correct)\t4.0\t"))
        // Labelled scales added together: both sets of curves, named by label and method.
        _ = try CommandTesting.run(session, "scale ks=1,2 n=2 problems=5 max_tokens=12 label=\"model A\"")
        #expect(Set(try #require(session[SweepSlot.self]).map(\.method)) == ["model A: pass@k (any correct)", "model A: majority vote"])
        _ = try CommandTesting.run(session, "scale ks=1,2 n=2 problems=5 max_tokens=12 label=B add=true")
        let both = try #require(session[SweepSlot.self])
        #expect(both.count == 8)
        #expect(Set(both.map(\.method)).contains("B: majority vote") && Set(both.map(\.method)).contains("model A: majority vote"))
        _ = try CommandTesting.run(session, "scale ks=1,2 n=2 problems=5 max_tokens=12 label=B add=true")
        #expect(try #require(session[SweepSlot.self]).count == 8)   // the same label replaces its curves
        #expect(CommandTesting.failure(session, "scale ks=1 n=1 problems=2 label=\"a\tb\"").contains("tabs"))
        #expect(try String(contentsOfFile: dir + "/b.gp", encoding: .utf8).contains("thinking budget B"))
        #expect(CommandTesting.failure(session, "scale methods=pass,vote").contains("unknown method 'vote'"))
        #expect(CommandTesting.failure(session, "scale ks=1,16 n=8").contains("n=8"))
        #expect(CommandTesting.failure(session, "scale ks=1,16 run=last").contains("does not fit"))
        // Samples of other weights are never reused: after the model changes, the run no longer fits.
        #expect(try CommandTesting.run(session, "scale ks=1,2 run=last temperature=1 max_tokens=12").contains("reusing run 'last'"))
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=16")
        #expect(CommandTesting.failure(session, "scale ks=1,2 run=last temperature=1 max_tokens=12")
            .contains("the model has changed since it was sampled"))
    }

    @Test func verifierTrainThenBestOfN() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try Self.trainedSession()
        _ = try session.execute("eval problems=30 n=4 temperature=1 max_tokens=12")
        #expect(CommandTesting.failure(session, "scale methods=best ks=1,4 temperature=1 max_tokens=12").contains("run 'verifier train'"))
        #expect(CommandTesting.failure(session, "verifier score").contains("no verifier"))
        let trained = try CommandTesting.run(session, "verifier train steps=30 batch=16 layers=1 dim=32")
        #expect(trained.contains("trained a 1x32 verifier on 120 samples of run last"))
        #expect(trained.contains("held-out") && trained.contains("AUC"))
        // Trained on this run's problems (bar the held-out fifth): scoring them again is refused, or flagged.
        let leak = CommandTesting.failure(session, "scale methods=best,pass ks=1,4 temperature=1 max_tokens=12")
        #expect(leak.contains("of the 30 problems of run 'last' were in the verifier's training samples") && leak.contains("overlap=allow"))
        #expect(CommandTesting.failure(session, "verifier score").contains("memory, not judgement"))
        let text = try CommandTesting.run(session, "scale methods=best,pass ks=1,4 temperature=1 max_tokens=12 overlap=allow")
        #expect(text.contains("reusing run 'last'") && text.contains("WARNING: 24 of the 30 problems"))
        let scored = try Self.storedRun(session, "last")
        #expect(scored.samples.allSatisfy { $0.samples.allSatisfy { $0.score != nil } })
        // best@4 with 4 samples: the top-scored sample's verdict (ties share), computed here by hand.
        var expected = 0.0
        for problem in scored.samples {
            let top = problem.samples.compactMap(\.score).max() ?? 0
            let tied = problem.samples.filter { $0.score == top }
            expected += Double(tied.filter(\.correct).count) / Double(tied.count)
        }
        expected /= Double(scored.samples.count)
        let best4 = try #require(session[SweepSlot.self]?.first { $0.method == "best" && $0.k == 4 })
        #expect(abs(best4.accuracy - expected) < 1e-12)

        // save → load → score gives the same scores.
        #expect(try CommandTesting.run(session, "verifier save \(directory)/v").contains("saved the 1x32 verifier"))
        session[VerifierSlot.self] = nil
        #expect(try CommandTesting.run(session, "verifier load \(directory)/v").contains("loaded a 1x32 verifier"))
        // The training problems travel with the checkpoint, so the guard still holds after loading.
        #expect(CommandTesting.failure(session, "verifier score").contains("memory, not judgement"))
        let rescored = try CommandTesting.run(session, "verifier score overlap=allow")
        #expect(rescored.contains("scored 120 samples of run 'last'") && rescored.contains("WARNING"))
        let again = try Self.storedRun(session, "last")
        #expect(again.samples.map { $0.samples.map(\.score) } == scored.samples.map { $0.samples.map(\.score) })
        #expect(CommandTesting.failure(session, "verifier load \(directory)/none").contains("does not exist"))

        // Trained on train-split samples, the verifier scores the test run without complaint; run=
        // brings the run's own temperature and max_tokens.
        _ = try session.execute("eval split=train problems=40 n=4 temperature=1 max_tokens=12 as=tr")
        _ = try session.execute("verifier train runs=tr steps=30 batch=16 layers=1 dim=32")
        let clean = try CommandTesting.run(session, "scale methods=best,pass ks=1,4 run=last")
        #expect(clean.contains("reusing run 'last'") && !clean.contains("WARNING") && !clean.contains("note:"))
    }

    @Test func compareARunWithItselfAndAnother() throws {
        let session = try Self.trainedSession()
        _ = try session.execute("eval problems=30 as=greedy")
        let text = try CommandTesting.run(session, "compare greedy greedy resamples=200")
        #expect(text.contains("difference greedy − greedy: 0.000, 95% interval [0.000, 0.000] over 200 paired resamples"))
        #expect(text.contains("share of resamples with greedy ahead: 0.000"))
        _ = try session.execute("eval problems=30 n=4 temperature=1 max_tokens=12 as=sampled")
        let a = try Self.storedRun(session, "sampled"), b = try Self.storedRun(session, "greedy")
        let other = try CommandTesting.run(session, "compare sampled greedy resamples=500")
        let accuracy = { (run: EvaluationRun) in
            run.samples.reduce(0.0) { $0 + Double($1.correctCount) / Double($1.n) } / Double(run.samples.count)
        }
        #expect(other.contains("difference sampled − greedy: \(Format.fixed(accuracy(a) - accuracy(b), 3))"))
        _ = try session.execute("eval problems=10 as=short")
        #expect(CommandTesting.failure(session, "compare short greedy").contains("same problems"))
    }

    @Test func errorsSayWhatToDo() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "eval").contains("no data set"))
        #expect(CommandTesting.failure(session, "show samples").contains("no evaluation run"))
        #expect(CommandTesting.failure(session, "compare a b").contains("run 'eval …' first"))
        #expect(CommandTesting.failure(session, "verifier train").contains("no evaluation run"))
        _ = try session.execute("task arithmetic op=add digits=1 train=20 test=5")
        #expect(CommandTesting.failure(session, "eval").contains("no model loaded"))
        #expect(CommandTesting.failure(session, "scale").contains("no model loaded"))
        #expect(CommandTesting.failure(session, "eval smaples=3").contains("unknown key 'smaples'"))
        #expect(CommandTesting.failure(session, "eval n=0").contains("out of range"))
        #expect(CommandTesting.failure(session, "eval as=\"a b\"").contains("name runs with"))
        #expect(CommandTesting.failure(session, "scale x=budget").contains("add budgets="))
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=16")
        _ = try session.execute("eval problems=5 max_tokens=4")
        #expect(CommandTesting.failure(session, "compare last nosuch").contains("no evaluation run called 'nosuch'"))
        // An untrained model gets nothing right: the verifier has no correct samples to learn from.
        #expect(CommandTesting.failure(session, "verifier train steps=2").contains("correct"))
        _ = try session.execute("model connect http://127.0.0.1:9/v1 model=demo")
        #expect(CommandTesting.failure(session, "verifier train steps=2").contains("needs a local model"))
    }
}
