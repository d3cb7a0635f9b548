// ScalingCurve — sweep points grouped into curves (one per method and budget), ordered by k, with
// x as samples or tokens: the shape a plot of accuracy against compute needs.
import Foundation

/// What a scaling curve puts on its x axis.
public enum ScalingAxis: String, Sendable, Codable, CaseIterable {
    /// Samples per problem, k.
    case samples
    /// Mean generated tokens per problem (k × tokens of one sample).
    case tokens
}

/// One curve: a method (at one budget) across k.
public struct ScalingCurve: Sendable, Equatable, Codable {
    /// Legend name: the method, plus ` (budget N)` when the points carry a budget.
    public var name: String
    /// The method name of the points.
    public var method: String
    /// The thinking budget of the points, nil for none.
    public var budget: Int?
    /// x values (k or mean tokens), ascending in k.
    public var x: [Double]
    /// Accuracy at each x.
    public var accuracy: [Double]
    /// Lower band edge at each x.
    public var low: [Double]
    /// Upper band edge at each x.
    public var high: [Double]
}

/// Groups points by (method, budget) in order of first appearance, each curve sorted by k.
public func scalingCurves(_ points: [SweepPoint], x axis: ScalingAxis = .samples) -> [ScalingCurve] {
    struct Key: Hashable { var method: String; var budget: Int? }
    var order: [Key] = []
    var groups: [Key: [SweepPoint]] = [:]
    for point in points {
        let key = Key(method: point.method, budget: point.budget)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(point)
    }
    return order.map { key in
        let sorted = (groups[key] ?? []).sorted { $0.k < $1.k }
        return ScalingCurve(name: key.budget.map { "\(key.method) (budget \($0))" } ?? key.method,
                            method: key.method, budget: key.budget,
                            x: sorted.map { axis == .samples ? Double($0.k) : $0.meanTokens },
                            accuracy: sorted.map(\.accuracy), low: sorted.map(\.low), high: sorted.map(\.high))
    }
}
