// Tests of the training commands through `Session.execute`: sample → show rollouts → reward → step,
// the rl loop and its log, cancellation, argument errors, save → load → rl resuming bit for bit,
// sft, filter, star, metrics and exports.
import Foundation
import Testing
@testable import Notebook
import Models
import Training

@Suite(.serialized) struct TrainingCommandTests {
    /// A session with a 1-digit addition task and a tiny model.
    static func tinySession(seed: Int = 3) throws -> Session {
        let session = CommandTesting.session()
        _ = try session.execute("seed \(seed)")
        _ = try session.execute("task arithmetic op=add digits=1 train=60 test=12 think=mixed")
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=32 max_pos=128")
        return session
    }

    static func parameters(_ session: Session) throws -> [Float] {
        guard case .local(let local) = try #require(session[ModelSlot.self]) else { throw CommandError("not local") }
        return Array(local.transformer.parameters)
    }

    @Test func valueCommandsSayWhatIsMissingAndRoundTrip() throws {
        let session = try Self.tinySession()
        #expect(CommandTesting.failure(session, "value save /tmp/verity-test-value-none").contains("no value model"))
        #expect(CommandTesting.failure(session, "search widths=1 problems=2 max_tokens=8").contains("no value model"))
        _ = try session.execute("eval problems=12 n=2 temperature=1 max_tokens=8 as=e")
        #expect(CommandTesting.failure(session, "scale methods=best scorer=value run=e").contains("no value model"))
        // PPO makes a critic; it saves, loads back as the session's value model, and scores.
        _ = try session.execute("rl algo=ppo steps=2 prompts=2 n=2 max_tokens=8")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verity-test-value-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CommandTesting.run(session, "value save \(dir)").contains("the PPO critic of the current run"))
        #expect(try CommandTesting.run(session, "value load \(dir)").contains("critic of the current PPO trainer"))
        _ = try session.execute("eval problems=12 n=2 temperature=1 max_tokens=8 as=e2")
        #expect(try CommandTesting.run(session, "scale methods=best scorer=value run=e2").contains("value of each final state"))
        #expect(CommandTesting.failure(session, "scale methods=best scorer=value budgets=0,2 problems=2 n=2").contains("samples axis only"))
        let searched = try CommandTesting.run(session, "search widths=1,2 expand=2 problems=3 max_tokens=8 as=s")
        #expect(searched.contains("beam-value on 3 problems"))
        #expect(try CommandTesting.run(session, "expect tokens(s) > 0").hasPrefix("expect ok"))
        // A policy checkpoint is not a value model.
        let policy = dir + "-policy"
        defer { try? FileManager.default.removeItem(atPath: policy) }
        _ = try session.execute("model save \(policy)")
        #expect(CommandTesting.failure(session, "value load \(policy)").contains("not a value-model checkpoint"))
    }

    @Test func lengthFiguresMatchTheirDefinitions() throws {
        let session = try Self.tinySession()
        _ = try session.execute("rl steps=5 prompts=2 n=4 max_tokens=8")
        _ = try session.execute("eval problems=12 n=4 temperature=1 max_tokens=8 as=e")
        // Pearson's r by hand over the logged steps.
        let log = try #require(session.trainingLog)
        let x = log.series("completions/mean_length").values, y = log.series("accuracy").values
        #expect(x.count == 5 && y.count == 5)
        let mx = x.reduce(0, +) / 5, my = y.reduce(0, +) / 5
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        let expect = "expect corr(completions/mean_length, accuracy) within 0.0005 of "
        if sxx > 0, syy > 0 {
            let r = sxy / (sxx * syy).squareRoot()
            #expect(try CommandTesting.run(session, expect + String(format: "%.6f", r)).hasPrefix("expect ok"))
        } else {
            #expect(CommandTesting.failure(session, expect + "0").contains("constant"))
        }
        // Tokens of right and wrong samples by hand.
        let samples = try #require(session[EvaluationRunsSlot.self]?.byName["e"]).run.samples.flatMap(\.samples)
        for right in [true, false] {
            let chosen = samples.filter { $0.correct == right }
            let figure = right ? "tokens_right(e)" : "tokens_wrong(e)"
            if chosen.isEmpty {
                #expect(CommandTesting.failure(session, "expect \(figure) > 0").contains("no \(right ? "correct" : "wrong") samples"))
            } else {
                let mean = Double(chosen.reduce(0) { $0 + $1.generatedTokens }) / Double(chosen.count)
                #expect(try CommandTesting.run(session, "expect \(figure) within 0.0005 of \(String(format: "%.6f", mean))").hasPrefix("expect ok"))
            }
        }
        #expect(CommandTesting.failure(session, "expect corr(accuracy, nothing) > 0").contains("at least 3"))
        // metric(NAME, lastN): the mean of the last N steps; thinks(RUN): the share of samples that think.
        let tail = Array(x.suffix(3))
        let tailMean = tail.reduce(0, +) / 3
        #expect(try CommandTesting.run(session, "expect metric(completions/mean_length, last3) within 0.0005 of \(String(format: "%.6f", tailMean))").hasPrefix("expect ok"))
        #expect(try CommandTesting.run(session, "expect metric(completions/mean_length, last99) within 0.0005 of \(String(format: "%.6f", mx))").hasPrefix("expect ok"))
        #expect(CommandTesting.failure(session, "expect metric(accuracy, last0) > 0").contains("lastN"))
        let thinking = Double(samples.filter { $0.thinkingTokens > 0 }.count) / Double(samples.count)
        #expect(try CommandTesting.run(session, "expect thinks(e) within 0.0005 of \(String(format: "%.6f", thinking))").hasPrefix("expect ok"))
    }

    @Test func stepByStepChangesParametersAndLogsARow() throws {
        let session = try Self.tinySession()
        let sampled = try CommandTesting.run(session, "sample prompts=2 n=4 max_tokens=8")
        #expect(sampled.contains("sampled 2 groups × 4"))
        #expect(sampled.contains("distinct"))
        let shown = try CommandTesting.run(session, "show rollouts")
        let lines = shown.split(separator: "\n")
        #expect(lines.count == 2 + 8)  // header, rule, 2 groups × 4
        #expect(lines.first?.contains("finish") == true && lines.first?.contains("adv") == true)
        #expect(try CommandTesting.run(session, "show rollouts group=1").split(separator: "\n").count == 2 + 4)
        // A length penalty makes rewards differ inside groups, so the step has a signal.
        let rescored = try CommandTesting.run(session, "reward correct length=-0.05")
        #expect(rescored.contains("rescored 2 pending groups"))
        let pending = try #require(session.existingTrainer?.pending)
        for rollout in pending.rollouts {
            #expect(abs(rollout.reward.total - ((rollout.correct ? 1 : 0) - 0.05 * Double(rollout.length))) < 1e-9)
        }
        let before = try Self.parameters(session)
        let stepped = try CommandTesting.run(session, "step")
        #expect(stepped.contains("step 1"))
        for key in ["reward", "reward_std", "accuracy", "completions/mean_length", "grad_norm", "learning_rate"] {
            #expect(stepped.contains(key), "step output misses \(key)")
        }
        #expect(try Self.parameters(session) != before)
        let log = try #require(session.trainingLog)
        #expect(log.rows.count == 1 && log.rows[0].step == 1)
        #expect(log.rows[0].values["reward"] == pending.rollouts.reduce(0) { $0 + $1.reward.total } / 8)
        #expect(session.existingTrainer?.pending == nil)
        #expect(CommandTesting.failure(session, "show rollouts").contains("no pending rollouts"))
    }

    @Test func rlRunsAndLogsEveryStep() throws {
        let session = try Self.tinySession()
        let text = try CommandTesting.run(session, "rl steps=3 prompts=2 n=4 max_tokens=8 every=1 eval_every=3 eval_n=4")
        #expect(text.contains("3 steps in"))
        #expect(text.contains("held-out"))
        let log = try #require(session.trainingLog)
        #expect(log.rows.map(\.step) == [1, 2, 3])
        #expect(log.rows[2].values["eval/accuracy"] != nil && log.rows[0].values["eval/accuracy"] == nil)
        let metrics = try CommandTesting.run(session, "metrics last=2")
        #expect(metrics.contains("3 steps logged; showing the last 2"))
        // The config keys persist for later commands.
        #expect(session.existingTrainer?.config.promptsPerStep == 2)
        #expect(session.existingTrainer?.config.sampling.maxNewTokens == 8)
    }

    @Test func oneSamplingValueFromSetSampleAndEval() throws {
        let session = try Self.tinySession()
        // `set` reaches the trainer, and `sample` takes the trainer's own keys.
        _ = try session.execute("set temperature=0.5 max_tokens=6")
        let trainer = try session.policyTrainer(for: "test")
        #expect(trainer.config.sampling.temperature == 0.5 && trainer.config.sampling.maxNewTokens == 6)
        _ = try session.execute("sample prompts=2 n=2 budget=3 top_k=4")
        #expect(trainer.config.sampling.thinkingBudget == 3 && trainer.config.sampling.topK == 4)
        #expect(trainer.config.sampling.temperature == 0.5, "keys not typed keep the trainer's values")
        #expect(try CommandTesting.run(session, "show trainer").contains("0.5"))
        // One name and one meaning per field: budget caps the thinking (0: none), off lifts the cap.
        _ = try session.execute("sample prompts=2 n=2 budget=off")
        #expect(trainer.config.sampling.thinkingBudget == nil)
        _ = try session.execute("rl steps=0 budget=0")
        #expect(trainer.config.sampling.thinkingBudget == 0)
        #expect(CommandTesting.failure(session, "rl steps=0 budget=-1").contains("budget"))
        #expect(CommandTesting.failure(session, "rl steps=0 budget=lots").contains("budget"))
        // eval and generate read budget the same way.
        _ = try session.execute("eval problems=2 n=1 max_tokens=4 budget=off as=nocap")
        _ = try session.execute("eval problems=2 n=1 max_tokens=4 budget=0 as=nothink")
        let runs = try #require(session[EvaluationRunsSlot.self])
        #expect(try #require(runs.byName["nocap"]).run.options.thinkingBudget == nil)
        #expect(try #require(runs.byName["nothink"]).run.options.thinkingBudget == 0)
        #expect(CommandTesting.failure(session, "eval problems=2 n=1 budget=lots").contains("budget=lots"))
        // The evaluation commands read the same keys into the same value and report its problem by key.
        #expect(CommandTesting.failure(session, "eval problems=2 n=2 top_p=0").contains("top_p=0"))
        #expect(CommandTesting.failure(session, "generate \"1+2=\" n=1 top_p=0").contains("top_p=0"))
    }

    @Test func presetsThenKeys() throws {
        let session = try Self.tinySession()
        _ = try session.execute("rl steps=0 algo=dapo lr=3e-4 clip=0.1:0.3 filter=none")
        let config = try #require(session.existingTrainer?.config)
        var expected = TrainerConfig(preset: .dapo)
        expected.learningRate = 3e-4
        expected.epsilonLow = 0.1
        expected.epsilonHigh = 0.3
        expected.dynamicSampling = false
        #expect(config == expected)
        let shown = try CommandTesting.run(session, "show trainer")
        #expect(shown.contains("lr *") && shown.contains("0.0003"))
    }

    @Test func cancelledRLKeepsTheCompletedSteps() throws {
        let session = try Self.tinySession()
        _ = try session.execute("set progress=on")
        final class Flag: @unchecked Sendable {
            let lock = NSLock(); var value = false
            func set() { lock.lock(); value = true; lock.unlock() }
            var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        }
        let flag = Flag()
        session.progressSink = { event in if event.completed >= 1, !event.finished { flag.set() } }
        session.cancellationRequested = { flag.isSet }
        let text = try CommandTesting.run(session, "rl steps=5 prompts=2 n=4 max_tokens=8")
        #expect(text.contains("interrupted after 1 of 5 steps"))
        #expect(session.trainingLog?.rows.count == 1)
        #expect(session.existingTrainer?.step == 1)
    }

    @Test func setSamplingSettingsReachTheTrainer() throws {
        // Before a trainer exists: the trainer made later starts from what was set.
        let session = try Self.tinySession()
        _ = try session.execute("set temperature=0.5 max_tokens=6")
        _ = try session.execute("sample prompts=1 n=2")
        #expect(session.existingTrainer?.config.sampling.temperature == 0.5)
        #expect(session.existingTrainer?.config.sampling.maxNewTokens == 6)
        // With a trainer: set changes it too, and says so.
        let output = try CommandTesting.run(session, "set temperature=0.75")
        #expect(output.contains("the trainer samples with temperature"))
        #expect(session.existingTrainer?.config.sampling.temperature == 0.75)
        // A value the trainer refuses (greedy sampling with group advantages) changes nothing.
        #expect(!CommandTesting.failure(session, "set temperature=0 precision=5").isEmpty)
        #expect(session.existingTrainer?.config.sampling.temperature == 0.75)
        #expect(session.settings.value("temperature") == .float(0.75) && session.settings.precision == 3)
        // Settings that are not the trainer's leave it alone.
        _ = try session.execute("set precision=4")
        #expect(session.existingTrainer?.config.sampling.temperature == 0.75)
    }

    @Test func badKeysAndValues() throws {
        let session = try Self.tinySession()
        #expect(CommandTesting.failure(session, "rl steps=1 algo=trpo").contains("algo must be one of grpo, dr-grpo, dapo, rloo, reinforce, ppo"))
        #expect(CommandTesting.failure(session, "rl steps=1 lrr=1").contains("did you mean 'lr'?"))
        #expect(CommandTesting.failure(session, "rl steps=1 n=1.5").contains("n expects a whole number"))
        #expect(CommandTesting.failure(session, "rl steps=1 clip=abc").contains("clip=abc is not"))
        #expect(CommandTesting.failure(session, "rl steps=1 loss=mean").contains("loss must be one of"))
        #expect(CommandTesting.failure(session, "sample n=0").contains("value out of range"))
        #expect(CommandTesting.failure(session, "sft source=half").contains("source=half is not one of"))
        #expect(CommandTesting.failure(session, "export metrics /tmp/x.txt").contains("must end in .csv or .jsonl"))
        let fresh = CommandTesting.session()
        #expect(CommandTesting.failure(fresh, "step").contains("no model loaded"))
        #expect(CommandTesting.failure(fresh, "metrics").contains("the training log is empty"))
    }

    @Test func saveLoadResumeEqualsAnUninterruptedRun() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A length penalty gives every group a signal, so the steps really update.
        let straight = try Self.tinySession()
        _ = try straight.execute("reward correct length=-0.05")
        _ = try straight.execute("rl steps=4 prompts=2 n=4 max_tokens=8")
        let split = try Self.tinySession()
        _ = try split.execute("reward correct length=-0.05")
        _ = try split.execute("rl steps=2 prompts=2 n=4 max_tokens=8")
        _ = try split.execute("model save \(dir)/ckpt")
        let resumed = try Self.tinySession()
        _ = try resumed.execute("reward correct length=-0.05")
        _ = try resumed.execute("seed 99")  // a different session stream: only the checkpoint counts
        _ = try resumed.execute("model load \(dir)/ckpt")
        _ = try resumed.execute("rl steps=2")
        #expect(try Self.parameters(resumed) == Self.parameters(straight))
        let a = try #require(straight.existingTrainer?.log.rows.last?.values["reward"])
        let b = try #require(resumed.existingTrainer?.log.rows.last?.values["reward"])
        #expect(a == b)
        #expect(resumed.existingTrainer?.step == 4)
    }

    @Test func sftLowersTheLossAndExportsWork() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        let text = try CommandTesting.run(session, "sft steps=30 batch=16 lr=1e-2 warmup=3 source=mixed:0.5 every=10")
        let losses = text.split(separator: "\n").compactMap { line -> Double? in
            let cells = line.split(separator: " ")
            guard cells.count == 6, cells[5] == "tok/s", Int(cells[0]) != nil else { return nil }
            return Double(cells[1])
        }
        #expect(losses.count == 3)
        #expect((losses.last ?? 9) < (losses.first ?? 0))
        #expect(text.contains("final loss"))
        _ = try session.execute("sample prompts=2 n=2 max_tokens=8")
        _ = try session.execute("export rollouts \(dir)/r.jsonl")
        let lines = try String(contentsOfFile: "\(dir)/r.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["prompt", "completion", "reward", "components", "correct", "tokens"] { #expect(first[key] != nil, "missing \(key)") }
        _ = try session.execute("step")
        _ = try session.execute("export metrics \(dir)/m.csv")
        _ = try session.execute("export metrics \(dir)/m.jsonl")
        let csv = try MetricsLog.read(path: "\(dir)/m.csv")
        let jsonl = try MetricsLog.read(path: "\(dir)/m.jsonl")
        #expect(csv.rows.count == 1 && jsonl.rows.count == 1)
        #expect(csv.rows[0].values["reward"] == session.trainingLog?.rows[0].values["reward"])
        #expect(jsonl.rows[0].values["reward"] == csv.rows[0].values["reward"])
    }

    /// `sft source=run:NAME`: the run's correct completions are the examples (a teacher's, here the
    /// model's own), the held-out split is refused, and `worked_only` needs a run source.
    @Test func sftFromARunTrainsOnItsCorrectCompletions() throws {
        let session = try EvaluationCommandTests.trainedSession()
        _ = try session.execute("eval split=train problems=30 n=4 temperature=1 max_tokens=12 as=traces")
        let stored = try #require(session[EvaluationRunsSlot.self]?.byName["traces"])
        let expected = stored.run.correctCompletions()
        #expect(!expected.isEmpty)
        let text = try CommandTesting.run(session, "sft steps=3 batch=8 lr=1e-3 warmup=1 source=run:traces")
        #expect(text.contains("sft on \(expected.count) examples (run:traces)"))
        _ = try session.execute("eval problems=10 n=2 temperature=1 max_tokens=12 as=held")
        #expect(CommandTesting.failure(session, "sft steps=1 source=run:held").contains("leak held-out"))
        #expect(CommandTesting.failure(session, "sft steps=1 source=run:nope").contains("nope"))
        #expect(CommandTesting.failure(session, "sft steps=1 source=worked worked_only=true").contains("source=run:NAME"))
        #expect(CommandTesting.failure(session, "sft steps=1 source=run:").contains("needs a run name"))
        // A run from another data set whose training prompts are held out here is refused too.
        _ = try session.execute("task arithmetic op=add digits=1 train=50 test=40 think=none")
        #expect(CommandTesting.failure(session, "sft steps=1 source=run:traces").contains("leak held-out"))
    }

    @Test func filterReplacesTheTrainSplit() throws {
        let session = try Self.tinySession()
        let text = try CommandTesting.run(session, "filter lo=0 hi=0 n=2 limit=20")
        let dataset = try #require(session[DatasetSlot.self])
        // lo=hi=0 keeps exactly the problems never solved in 2 samples.
        #expect(text.contains("kept \(dataset.train.count) of 20 problems measured (60 before)"))
        #expect(dataset.test.count == 12)
        #expect(session.existingTrainer?.dataset == dataset)
        let star = try CommandTesting.run(session, "star rounds=1 prompts=4 n=2 steps=1 batch=2")
        #expect(star.contains("round") && star.contains("pass rate"))
    }
}
