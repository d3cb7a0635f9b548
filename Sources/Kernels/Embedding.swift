// Embedding — token embedding gather (forward) and scatter-add (backward).
// Token ids are validated by the caller (TokenBatch) before they reach here.

/// out[N,C] = table[tokens[n], :] for each of the N tokens.
public func embeddingForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
                             table: UnsafePointer<Float>, count n: Int, channels c: Int) {
    for i in 0..<n {
        (out + i * c).update(from: table + Int(tokens[i]) * c, count: c)
    }
}

/// dTable[tokens[n], :] += dOut[n, :] (rows of repeated tokens accumulate).
public func embeddingBackward(dTable: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              tokens: UnsafePointer<Int32>, count n: Int, channels c: Int) {
    for i in 0..<n {
        axpy(1, dOut + i * c, dTable + Int(tokens[i]) * c, c)
    }
}
