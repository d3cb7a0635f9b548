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
    public init(batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int) {
        self.batch = batch; self.length = length; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
    }
    var qDim: Int { heads * headDim }
    var kvDim: Int { kvHeads * headDim }
}

/// out[B·T, H·hd] = softmax(Q·Kᵀ/√hd, causal)·V per (row, head); probs[B,H,T,T] saved for backward.
/// q: [B·T, H·hd]; k, v: [B·T, KVH·hd]. Work is split over (row, kv head) units across threads.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             shape s: AttentionShape) {
    let T = s.length, hd = s.headDim, C = s.qDim, KV = s.kvDim
    let group = s.heads / s.kvHeads
    let scale = 1 / Float(hd).squareRoot()
    Threading.parallelFor(s.batch * s.kvHeads) { start, end in
        for unit in start..<end {
            let b = unit / s.kvHeads, g = unit % s.kvHeads
            let kb = k + b * T * KV + g * hd, vb = v + b * T * KV + g * hd
            for h in (g * group)..<((g + 1) * group) {
                let qb = q + b * T * C + h * hd
                let p = probs + (b * s.heads + h) * T * T
                // scores[T,T] = scale · Q_bh[T,hd] · K_bg[T,hd]ᵀ
                sgemm(transA: false, transB: true, m: T, n: T, k: hd, alpha: scale, a: qb, lda: C,
                      b: kb, ldb: KV, beta: 0, c: p, ldc: T)
                for t in 0..<T {
                    let row = p + t * T
                    softmaxForward(out: row, inp: row, count: t + 1)
                    for s2 in (t + 1)..<T { row[s2] = 0 }
                }
                // out_bh[T,hd] = P[T,T] · V_bg[T,hd]
                sgemm(transA: false, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: vb, ldb: KV,
                      beta: 0, c: out + b * T * C + h * hd, ldc: C)
            }
        }
    }
}

/// Backward of `attentionForward`. Overwrites dq; overwrites dk and dv (each kv head's gradient
/// is the sum over its query heads, accumulated by one thread).
public func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                              dv: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              probs: UnsafePointer<Float>, q: UnsafePointer<Float>,
                              k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape s: AttentionShape) {
    let T = s.length, hd = s.headDim, C = s.qDim, KV = s.kvDim
    let group = s.heads / s.kvHeads
    let scale = 1 / Float(hd).squareRoot()
    Threading.parallelFor(s.batch * s.kvHeads) { start, end in
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
        defer { dp.deallocate() }
        for unit in start..<end {
            let b = unit / s.kvHeads, g = unit % s.kvHeads
            let kb = k + b * T * KV + g * hd, vb = v + b * T * KV + g * hd
            let dkb = dk + b * T * KV + g * hd, dvb = dv + b * T * KV + g * hd
            for h in (g * group)..<((g + 1) * group) {
                let qb = q + b * T * C + h * hd
                let dob = dOut + b * T * C + h * hd
                let p = probs + (b * s.heads + h) * T * T
                let first = h == g * group
                // dV_bg[T,hd] (+)= P[T,T]ᵀ · dO_bh[T,hd]
                sgemm(transA: true, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: dob, ldb: C,
                      beta: first ? 0 : 1, c: dvb, ldc: KV)
                // dP[T,T] = dO_bh · V_bgᵀ
                sgemm(transA: false, transB: true, m: T, n: T, k: hd, a: dob, lda: C, b: vb, ldb: KV,
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
                sgemm(transA: false, transB: false, m: T, n: hd, k: T, a: dp, lda: T, b: kb, ldb: KV,
                      beta: 0, c: dq + b * T * C + h * hd, ldc: C)
                // dK_bg[T,hd] (+)= dSᵀ · Q_bh
                sgemm(transA: true, transB: false, m: T, n: hd, k: T, a: dp, lda: T, b: qb, ldb: C,
                      beta: first ? 0 : 1, c: dkb, ldc: KV)
            }
        }
    }
}

/// Decode form: one query row (all H heads, [H·hd]) at position `pos` attends to cached keys and
/// values [0...pos] (cache rows of KVH·hd floats). `scores` is scratch of at least pos+1 floats.
public func attentionDecodeRow(out: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
                               keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
                               pos: Int, heads: Int, kvHeads: Int, headDim hd: Int,
                               scores: UnsafeMutablePointer<Float>) {
    let KV = kvHeads * hd
    let group = heads / kvHeads
    let scale = 1 / Float(hd).squareRoot()
    let n = pos + 1
    for h in 0..<heads {
        let g = h / group
        let qh = q + h * hd
        for s in 0..<n { scores[s] = dot(qh, keyCache + s * KV + g * hd, hd) * scale }
        softmaxForward(out: scores, inp: scores, count: n)
        let oh = out + h * hd
        oh.update(repeating: 0, count: hd)
        for s in 0..<n { axpy(scores[s], valueCache + s * KV + g * hd, oh, hd) }
    }
}
