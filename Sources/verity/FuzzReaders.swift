// `verity fuzz --readers N` — seeded-mutation fuzzing of the readers of untrusted files: N mutants
// each of a checkpoint's config.json, tokenizer.json and model.safetensors (through `model load`),
// a JSONL data set (`data load`), a Markdown notebook (the notebook parser; Verity writes .ipynb but
// does not read it),
// and a completions server's reply (the reply parser). Mutants come from valid files made on the
// spot: bytes flipped, inserted, deleted, duplicated or truncated, and numbers swapped for extreme
// ones. The readers run in this process; a crash would end it by its signal, so before each input
// the fuzzer writes it to `failures/current-<reader>` — the file left behind names the culprit.
import Foundation
import Models
import Notebook

struct ReaderFuzz {
    let folder: String
    private var state: UInt64

    init(folder: String, seed: UInt64) {
        self.folder = folder
        state = seed ^ 0xA5A5_5A5A_F00D_BEEF
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
