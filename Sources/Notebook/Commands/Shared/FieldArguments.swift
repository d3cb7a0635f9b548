// FieldArguments — the one bridge between a declared setting (`Fields.FieldSpec`) and a command
// key (`ArgumentSpec`): every declared setting (trainer knobs, sampling keys, session settings,
// the training configs' keys, task and data-load keys; `reward` reads its own text) becomes a
// command key here, with its kind as the argument type, its bounds, default and help, and a
// parsed argument goes back as a typed `FieldValue` (no text round trip).
import Fields

extension ArgumentSpec {
    /// The command key of a declared setting; `help` replaces the declaration's help line.
    init(_ field: FieldSpec, help: String? = nil) {
        let type: ArgumentType
        switch field.kind {
        case .whole: type = .int
        case .real: type = .float
        case .flag: type = .bool
        case .choice(let words): type = .choice(words)
        case .path: type = .path
        case .cap, .text: type = .string  // a number or off / text with its own syntax: the field reads it
        }
        self.init(field.key, type, default: field.defaultValue.map { ArgumentValue($0, of: field.kind) },
                  bounds: field.bounds, help: help ?? field.help)
    }
}

extension ArgumentValue {
    /// A field's value as the argument value of the key `ArgumentSpec(field)` declares.
    init(_ value: FieldValue, of kind: FieldKind) {
        switch (kind, value) {
        case (.whole, .whole(let n)): self = .int(n)
        case (.real, .real(let x)): self = .float(x)
        case (.flag, .flag(let on)): self = .bool(on)
        case (.choice, .word(let w)): self = .choice(w)
        case (.path, .word(let w)): self = .path(w)
        default: self = .string(value.description)
        }
    }
}

extension FieldValue {
    /// A parsed command argument as a field value (the field checks its kind and bounds).
    init(_ argument: ArgumentValue) {
        switch argument {
        case .int(let n): self = .whole(n)
        case .float(let x): self = .real(x)
        case .bool(let on): self = .flag(on)
        case .choice(let word), .string(let word), .path(let word): self = .word(word)
        default: self = .word(argument.description)
        }
    }
}

extension Field {
    /// Sets the field in `root` to a parsed command argument, checked by its declaration.
    /// - Throws: `CommandError` (usage) naming the key, after `context` when given.
    func set(_ argument: ArgumentValue, in root: inout Root, context: String? = nil) throws {
        try FieldError.mapped(to: { CommandError((context.map { $0 + ": " } ?? "") + $0, kind: .usage) }) {
            try set(FieldValue(argument), in: &root)
        }
    }
}

extension Invocation {
    /// The keys among `keys` given on the line, as typed values (for the Tasks front doors,
    /// which check them against their declarations and reject keys of another kind).
    func givenValues(_ keys: [String]) throws -> [String: FieldValue] {
        var values: [String: FieldValue] = [:]
        for key in keys where isGiven(key) {
            if let value = try value(key) { values[key] = FieldValue(value) }
        }
        return values
    }

    /// Sets in `root` each of `fields` given on the line, checked by its declaration; an absent
    /// key keeps `root`'s value (for a fresh value, the declared default the key's help shows).
    /// - Throws: `CommandError` (usage) naming the key when a value does not fit it.
    func apply<Root>(_ fields: [Field<Root>], to root: inout Root) throws {
        try given(fields).apply(to: &root)
    }

    /// The settings among `fields` given on the line, read now (before a handler touches session
    /// state) and applied later to the value in force then (`rl` applies them over its preset).
    func given<Root>(_ fields: [Field<Root>]) throws -> GivenFields<Root> {
        var changes: [(field: Field<Root>, value: ArgumentValue)] = []
        for field in fields {
            guard let value = try value(field.key), isGiven(field.key) else { continue }
            changes.append((field, value))
        }
        return GivenFields(command: declaration.fullName, changes: changes)
    }
}

/// Settings given on a command line, to apply to a value of their fields' type.
struct GivenFields<Root> {
    /// The command, named in a refusal.
    let command: String
    /// The fields given and their parsed values, in declaration order.
    let changes: [(field: Field<Root>, value: ArgumentValue)]

    /// Sets each given field in `root`, checked by its declaration.
    /// - Throws: `CommandError` (usage) naming the key when a value does not fit it.
    func apply(to root: inout Root) throws {
        for (field, value) in changes { try field.set(value, in: &root, context: command) }
    }
}
