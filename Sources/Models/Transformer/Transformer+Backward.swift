// Transformer+Backward — gradients of Σ_t dLogprob_t · logprob_t + dEntropy_t · entropy_t with
// respect to every parameter, accumulated into `gradients`, from the activations of the last
// `forward`. The layer order mirrors Transformer+Forward in reverse.
import Kernels

extension Transformer {
    /// Accumulates parameter gradients of L = Σ_t dLogprob[t]·logprob[t] + dEntropy[t]·entropy[t]
    /// (B·T entries each; ignored positions are skipped) using the last `forward`'s activations.
    /// Each forward supports one backward; call `zeroGradients()` between optimizer steps.
    public func backward(dLogprob: [Float], dEntropy: [Float]?) throws {
        guard let s = runState, s.backwardReady, !s.logitHead else {
            throw ModelError("backward needs a preceding forward(_:) on this model (and runs once per forward)")
        }
        let B = s.rows, T = s.length, N = B * T
        guard dLogprob.count == N else {
            throw ModelError("backward: dLogprob has \(dLogprob.count) entries, the last forward had \(B)×\(T) = \(N) positions")
        }
        if let dEntropy, dEntropy.count != N {
            throw ModelError("backward: dEntropy has \(dEntropy.count) entries, the last forward had \(B)×\(T) = \(N) positions")
        }
        s.backwardReady = false
        let V = config.vocabSize
        let M = s.headRows.count
        let invT = s.invTemperature

        // Head: logits → dlogits in place, then dxf rows and d lm_head.
        s.rowStats.withUnsafeBufferPointer { stats in
            s.headRows.withUnsafeBufferPointer { rows in
                s.targets.withUnsafeBufferPointer { tg in
                    let logits = s.logits.pointer
                    Threading.parallelFor(M, minimumPerWorker: 16) { a, b in
                        for r in a..<b {
                            let n = rows[r]
                            logSoftmaxGatherBackward(logitsToGrad: logits + r * V, count: V, target: Int(tg[n]),
                                                     invTemperature: invT, row: stats[r], dLogprob: dLogprob[n],
                                                     dEntropy: dEntropy?[n] ?? 0)
                        }
                    }
                }
            }
        }
        backwardFromLogitGradients(s)
    }

    /// Logits of `rows` (flat positions of `batch`), [rows.count, V] row-major, keeping the
    /// activations for one following `backward(dLogits:)`. For heads read straight off the logits
    /// (a value head is one logit: see `ValueModel`).
    public func forwardLogits(_ batch: TokenBatch, rows: [Int]) throws -> [Float] {
        let N = batch.inputs.count
        guard rows.count <= N else { throw ModelError("forwardLogits: \(rows.count) rows for a batch of \(N) positions") }
        if let bad = rows.first(where: { $0 < 0 || $0 >= N }) {
            throw ModelError("forwardLogits: position \(bad) lies outside the batch's \(N) positions")
        }
        let s = try trunkForward(batch, headRows: rows)
        s.logitHead = true
        s.backwardReady = true
        return Array(UnsafeBufferPointer(start: s.logits.pointer, count: rows.count * config.vocabSize))
    }

    /// Accumulates parameter gradients of L = Σ dLogits ⊙ logits for the rows of the last
    /// `forwardLogits` (dLogits is [rows.count, V], as its result).
    public func backward(dLogits: [Float]) throws {
        guard let s = runState, s.backwardReady, s.logitHead else {
            throw ModelError("backward(dLogits:) needs a preceding forwardLogits(_:rows:) on this model (and runs once per forward)")
        }
        let count = s.headRows.count * config.vocabSize
        guard dLogits.count == count else {
            throw ModelError("backward: dLogits has \(dLogits.count) entries, the last forwardLogits had \(s.headRows.count)×\(config.vocabSize) = \(count)")
        }
        s.backwardReady = false
        s.logitHead = false
        dLogits.withUnsafeBufferPointer { s.logits.pointer.update(from: $0.baseAddress!, count: count) }
        backwardFromLogitGradients(s)
    }

