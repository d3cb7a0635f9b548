// A Verity model as one GGUF file that llama.cpp (and so Ollama and llama-cpp-python) loads: the
// weights in float32 under llama.cpp's tensor names, the hyper-parameters under its metadata keys,
// and the tokenizer in the form llama.cpp tokenizes the same way Verity does.
//
// - Architecture "llama" for Llama checkpoints, "qwen2" for Qwen2 ones. llama.cpp's "llama" rotates
//   adjacent pairs of a head's values, Hugging Face's rotate_half the two halves; so, as llama.cpp's
//   own converter does, the rows of each q and k head are interleaved (first half, second half →
//   pairs). "qwen2" rotates halves, as Verity does, and takes the weights unchanged.
// - RoPE: θ as `rope.freq_base`; linear scaling as `rope.scaling.type/factor`; Llama 3.1 scaling as a
//   `rope_freqs.weight` tensor of per-frequency divisors (plain ÷ scaled inverse frequency).
// - Character tokenizers become a SentencePiece-style vocabulary ("llama"): with no multi-character
//   entries nothing merges, so each character is its own token; space is written as "▁" because
//   llama.cpp escapes spaces before looking pieces up. `<bos>`/`<eos>`/`<pad>` are control tokens;
//   the other specials (`<think>`, `</think>`) user-defined ones, which llama.cpp matches in text
//   and prints back as text — as Verity's tokenizer does.
// - Byte-level BPE tokenizers become "gpt2" with their merges and the pre-tokenizer llama.cpp names
//   for the split pattern ("gpt-2", "llama-bpe", "qwen2"). An NFC normalizer is not represented
//   (llama.cpp does not normalize); text already in NFC tokenizes the same.
// - Word-level and ids-only tokenizers have no GGUF form here: saving them is an error.

import Foundation
import Kernels

