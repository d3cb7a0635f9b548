// Transformer+Forward — the training forward pass over a TokenBatch: embeddings → L × (RMSNorm,
// GQA attention with RoPE, residual, RMSNorm, SwiGLU MLP, residual) → RMSNorm → lm_head →
// per-token log-probs and entropies. Activations are kept in the run state for `backward`.
import Kernels

extension Transformer {
    /// Per-token log-probabilities of the targets and entropies under softmax(logits / temperature),
    /// 0 at ignored positions. Keeps the activations for one following `backward`.
    public func forward(_ batch: TokenBatch, temperature: Float = 1) throws -> ForwardResult {
        guard temperature > 0, temperature.isFinite else {
            throw ModelError("forward temperature must be positive and finite, got \(temperature) (greedy decoding scores with temperature 1)")
        }
        let rows = batch.targets.indices.filter { batch.targets[$0] >= 0 }
        let s = try trunkForward(batch, headRows: rows)
        s.invTemperature = 1 / temperature
        let V = config.vocabSize
        var lp = [Float](repeating: 0, count: batch.inputs.count)
        var ent = [Float](repeating: 0, count: batch.inputs.count)
        s.rowStats = [LogSoftmaxRow](repeating: LogSoftmaxRow(logSumExp: 0, logprob: 0, entropy: 0), count: rows.count)
        let invT = s.invTemperature
        s.rowStats.withUnsafeMutableBufferPointer { stats in
            batch.targets.withUnsafeBufferPointer { tg in
                let logits = s.logits.pointer
                Threading.parallelFor(rows.count, minimumPerWorker: 16) { a, b in
                    for r in a..<b {
                        stats[r] = logSoftmaxGatherForward(logits: logits + r * V, count: V,
                                                           target: Int(tg[rows[r]]), invTemperature: invT)
                    }
                }
            }
        }
        for (r, n) in rows.enumerated() {
            lp[n] = s.rowStats[r].logprob
            ent[n] = s.rowStats[r].entropy
        }
        s.logitHead = false
        s.backwardReady = true
        return ForwardResult(logprobs: lp, entropies: ent)
    }

    /// Raw logits for every position, B·T·V row-major (for tests and scoring).
    public func logits(_ batch: TokenBatch) throws -> [Float] {
        let s = try trunkForward(batch, headRows: Array(0..<batch.inputs.count))
        s.backwardReady = false
        return Array(UnsafeBufferPointer(start: s.logits.pointer, count: batch.inputs.count * config.vocabSize))
    }

    /// Runs embeddings, all layers, the final norm and the head for `headRows` positions,
    /// leaving logits [headRows.count, V] in the run state.
    func trunkForward(_ batch: TokenBatch, headRows: [Int]) throws -> RunState {
        let V = config.vocabSize
        if let bad = batch.inputs.first(where: { Int($0) >= V }) {
            throw ModelError("input token id \(bad) is outside the model's vocabulary 0..<\(V) — was the batch made with another tokenizer?")
        }
        if let bad = batch.targets.first(where: { Int($0) >= V }) {
            throw ModelError("target token id \(bad) is outside the model's vocabulary 0..<\(V) — was the batch made with another tokenizer?")
        }
        let B = batch.rows, T = batch.length, N = B * T
        let C = config.hiddenSize, KV = config.kvDim, F = config.intermediateSize
        let H = config.numAttentionHeads, hd = config.headDim, eps = config.rmsNormEps
        ensureRope(T)
        let s = try runState(rows: B, length: T)
        s.rows = B; s.length = T
        s.inputs = batch.inputs
        s.targets = batch.targets
        s.headRows = headRows
        s.backwardReady = false
        let w = paramBuffer.baseAddress!
        let QKV = C + 2 * KV
        let shape = AttentionShape(batch: B, length: T, heads: H, kvHeads: config.numKeyValueHeads, headDim: hd,
                                   qRowStride: QKV, kvRowStride: QKV)
        batch.inputs.withUnsafeBufferPointer { ids in
            embeddingForward(out: s.resid.pointer, tokens: ids.baseAddress!, table: w + layout.embed, count: N, channels: C)
        }
        for l in 0..<config.numHiddenLayers {
            let o = layout.layers[l]
            let x = s.resid.pointer + l * N * C
            let xn1 = s.xn1.pointer + l * N * C, xn2 = s.xn2.pointer + l * N * C
            let qkv = s.qkv.pointer + l * N * QKV
            let att = s.attOut.pointer + l * N * C, mid = s.mid.pointer + l * N * C
            let gu = s.gateUp.pointer + l * N * 2 * F, h = s.hidden.pointer + l * N * F
            let out = s.resid.pointer + (l + 1) * N * C
            // Attention block.
            rmsnormForward(out: xn1, rstd: s.rstd1.pointer + l * N, inp: x, weight: w + o.inputNorm,
                           rows: N, channels: C, eps: eps)
            // qkv[N, C+2KV] = xn1 · [Wq; Wk; Wv]ᵀ (+ [bq; bk; bv]) in one GEMM.
            linearForward(out: qkv, inp: xn1, weight: w + o.wq, bias: o.bq >= 0 ? w + o.bq : nil,
                          rows: N, inFeatures: C, outFeatures: QKV)
            ropeRows(qkv, rows: N, length: T, heads: H, headDim: hd, rowStride: QKV, table: rope)
            ropeRows(qkv + C, rows: N, length: T, heads: config.numKeyValueHeads, headDim: hd, rowStride: QKV, table: rope)
            attentionForward(out: att, probs: s.probs.pointer + l * B * H * T * T, q: qkv, k: qkv + C, v: qkv + C + KV,
                             shape: shape)
            // mid = x + att·Woᵀ
            mid.update(from: x, count: N * C)
            linearAccumulate(out: mid, inp: att, weight: w + o.wo, rows: N, inFeatures: C, outFeatures: C)
            // MLP block: out = mid + (silu(xn2·Wgᵀ) ⊙ xn2·Wuᵀ)·Wdᵀ
            rmsnormForward(out: xn2, rstd: s.rstd2.pointer + l * N, inp: mid, weight: w + o.postNorm,
                           rows: N, channels: C, eps: eps)
            // gu[N, 2F] = xn2 · [Wg; Wu]ᵀ in one GEMM.
            linearForward(out: gu, inp: xn2, weight: w + o.wGate, bias: nil, rows: N, inFeatures: C, outFeatures: 2 * F)
            swigluFusedForward(out: h, gateUp: gu, rows: N, width: F)
            out.update(from: mid, count: N * C)
            linearAccumulate(out: out, inp: h, weight: w + o.wDown, rows: N, inFeatures: F, outFeatures: C)
        }
        // Final norm over all positions, head over the requested rows only.
        rmsnormForward(out: s.xf.pointer, rstd: s.rstdF.pointer, inp: s.resid.pointer + config.numHiddenLayers * N * C,
                       weight: w + layout.finalNorm, rows: N, channels: C, eps: eps)
        let M = headRows.count
        for (r, n) in headRows.enumerated() {
            (s.xfRows.pointer + r * C).update(from: s.xf.pointer + n * C, count: C)
        }
        linearForward(out: s.logits.pointer, inp: s.xfRows.pointer, weight: w + layout.lmHead, bias: nil,
                      rows: M, inFeatures: C, outFeatures: V)
        return s
    }
}
