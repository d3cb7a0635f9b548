// SplitArgument — the one `split=` key: every command that reads a split of the current data set
// (eval, scale, search, generate, verify, data show) declares it here, with its own default and
// help line, and reads it back as a `Tasks.Split`; a problem of a split (`problem=N`) and the
// first problems of a split are taken here too, with one wording for their errors.
import Tasks

extension ArgumentSpec {
    /// The `split=` key, `train` or `test`, defaulting to `fallback`.
    static func split(default fallback: Split, help: String) -> ArgumentSpec {
        ArgumentSpec("split", .choice(Split.allCases.map(\.rawValue)), default: .choice(fallback.rawValue), help: help)
    }
}

extension Invocation {
    /// The split given with `split=`, or the key's declared default.
    func split() throws -> Split {
        let word = try string(defaulted: "split")
        guard let split = Split(rawValue: word) else {
            throw CommandError("\(declaration.fullName): split=\(word) is not one of "
                               + Split.allCases.map(\.rawValue).joined(separator: ", "), kind: .usage)
        }
        return split
    }
}

extension Dataset {
    /// Problem `index` of `split` for `command`, or its error naming the split's size.
    func problem(_ index: Int, in split: Split, for command: String) throws -> Problem {
        try domain(command) { try problem(index, in: split) }
    }

    /// The first `count` problems of `split` for `command`, or an error when the split is empty.
    func firstProblems(_ count: Int, of split: Split, for command: String) throws -> [Problem] {
        let all = problems(in: split)
        guard !all.isEmpty else {
            throw CommandError("\(command): the \(split) split of '\(name)' is empty — choose split=\(split.other)"
                               + " or make a data set with \(split) problems")
        }
        return Array(all.prefix(count))
    }
}
