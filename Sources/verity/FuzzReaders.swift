// `verity fuzz --readers N` — seeded-mutation fuzzing of the readers of untrusted files: N mutants
// each of a checkpoint's config.json, tokenizer.json and model.safetensors (through `model load`;
// the safetensors both as bytes and field by field in its header, kept well-formed), a chat template
// (parsed and rendered),
// a JSONL data set (`data load`), a Markdown notebook (the notebook parser; Verity writes .ipynb but
// does not read it),
// and a completions server's reply (the reply parser). Mutants come from valid files made on the
// spot: bytes flipped, inserted, deleted, duplicated or truncated, and numbers swapped for extreme
// ones. The readers run in this process; a crash would end it by its signal, so before each input
// the fuzzer writes it to `failures/current-<reader>` — the file left behind names the culprit.
import Foundation
import Kernels
import Models
import Notebook

struct ReaderFuzz {
    let folder: String
    /// The project's seeded generator (Kernels.RNG), so a seed replays the same mutants.
    private var rng: RNG

    init(folder: String, seed: UInt64) {
        self.folder = folder
        rng = RNG(seed: seed ^ 0xA5A5_5A5A_F00D_BEEF)
    }

    private mutating func next() -> UInt64 { rng.next() }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One to four mutations of `bytes`; `focus` limits most of them to the first bytes (a header).
    mutating func mutate(_ bytes: [UInt8], focus: Int? = nil) -> [UInt8] {
        var out = bytes
        let interesting: [[UInt8]] = ["99999999999999999999", "-1", "1e308", "\"", "{", "}", "[", "]", ",", ":", "null",
                                      "\u{0}", "\\u0000", "18446744073709551615", "9223372036854775807", "NaN", "0"].map { Array($0.utf8) }
        for _ in 0...below(4) {
            let span = max(1, min(out.count, focus ?? out.count))
            let at = below(span)
            switch below(6) {
            case 0 where !out.isEmpty: out[min(at, out.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
            case 1: out.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: min(at, out.count))
            case 2 where !out.isEmpty: out.removeSubrange(min(at, out.count - 1)..<min(out.count, at + 1 + below(16)))
            case 3 where !out.isEmpty:
                let piece = Array(out[min(at, out.count - 1)..<min(out.count, at + 1 + below(32))])
                out.insert(contentsOf: piece, at: min(below(span), out.count))
            case 4: out.insert(contentsOf: interesting[below(interesting.count)], at: min(at, out.count))
            default: if !out.isEmpty { out.removeSubrange(min(out.count, max(1, at))..<out.count) }
            }
        }
        return out
    }

    /// A safetensors file with one header field changed and the header length kept consistent, so the
    /// mutant reaches the checks behind the JSON parse: a tensor's dtype, a dimension, an offset
    /// (swapped, past the end, overlapping, huge), a tensor dropped or a name duplicated by alias.
    mutating func mutateSafetensorsHeader(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 8 else { return bytes }
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length > 0, 8 + length <= bytes.count,
              var header = (try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)]))) as? [String: Any] else { return bytes }
        let names = header.keys.filter { $0 != "__metadata__" }.sorted()
        guard !names.isEmpty else { return bytes }
        let name = names[below(names.count)]
        guard var entry = header[name] as? [String: Any] else { return bytes }
        let extremes: [Any] = [0, -1, 1 << 40, Int.max, 3, "7"]
        switch below(7) {
        case 0: entry["dtype"] = ["F64", "I64", "BOOL", "F8_E4M3", "X", "BF16", "F16"][below(7)]
        case 1:
            var shape = entry["shape"] as? [Any] ?? []
            if shape.isEmpty { shape = [1] }
            shape[below(shape.count)] = extremes[below(extremes.count)]
            entry["shape"] = below(4) == 0 ? shape + [2] : shape
        case 2:
            var offsets = entry["data_offsets"] as? [Any] ?? [0, 0]
            if offsets.count == 2, below(2) == 0 { offsets.swapAt(0, 1) } else if !offsets.isEmpty { offsets[below(offsets.count)] = extremes[below(extremes.count)] }
            entry["data_offsets"] = offsets
        case 3:
            let other = header[names[below(names.count)]] as? [String: Any]
            entry["data_offsets"] = other?["data_offsets"] ?? [0, 0]   // overlap another tensor
        case 4: header.removeValue(forKey: name); return Self.safetensors(header, data: bytes[(8 + length)...])
        case 5: entry["shape"] = "not a list"
        default: header["__metadata__"] = ["format": extremes[below(extremes.count)]]
        }
        header[name] = entry
        return Self.safetensors(header, data: bytes[(8 + length)...])
    }

    static func safetensors(_ header: [String: Any], data: ArraySlice<UInt8>) -> [UInt8] {
        guard let json = try? JSONSerialization.data(withJSONObject: header) else { return [] }
        let n = json.count
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + [UInt8](json) + data
    }

    /// Runs every reader on `count` mutants each; returns (reader, inputs, refused) rows.
    mutating func run(count: Int) throws -> [(String, Int, Int)] {
        let base = folder + "/readers"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let session = Session(seed: 1)
        session.cancellationRequested = { false }
        for line in ["task arithmetic op=add digits=1 train=20 test=5", "model new layers=1 dim=16 heads=2 ffn=32 max_pos=64",
                     "model save \(base)/seed-ckpt", "data save \(base)/seed.jsonl"] {
            _ = try session.execute(line)
        }
        let markdown = Array("# T\n\n```verity\nseed 2\necho \"hi\"\n```\n```output\nseed 2\nhi\n```\n\nText.\n".utf8)
        let reply = Array(#"{"id":"c","object":"text_completion","model":"m","choices":[{"index":0,"text":"<think></think>12","finish_reason":"stop","logprobs":null},{"index":1,"text":"13","finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":7,"total_tokens":11}}"#.utf8)
        var rows: [(String, Int, Int)] = []
        for file in ["config.json", "tokenizer.json", "model.safetensors"] {
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(base)/seed-ckpt/\(file)")))
            var refused = 0
            for _ in 0..<count {
                let mutant = mutate(original, focus: file == "model.safetensors" ? 400 : nil)
                let dir = "\(base)/ckpt"
                try? FileManager.default.removeItem(atPath: dir)
                try FileManager.default.copyItem(atPath: "\(base)/seed-ckpt", toPath: dir)
                try Data(mutant).write(to: URL(fileURLWithPath: "\(dir)/\(file)"))
                try keep(mutant, as: "current-\(file)")
                do { _ = try session.execute("model load \(dir)") } catch { refused += 1 }
            }
            rows.append(("model load (\(file))", count, refused))
        }
        let weights = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(base)/seed-ckpt/model.safetensors")))
        var headerRefused = 0
        for _ in 0..<count {
            let mutant = mutateSafetensorsHeader(weights)
            let dir = "\(base)/ckpt"
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.copyItem(atPath: "\(base)/seed-ckpt", toPath: dir)
            try Data(mutant).write(to: URL(fileURLWithPath: "\(dir)/model.safetensors"))
            try keep(mutant, as: "current-header-model.safetensors")
            do { _ = try session.execute("model load \(dir)") } catch { headerRefused += 1 }
        }
        rows.append(("model load (safetensors header fields)", count, headerRefused))
        // A chat template (tokenizer_config.json is a shared file): parse and render each mutant.
        let template = Array(ChatTemplateSample.qwen.utf8)
        var templateRefused = 0
        for _ in 0..<count {
            let mutant = mutate(template)
            try keep(mutant, as: "current-chat-template.jinja")
            do {
                guard let text = String(bytes: mutant, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
                _ = try ChatTemplate(text).render([ChatMessage(role: "system", content: "s"), ChatMessage(role: "user", content: "1+1=")])
            } catch { templateRefused += 1 }
        }
        rows.append(("chat template", count, templateRefused))
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(base)/seed.jsonl")))
        var refused = 0
        for _ in 0..<count {
            let mutant = mutate(data)
            try Data(mutant).write(to: URL(fileURLWithPath: "\(base)/data.jsonl"))
            try keep(mutant, as: "current-data.jsonl")
            do { _ = try session.execute("data load \(base)/data.jsonl") } catch { refused += 1 }
        }
        rows.append(("data load (JSONL)", count, refused))
        for (name, original) in [("notebook.md", markdown)] {
            refused = 0
            for _ in 0..<count {
                let mutant = mutate(original)
                try keep(mutant, as: "current-\(name)")
                do {
                    guard let text = String(bytes: mutant, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
                    _ = try NotebookDocument.parse(text, path: name)
                } catch { refused += 1 }
            }
            rows.append(("notebook (\(name))", count, refused))
        }
        refused = 0
        for _ in 0..<count {
            let mutant = mutate(reply)
            try keep(mutant, as: "current-reply.json")
            do {
                _ = try parseCompletionsReply(mutant, url: "http://fuzz", prompts: ["1+2="], samples: 2, stopStrings: ["\n"])
            } catch { refused += 1 }
        }
        rows.append(("completions reply", count, refused))
        try? FileManager.default.removeItem(atPath: base)
        return rows
    }

    private func keep(_ bytes: [UInt8], as name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/failures/" + name))
    }
}

/// A ChatML template with loops, tests, filters and a namespace: the seed the chat-template mutants grow from.
enum ChatTemplateSample {
    static let qwen = """
    {%- set ns = namespace(n=0) %}
    {%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\n' + messages[0]['content'] | trim + '<|im_end|>\n' }}
    {%- else %}{{- '<|im_start|>system\nDefault.<|im_end|>\n' }}{%- endif %}
    {%- for message in messages[1:] if message.role != 'tool' %}{% set ns.n = ns.n + 1 %}
        {{- '<|im_start|>' ~ message.role ~ '\n' ~ message.content ~ '<|im_end|>\n' }}
    {%- endfor %}
    {%- if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% if ns.n is odd %}{{ {'k': [1, 2.5, none]} | tojson }}{% endif %}{% endif %}
    """
}
