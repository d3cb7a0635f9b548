// export recipe format=verl and format=openrlhf: the files a fixed recipe exports are committed beside
// what the engines' own code made of them (Fixtures/check_engine_recipes.py: veRL's Hydra config and
// config dataclasses, OpenRLHF's train_ppo_ray argument parser and checks, veRL calling
// verity_reward.py against a live `verity serve --reward`). The tests check that Verity still writes
// those files and that each engine read every knob as meant.
import Foundation
import Testing
@testable import Notebook

@Suite struct EngineRecipeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The fixture's setup and exports, written into `dir`.
    static func export(into dir: String, extra: [String] = []) throws -> Session {
        let session = CommandTesting.session()
        let setup = try String(contentsOf: fixtures.appendingPathComponent("engine_recipe_setup.verity"), encoding: .utf8)
        for line in setup.split(separator: "\n") { _ = try CommandTesting.run(session, String(line)) }
        for line in extra { _ = try CommandTesting.run(session, line) }
        for format in ["verl", "openrlhf"] {
            _ = try CommandTesting.run(session, "export recipe \(dir)/\(format)_recipe format=\(format) steps=200 "
                                       + "model=Qwen/Qwen2.5-0.5B-Instruct reward_url=http://127.0.0.1:18765/get_reward")
        }
        return session
    }

    static func checked() throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("engine_recipes_checked.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func writesTheFilesTheEnginesLoaded() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.export(into: dir)
        let files = ["verl_recipe/verl_config.yaml", "verl_recipe/verity_reward.py", "verl_recipe/train.json", "verl_recipe/test.json",
                     "openrlhf_recipe/train_openrlhf.sh", "openrlhf_recipe/train.jsonl", "openrlhf_recipe/test.jsonl"]
        for file in files {
            let fresh = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)
            let fixture = try String(contentsOf: Self.fixtures.appendingPathComponent(file), encoding: .utf8)
            #expect(fresh == fixture, "\(file) changed: rerun Fixtures/check_engine_recipes.py --fixture with veRL and OpenRLHF installed")
        }
    }

    @Test func veRLReadEveryKnobAsMeant() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try #require(try Self.export(into: dir).existingTrainer).config
        let raw = try #require(try Self.checked()["verl"] as? [String: Any])
        let verl = raw.compactMapValues { $0 as? [String: Any] }
        func num(_ section: String, _ key: String) -> Double? { (verl[section]?[key] as? NSNumber)?.doubleValue }
        #expect(num("data", "train_batch_size") == Double(c.promptsPerStep))
        #expect(num("rollout", "n") == Double(c.samplesPerPrompt))
        #expect(num("actor", "ppo_mini_batch_size") == Double(c.promptsPerStep / c.minibatches), "veRL counts mini-batches in prompts")
        #expect(num("actor", "ppo_epochs") == Double(c.updatesPerBatch))
        #expect(num("actor", "clip_ratio_low") == c.epsilonLow && num("actor", "clip_ratio_high") == c.epsilonHigh)
        #expect(num("actor", "kl_loss_coef") == c.klCoefficient && verl["actor"]?["use_kl_loss"] as? Bool == false)
        #expect(verl["actor"]?["loss_agg_mode"] as? String == "token-mean" && c.lossAggregation == .tokenMean)
        #expect(verl["algorithm"]?["adv_estimator"] as? String == "grpo" && verl["algorithm"]?["norm_adv_by_std_in_grpo"] as? Bool == true)
        #expect(num("rollout", "temperature") == c.sampling.temperature.decimalValue && num("rollout", "response_length") == Double(c.sampling.maxNewTokens))
        #expect(num("optim", "lr") == c.learningRate && num("optim", "lr_warmup_steps") == Double(c.warmupSteps))
        #expect((verl["optim"]?["betas"] as? [NSNumber])?.map(\.doubleValue) == [c.beta1, c.beta2])
        #expect(verl["optim"]?["lr_scheduler_type"] as? String == "cosine" && num("optim", "min_lr_ratio") == c.minLearningRateRatio)
        #expect(num("trainer", "total_training_steps") == 200)
        // veRL called verity_reward.py, which asked the live reward server: right and wrong answers.
        #expect(verl["reward_right"]?["acc"] as? Int == 1)
        #expect(verl["reward_wrong"]?["acc"] as? Int == 0)
        #expect(raw["columns"] as? [String] == ["ability", "data_source", "extra_info", "prompt", "reward_model"])
    }

    @Test func openRLHFReadEveryKnobAsMeant() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try #require(try Self.export(into: dir).existingTrainer).config
        let o = try #require(try Self.checked()["openrlhf"] as? [String: [String: Any]])
        func num(_ section: String, _ key: String) -> Double? { (o[section]?[key] as? NSNumber)?.doubleValue }
        #expect(num("rollout", "batch_size") == Double(c.promptsPerStep))
        #expect(num("rollout", "n_samples_per_prompt") == Double(c.samplesPerPrompt))
        #expect(num("train", "batch_size") == Double(c.promptsPerStep * c.samplesPerPrompt / c.minibatches))
        #expect(num("train", "max_epochs") == Double(c.updatesPerBatch))
        #expect(num("rollout", "max_new_tokens") == Double(c.sampling.maxNewTokens))
        #expect((o["actor"]?["eps_clip_low_high"] as? [NSNumber])?.map(\.doubleValue) == [c.epsilonLow, c.epsilonHigh])
        #expect(o["advantage"]?["estimator"] as? String == "group_norm")
        #expect(num("kl", "init_coef") == c.klCoefficient)
        #expect(num("adam", "lr") == c.learningRate && num("adam", "eps") == c.adamEpsilon)
        #expect((o["adam"]?["betas"] as? [NSNumber])?.map(\.doubleValue) == [c.beta1, c.beta2])
        #expect(o["actor"]?["lr_scheduler"] as? String == "cosine_with_min_lr")
        #expect(num("actor", "lr_warmup_ratio") == Double(c.warmupSteps) / 200)
        #expect(o["algo"]?["dynamic_filtering_enable"] as? Bool == c.dynamicSampling)
        #expect(o["data"]?["label_key"] as? String == "answer" && o["data"]?["input_key"] as? String == "prompt")
        #expect((o["reward"]?["remote_url"] as? [String])?.first?.hasSuffix("/get_reward") == true)
    }

    @Test func everyKnobTheEnginesLackIsNamed() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.export(into: dir, extra: ["rl steps=0 staleness=1 budget=8 ref_sync=10 top_k=5 kl=0.01 kl_estimator=k1 "
                                               + "advantage=leave-one-out"])
        let verl = try String(contentsOfFile: "\(dir)/verl_recipe/verl_config.yaml", encoding: .utf8)
        let verlLacks = verl.components(separatedBy: "veRL's ppo_trainer does not have:").last ?? ""
        for needle in ["staleness=1", "budget=8", "ref_sync=10", "dynamic_sampling=true"] {
            #expect(verlLacks.contains(needle), "veRL: \(needle)")
        }
        for line in ["adv_estimator: rloo", "use_kl_loss: true", "kl_loss_type: kl", "kl_loss_coef: 0.01", "top_k: 5"] {
            #expect(verl.contains(line), "veRL: \(line)")
        }
        let openrlhf = try String(contentsOfFile: "\(dir)/openrlhf_recipe/train_openrlhf.sh", encoding: .utf8)
        let lacks = openrlhf.components(separatedBy: "OpenRLHF does not have:").last ?? ""
        for needle in ["budget=8", "ref_sync=10", "top_k=5"] { #expect(lacks.contains(needle), "OpenRLHF: \(needle)") }
        for flag in ["--algo.advantage.estimator rloo", "--algo.kl.use_loss", "--algo.kl.estimator k1", "--train.async_enable",
                     "--train.async_queue_size 1", "--algo.dynamic_filtering_enable"] {
            #expect(openrlhf.contains(flag), "OpenRLHF: \(flag)")
        }
    }
}
