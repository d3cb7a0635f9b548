// Benchmark — the engine's speed on the three reference configurations (tiny, small, s15m):
// training tokens/s for forward + backward + AdamW, KV-cache sampling tokens/s at B = 1, 16, 64,
// and the sgemm 2048² GFLOP/s of the same run as a yardstick for the machine's state.
// Returns values only; `verity bench` formats them. bench/torch_reference.py measures the same
// quantities with the same definitions in PyTorch.
import Dispatch
import Kernels

/// One benchmarked model shape.
public struct BenchmarkCase: Sendable, Equatable {
    /// Short name shown in the table.
    public var name: String
    public var config: TransformerConfig
    /// Training sequence length T.
    public var length: Int
    /// Training batch B.
    public var batch: Int

    public init(name: String, config: TransformerConfig, length: Int, batch: Int) {
        self.name = name; self.config = config; self.length = length; self.batch = batch
    }

    /// vocab 32, dim 128, 4 layers, 4 heads, ffn 512, T 64, B 64.
    public static let tiny = BenchmarkCase(name: "tiny", config: TransformerConfig(
        vocabSize: 32, hiddenSize: 128, intermediateSize: 512, numHiddenLayers: 4, numAttentionHeads: 4), length: 64, batch: 64)
    /// vocab 32, dim 256, 6 layers, 8 heads, ffn 1024, T 128, B 32.
    public static let small = BenchmarkCase(name: "small", config: TransformerConfig(
        vocabSize: 32, hiddenSize: 256, intermediateSize: 1024, numHiddenLayers: 6, numAttentionHeads: 8), length: 128, batch: 32)
    /// llama2.c's stories15M shape: vocab 32000, dim 288, 6 layers, 6 heads, ffn 768, T 256, B 8.
    public static let s15m = BenchmarkCase(name: "s15m", config: TransformerConfig(
        vocabSize: 32000, hiddenSize: 288, intermediateSize: 768, numHiddenLayers: 6, numAttentionHeads: 6,
        numKeyValueHeads: 6), length: 256, batch: 8)
    /// The three cases of the engine issue, in order.
    public static let standard: [BenchmarkCase] = [.tiny, .small, .s15m]
}

/// Measurements for one case.
public struct BenchmarkRow: Sendable, Equatable {
    public var name: String
    public var parameters: Int
    /// B·T tokens per second of forward + backward + gradient clipping + AdamW update (0: not run).
    public var trainingTokensPerSecond: Double
    /// B·T tokens per second if a training step were only its weight products (the 3 GEMMs per
    /// linear layer and the head, same shapes and threading): the bound OpenBLAS sets (0: not run).
    public var gemmBoundTokensPerSecond: Double = 0
    /// Sampling batch size → generated tokens per second (prefill of a 1-token prompt included;
    /// each sequence generates T − 1 tokens at temperature 1 with no stop token).
    public var samplingTokensPerSecond: [Int: Double]
    /// Sampling batch size → tokens/s of decoding's weight products alone (`decodeGemmBoundTokensPerSecond`).
    public var samplingBoundTokensPerSecond: [Int: Double] = [:]
}

/// A whole benchmark run.
public struct BenchmarkReport: Sendable, Equatable {
    public var rows: [BenchmarkRow]
    /// sgemm 2048×2048×2048 GFLOP/s measured in the same run (median of 5).
    public var sgemmGFLOPS: Double
    /// Threads used (OpenBLAS and Verity's own loops).
    public var threads: Int
}

/// Monotonic seconds.
@inline(__always) func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Median GFLOP/s of `repeats` sgemm calls on n×n matrices.
public func measureSgemm(n: Int = 2048, repeats: Int = 5) -> Double {
    var rng = RNG(seed: 1)
    let a = (0..<(n * n)).map { _ in rng.uniform() - 0.5 }
    let b = (0..<(n * n)).map { _ in rng.uniform() - 0.5 }
    var c = [Float](repeating: 0, count: n * n)
    var rates: [Double] = []
    for _ in 0..<repeats {
        let t0 = now()
        c.withUnsafeMutableBufferPointer { cp in
            sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0,
                  c: cp.baseAddress!, ldc: n)
        }
        rates.append(2 * Double(n) * Double(n) * Double(n) / (now() - t0) * 1e-9)
    }
    return rates.sorted()[rates.count / 2]
}

