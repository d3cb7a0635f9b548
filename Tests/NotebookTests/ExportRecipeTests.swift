// export recipe format=trl: the trainer's settings as TRL's GRPOConfig. The file a fixed recipe
// exports is committed beside what TRL 1.16's own GRPOConfig made of it (Fixtures/check_trl_recipe.py),
// so the test checks that Verity still writes that file and that TRL read every knob as meant.
import Foundation
import Testing
@testable import Notebook

@Suite struct ExportRecipeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The lines of check_trl_recipe.py's SCRIPT, writing into `dir`.
    static func lines(_ dir: String) -> [String] {
        ["seed 7", "task arithmetic op=add digits=2 train=64 test=16 think=mixed",
         "model new layers=1 dim=16 heads=2 ffn=32 max_pos=32", "reward correct format=0.1 length=-0.01",
         "rl steps=0 algo=dapo prompts=8 n=4 minibatches=4 schedule=cosine warmup=5 max_tokens=24",
         "export recipe \(dir) format=trl steps=200"]
    }

    static func export(_ extra: [String] = []) throws -> (dir: String, session: Session) {
        let dir = try CommandTesting.scratch() + "/trl"
        let session = CommandTesting.session()
        var all = lines(dir)
        all.insert(contentsOf: extra, at: all.count - 1)
        for line in all { _ = try CommandTesting.run(session, line) }
        return (dir, session)
    }

    @Test func writesTheFileTRLLoaded() throws {
        let (dir, _) = try Self.export()
        for file in ["grpo_config.yaml", "train.jsonl", "test.jsonl"] {
            let fresh = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)
            let fixture = try String(contentsOf: Self.fixtures.appendingPathComponent("trl_recipe/\(file)"), encoding: .utf8)
            #expect(fresh == fixture, "\(file) changed: rerun Fixtures/check_trl_recipe.py --fixture with TRL installed")
        }
    }

    @Test func trlReadEveryKnobAsMeant() throws {
        // What TRL's GRPOConfig made of the file, against the trainer settings it came from.
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("trl_recipe_checked.json"))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let trl = try #require(doc["config"] as? [String: Any])
        let (_, session) = try Self.export()
        let c = try #require(session.existingTrainer).config
        func num(_ key: String) -> Double? { (trl[key] as? NSNumber)?.doubleValue }
        #expect(num("num_generations") == Double(c.samplesPerPrompt))
        #expect(num("generation_batch_size") == Double(c.promptsPerStep * c.samplesPerPrompt), "TRL derives B × G")
        #expect(num("steps_per_generation") == Double(c.minibatches))
        #expect(num("num_iterations") == Double(c.updatesPerBatch))
        #expect(num("max_completion_length") == Double(c.sampling.maxNewTokens))
        #expect(num("temperature") == c.sampling.temperature.decimalValue && num("top_p") == c.sampling.topP.decimalValue && num("top_k") == Double(c.sampling.topK))
        #expect(num("epsilon") == c.epsilonLow && num("epsilon_high") == c.epsilonHigh)
        #expect(num("beta") == c.klCoefficient)
        #expect(trl["loss_type"] as? String == "dapo" && c.lossAggregation == .tokenMean)
        #expect(trl["scale_rewards"] as? String == "group" && c.advantage == .groupMeanStd)
        #expect((trl["mask_truncated_completions"] as? Bool) == c.maskTruncated)
        #expect(num("learning_rate") == c.learningRate && num("adam_beta2") == c.beta2 && num("adam_epsilon") == c.adamEpsilon)
        #expect(num("max_grad_norm") == c.maxGradNorm && num("warmup_steps") == Double(c.warmupSteps))
        #expect(trl["lr_scheduler_type"] as? String == "cosine_with_min_lr")
        #expect(((trl["lr_scheduler_kwargs"] as? [String: Any])?["min_lr_rate"] as? NSNumber)?.doubleValue == c.minLearningRateRatio)
        #expect((trl["reward_weights"] as? [NSNumber])?.map(\.doubleValue) == [1, 0.1, -0.01])
        #expect(trl["columns"] as? [String] == ["answer", "prompt"])
    }

    @Test func everyKnobTRLLacksIsNamed() throws {
        let (dir, _) = try Self.export(["rl steps=0 staleness=1 entropy=0.01 advantage=leave-one-out kl=0.01 kl_estimator=k1 "
                                        + "budget=8 dual_clip=3 ref_sync=10"])
        let yaml = try String(contentsOfFile: "\(dir)/grpo_config.yaml", encoding: .utf8)
        let lacking = yaml.components(separatedBy: "TRL's GRPOTrainer does not have:").last ?? ""
        for needle in ["staleness=1", "entropy=0.01", "advantage=leave-one-out", "kl_estimator=k1", "budget=8",
                       "dynamic_sampling=true"] {
            #expect(lacking.contains(needle), "\(needle) must be named as missing in TRL")
        }
        for line in ["delta: 3.0", "beta: 0.01", "sync_ref_model: true", "ref_model_sync_steps: 10"] {
            #expect(yaml.contains(line + "  #") || yaml.contains(line + "\n"), "\(line) must be mapped")
        }
    }

    @Test func needsADataSet() {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "export recipe /tmp/verity-no-data").contains("data"))
    }

    /// With VERITY_PYTHON naming a Python that has TRL, a fresh export is loaded by GRPOConfig live.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERITY_PYTHON"] != nil))
    func trlLoadsAFreshExportLive() throws {
        let python = try #require(ProcessInfo.processInfo.environment["VERITY_PYTHON"])
        let (dir, _) = try Self.export()
        let (status, output) = try CommandTesting.runProcess(python, [Self.fixtures.appendingPathComponent("check_trl_recipe.py").path, dir])
        #expect(status == 0)
        let live = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let fixture = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures
            .appendingPathComponent("trl_recipe_checked.json"))) as? [String: Any])
        let expected = try #require(fixture["config"] as? [String: Any])
        func canonical(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try canonical(live) == canonical(expected))
    }
}
