// Attention — causal grouped-query self-attention, training form (a batch of B right-padded rows
// of length T, every position attends to positions ≤ itself) and decode form (one query row
// against a KV cache). Head h reads kv head h / (H / KVH).
//
// Right padding needs no mask: a real position never attends to a later (padded) one, and padded
// positions' outputs receive zero gradient because their targets are ignored.

/// Shape of one attention call.
public struct AttentionShape: Sendable {
    public var batch: Int       // B
    public var length: Int      // T
    public var heads: Int       // H
    public var kvHeads: Int     // KVH (divides H)
    public var headDim: Int     // hd
    /// Floats between consecutive rows of q (and dq); H·hd unless q lives in a fused qkv buffer.
    public var qRowStride: Int
    /// Floats between consecutive rows of k, v (and dk, dv); KVH·hd unless fused.
    public var kvRowStride: Int
    public init(batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int,
                qRowStride: Int? = nil, kvRowStride: Int? = nil) {
        self.batch = batch; self.length = length; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.qRowStride = qRowStride ?? heads * headDim
        self.kvRowStride = kvRowStride ?? kvHeads * headDim
    }
    var qDim: Int { heads * headDim }
    var kvDim: Int { kvHeads * headDim }
}

/// out[B·T, H·hd] = softmax(Q·Kᵀ/√hd, causal)·V per (row, head); probs[B,H,T,T] saved for backward.
/// q: [B·T, H·hd]; k, v: [B·T, KVH·hd] (rows `qRowStride` / `kvRowStride` apart); out rows are
/// contiguous. Work is split over (row, kv head) units across threads.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             shape s: AttentionShape) {
    let T = s.length, hd = s.headDim, C = s.qDim, QS = s.qRowStride, KS = s.kvRowStride
    let group = s.heads / s.kvHeads
    let scale = 1 / Float(hd).squareRoot()
    Threading.parallelFor(s.batch * s.kvHeads) { start, end in
        for unit in start..<end {
            let b = unit / s.kvHeads, g = unit % s.kvHeads
            let kb = k + b * T * KS + g * hd, vb = v + b * T * KS + g * hd
            for h in (g * group)..<((g + 1) * group) {
                let qb = q + b * T * QS + h * hd
                let p = probs + (b * s.heads + h) * T * T
                // scores[T,T] = scale · Q_bh[T,hd] · K_bg[T,hd]ᵀ
                sgemm(transA: false, transB: true, m: T, n: T, k: hd, alpha: scale, a: qb, lda: QS,
                      b: kb, ldb: KS, beta: 0, c: p, ldc: T)
                for t in 0..<T {
                    let row = p + t * T
                    softmaxForward(out: row, inp: row, count: t + 1)
                    for s2 in (t + 1)..<T { row[s2] = 0 }
                }
                // out_bh[T,hd] = P[T,T] · V_bg[T,hd]
                sgemm(transA: false, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: vb, ldb: KS,
                      beta: 0, c: out + b * T * C + h * hd, ldc: C)
            }
        }
    }
}

/// Backward of `attentionForward`, with dq / dk / dv rows laid out like q / k / v. Overwrites dq;
/// overwrites dk and dv (each kv head's gradient is the sum over its query heads, accumulated by
/// one thread).
public func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                              dv: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              probs: UnsafePointer<Float>, q: UnsafePointer<Float>,
                              k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape s: AttentionShape) {
    let T = s.length, hd = s.headDim, C = s.qDim, QS = s.qRowStride, KS = s.kvRowStride
    let group = s.heads / s.kvHeads
    let scale = 1 / Float(hd).squareRoot()
    Threading.parallelFor(s.batch * s.kvHeads) { start, end in
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
        defer { dp.deallocate() }
        for unit in start..<end {
            let b = unit / s.kvHeads, g = unit % s.kvHeads
            let kb = k + b * T * KS + g * hd, vb = v + b * T * KS + g * hd
            let dkb = dk + b * T * KS + g * hd, dvb = dv + b * T * KS + g * hd
            for h in (g * group)..<((g + 1) * group) {
                let qb = q + b * T * QS + h * hd
                let dob = dOut + b * T * C + h * hd
                let p = probs + (b * s.heads + h) * T * T
                let first = h == g * group
                // dV_bg[T,hd] (+)= P[T,T]ᵀ · dO_bh[T,hd]
                sgemm(transA: true, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: dob, ldb: C,
                      beta: first ? 0 : 1, c: dvb, ldc: KS)
                // dP[T,T] = dO_bh · V_bgᵀ
                sgemm(transA: false, transB: true, m: T, n: T, k: hd, a: dob, lda: C, b: vb, ldb: KS,
                      beta: 0, c: dp, ldc: T)
                // dS = P ⊙ (dP − Σ_s dP·P) · scale, rows restricted to s ≤ t
                for t in 0..<T {
                    let pr = p + t * T, dr = dp + t * T
                    let n = t + 1
                    let sdot = dot(pr, dr, n)
                    for s2 in 0..<n { dr[s2] = pr[s2] * (dr[s2] - sdot) * scale }
                    for s2 in n..<T { dr[s2] = 0 }
                }
                // dQ_bh[T,hd] = dS · K_bg
                sgemm(transA: false, transB: false, m: T, n: hd, k: T, a: dp, lda: T, b: kb, ldb: KS,
                      beta: 0, c: dq + b * T * QS + h * hd, ldc: QS)
                // dK_bg[T,hd] (+)= dSᵀ · Q_bh
                sgemm(transA: true, transB: false, m: T, n: hd, k: T, a: dp, lda: T, b: qb, ldb: QS,
                      beta: first ? 0 : 1, c: dkb, ldc: KS)
            }
        }
    }
}

/// Decode form: one query row (all H heads, [H·hd]) at position `pos` attends to cached keys and
/// values [0...pos] (cache rows of KVH·hd floats). `scores` is scratch of at least H·(pos+1)
/// floats. Streams each cache row once for all heads (SIMD dot/axpy; per-head sgemv calls cost
/// more in call overhead than in arithmetic at these sizes).
public func attentionDecodeRow(out: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
                               keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
                               pos: Int, heads: Int, kvHeads: Int, headDim hd: Int,
                               scores: UnsafeMutablePointer<Float>) {
    let KV = kvHeads * hd
    let group = heads / kvHeads
    let scale = 1 / Float(hd).squareRoot()
    let n = pos + 1
    // scores[h, s] = scale · q_h · k_s,g(h)
    for s in 0..<n {
        let krow = keyCache + s * KV
        for h in 0..<heads {
            scores[h * n + s] = dot(q + h * hd, krow + (h / group) * hd, hd) * scale
        }
    }
    for h in 0..<heads { softmaxForward(out: scores + h * n, inp: scores + h * n, count: n) }
    // out_h = Σ_s p[h, s] · v_s,g(h)
    out.update(repeating: 0, count: heads * hd)
    for s in 0..<n {
        let vrow = valueCache + s * KV
        for h in 0..<heads {
            axpy(scores[h * n + s], vrow + (h / group) * hd, out + h * hd, hd)
        }
    }
}