/// The weight products of one model shape: every linear layer (fused q|k|v, o, fused gate|up,
/// down) and the head, with distinct seeded weights (so caches behave as in the model) and `rows`
/// input rows, run through the same `linearForward` / `linearBackward` as `Transformer`.
final class WeightProducts {
    let linears: [(i: Int, o: Int)]
    let offsets: [Int]
    let rows: Int
    let x, out, w, dw: UnsafeMutablePointer<Float>
    /// The linears repacked for `exactRows` when `rows` is not a whole number of tiles.
    var packed: [PackedProjection] = []

    init(_ cfg: TransformerConfig, rows: Int) {
        let C = cfg.hiddenSize, F = cfg.intermediateSize
        var linears: [(i: Int, o: Int)] = []
        for _ in 0..<cfg.numHiddenLayers { linears += [(C, C + 2 * cfg.kvDim), (C, C), (C, 2 * F), (F, C)] }
        linears.append((C, cfg.vocabSize))
        var offsets = [0]
        for (i, o) in linears { offsets.append((offsets.last ?? 0) + i * o) }
        self.linears = linears
        self.offsets = offsets
        self.rows = rows
        let widest = linears.map { max($0.i, $0.o) }.max() ?? 1
        let total = offsets.last ?? 0
        x = .allocate(capacity: rows * widest)
        out = .allocate(capacity: rows * widest)
        w = .allocate(capacity: total)
        dw = .allocate(capacity: total)
        var rng = RNG(seed: 3)
        for j in 0..<(rows * widest) { x[j] = rng.uniform() - 0.5 }
        for j in 0..<total { w[j] = rng.uniform() - 0.5 }
        out.initialize(repeating: 0, count: rows * widest)
        dw.initialize(repeating: 0, count: total)
        // Rows past the last full tile decode through the exact few-row kernel, as sampling does.
        let wp = UnsafePointer(w)
        packed = rows % rowTile != 0 && ExactRows.available
            ? linears.enumerated().map { j, l in PackedProjection(weight: wp + offsets[j], n: l.o, k: l.i, layout: .outIn) }
            : []
    }

    deinit { x.deallocate(); out.deallocate(); w.deallocate(); dw.deallocate() }

    /// One forward product per layer, in order.
    func forward() {
        for (j, (i, o)) in linears.enumerated() {
            linearForward(out: out, inp: x, weight: w + offsets[j], bias: nil, rows: rows, inFeatures: i, outFeatures: o,
                          packed: packed.isEmpty ? nil : packed[j])
        }
    }

    /// Both backward products per layer (input and weight gradients), in reverse order.
    func backward() {
        for (j, (i, o)) in linears.enumerated().reversed() {
            linearBackward(dInp: out, dWeight: dw + offsets[j], dBias: nil, dOut: x, inp: x,
                           weight: w + offsets[j], rows: rows, inFeatures: i, outFeatures: o)
        }
    }

    /// Seconds of the fastest of `repeats` runs of `body` (after one warm-up run).
    static func bestTime(repeats: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let t0 = now()
            body()
            best = min(best, now() - t0)
        }
        return best
    }
}

/// Tokens/s of a training step's weight products alone (forward and both backward products of
/// every linear layer and the head, best of `repeats`). Attention, norms, activations and the
/// optimizer are left out, so this bounds what any schedule around OpenBLAS can reach.
public func gemmBoundTokensPerSecond(_ c: BenchmarkCase, repeats: Int = 3) -> Double {
    let products = WeightProducts(c.config, rows: c.batch * c.length)
    let best = WeightProducts.bestTime(repeats: repeats) {
        products.forward()
        products.backward()
    }
    return Double(products.rows) / best
}