    /// Everything below the head: from dlogits (in `s.logits`) to every parameter's gradient.
    private func backwardFromLogitGradients(_ s: RunState) {
        let B = s.rows, T = s.length, N = B * T
        let C = config.hiddenSize, KV = config.kvDim, F = config.intermediateSize, V = config.vocabSize
        let H = config.numAttentionHeads, KVH = config.numKeyValueHeads, hd = config.headDim
        let L = config.numHiddenLayers
        let w = paramBuffer.baseAddress!, gw = gradBuffer.baseAddress!
        let M = s.headRows.count
        // dxfRows[M,C] = dlogits[M,V] · Wlm[V,C]; dWlm += dlogitsᵀ · xfRows. xfRows is overwritten
        // by its gradient after dWlm is formed, so compute dWlm first.
        sgemm(transA: true, transB: false, m: V, n: C, k: M, a: s.logits.pointer, lda: V, b: s.xfRows.pointer, ldb: C,
              beta: 1, c: gw + layout.lmHead, ldc: C)
        sgemm(transA: false, transB: false, m: M, n: C, k: V, a: s.logits.pointer, lda: V, b: w + layout.lmHead, ldb: C,
              beta: 0, c: s.xfRows.pointer, ldc: C)
        let dxf = s.dxn.pointer
        dxf.update(repeating: 0, count: N * C)
        for (r, n) in s.headRows.enumerated() {
            (dxf + n * C).update(from: s.xfRows.pointer + r * C, count: C)
        }
        let dx = s.dResid.pointer
        dx.update(repeating: 0, count: N * C)
        rmsnormBackward(dInp: dx, dWeight: gw + layout.finalNorm, dOut: dxf, inp: s.resid.pointer + L * N * C,
                        weight: w + layout.finalNorm, rstd: s.rstdF.pointer, rows: N, channels: C)

        let QKV = C + 2 * KV
        let shape = AttentionShape(batch: B, length: T, heads: H, kvHeads: KVH, headDim: hd,
                                   qRowStride: QKV, kvRowStride: QKV)
        let dqkv = s.dqkv.pointer
        for l in stride(from: L - 1, through: 0, by: -1) {
            let o = layout.layers[l]
            let x = s.resid.pointer + l * N * C
            let xn1 = s.xn1.pointer + l * N * C, xn2 = s.xn2.pointer + l * N * C
            let qkv = s.qkv.pointer + l * N * QKV
            let att = s.attOut.pointer + l * N * C, mid = s.mid.pointer + l * N * C
            let gu = s.gateUp.pointer + l * N * 2 * F, h = s.hidden.pointer + l * N * F
            let dxn = s.dxn.pointer
            // MLP block. dx holds dL/d(out) = dL/d(mid) through the residual, plus the MLP path.
            linearBackward(dInp: s.dHidden.pointer, dWeight: gw + o.wDown, dBias: nil, dOut: dx, inp: h,
                           weight: w + o.wDown, rows: N, inFeatures: F, outFeatures: C)
            swigluFusedBackward(dGateUp: s.dGateUp.pointer, dOut: s.dHidden.pointer, gateUp: gu, rows: N, width: F)
            // Fused gate|up: dxn = dgu · [Wg; Wu], d[Wg; Wu] += dguᵀ · xn2.
            linearBackward(dInp: dxn, dWeight: gw + o.wGate, dBias: nil, dOut: s.dGateUp.pointer, inp: xn2,
                           weight: w + o.wGate, rows: N, inFeatures: C, outFeatures: 2 * F)
            rmsnormBackward(dInp: dx, dWeight: gw + o.postNorm, dOut: dxn, inp: mid, weight: w + o.postNorm,
                            rstd: s.rstd2.pointer + l * N, rows: N, channels: C)
            // Attention block. dx now holds dL/d(mid) = dL/d(x) through the residual + attention path.
            linearBackward(dInp: s.dAtt.pointer, dWeight: gw + o.wo, dBias: nil, dOut: dx, inp: att,
                           weight: w + o.wo, rows: N, inFeatures: C, outFeatures: C)
            attentionBackward(dq: dqkv, dk: dqkv + C, dv: dqkv + C + KV, dOut: s.dAtt.pointer,
                              probs: s.probs.pointer + l * B * H * T * T, q: qkv, k: qkv + C, v: qkv + C + KV,
                              shape: shape)
            ropeRows(dqkv, rows: N, length: T, heads: H, headDim: hd, rowStride: QKV, table: rope, inverse: true)
            ropeRows(dqkv + C, rows: N, length: T, heads: KVH, headDim: hd, rowStride: QKV, table: rope, inverse: true)
            // Fused q|k|v: dxn = dqkv · [Wq; Wk; Wv], d[Wq; Wk; Wv] += dqkvᵀ · xn1, d[bq; bk; bv] += Σ dqkv.
            linearBackward(dInp: dxn, dWeight: gw + o.wq, dBias: o.bq >= 0 ? gw + o.bq : nil, dOut: dqkv,
                           inp: xn1, weight: w + o.wq, rows: N, inFeatures: C, outFeatures: QKV)
            rmsnormBackward(dInp: dx, dWeight: gw + o.inputNorm, dOut: dxn, inp: x, weight: w + o.inputNorm,
                            rstd: s.rstd1.pointer + l * N, rows: N, channels: C)
        }
        s.inputs.withUnsafeBufferPointer { ids in
            embeddingBackward(dTable: gw + layout.embed, dOut: dx, tokens: ids.baseAddress!, count: N, channels: C)
        }
    }
}
