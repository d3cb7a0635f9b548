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
/// (zero above the diagonal inside each query block of `attentionBlock` rows; unspecified past the
/// block's keys). q: [B·T, H·hd]; k, v: [B·T, KVH·hd] (rows `qRowStride` / `kvRowStride` apart); out
/// rows are contiguous. Every row runs `attentionRow`, the decoder's arithmetic, so the training
/// forward and the KV-cache decoder give the same bits; rows are split over threads.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             shape s: AttentionShape) {
    let T = s.length, C = s.qDim, QS = s.qRowStride, KS = s.kvRowStride
    Threading.parallelFor(s.batch * T, minimumPerWorker: 8) { start, end in
        for row in start..<end {
            let b = row / T, t = row % T
            let p = probs + b * s.heads * T * T + t * T
            attentionRow(out: out + row * C, scores: p, headStride: T * T, q: q + row * QS,
                         keys: k + b * T * KS, values: v + b * T * KS, kvRowStride: KS, count: t + 1,
                         heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim)
            // The backward pass reads the block's keys: zero the entries past the diagonal.
            let blockEnd = min(T, (t / attentionBlock + 1) * attentionBlock)
            if blockEnd > t + 1 {
                for h in 0..<s.heads { (p + h * T * T + t + 1).update(repeating: 0, count: blockEnd - t - 1) }
            }
        }
    }
}

/// One query row of causal attention over `count` keys, all heads — the single arithmetic of the
/// training forward and the decoder. scores[h·headStride + s] = softmax_s(q_h·k_s,g(h) / √hd) for
/// s < count; out[h·hd + j] = Σ_s p[h,s] · v_s,g(h)[j], summed in key order. Keys and values are
/// rows `kvRowStride` floats apart (KVH·hd values each, head g at g·hd).
@inline(__always)
public func attentionRow(out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>, headStride: Int,
                         q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                         kvRowStride: Int, count n: Int, heads: Int, kvHeads: Int, headDim hd: Int) {
    let group = heads / kvHeads
    let scale = 1 / Float(hd).squareRoot()
    // scores[h, s] = scale · q_h · k_s,g(h); each key row is streamed once for all heads.
    for s in 0..<n {
        let krow = keys + s * kvRowStride
        for h in 0..<heads {
            scores[h * headStride + s] = dot(q + h * hd, krow + (h / group) * hd, hd) * scale
        }
    }
    for h in 0..<heads { softmaxForward(out: scores + h * headStride, inp: scores + h * headStride, count: n) }
    // out_h = Σ_s p[h, s] · v_s,g(h)
    out.update(repeating: 0, count: heads * hd)
    for s in 0..<n {
        let vrow = values + s * kvRowStride
        for h in 0..<heads {
            axpy(scores[h * headStride + s], vrow + (h / group) * hd, out + h * hd, hd)
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
/// values [0...pos] (cache rows of KVH·hd floats) through `attentionRow`, as the training forward
/// does. `scores` is scratch of at least H·(pos+1) floats.
public func attentionDecodeRow(out: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
                               keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
                               pos: Int, heads: Int, kvHeads: Int, headDim hd: Int,
                               scores: UnsafeMutablePointer<Float>) {
    attentionRow(out: out, scores: scores, headStride: pos + 1, q: q, keys: keyCache, values: valueCache,
                 kvRowStride: kvHeads * hd, count: pos + 1, heads: heads, kvHeads: kvHeads, headDim: hd)
}