extension Checkpoint {
    /// The GGUF file for a model: `config`, its `tensors` (Hugging Face names), `tokenizer`, an
    /// optional chat template (written as `tokenizer.chat_template`) and a display `name`.
    public static func gguf(config: TransformerConfig, tensors: [String: Tensor], tokenizer: any Tokenizer,
                            chatTemplate: String?, name: String) throws(ModelError) -> GGUFWriter {
        let arch: String
        switch config.modelType {
        case "llama": arch = "llama"
        case "qwen2": arch = "qwen2"
        default: throw ModelError("GGUF export supports model types llama and qwen2, not \(config.modelType)")
        }
        var file = GGUFWriter()
        try file.add("general.architecture", .string(arch))
        try file.add("general.name", .string(name))
        try file.add("general.file_type", .uint32(0))   // all float32
        try file.add("\(arch).vocab_size", .uint32(UInt32(config.vocabSize)))
        try file.add("\(arch).context_length", .uint32(UInt32(config.maxPositionEmbeddings)))
        try file.add("\(arch).embedding_length", .uint32(UInt32(config.hiddenSize)))
        try file.add("\(arch).block_count", .uint32(UInt32(config.numHiddenLayers)))
        try file.add("\(arch).feed_forward_length", .uint32(UInt32(config.intermediateSize)))
        try file.add("\(arch).attention.head_count", .uint32(UInt32(config.numAttentionHeads)))
        try file.add("\(arch).attention.head_count_kv", .uint32(UInt32(config.numKeyValueHeads)))
        try file.add("\(arch).rope.dimension_count", .uint32(UInt32(config.headDim)))
        try file.add("\(arch).rope.freq_base", .float32(config.ropeTheta))
        try file.add("\(arch).attention.layer_norm_rms_epsilon", .float32(config.rmsNormEps))
        var ropeFactors: [Float]? = nil
        switch config.ropeScaling {
        case .none: break
        case .linear(let factor):
            try file.add("\(arch).rope.scaling.type", .string("linear"))
            try file.add("\(arch).rope.scaling.factor", .float32(factor))
        case .llama3:
            guard arch == "llama" else { throw ModelError("GGUF export: llama3 rope scaling is only for Llama checkpoints") }
            let plain = RopeScaling.none.inverseFrequencies(headDim: config.headDim, theta: config.ropeTheta)
            let scaled = config.ropeScaling.inverseFrequencies(headDim: config.headDim, theta: config.ropeTheta)
            ropeFactors = zip(plain, scaled).map { $0 / $1 }
        }
        try addTokenizer(tokenizer, vocabularySize: config.vocabSize, to: &file)
        if let chatTemplate { try file.add("tokenizer.chat_template", .string(chatTemplate)) }

        func take(_ hfName: String) throws(ModelError) -> Tensor {
            guard let t = tensors[hfName] else { throw ModelError("GGUF export: the model has no tensor \(hfName)") }
            return t
        }
        func put(_ ggufName: String, _ hfName: String, heads: Int? = nil) throws(ModelError) {
            var t = try take(hfName)
            if let heads, arch == "llama" { t.values = interleaveRotaryHalves(t.values, shape: t.shape, heads: heads) }
            try file.addTensor(ggufName, shape: t.shape, values: t.values)
        }
        if let ropeFactors { try file.addTensor("rope_freqs.weight", shape: [ropeFactors.count], values: ropeFactors) }
        try put("token_embd.weight", "model.embed_tokens.weight")
        for l in 0..<config.numHiddenLayers {
            let hf = "model.layers.\(l).", gg = "blk.\(l)."
            try put(gg + "attn_norm.weight", hf + "input_layernorm.weight")
            try put(gg + "attn_q.weight", hf + "self_attn.q_proj.weight", heads: config.numAttentionHeads)
            try put(gg + "attn_k.weight", hf + "self_attn.k_proj.weight", heads: config.numKeyValueHeads)
            try put(gg + "attn_v.weight", hf + "self_attn.v_proj.weight")
            if config.attentionBias {
                try put(gg + "attn_q.bias", hf + "self_attn.q_proj.bias", heads: config.numAttentionHeads)
                try put(gg + "attn_k.bias", hf + "self_attn.k_proj.bias", heads: config.numKeyValueHeads)
                try put(gg + "attn_v.bias", hf + "self_attn.v_proj.bias")
            }
            try put(gg + "attn_output.weight", hf + "self_attn.o_proj.weight")
            try put(gg + "ffn_norm.weight", hf + "post_attention_layernorm.weight")
            try put(gg + "ffn_gate.weight", hf + "mlp.gate_proj.weight")
            try put(gg + "ffn_up.weight", hf + "mlp.up_proj.weight")
            try put(gg + "ffn_down.weight", hf + "mlp.down_proj.weight")
        }
        try put("output_norm.weight", "model.norm.weight")
        if !config.tieWordEmbeddings { try put("output.weight", "lm_head.weight") }
        return file
    }

    /// Reorders the rows of each head (size d) from halves [x0 … x(d/2−1) | y0 …] to pairs
    /// [x0 y0 x1 y1 …], the layout llama.cpp's adjacent-pair rotation expects; `values` are
    /// row-major with `shape[0]` rows (a bias is one value per row).
    static func interleaveRotaryHalves(_ values: [Float], shape: [Int], heads: Int) -> [Float] {
        let rows = shape[0], columns = values.count / max(rows, 1)
        let d = rows / heads, half = d / 2
        var out = values
        for h in 0..<heads {
            for i in 0..<half {
                for k in 0..<2 {
                    let from = h * d + k * half + i, to = h * d + 2 * i + k
                    for c in 0..<columns { out[to * columns + c] = values[from * columns + c] }
                }
            }
        }
        return out
    }

    /// llama.cpp's token types.
    enum GGUFTokenType: Int32 { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5 }

