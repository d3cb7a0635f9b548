// SeedsGrid — tallies named MEASURE_ARM read as a grid of arms × measures. An ablation tallies one
// figure per measure and arm (`d_kl`, `s_kl`, `d_async`, …); `seeds summary d,s arms=kl,async`
// prints one row per arm and one column per measure, each cell the mean over seeds with its 95%
// t-interval, and `plot seeds d,s arms=kl,async` draws one panel per measure with the arms along
// a shared x axis. A missing tally leaves its cell empty: not every measure applies to every arm.
import Plotting

struct SeedsGrid {
    /// The measures (tally-name prefixes), in column or panel order.
    var measures: [String]
    /// The arms (tally-name suffixes), in row or x order.
    var arms: [String]
    /// Display names of the arms (default: the arms).
    var armLabels: [String]
    /// Display names of the measures (default: the measures).
    var measureLabels: [String]

    /// The grid of `measures` × `arms`, checked against `tallies`: every measure and every arm
    /// must have at least one tally, and labels, when given, one per arm or measure.
    init(measures: [String], arms: [String], armLabels: [String]?, measureLabels: [String]?,
         tallies: SeedTallies, verb: String) throws {
        guard !measures.isEmpty, !arms.isEmpty else {
            throw CommandError("\(verb): name the measures and arms=, e.g. '\(verb) d,s arms=kl,async' for the tallies d_kl, s_kl, d_async, s_async", kind: .usage)
        }
        if let armLabels, armLabels.count != arms.count {
            throw CommandError("\(verb): \(armLabels.count) labels for \(arms.count) arms — give one label per arm", kind: .usage)
        }
        if let measureLabels, measureLabels.count != measures.count {
            throw CommandError("\(verb): \(measureLabels.count) measure names for \(measures.count) measures — give one per measure", kind: .usage)
        }
        let known = tallies.names.joined(separator: ", ")
        for measure in measures where !arms.contains(where: { tallies.values("\(measure)_\($0)") != nil }) {
            throw CommandError("\(verb): no tally \(measure)_ARM for any of the arms \(arms.joined(separator: ",")) — tallies: \(known)")
        }
        for arm in arms where !measures.contains(where: { tallies.values("\($0)_\(arm)") != nil }) {
            throw CommandError("\(verb): no tally MEASURE_\(arm) for any of the measures \(measures.joined(separator: ",")) — tallies: \(known)")
        }
        self.measures = measures
        self.arms = arms
        self.armLabels = armLabels ?? arms
        self.measureLabels = measureLabels ?? measures
    }

    /// A comma-separated list (quoted labels may hold spaces), trimmed.
    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// The values of measure `measure` for arm `arm`, nil when not tallied.
    func values(_ measure: String, _ arm: String, in tallies: SeedTallies) -> [Double]? {
        guard let values = tallies.values("\(measure)_\(arm)"), !values.isEmpty else { return nil }
        return values
    }

    /// One row per arm, one column per measure: `mean [low, high]`, or `-` where not tallied.
    func table(_ tallies: SeedTallies, precision p: Int) -> Table {
        var table = Table(columns: [Table.Column("arm")] + measureLabels.map { Table.Column($0, .right) })
        for (arm, label) in zip(arms, armLabels) {
            table.append([label] + measures.map { measure in
                guard let values = values(measure, arm, in: tallies) else { return "-" }
                let s = SeedStatistics(values), name = "\(measure)_\(arm)"
                return "\(tallies.formatted(s.mean, of: name, precision: p)) "
                    + "[\(Format.fixed(s.low, p)), \(Format.fixed(s.high, p))]"
            })
        }
        return table
    }

    /// One panel per measure, one figure per arm.
    func panels(_ tallies: SeedTallies) -> [(label: String, figures: [SeedFigure?])] {
        zip(measures, measureLabels).map { measure, label in
            (label, zip(arms, armLabels).map { arm, armLabel in
                values(measure, arm, in: tallies).map { values in
                    let s = SeedStatistics(values)
                    return SeedFigure(name: armLabel, values: values, mean: s.mean, low: s.low, high: s.high)
                }
            })
        }
    }
}
