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

/// Query rows per block of the training attention. Block i attends keys 0..<(i+1)·block only, so
/// the products skip the all-masked upper-right blocks of every T×T score matrix (at T = 64 a
/// quarter of the work, at T = 128 three eighths) while each product stays large enough for OpenBLAS.
let attentionBlock = 32

/// out[B·T, H·hd] = softmax(Q·Kᵀ/√hd, causal)·V per (row, head); probs[B,H,T,T] saved for backward
/// (zero above the diagonal inside each query block; unspecified past the block's keys). q: [B·T, H·hd]; k, v: [B·T, KVH·hd] (rows `qRowStride` /
/// `kvRowStride` apart); out rows are contiguous. Work is split over (row, kv head) units across
/// threads; within a unit, query blocks of `attentionBlock` rows only meet the keys they can see.
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
                let ob = out + b * T * C + h * hd
                for r0 in stride(from: 0, to: T, by: attentionBlock) {
                    let r1 = min(T, r0 + attentionBlock), rows = r1 - r0, keys = r1
                    // scores[r0..<r1, 0..<keys] = scale · Q_bh[r0..<r1] · K_bg[0..<keys]ᵀ
                    sgemm(transA: false, transB: true, m: rows, n: keys, k: hd, alpha: scale, a: qb + r0 * QS, lda: QS,
                          b: kb, ldb: KS, beta: 0, c: p + r0 * T, ldc: T)
                    // Entries past the block's keys are never read (here or in the backward pass).
                    for t in r0..<r1 {
                        let row = p + t * T
                        softmaxForward(out: row, inp: row, count: t + 1)
                        for s2 in (t + 1)..<keys { row[s2] = 0 }
                    }
                    // out_bh[r0..<r1] = P[r0..<r1, 0..<keys] · V_bg[0..<keys]
                    sgemm(transA: false, transB: false, m: rows, n: hd, k: keys, a: p + r0 * T, lda: T, b: vb, ldb: KS,
                          beta: 0, c: ob + r0 * C, ldc: C)
                }
            }
        }
    }
}

/// Backward of `attentionForward`, with dq / dk / dv rows laid out like q / k / v. Overwrites dq;
/// overwrites dk and dv (each kv head's gradient is the sum over its query heads and query
/// blocks, accumulated by one thread).
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
            for t in 0..<T {
                (dkb + t * KS).update(repeating: 0, count: hd)
                (dvb + t * KS).update(repeating: 0, count: hd)
            }
            for h in (g * group)..<((g + 1) * group) {
                let qb = q + b * T * QS + h * hd
                let dob = dOut + b * T * C + h * hd
                let dqb = dq + b * T * QS + h * hd
                let p = probs + (b * s.heads + h) * T * T
                for r0 in stride(from: 0, to: T, by: attentionBlock) {
                    let r1 = min(T, r0 + attentionBlock), rows = r1 - r0, keys = r1
                    let pb = p + r0 * T, db = dp + r0 * T
                    // dV_bg[0..<keys] += P[r0..<r1, 0..<keys]ᵀ · dO_bh[r0..<r1]
                    sgemm(transA: true, transB: false, m: keys, n: hd, k: rows, a: pb, lda: T, b: dob + r0 * C, ldb: C,
                          beta: 1, c: dvb, ldc: KS)
                    // dP[r0..<r1, 0..<keys] = dO_bh[r0..<r1] · V_bg[0..<keys]ᵀ
                    sgemm(transA: false, transB: true, m: rows, n: keys, k: hd, a: dob + r0 * C, lda: C, b: vb, ldb: KS,
                          beta: 0, c: db, ldc: T)
                    // dS = P ⊙ (dP − Σ_s dP·P) · scale on s ≤ t, 0 on the rest of the block's keys
                    for t in r0..<r1 {
                        let pr = p + t * T, dr = dp + t * T
                        let n = t + 1
                        let sdot = dot(pr, dr, n)
                        for s2 in 0..<n { dr[s2] = pr[s2] * (dr[s2] - sdot) * scale }
                        for s2 in n..<keys { dr[s2] = 0 }
                    }
                    // dQ_bh[r0..<r1] = dS · K_bg[0..<keys]
                    sgemm(transA: false, transB: false, m: rows, n: hd, k: keys, a: db, lda: T, b: kb, ldb: KS,
                          beta: 0, c: dqb + r0 * QS, ldc: QS)
                    // dK_bg[0..<keys] += dSᵀ · Q_bh[r0..<r1]
                    sgemm(transA: true, transB: false, m: keys, n: hd, k: rows, a: db, lda: T, b: qb + r0 * QS, ldb: QS,
                          beta: 1, c: dkb, ldc: KS)
                }
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
