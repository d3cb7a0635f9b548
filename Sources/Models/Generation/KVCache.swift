// KVCache — keys and values of S sequences for incremental decoding, and the decode step that
// runs any set of (sequence, position, token) rows through the model at once: prompt prefill
// (many rows per sequence) and batched decoding (one row per sequence) are the same call, with
// one token product per projection for all rows — the same tiles, and so the same bits, as the
// training forward.
import Kernels

/// Every projection of a model repacked for `exactRows` (one pass over the weights; build it again
/// after the weights change).
final class PackedWeights: @unchecked Sendable {
    struct Layer {
        let qkv, output, gateUp, down: PackedProjection
    }
    let layers: [Layer]
    let head: PackedProjection

    init(_ model: Transformer) {
        let c = model.config, w = UnsafePointer(model.paramBuffer.baseAddress!)
        let C = c.hiddenSize, KV = c.kvDim, F = c.intermediateSize
        layers = model.layout.layers.map { o in
            Layer(qkv: PackedProjection(weight: w + o.wq, n: C + 2 * KV, k: C, layout: .outIn),
                  output: PackedProjection(weight: w + o.wo, n: C, k: C, layout: .outIn),
                  gateUp: PackedProjection(weight: w + o.wGate, n: 2 * F, k: C, layout: .outIn),
                  down: PackedProjection(weight: w + o.wDown, n: C, k: F, layout: .outIn))
        }
        head = PackedProjection(weight: w + model.layout.lmHead, n: c.vocabSize, k: C, layout: .outIn)
    }
}

/// Cached keys/values: [layer][sequence][position][KV] for each.
final class KVCache {
    let sequences: Int
    let capacity: Int     // positions per sequence
    let kvDim: Int
    let layers: Int
    let keys: FloatBuffer
    let values: FloatBuffer

    init(config c: TransformerConfig, sequences: Int, capacity: Int) {
        self.sequences = sequences
        self.capacity = capacity
        kvDim = c.kvDim
        layers = c.numHiddenLayers
        keys = FloatBuffer(layers * sequences * capacity * kvDim)
        values = FloatBuffer(layers * sequences * capacity * kvDim)
    }

    @inline(__always) func keyBase(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        keys.pointer + ((layer * sequences + sequence) * capacity) * kvDim
    }
    @inline(__always) func valueBase(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        values.pointer + ((layer * sequences + sequence) * capacity) * kvDim
    }
}

/// One row of a decode step.
struct DecodeRow: Sendable {
    var sequence: Int
    var position: Int
    var token: Int32
}

/// Scratch activations for up to `rows` rows, grown on demand and reused between steps.
final class DecodeScratch {
    private(set) var rows = 0
    private(set) var headRows = 0
    var x, xn, qkv, att, gateUp, hidden: FloatBuffer
    var logits: FloatBuffer
    let config: TransformerConfig
    /// The model's projections repacked for exact few-row products (nil: pad rows to tiles).
    var packed: PackedWeights?

    init(config: TransformerConfig) {
        self.config = config
        x = FloatBuffer(1); xn = x; qkv = x; att = x; gateUp = x; hidden = x; logits = x
    }

    func ensure(rows r: Int, headRows m: Int) {
        let C = config.hiddenSize, KV = config.kvDim, F = config.intermediateSize
        if r > rows {
            x = FloatBuffer(r * C); xn = FloatBuffer(r * C); qkv = FloatBuffer(r * (C + 2 * KV))
            att = FloatBuffer(r * C); gateUp = FloatBuffer(r * 2 * F); hidden = FloatBuffer(r * F)
            rows = r
        }
        if m > headRows {
            logits = FloatBuffer(m * config.vocabSize)
            headRows = m
        }
    }
}

