// model info — what the current model is: its configuration, size, tokenizer and origin.
import Foundation
import Kernels
import Models

extension CommandDefinition {
    /// `model info`
    static let modelInfo = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "info",
        summary: "show the current model's configuration, size, tokenizer and source",
        recorded: false,
        examples: ["model info"]
    )) { _, session in
        ModelInfoView.render(try session.requireModel(for: "model info"), precision: session.settings.precision)
    }
}

/// The table `model new`, `model load` and `model info` print.
enum ModelInfoView {
    static func render(_ model: LoadedModel, precision: Int) -> CommandOutput {
        var table = Table(columns: [Table.Column("field"), Table.Column("value")])
        switch model {
        case .local(let local):
            let c = local.transformer.config
            table.append(["model", local.name])
            table.append(["source", local.source])
            table.append(["parameters", "\(local.transformer.parameterCount) (\(Format.fixed(Double(local.transformer.parameterCount) / 1e6, 2))M)"])
            table.append(["layers", "\(c.numHiddenLayers)"])
            table.append(["dim", "\(c.hiddenSize)"])
            table.append(["heads", "\(c.numAttentionHeads) (kv \(c.numKeyValueHeads), head size \(c.headDim))"])
            table.append(["ffn", "\(c.intermediateSize)"])
            table.append(["vocab", "\(c.vocabSize)"])
            table.append(["tokenizer", "\(local.tokenizer.vocabularySize) tokens (\(local.tokenizer is CharTokenizer ? "characters" : local.tokenizer is WordLevelTokenizer ? "words" : local.tokenizer is IDTokenizer ? "ids only: no tokenizer.json" : "byte-level BPE"))"])
            if !local.tokenizer.special.moreEnds.isEmpty {
                let ends = ([local.tokenizer.special.eos].compactMap { $0 } + local.tokenizer.special.moreEnds)
                    .map { "\($0) \(local.tokenizer.tokenString($0).map { Format.quoted($0) } ?? "")" }
                table.append(["end tokens", ends.joined(separator: ", ") + " (generation stops at any)"])
            }
            if let chat = local.tokenizer.chat {
                table.append(["chat template", "on — \(ChatView.family(chat.template.source)) (model chat shows an example)"])
            } else if let own = Checkpoint.chatTemplateSource(companions: local.companions) {
                table.append(["chat template", "\(ChatView.family(own)), off (model chat on prompts through it)"])
            }
            let defaults = Checkpoint.generationDefaults(companions: local.companions)
            if !defaults.isEmpty {
                table.append(["generation_config", defaults.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
                              + " (shown, not applied: eval, sample, rl and generate take their own settings)"])
            }
            table.append(["rope_theta", Format.compact(Double(c.ropeTheta))])
            switch c.ropeScaling {
            case .none: break
            case .linear(let factor):
                table.append(["rope scaling", "linear, factor \(Format.compact(Double(factor)))"])
            case .llama3(let factor, let low, let high, let original):
                table.append(["rope scaling", "llama3, factor \(Format.compact(Double(factor))), frequency factors "
                              + "\(Format.compact(Double(low)))–\(Format.compact(Double(high))), original context \(original)"])
            }
            table.append(["max_pos", "\(c.maxPositionEmbeddings)"])
            table.append(["tie", c.tieWordEmbeddings ? "true" : "false"])
            table.append(["bias", c.attentionBias ? "true" : "false"])
            table.append(["type", c.modelType])
            if !c.ignoredKeys.isEmpty {
                table.append(["ignored keys", c.ignoredKeys.joined(separator: ", ") + " (config.json keys that do not change the arithmetic)"])
            }
            table.append(["arithmetic", Arithmetic.fingerprint])
        case .remote(let remote):
            table.append(["model", remote.generator.model])
            table.append(["server", remote.url])
            table.append(["kind", "remote OpenAI-compatible completions (sampling only)"])
        }
        return .table(table)
    }
}
