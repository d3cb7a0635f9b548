// Tests of the model family: model new/save/load/info/connect and generate.
import Foundation
import Testing
@testable import Notebook
import Models

@Suite struct ModelCommandTests {
    /// Parameters of a Llama block stack, counted from the architecture (independent of the layout code).
    static func expectedParameters(vocab: Int, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffn: Int, tied: Bool) -> Int {
        let kvDim = dim / heads * kvHeads
        let block = dim * dim * 2 + dim * kvDim * 2 + dim * ffn * 3 + dim * 2
        return vocab * dim * (tied ? 1 : 2) + layers * block + dim
    }

    @Test func modelNewDefaultsAreTheRecipeModel() throws {
        let session = CommandTesting.session()
        _ = try session.execute("task arithmetic digits=3 train=20 test=5")
        let text = try CommandTesting.run(session, "model new")
        guard case .local(let local) = try #require(session[ModelSlot.self]) else { Issue.record("not local"); return }
        let alphabet = try #require(session[DatasetSlot.self]?.alphabet)
        // The data set's characters plus the five default specials.
        #expect(local.tokenizer.vocabularySize == alphabet.count + 5)
        let config = local.transformer.config
        #expect(config.hiddenSize == 128 && config.numHiddenLayers == 4 && config.numAttentionHeads == 4)
        #expect(config.intermediateSize == 336 && !config.tieWordEmbeddings && !config.attentionBias)
        let expected = Self.expectedParameters(vocab: config.vocabSize, dim: 128, layers: 4, heads: 4, kvHeads: 4, ffn: 336, tied: false)
        #expect(local.transformer.parameterCount == expected)
        #expect(text.contains("parameters  \(expected)"))
        #expect(abs(Double(expected) - 0.78e6) < 0.03e6)  // the recipe's "about 0.78M"
        let info = try CommandTesting.run(session, "model info")
        #expect(info.contains("4x128"))
        #expect(info.range(of: #"tokenizer\s+\#(local.tokenizer.vocabularySize) tokens"#, options: .regularExpression) != nil)
    }

