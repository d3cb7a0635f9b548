// Settings — the session defaults that `set key=value` changes and `show settings` lists. They
// are a typed value (`SessionDefaults`) whose initializer holds every default, with one declared
// field per setting (`Fields.Field`); each field's command key comes from the one bridge
// (`ArgumentSpec(FieldSpec)`), so `set`'s validation, completion, `help set` and `show settings`
// all derive from the declaration. The sampling settings are the sampling value's own fields,
// lifted through `sampling`. A command key with the same name and type as a setting takes the
// setting's value when the line does not give one.
import Fields
import Models

/// How long commands show progress.
public enum ProgressMode: String, Sendable, Codable, CaseIterable, Equatable {
    /// Only when standard output is a terminal.
    case auto
    case on
    case off
}

/// The session defaults, typed. Add a property and a row in `fields` to add a setting.
public struct SessionDefaults: FieldRoot, Sendable, Equatable {
    /// Decimals shown for real numbers. Fixed decimals keep notebook outputs comparable by
    /// `--check`; 3 is enough for rewards and accuracies.
    public var precision = 3
    /// Columns tables are fitted into: 100 fits a laptop terminal and a notebook output block.
    public var width = 100
    /// Progress bars for long commands.
    public var progress = ProgressMode.auto
    /// The directory for plots made without an explicit path.
    public var plots = "plots"
    /// Quick mode for CI.
    public var quick = false
    /// The sampling defaults (its setting fields: temperature, top_p, top_k, max_tokens).
    public var sampling = GenerationOptions()

    public init() {}
    public static var defaults: SessionDefaults { SessionDefaults() }

    /// Every setting, in the order `show settings` lists them.
    static let fields: [Field<SessionDefaults>] = [
        .whole("precision", \.precision, "precision", "decimals shown for real numbers in tables and reports", bounds: 0...12),
        .whole("width", \.width, "width", "columns that tables are fitted into", bounds: 40...400),
        .choice("progress", \.progress, "progress", "progress bars for long commands (auto: only when stdout is a terminal)"),
        .text("plots", \.plots, "plots", "directory for plots made without an explicit to=PATH", kind: .path),
        .flag("quick", \.quick, "quick", "quick mode for CI: long commands shrink their sizes (verity run --quick)"),
    ]
        // Read by the sampling, evaluation and scaling commands and the trainer (SamplingKeys).
        + SamplingKeys.all.filter(\.isSetting).map { $0.field.lifted(through: \.sampling, named: "sampling") }
}

/// The documented session settings, as command keys.
public enum SettingsTable {
    /// Every setting, with its default and valid range.
    public static let all: [ArgumentSpec] = SessionDefaults.fields.map { ArgumentSpec($0.spec) }

    /// The setting called `name`.
    public static func spec(named name: String) -> ArgumentSpec? {
        all.first { $0.name == name }
    }
}

/// The current values of the session settings.
public struct Settings: Sendable, Equatable {
    /// The values.
    public private(set) var values = SessionDefaults()

    /// Every setting at its documented default.
    public init() {}

    /// The value of setting `name` as the argument value of its key, nil when there is no such setting.
    public func value(_ name: String) -> ArgumentValue? {
        Self.field(name).map { ArgumentValue($0.value(in: values), of: $0.spec.kind) }
    }

    /// Changes a setting to an already parsed value.
    /// - Throws: when `name` is not a setting (with a suggestion) or the value does not fit it.
    public mutating func set(_ name: String, to value: ArgumentValue) throws {
        guard let field = Self.field(name) else {
            var message = "unknown setting '\(name)'"
            if let near = Suggestions.nearest(to: name, among: SettingsTable.all.map(\.name)) {
                message += " — did you mean '\(near)'?"
            }
            throw CommandError(message + " ('show settings' lists them)", kind: .usage)
        }
        try field.set(value, in: &values)
        explicitlySet.insert(name)
    }

    private static func field(_ name: String) -> Field<SessionDefaults>? { SessionDefaults.fields.first { $0.key == name } }

    /// Settings changed with `set` (or by the executable) since the session began.
    public private(set) var explicitlySet: Set<String> = []

    /// Decimals for real numbers.
    public var precision: Int { values.precision }

    /// Columns that tables fit into.
    public var width: Int { values.width }

    /// When to show progress bars.
    public var progress: ProgressMode { values.progress }

    /// Whether quick (CI) mode is on.
    public var quick: Bool { values.quick }

    /// The directory for plots without an explicit path.
    public var plotsDirectory: String { values.plots }
}