extension Transformer {
    /// Runs `rows` through every layer, appending their keys/values to `cache` at their positions,
    /// and leaves logits for the rows listed in `headRows` (indices into `rows`) in
    /// `scratch.logits` ([headRows.count, V]). Rows of one sequence must be in position order and
    /// all earlier positions must already be cached or in this call. Positions are checked by the caller.
    func decodeStep(_ rows: [DecodeRow], headRows: [Int], cache: KVCache, scratch: DecodeScratch) {
        let R = rows.count
        let C = config.hiddenSize, KV = config.kvDim, F = config.intermediateSize, V = config.vocabSize
        let H = config.numAttentionHeads, KVH = config.numKeyValueHeads, hd = config.headDim
        let eps = config.rmsNormEps
        scratch.ensure(rows: R, headRows: headRows.count)
        let maxPos = rows.reduce(0) { max($0, $1.position) }
        ensureRope(maxPos + 1)
        let w = paramBuffer.baseAddress!
        let QKV = C + 2 * KV
        let x = scratch.x.pointer, xn = scratch.xn.pointer, qkv = scratch.qkv.pointer
        let att = scratch.att.pointer, gu = scratch.gateUp.pointer, hid = scratch.hidden.pointer
        let rstd = UnsafeMutablePointer<Float>.allocate(capacity: R)
        defer { rstd.deallocate() }
        for (r, row) in rows.enumerated() {
            (x + r * C).update(from: w + layout.embed + Int(row.token) * C, count: C)
        }
        rope.cos.withUnsafeBufferPointer { cosT in
            rope.sin.withUnsafeBufferPointer { sinT in
                rows.withUnsafeBufferPointer { rowsP in
                    for l in 0..<config.numHiddenLayers {
                        let o = layout.layers[l]
                        rmsnormForward(out: xn, rstd: rstd, inp: x, weight: w + o.inputNorm, rows: R, channels: C, eps: eps)
                        // One token product for q|k|v, as in training.
                        let pl = scratch.packed?.layers[l]
                        linearForward(out: qkv, inp: xn, weight: w + o.wq, bias: o.bq >= 0 ? w + o.bq : nil,
                                      rows: R, inFeatures: C, outFeatures: QKV, packed: pl?.qkv)
                        // RoPE and cache writes first, so rows of one sequence in this call see each other.
                        // Rows touch disjoint memory (their own qkv row, their own cache slot).
                        Threading.parallelFor(R, minimumPerWorker: max(1, 4096 / QKV)) { a, b in
                            for r in a..<b {
                                let row = rowsP[r]
                                let qr = qkv + r * QKV
                                ropeForward(qr, heads: H, headDim: hd, pos: row.position,
                                            cos: cosT.baseAddress!, sin: sinT.baseAddress!)
                                ropeForward(qr + C, heads: KVH, headDim: hd, pos: row.position,
                                            cos: cosT.baseAddress!, sin: sinT.baseAddress!)
                                (cache.keyBase(layer: l, sequence: row.sequence) + row.position * KV).update(from: qr + C, count: KV)
                                (cache.valueBase(layer: l, sequence: row.sequence) + row.position * KV).update(from: qr + C + KV, count: KV)
                            }
                        }
                        Threading.parallelFor(R, minimumPerWorker: 2) { a, b in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: H * (maxPos + 1))
                            defer { scores.deallocate() }
                            for r in a..<b {
                                let row = rowsP[r]
                                attentionDecodeRow(out: att + r * C, q: qkv + r * QKV,
                                                   keyCache: cache.keyBase(layer: l, sequence: row.sequence),
                                                   valueCache: cache.valueBase(layer: l, sequence: row.sequence),
                                                   pos: row.position, heads: H, kvHeads: KVH, headDim: hd, scores: scores)
                            }
                        }
                        linearAccumulate(out: x, inp: att, weight: w + o.wo, rows: R, inFeatures: C, outFeatures: C,
                                         packed: pl?.output)
                        rmsnormForward(out: xn, rstd: rstd, inp: x, weight: w + o.postNorm, rows: R, channels: C, eps: eps)
                        linearForward(out: gu, inp: xn, weight: w + o.wGate, bias: nil, rows: R, inFeatures: C, outFeatures: 2 * F,
                                      packed: pl?.gateUp)
                        swigluFusedForward(out: hid, gateUp: gu, rows: R, width: F)
                        linearAccumulate(out: x, inp: hid, weight: w + o.wDown, rows: R, inFeatures: F, outFeatures: C,
                                         packed: pl?.down)
                    }
                }
            }
        }
        let M = headRows.count
        for (m, r) in headRows.enumerated() {
            (xn + m * C).update(from: x + r * C, count: C)
        }
        rmsnormForward(out: xn, rstd: rstd, inp: xn, weight: w + layout.finalNorm, rows: M, channels: C, eps: eps)
        linearForward(out: scratch.logits.pointer, inp: xn, weight: w + layout.lmHead, bias: nil,
                      rows: M, inFeatures: C, outFeatures: V, packed: scratch.packed?.head)
    }
}
