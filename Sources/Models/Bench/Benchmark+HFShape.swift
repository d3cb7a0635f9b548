// The benchmark at a real model's shape: Qwen2.5-0.5B (vocab 151936, 896 wide, 24 layers, 14 heads
// with 2 KV heads, FFN 4864, q/k/v biases, tied embeddings; 494M parameters) with random weights —
// saved as a Hugging Face checkpoint and loaded back (time, and resident memory the load adds), then
// KV-cache sampling at the given batch sizes. bench/torch_reference.py --qwen05 DIR measures
// `transformers` on the same folder with the same definitions.

import Foundation
import Kernels

/// What the 0.5B-shape benchmark measured.
public struct HFShapeReport: Sendable {
    public var parameters: Int
    public var saveSeconds: Double
    public var loadSeconds: Double
    /// Resident memory after the load minus before it, in bytes (the weights; gradient pages cost
    /// nothing until a backward pass writes them).
    public var loadResidentBytes: Int
    /// Peak resident memory of the whole process so far, in bytes.
    public var peakResidentBytes: Int
    /// Tokens/s by batch size.
    public var sampling: [Int: Double]
    public var newTokens: Int
    public var directory: String
}

/// The Qwen2.5-0.5B configuration.
public let qwen05Config = TransformerConfig(
    vocabSize: 151_936, hiddenSize: 896, intermediateSize: 4864, numHiddenLayers: 24, numAttentionHeads: 14,
    numKeyValueHeads: 2, rmsNormEps: 1e-6, ropeTheta: 1_000_000, maxPositionEmbeddings: 32_768,
    tieWordEmbeddings: true, attentionBias: true, modelType: "qwen2")

/// Resident memory now (Linux /proc/self/statm), in bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// Peak resident memory of this process (getrusage), in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

/// Builds the 0.5B-shape model, saves it into `directory` (a tokenizer of the right size with one
/// character per id is written beside it, so both engines can load the folder), loads it back, and
/// samples `newTokens` tokens after a one-token prompt at each batch size (temperature 1, no stop).
public func runHFShapeBenchmark(directory: URL, newTokens: Int, batches: [Int], progress: (String) -> Void = { _ in },
                                isCancelled: () -> Bool = { false }) throws -> HFShapeReport {
    let config = qwen05Config
    var parameters = 0
    var t0 = now()
    do {
        let model = try Transformer(config: config, seed: 1)
        parameters = model.parameterCount
        progress("qwen05: \(parameters) parameters built in \(String(format: "%.1f", now() - t0)) s")
        // A tokenizer whose size matches the vocabulary: one Unicode scalar per id (ids only matter here).
        // Code points without canonical equivalents (CJK unified ideographs, then the supplementary
        // private-use planes), so no two are the same Swift string.
        var vocabulary = ["<|endoftext|>"]
        let ranges: [ClosedRange<UInt32>] = [0x4E00...0x9FFF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD]
        for scalar in ranges.joined() where vocabulary.count < config.vocabSize {
            if let u = Unicode.Scalar(scalar) { vocabulary.append(String(u)) }
        }
        let tokenizer = try CharTokenizer(vocabulary: vocabulary, specials: ["<|endoftext|>"])
        t0 = now()
        try Checkpoint.save(to: directory, config: config, tensors: model.tensors(), tokenizer: tokenizer)
    }
    let save = now() - t0
    progress("qwen05: saved in \(String(format: "%.1f", save)) s to \(directory.path)")
    if isCancelled() { throw CancellationError() }
    let before = residentBytes()
    t0 = now()
    let model: Transformer
    do {   // the loaded tensors are copied into the model and freed here
        let contents = try Checkpoint.load(from: directory)
        model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
    }
    let load = now() - t0
    let added = residentBytes() - before
    progress("qwen05: loaded in \(String(format: "%.1f", load)) s, +\(added >> 20) MiB resident")
    var rng = RNG(seed: 2)
    _ = try model.generate(prompts: [[1]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 2)), rng: &rng)
    var sampling: [Int: Double] = [:]
    let controls = DecodeControls(sampling: GenerationOptions(maxNewTokens: newTokens, temperature: 1))
    for b in batches {
        if isCancelled() { throw CancellationError() }
        let t1 = now()
        let out = try model.generate(prompts: [[Int]](repeating: [1], count: b), controls: controls, rng: &rng, isCancelled: isCancelled)
        sampling[b] = Double(out.reduce(0) { $0 + $1.tokens.count }) / (now() - t1)
        progress("qwen05: sampling B=\(b) \(String(format: "%.1f", sampling[b] ?? 0)) tok/s")
    }
    return HFShapeReport(parameters: parameters, saveSeconds: save, loadSeconds: load, loadResidentBytes: added,
                         peakResidentBytes: peakResidentBytes(), sampling: sampling, newTokens: newTokens, directory: directory.path)
}