    @Test func modelNewWithoutBosIsTheRecipeVocabulary() throws {
        let session = CommandTesting.session()
        _ = try session.execute("task arithmetic op=add digits=3 train=20 test=5")
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=24 bos=false init=torch")
        guard case .local(let local) = try #require(session[ModelSlot.self]) else { Issue.record("not local"); return }
        // RECIPES.md: 0-9 + = c space <think> </think> <eos> <pad>, and nothing else.
        let recipe = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "=", "c", " ",
                      "<think>", "</think>", "<eos>", "<pad>"]
        let strings = (0..<local.tokenizer.vocabularySize).compactMap { local.tokenizer.tokenString($0) }
        #expect(Set(strings) == Set(recipe) && strings.count == 18)
        #expect(local.tokenizer.special.bos == nil && local.transformer.config.bosTokenId == nil)
        #expect(local.transformer.config.vocabSize == 18)
        // init=torch: embeddings N(0, 1), far from gpt2's 0.02 scale.
        let embedding = try #require(local.transformer.tensors()["model.embed_tokens.weight"]).values
        let rms = (embedding.map { Double($0 * $0) }.reduce(0, +) / Double(embedding.count)).squareRoot()
        #expect(rms > 0.8 && rms < 1.2)
        #expect(CommandTesting.failure(session, "model new init=xavier").contains("init"))
        // The prompt starts with its first character, and the slot encodes as the training code does.
        let ids = try local.encodePrompt("12+34=")
        #expect(ids.count == 6 && local.tokenizer.decode(ids) == "12+34=")
        #expect(ids == (try Models.encodePrompt("12+34=", tokenizer: local.tokenizer)))
        #expect(throws: CommandError.self) { try local.encodePrompt("") }  // nothing to condition on
        // With bos (the default) the same prompt gains one leading token.
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=24")
        guard case .local(let withBos) = try #require(session[ModelSlot.self]) else { Issue.record("not local"); return }
        let bosIDs = try withBos.encodePrompt("12+34=")
        #expect(bosIDs.count == 7 && bosIDs.first == withBos.tokenizer.special.bos)
    }

    @Test func modelNewShapesAndErrors() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "model new dim=130 heads=4").contains("must divide hidden_size"))
        #expect(CommandTesting.failure(session, "model new dim=16 heads=4 kv_heads=3").contains("must divide num_attention_heads"))
        #expect(CommandTesting.failure(session, "model new vocab=10").contains("smaller than the tokenizer"))
        #expect(session[ModelSlot.self] == nil)
        _ = try session.execute("model new layers=2 dim=32 heads=4 kv_heads=2 ffn=48 tie=true bias=true vocab=128")
        guard case .local(let local) = try #require(session[ModelSlot.self]) else { Issue.record("not local"); return }
        #expect(local.transformer.config.vocabSize == 128)
        let expected = Self.expectedParameters(vocab: 128, dim: 32, layers: 2, heads: 4, kvHeads: 2, ffn: 48, tied: true)
            + 2 * (32 + 2 * 16)  // q, k, v biases per layer
        #expect(local.transformer.parameterCount == expected)
    }

    @Test func saveThenLoadGivesIdenticalGenerations() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "model save \(directory)/m").contains("no model loaded"))
        _ = try session.execute("task arithmetic digits=2 train=20 test=5")
        _ = try session.execute("model new layers=2 dim=32 heads=4 ffn=48")
        _ = try session.execute("seed 11")
        let before = try CommandTesting.run(session, "generate \"12+34=\" n=3 max_tokens=12 temperature=1")
        #expect(try CommandTesting.run(session, "model save \(directory)/m").contains("saved 2x32"))
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/m/\(file)"))
        }
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=16")  // replace it
        _ = try session.execute("model load \(directory)/m")
        _ = try session.execute("seed 11")
        let after = try CommandTesting.run(session, "generate \"12+34=\" n=3 max_tokens=12 temperature=1")
        #expect(before == after)
        #expect(before.contains("12+34="))
        #expect(CommandTesting.failure(session, "model load \(directory)/nothing").contains("nothing"))
    }

    @Test func generateJudgesProblemsOfTheDataSet() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "generate \"1+1=\"").contains("no model loaded"))
        _ = try session.execute("task arithmetic digits=1 train=20 test=5")
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=16")
        let text = try CommandTesting.run(session, "generate problem=0 n=3 max_tokens=6 temperature=0")
        let problem = try #require(session[DatasetSlot.self]?.test[0])
        #expect(text.contains("prompt \(Format.quoted(problem.prompt))  (answer \(problem.answer))"))
        #expect(text.range(of: #"[0-3]/3 correct"#, options: .regularExpression) != nil)
        // Greedy decoding: the three samples are the same text.
        let rows = text.split(separator: "\n").filter { $0.range(of: #"^[0-2]\s+6\s"#, options: .regularExpression) != nil }
        #expect(rows.count == 3)
        #expect(Set(rows.map { $0.dropFirst(2) }).count == 1)
        #expect(CommandTesting.failure(session, "generate problem=9").contains("out of range"))
        #expect(CommandTesting.failure(session, "generate \"1+1=\" problem=0").contains("not both"))
    }

    @Test func connectIsSamplingOnly() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        let text = try CommandTesting.run(session, "model connect http://127.0.0.1:9/v1 model=demo")
        #expect(text.contains("demo") && text.contains("sampling only"))
        #expect(CommandTesting.failure(session, "model save \(directory)/m").contains("needs a local model"))
        #expect(throws: CommandError.self) { try session.requireLocalModel(for: "rl") }
        #expect(CommandTesting.failure(session, "model connect ftp://x model=demo").contains("ftp://x"))
    }
}
