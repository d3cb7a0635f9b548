// Fields/TypedField.swift — a field of a settings value (`TrainerConfig`, `GenerationOptions`):
// its declaration plus where it lives, so one row gives typed get/set by key, the default (read
// from the value's own initializer), and decoding from a saved file by the property's name. A saved
// value's decoder is then `restore(fields…)` plus whatever is not a setting, not one line per knob.

/// A settings value whose defaults are written once, in its own initializer.
public protocol FieldRoot {
    /// The value with every field at its default.
    static var defaults: Self { get }
}

/// A coding key made from a property's name (what the synthesized encoder writes).
public struct FieldCodingKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// One setting of a `Root` value.
public struct Field<Root>: Sendable {
    /// The declaration: key, kind, bounds, default, help.
    public let spec: FieldSpec
    /// The Swift property it sets (`learningRate`; `sampling.temperature` for a lifted field).
    public let property: String
    private let read: @Sendable (Root) -> FieldValue
    /// Stores a value already checked against `spec`.
    private let write: @Sendable (inout Root, FieldValue) -> Void
    /// Reads the property from a saved value when its key is present; nil for a field that lives
    /// in a nested value (which decodes itself).
    private let restore: (@Sendable (KeyedDecodingContainer<FieldCodingKey>, inout Root) throws -> Void)?

    /// The key people type.
    public var key: String { spec.key }
    /// One line: what it is.
    public var summary: String { spec.summary }
    /// Its symbol in the papers, or "".
    public var symbol: String { spec.symbol }
    /// The default as typed.
    public var defaultText: String { spec.defaultText }

    /// The value in `root`.
    public func value(in root: Root) -> FieldValue { read(root) }

    /// Sets the field in `root` to `value`, checked against the declaration.
    /// - Throws: `FieldError` naming the key when the value is of the wrong kind or out of bounds.
    public func set(_ value: FieldValue, in root: inout Root) throws { write(&root, try spec.checked(value)) }

    /// This field as a field of a value that holds `Root` at `path` (the trainer's `sampling`).
    public func lifted<Outer>(through path: WritableKeyPath<Outer, Root> & Sendable, named name: String) -> Field<Outer> {
        let read = self.read, write = self.write
        return Field<Outer>(spec: spec, property: name + "." + property,
                            read: { read($0[keyPath: path]) },
                            write: { outer, value in write(&outer[keyPath: path], value) },
                            restore: nil)
    }

    /// Checks the value of each of `fields` in `root` against its declaration (kind, bounds,
    /// finiteness): a value built in Swift or read from a file meets the same rules as a typed key.
    /// - Throws: the first field's `FieldError`, naming its key.
    public static func check(_ fields: [Field], in root: Root) throws {
        for field in fields { _ = try field.spec.checked(field.value(in: root)) }
    }

    /// Reads every field of `fields` present in `container` into `root`; absent keys (a file
    /// written before the field existed) keep `root`'s values, present ones must decode.
    public static func restore(_ fields: [Field], from container: KeyedDecodingContainer<FieldCodingKey>, into root: inout Root) throws {
        for field in fields { try field.restore?(container, &root) }
    }
}

extension Field where Root: FieldRoot {
    private static func stored<V: Decodable & Sendable>(_ spec: FieldSpec, _ path: WritableKeyPath<Root, V> & Sendable, _ property: String,
                                                        read: @escaping @Sendable (V) -> FieldValue,
                                                        write: @escaping @Sendable (FieldValue) -> V?) -> Field {
        Field(spec: spec, property: property,
              read: { read($0[keyPath: path]) },
              write: { root, value in if let v = write(value) { root[keyPath: path] = v } },
              restore: { container, root in
                  if let v = try container.decodeIfPresent(V.self, forKey: FieldCodingKey(property)) { root[keyPath: path] = v }
              })
    }

    /// A whole number within `bounds`.
    public static func whole(_ key: String, _ path: WritableKeyPath<Root, Int> & Sendable, _ property: String, _ summary: String,
                             symbol: String = "", off: String = "", bounds: ClosedRange<Double>) -> Field {
        stored(FieldSpec(key, .whole, bounds: bounds, default: .whole(Root.defaults[keyPath: path]), summary: summary, symbol: symbol, off: off),
               path, property, read: { .whole($0) }, write: { value -> Int? in if case .whole(let n) = value { return n }; return nil })
    }

