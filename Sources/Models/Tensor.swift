// A named tensor as it crosses a file boundary (safetensors, checkpoints, fixtures).
// Inside the model, parameters live in one contiguous buffer; this is only the exchange type.

/// A dense fp32 tensor in row-major order.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first (Hugging Face linear weights are `[out_features, in_features]`).
    public var shape: [Int]
    /// `shape.reduce(1, *)` values, row-major.
    public var values: [Float]

    /// Creates a tensor; returns nil when the value count does not match the shape.
    public init?(shape: [Int], values: [Float]) {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = p
        }
        guard count == values.count else { return nil }
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.values = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Number of elements.
    public var count: Int { values.count }
}
