// Settings — the session defaults that `set key=value` changes and `show settings` lists. The table
// below is the single source: each entry's type, default, range and help drive `set`'s
// validation, completion, `help set` and `show settings`. A command key with the same name and
// type as a setting takes the setting's value when the line does not give one.

/// The documented session settings.
public enum SettingsTable {
    /// Every setting, with its default and valid range. Add a row here to add a setting.
    public static let all: [ArgumentSpec] = [
        // Fixed decimals keep notebook outputs comparable by `--check`; 3 is enough for rewards and accuracies.
        ArgumentSpec("precision", .int, default: .int(3), bounds: 0...12,
                     help: "decimals shown for real numbers in tables and reports"),
        // 100 columns fits a laptop terminal and a notebook output block without wrapping.
        ArgumentSpec("width", .int, default: .int(100), bounds: 40...400,
                     help: "columns that tables are fitted into"),
        ArgumentSpec("progress", .choice(["auto", "on", "off"]), default: .choice("auto"),
                     help: "progress bars for long commands (auto: only when stdout is a terminal)"),
        ArgumentSpec("plots", .path, default: .path("plots"),
                     help: "directory for plots made without an explicit to=PATH"),
        ArgumentSpec("quick", .bool, default: .bool(false),
                     help: "quick mode for CI: long commands shrink their sizes (verity run --quick)"),
    ]
        // Sampling defaults (temperature, top_p, top_k, max_tokens), read by the sampling, evaluation
        // and scaling commands and the trainer; declared with the sampling value (SamplingKeys).
        + SamplingKeys.settings

    /// The setting called `name`.
    public static func spec(named name: String) -> ArgumentSpec? {
        all.first { $0.name == name }
    }
}

/// The current values of the session settings.
public struct Settings: Sendable, Equatable {
    private var values: [String: ArgumentValue]

    /// Every setting at its documented default.
    public init() {
        var values: [String: ArgumentValue] = [:]
        for spec in SettingsTable.all {
            if let value = spec.defaultValue { values[spec.name] = value }
        }
        self.values = values
    }

    /// The value of setting `name`, nil when there is no such setting.
    public func value(_ name: String) -> ArgumentValue? { values[name] }

    /// Changes a setting to an already validated value.
    /// - Throws: when `name` is not a setting, with a suggestion.
    public mutating func set(_ name: String, to value: ArgumentValue) throws {
        guard SettingsTable.spec(named: name) != nil else {
            var message = "unknown setting '\(name)'"
            if let near = Suggestions.nearest(to: name, among: SettingsTable.all.map(\.name)) {
                message += " — did you mean '\(near)'?"
            }
            throw CommandError(message + " ('show settings' lists them)", kind: .usage)
        }
        values[name] = value
        explicitlySet.insert(name)
    }

    /// Settings changed with `set` (or by the executable) since the session began.
    public private(set) var explicitlySet: Set<String> = []

    /// Decimals for real numbers.
    public var precision: Int {
        if case .int(let digits) = values["precision"] { return digits }
        return 3
    }

    /// Columns that tables fit into.
    public var width: Int {
        if case .int(let columns) = values["width"] { return columns }
        return 100
    }

    /// `auto`, `on` or `off`.
    public var progress: String {
        if case .choice(let mode) = values["progress"] { return mode }
        return "auto"
    }

    /// Whether quick (CI) mode is on.
    public var quick: Bool {
        if case .bool(let flag) = values["quick"] { return flag }
        return false
    }

    /// The directory for plots without an explicit path.
    public var plotsDirectory: String {
        if case .path(let path) = values["plots"] { return path }
        return "plots"
    }
}