    /// The `tokenizer.ggml.*` entries; ids past the tokenizer's vocabulary (unused embedding rows)
    /// become unused `[PAD<id>]` tokens so the list has one entry per row.
    static func addTokenizer(_ tokenizer: any Tokenizer, vocabularySize: Int, to file: inout GGUFWriter) throws(ModelError) {
        var tokens: [String] = [], types: [Int32] = []
        var merges: [String]? = nil
        let model: String, pre: String
        let special = tokenizer.special
        let controlIDs = Set([special.bos, special.eos, special.pad].compactMap { $0 })
        if let chars = tokenizer as? CharTokenizer {
            model = "llama"; pre = "default"
            for (id, token) in chars.vocabulary.enumerated() {
                if chars.specialIDs.contains(id) {
                    tokens.append(token)
                    types.append((controlIDs.contains(id) ? GGUFTokenType.control : .userDefined).rawValue)
                } else {
                    guard token != "▁" else {
                        throw ModelError("GGUF export: the vocabulary has the character ▁, which llama.cpp uses for space")
                    }
                    tokens.append(token.replacingOccurrences(of: " ", with: "▁"))
                    types.append(GGUFTokenType.normal.rawValue)
                }
            }
        } else if let bpe = tokenizer as? BPETokenizer {
            model = "gpt2"
            switch bpe.patterns {
            case []: pre = "default"
            case [.gpt2]: pre = "gpt-2"
            case [.llama3]: pre = "llama-bpe"
            case [.qwen2]: pre = "qwen2"
            default: throw ModelError("GGUF export: llama.cpp has no pre-tokenizer for this tokenizer's split patterns")
            }
            if bpe.addPrefixSpace { throw ModelError("GGUF export: a byte-level tokenizer with add_prefix_space has no llama.cpp form") }
            for (id, token) in bpe.tokens.enumerated() {
                guard let token else {
                    tokens.append("[PAD\(id)]"); types.append(GGUFTokenType.unused.rawValue); continue
                }
                tokens.append(token)
                if bpe.addedIDs.contains(id) {
                    let user = id == special.thinkStart || id == special.thinkEnd
                    types.append((user ? GGUFTokenType.userDefined : .control).rawValue)
                } else {
                    types.append(GGUFTokenType.normal.rawValue)
                }
            }
            // llama.cpp ranks merges by their position in the list.
            merges = try bpe.merges.sorted { $0.value.rank < $1.value.rank }.map { (key, _) throws(ModelError) -> String in
                let (a, b) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
                guard a < bpe.tokens.count, b < bpe.tokens.count, let left = bpe.tokens[a], let right = bpe.tokens[b] else {
                    throw ModelError("GGUF export: a merge names an id without a token")
                }
                return left + " " + right
            }
        } else {
            throw ModelError("GGUF export needs a character or byte-level BPE tokenizer; this model's tokenizer has no llama.cpp form")
        }
        guard tokens.count <= vocabularySize else {
            throw ModelError("GGUF export: the tokenizer has \(tokens.count) tokens for \(vocabularySize) embedding rows")
        }
        for id in tokens.count..<vocabularySize { tokens.append("[PAD\(id)]"); types.append(GGUFTokenType.unused.rawValue) }
        try file.add("tokenizer.ggml.model", .string(model))
        try file.add("tokenizer.ggml.pre", .string(pre))
        try file.add("tokenizer.ggml.tokens", .strings(tokens))
        try file.add("tokenizer.ggml.token_type", .int32s(types))
        if let merges {
            guard !merges.isEmpty else { throw ModelError("GGUF export: a byte-level tokenizer without merges has no llama.cpp form") }
            try file.add("tokenizer.ggml.merges", .strings(merges))
        }
        if let bos = special.bos { try file.add("tokenizer.ggml.bos_token_id", .uint32(UInt32(bos))) }
        if let eos = special.eos { try file.add("tokenizer.ggml.eos_token_id", .uint32(UInt32(eos))) }
        if let pad = special.pad { try file.add("tokenizer.ggml.padding_token_id", .uint32(UInt32(pad))) }
        // Verity's plain prompts start with <bos> when the tokenizer has one (encodePrompt), never end with <eos>.
        try file.add("tokenizer.ggml.add_bos_token", .bool(special.bos != nil))
        try file.add("tokenizer.ggml.add_eos_token", .bool(false))
        if model == "llama" { try file.add("tokenizer.ggml.add_space_prefix", .bool(false)) }
    }
}