/// Tokens/s of batched decoding's weight products alone at batch `b` (T − 1 steps of one forward
/// product per linear layer and the head, best of `repeats`). Attention over the cache, norms,
/// sampling and bookkeeping are left out: the bound OpenBLAS sets on decoding throughput.
public func decodeGemmBoundTokensPerSecond(_ c: BenchmarkCase, batch b: Int, repeats: Int = 3) -> Double {
    let products = WeightProducts(c.config, rows: b)
    let steps = max(1, c.length - 1)
    let best = WeightProducts.bestTime(repeats: repeats) {
        for _ in 0..<steps { products.forward() }
    }
    return Double(b * steps) / best
}

/// Runs the benchmark. `trainingSteps` timed steps follow one warm-up step; sampling runs once per
/// batch size after a short warm-up. `progress` receives a line per measurement.
public func runBenchmark(cases: [BenchmarkCase] = BenchmarkCase.standard, trainingSteps: Int = 3,
                         samplingBatches: [Int] = [1, 16, 64], progress: (String) -> Void = { _ in },
                         isCancelled: () -> Bool = { false }) throws -> BenchmarkReport {
    let gflops = measureSgemm()
    progress("sgemm 2048²: \(Int(gflops)) GFLOP/s")
    var rows: [BenchmarkRow] = []
    for c in cases {
        if isCancelled() { throw CancellationError() }
        let model = try Transformer(config: c.config, seed: 1)
        var rng = RNG(seed: 2)
        let V = c.config.vocabSize
        let seqs = (0..<c.batch).map { _ in (0...c.length).map { _ in rng.int(below: V) } }
        let batch = try TokenBatch(sequences: seqs)
        // torch.optim.AdamW(lr=1e-4) with its defaults, as bench/torch_reference.py runs it.
        let opt = try AdamW(model: model, config: AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01))
        let n = Float(batch.targetCount)
        let dl = batch.targets.map { $0 >= 0 ? -1 / n : Float(0) }
        func step() throws {
            _ = try model.forward(batch)
            model.zeroGradients()
            try model.backward(dLogprob: dl, dEntropy: nil)
            model.clipGradientNorm(maxNorm: 1)
            try opt.update(model, learningRate: 1e-4)
        }
        var train = 0.0, bound = 0.0
        if trainingSteps > 0 {
            try step()
            let t0 = now()
            for _ in 0..<trainingSteps {
                if isCancelled() { throw CancellationError() }
                try step()
            }
            train = Double(c.batch * c.length * trainingSteps) / (now() - t0)
            progress("\(c.name): training \(Int(train)) tok/s")
            bound = gemmBoundTokensPerSecond(c)
            progress("\(c.name): weight products alone \(Int(bound)) tok/s")
        }
        var sampling: [Int: Double] = [:], samplingBound: [Int: Double] = [:]
        let controls = DecodeControls(sampling: GenerationOptions(maxNewTokens: c.length - 1, temperature: 1))
        _ = try model.generate(prompts: [[1]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 4)), rng: &rng)
        for b in samplingBatches {
            if isCancelled() { throw CancellationError() }
            let prompts = [[Int]](repeating: [1], count: b)
            let t1 = now()
            let out = try model.generate(prompts: prompts, controls: controls, rng: &rng, isCancelled: isCancelled)
            let tokens = out.reduce(0) { $0 + $1.tokens.count }
            sampling[b] = Double(tokens) / (now() - t1)
            progress("\(c.name): sampling B=\(b) \(Int(sampling[b] ?? 0)) tok/s")
            samplingBound[b] = decodeGemmBoundTokensPerSecond(c, batch: b)
            progress("\(c.name): decoding's weight products alone at B=\(b) \(Int(samplingBound[b] ?? 0)) tok/s")
        }
        rows.append(BenchmarkRow(name: c.name, parameters: model.parameterCount, trainingTokensPerSecond: train,
                                 gemmBoundTokensPerSecond: bound,
                                 samplingTokensPerSecond: sampling, samplingBoundTokensPerSecond: samplingBound))
    }
    return BenchmarkReport(rows: rows, sgemmGFLOPS: gflops, threads: Threading.threads)
}

