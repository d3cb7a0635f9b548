// The one field declaration: parsing and checking by kind and bounds, typed get/set through key
// paths, defaults read from the value's init, lifting into an outer value, and decoding saved
// values by property name.
import Foundation
import Testing
@testable import Fields

private struct Inner: FieldRoot, Codable, Equatable {
    var rate: Float = 0.7
    var cap: Int? = nil
    static var defaults: Inner { Inner() }
    static let fields: [Field<Inner>] = [
        .real("rate", \.rate, "rate", "a rate", symbol: "r", off: "none", bounds: 0...1),
        .cap("cap", \.cap, "cap", "a cap", bounds: 0...100),
    ]
}

private enum Shape: String, Codable, CaseIterable, Sendable { case round, square }

private struct Outer: FieldRoot, Codable, Equatable {
    var count = 3
    var on = false
    var shape = Shape.round
    var inner = Inner()
    static var defaults: Outer { Outer() }
    static let fields: [Field<Outer>] = [
        .whole("count", \.count, "count", "how many", bounds: 1...8),
        .flag("on", \.on, "on", "a switch"),
        .choice("shape", \.shape, "shape", "a shape"),
    ] + Inner.fields.map { $0.lifted(through: \.inner, named: "inner") }

    init() {}
    init(from decoder: Decoder) throws {
        self.init()
        try Field.restore(Self.fields, from: decoder.container(keyedBy: FieldCodingKey.self), into: &self)
        if let inner = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Inner.self, forKey: .inner) { self.inner = inner }
    }
}

private func field(_ key: String) throws -> Field<Outer> {
    try #require(Outer.fields.first { $0.key == key })
}

@Suite struct FieldTests {
    @Test func eachKindParsesWhatItShouldAndRefusesTheRestByName() throws {
        let whole = FieldSpec("n", .whole, bounds: 1...8, default: .whole(2), summary: "n")
        #expect(try whole.parse("8") == .whole(8))
        #expect(throws: FieldError.self) { try whole.parse("9") }
        #expect(throws: FieldError.self) { try whole.parse("2.5") }
        do { _ = try whole.parse("0"); Issue.record("0 is below the bounds") } catch let e as FieldError {
            #expect(e.description == "n=0 is outside 1…8")
        }
        let real = FieldSpec("lr", .real, bounds: 0...10, default: .real(1e-4), summary: "lr")
        #expect(try real.parse("3e-4") == .real(3e-4))
        #expect(try real.checked(.whole(1)) == .real(1))  // a whole number is a real number
        #expect(throws: FieldError.self) { try real.parse("inf") }
        #expect(throws: FieldError.self) { try real.parse("-1") }
        #expect(throws: FieldError.self) { try real.checked(.flag(true)) }
        let cap = FieldSpec("budget", .cap, bounds: 0...100, default: .word("off"), summary: "b")
        #expect(try cap.parse("OFF") == .word("off"))
        #expect(try cap.parse("none") == .word("off"))
        #expect(try cap.parse("0") == .whole(0))
        #expect(throws: FieldError.self) { try cap.parse("lots") }
        #expect(throws: FieldError.self) { try cap.parse("101") }
        let flag = FieldSpec("on", .flag, default: .flag(false), summary: "s")
        for yes in ["on", "true", "YES", "1"] { #expect(try flag.parse(yes) == .flag(true)) }
        for no in ["off", "false", "no", "0"] { #expect(try flag.parse(no) == .flag(false)) }
        #expect(try flag.checked(.whole(1)) == .flag(true))
        #expect(throws: FieldError.self) { try flag.parse("maybe") }
        let choice = FieldSpec("loss", .choice(["token-mean", "seq-mean"]), default: .word("token-mean"), summary: "l")
        #expect(try choice.parse("Seq-Mean") == .word("seq-mean"))
        #expect(throws: FieldError.self) { try choice.parse("median") }
        #expect(try FieldSpec("d", .text, default: nil, summary: "d").parse("3:4") == .word("3:4"))
    }

    @Test func helpAndTextAreDerivedFromTheDeclaration() {
        let spec = FieldSpec("kl", .real, bounds: 0...1, default: .real(0.04), summary: "KL coefficient", symbol: "β", off: "no KL")
        #expect(spec.help == "KL coefficient (β); 0 = no KL")
        #expect(spec.defaultText == "0.04")
        #expect(FieldValue.real(3).description == "3")
        #expect(FieldValue.real(1e-8).description == "1e-08")
        #expect(FieldValue.flag(true).description == "on")
        #expect(FieldSpec("x", .flag, default: .flag(false), summary: "").choices == ["on", "off"])
    }

    @Test func typedFieldsReadDefaultsFromInitAndSetThroughKeyPaths() throws {
        var o = Outer()
        #expect(try field("count").spec.defaultValue == .whole(3))
        #expect(try field("rate").spec.defaultValue == .real(0.7))  // a Float's own short text, not 0.699999988
        #expect(try field("rate").property == "inner.rate")
        #expect(try field("cap").value(in: o) == .word("off"))
        try field("count").set(.whole(5), in: &o)
        try field("on").set(.word("yes"), in: &o)
        try field("shape").set(.word("SQUARE"), in: &o)
        try field("rate").set(.real(0.25), in: &o)
        try field("cap").set(.whole(7), in: &o)
        #expect(o.count == 5 && o.on && o.shape == .square && o.inner.rate == 0.25 && o.inner.cap == 7)
        try field("cap").set(.word("off"), in: &o)
        #expect(o.inner.cap == nil)
        let before = o
        #expect(throws: FieldError.self) { try field("count").set(.whole(9), in: &o) }
        #expect(throws: FieldError.self) { try field("rate").set(.real(2), in: &o) }
        #expect(o == before)  // a refused value changes nothing
    }

    @Test func checkHoldsAValueBuiltInCodeToTheDeclaredBounds() throws {
        var o = Outer()
        try Field.check(Outer.fields, in: o)
        o.count = 0
        do {
            try Field.check(Outer.fields, in: o)
            Issue.record("count=0 passed the check")
        } catch let e as FieldError {
            #expect(e.description == "count=0 is outside 1…8")
        }
        o.count = 2
        o.inner.rate = .nan  // a lifted field is checked through its path
        #expect(throws: FieldError.self) { try Field.check(Outer.fields, in: o) }
        o.inner.rate = 1
        o.inner.cap = 101
        #expect(throws: FieldError.self) { try Field.check(Outer.fields, in: o) }
    }

    @Test func savedValuesDecodeByPropertyNameAndAbsentKeysKeepDefaults() throws {
        var o = Outer()
        o.count = 6; o.on = true; o.shape = .square; o.inner.rate = 0.5; o.inner.cap = 12
        let data = try JSONEncoder().encode(o)
        #expect(try JSONDecoder().decode(Outer.self, from: data) == o)
        let partial = try JSONDecoder().decode(Outer.self, from: Data(#"{"count": 2}"#.utf8))
        var expected = Outer()
        expected.count = 2
        #expect(partial == expected)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Outer.self, from: Data(#"{"count": "two"}"#.utf8)) }
    }
}
