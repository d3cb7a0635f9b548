// Invocation — a command's validated arguments, as its handler reads them. Values come from the
// line, else from the session setting of the same name, else from the declared default. Reading a
// key the declaration does not list is an error (and the declaration test runs every example, so
// such drift fails in CI rather than in front of a user).
import Foundation

/// Records which declared arguments a handler read; the declaration test uses it to find declared
/// keys that no handler looks at.
final class ReadTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []

    func note(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        names.insert(name)
    }

    var read: Set<String> {
        lock.lock(); defer { lock.unlock() }
        return names
    }
}

/// The validated arguments of one command, handed to its handler.
public struct Invocation: Sendable {
    /// The declaration the line was validated against.
    public let declaration: CommandDeclaration
    /// The parsed line.
    public let command: ParsedCommand
    /// Converted positional values by spec name.
    let positionalValues: [String: ArgumentValue]
    /// Converted `key=value` arguments by key.
    let keyValues: [String: ArgumentValue]
    /// The session settings when the command started.
    let settings: Settings
    /// Which arguments the handler read.
    let tracker: ReadTracker

    /// The free text after the verb (for `takesText` commands).
    public var text: String { command.rest }

    /// Whether the argument was written on the line (as opposed to defaulted).
    public func isGiven(_ name: String) -> Bool {
        positionalValues[name] != nil || keyValues[name] != nil
    }

    /// The value of a declared argument, or nil when absent and without default.
    /// - Throws: when `name` is not declared by this command (a programming error reported as one).
    public func value(_ name: String) throws -> ArgumentValue? {
        guard let spec = declaration.spec(named: name) else {
            throw CommandError("internal: '\(declaration.fullName)' reads '\(name)', which its declaration "
                               + "does not list — please report this", kind: .internalError)
        }
        tracker.note(name)
        if let given = positionalValues[name] ?? keyValues[name] { return given }
        if let setting = settings.value(name), SettingsTable.spec(named: name)?.type == spec.type { return setting }
        return spec.defaultValue
    }

    /// A required argument's value; throws "missing …" with the usage line when absent.
    public func required(_ name: String) throws -> ArgumentValue {
        if let value = try value(name) { return value }
        throw CommandError("missing \(name) — usage: \(declaration.usage)", kind: .usage)
    }

    private func typeError(_ name: String, _ value: ArgumentValue, _ wanted: String) -> CommandError {
        CommandError("internal: '\(declaration.fullName)' reads \(name) as \(wanted) but it is declared as "
                     + "\(value) — please report this", kind: .internalError)
    }

    /// An int argument (nil when absent without default).
    public func int(_ name: String) throws -> Int? {
        guard let value = try value(name) else { return nil }
        guard case .int(let number) = value else { throw typeError(name, value, "an int") }
        return number
    }

    /// A float argument; int values are widened.
    public func double(_ name: String) throws -> Double? {
        guard let value = try value(name) else { return nil }
        switch value {
        case .float(let number): return number
        case .int(let number): return Double(number)
        default: throw typeError(name, value, "a float")
        }
    }

    /// A string, path or choice argument as text.
    public func string(_ name: String) throws -> String? {
        guard let value = try value(name) else { return nil }
        switch value {
        case .string(let text), .path(let text), .choice(let text): return text
        default: throw typeError(name, value, "text")
        }
    }

    // Declared defaults. A handler reads an argument whose declaration gives a default with these, so
    // the default is written once, in the declaration, where help, completion and the error for a
    // bad value also read it.

    /// An int argument whose declaration has a default.
    public func int(defaulted name: String) throws -> Int { try declaredDefault(name, try int(name)) }
    /// A float argument whose declaration has a default.
    public func double(defaulted name: String) throws -> Double { try declaredDefault(name, try double(name)) }
    /// A string, path or choice argument whose declaration has a default.
    public func string(defaulted name: String) throws -> String { try declaredDefault(name, try string(name)) }
    /// A bool argument whose declaration has a default.
    public func bool(defaulted name: String) throws -> Bool { try declaredDefault(name, try bool(name)) }
    /// A range argument whose declaration has a default.
    public func range(defaulted name: String) throws -> ClosedRange<Int> { try declaredDefault(name, try range(name)) }

    private func declaredDefault<T>(_ name: String, _ value: T?) throws -> T {
        guard let value else {
            throw CommandError("internal: '\(declaration.fullName)' reads \(name) by its declared default, but the "
                               + "declaration gives none — please report this", kind: .internalError)
        }
        return value
    }

    /// A path argument the command will read, checked against the session's file rules.
    public func readPath(_ name: String, _ session: Session) throws -> String? {
        guard let path = try string(name) else { return nil }
        if let redirected = session.checkRedirects[path] { return redirected }   // written earlier by this --check
        try session.files.checkRead(path)
        return path
    }

    /// A data file the command writes (`scale tsv=…`): under `--check` it goes to the check's scratch
    /// folder (`Session.checkScratchTarget`), otherwise the write rules apply as for `writePath`.
    public func outputPath(_ name: String, _ session: Session) throws -> String? {
        guard let path = try string(name) else { return nil }
        if let target = session.checkScratchTarget(for: path) { return target }
        try session.files.checkWrite(path)
        return path
    }

    /// A path argument the command will write (a file, or with `folder` a checkpoint folder),
    /// checked against the session's file rules (FileAccess.swift).
    public func writePath(_ name: String, _ session: Session, folder: Bool = false) throws -> String? {
        guard let path = try string(name) else { return nil }
        try session.files.checkWrite(path, folder: folder)
        return path
    }

    /// A bool argument.
    public func bool(_ name: String) throws -> Bool? {
        guard let value = try value(name) else { return nil }
        guard case .bool(let flag) = value else { throw typeError(name, value, "a bool") }
        return flag
    }

    /// A list-of-ints argument.
    public func ints(_ name: String) throws -> [Int]? {
        guard let value = try value(name) else { return nil }
        guard case .intList(let numbers) = value else { throw typeError(name, value, "a list of ints") }
        return numbers
    }

    /// A list-of-floats argument.
    public func doubles(_ name: String) throws -> [Double]? {
        guard let value = try value(name) else { return nil }
        guard case .floatList(let numbers) = value else { throw typeError(name, value, "a list of floats") }
        return numbers
    }

    /// A list-of-words argument.
    public func strings(_ name: String) throws -> [String]? {
        guard let value = try value(name) else { return nil }
        guard case .stringList(let words) = value else { throw typeError(name, value, "a list of words") }
        return words
    }

    /// A range argument.
    public func range(_ name: String) throws -> ClosedRange<Int>? {
        guard let value = try value(name) else { return nil }
        guard case .range(let range) = value else { throw typeError(name, value, "a range") }
        return range
    }

    /// A pair argument.
    public func pair(_ name: String) throws -> (Double, Double)? {
        guard let value = try value(name) else { return nil }
        guard case .pair(let low, let high) = value else { throw typeError(name, value, "a pair") }
        return (low, high)
    }
}