    /// A real number within `bounds`, shown in its own shortest text (a Float 0.7 shows as 0.7).
    public static func real<F>(_ key: String, _ path: WritableKeyPath<Root, F> & Sendable, _ property: String, _ summary: String,
                               symbol: String = "", off: String = "", bounds: ClosedRange<Double>) -> Field
    where F: BinaryFloatingPoint & LosslessStringConvertible & Codable & Sendable {
        stored(FieldSpec(key, .real, bounds: bounds, default: .real(Root.defaults[keyPath: path].decimalValue), summary: summary, symbol: symbol, off: off),
               path, property, read: { .real($0.decimalValue) }, write: { value -> F? in if case .real(let x) = value { return F(x) }; return nil })
    }

    /// A whole number within `bounds`, or off (nil) for no cap.
    public static func cap(_ key: String, _ path: WritableKeyPath<Root, Int?> & Sendable, _ property: String, _ summary: String,
                           bounds: ClosedRange<Double>) -> Field {
        let read: @Sendable (Int?) -> FieldValue = { $0.map(FieldValue.whole) ?? .word("off") }
        return stored(FieldSpec(key, .cap, bounds: bounds, default: read(Root.defaults[keyPath: path]), summary: summary),
                      path, property, read: read, write: { value -> Int?? in if case .whole(let n) = value { return .some(n) }; return .some(nil) })
    }

    /// A switch.
    public static func flag(_ key: String, _ path: WritableKeyPath<Root, Bool> & Sendable, _ property: String, _ summary: String) -> Field {
        stored(FieldSpec(key, .flag, default: .flag(Root.defaults[keyPath: path]), summary: summary),
               path, property, read: { .flag($0) }, write: { value -> Bool? in if case .flag(let on) = value { return on }; return nil })
    }

    /// Text (a name, or text with its own syntax read by the owner), or a path with `kind: .path`.
    /// An empty default shows as none: leaving the key out means what the summary says.
    public static func text(_ key: String, _ path: WritableKeyPath<Root, String> & Sendable, _ property: String, _ summary: String,
                            kind: FieldKind = .text) -> Field {
        let fallback = Root.defaults[keyPath: path]
        return stored(FieldSpec(key, kind, default: fallback.isEmpty ? nil : .word(fallback), summary: summary),
                      path, property, read: { .word($0) }, write: { value -> String? in if case .word(let w) = value { return w }; return nil })
    }

    /// Optional text: nil (read as "") when not given, unless the value's default names one.
    public static func optionalText(_ key: String, _ path: WritableKeyPath<Root, String?> & Sendable, _ property: String, _ summary: String,
                                    kind: FieldKind = .text) -> Field {
        stored(FieldSpec(key, kind, default: Root.defaults[keyPath: path].map(FieldValue.word), summary: summary),
               path, property, read: { .word($0 ?? "") }, write: { value -> String?? in if case .word(let w) = value { return .some(w) }; return nil })
    }

    /// One of an enumeration's cases, by raw value.
    public static func choice<E>(_ key: String, _ path: WritableKeyPath<Root, E> & Sendable, _ property: String, _ summary: String,
                                 symbol: String = "") -> Field
    where E: RawRepresentable & CaseIterable & Codable & Sendable, E.RawValue == String {
        stored(FieldSpec(key, .choice(E.allCases.map(\.rawValue)), default: .word(Root.defaults[keyPath: path].rawValue), summary: summary, symbol: symbol),
               path, property, read: { .word($0.rawValue) }, write: { value -> E? in if case .word(let w) = value { return E(rawValue: w) }; return nil })
    }
}

extension BinaryFloatingPoint where Self: LosslessStringConvertible {
    /// The Double with this value's shortest decimal text (a Float 0.7 → 0.7, not 0.699999988…),
    /// for printing a Float setting beside Double settings.
    public var decimalValue: Double { Double(description) ?? Double(self) }
}
