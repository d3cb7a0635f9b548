// Tests for the strict JSON parser and writer behind safetensors headers, tokenizer files and
// server replies: grammar, escapes and surrogates, duplicate keys, depth limit, and round trips.

import Testing
@testable import Models

func parseJSONText(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

@Test func jsonParsesValuesAndKeepsKeyOrder() throws {
    let v = try parseJSONText(#" {"z": [1, -2.5e3, 0, true, false, null], "a": {"k": "v"}, "m": ""} "#)
    guard case .object(let o) = v else { Issue.record("not an object"); return }
    #expect(o.keys == ["z", "a", "m"])
    #expect(o["z"] == .array([.number("1"), .number("-2.5e3"), .number("0"), .bool(true), .bool(false), .null]))
    #expect(o["z"]?.arrayValue?[1].doubleValue == -2500)
    #expect(o["z"]?.arrayValue?[1].intValue == nil)   // not an exact integer
    #expect(o["a"]?.objectValue?["k"] == .string("v"))
    #expect(try parseJSONText("12345678901234567890").intValue == nil)   // beyond Int
    #expect(try parseJSONText("-9223372036854775808").intValue == Int.min)
}

@Test func jsonDecodesEscapesAndSurrogates() throws {
    #expect(try parseJSONText(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
    #expect(try parseJSONText(#""\u00e9\u6F22\ud83d\ude42""#) == .string("é漢🙂"))
    #expect(try parseJSONText("\"é漢🙂\"") == .string("é漢🙂"))
    for bad in [#""\ud83d""#, #""\ude42""#, #""\ud83d\u0041""#, #""\x""#, #""\u12""#, "\"a\u{1}\""] {
        #expect(throws: JSONParseError.self, "\(bad)") { _ = try parseJSONText(bad) }
    }
    // Invalid UTF-8 inside a string.
    #expect(throws: JSONParseError.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
}

@Test func jsonRejectsMalformedText() {
    let bad = ["", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1",
               "tru", "nul", "[1 2]", "\"abc", "{\"a\":1}{}", "NaN", "Infinity"]
    for text in bad {
        #expect(throws: JSONParseError.self, "\(text.debugDescription)") { _ = try parseJSONText(text) }
    }
}

@Test func jsonRejectsDuplicateKeysAtAnyDepth() {
    #expect(throws: JSONParseError.self) { _ = try parseJSONText(#"{"a":1,"b":2,"a":3}"#) }
    #expect(throws: JSONParseError.self) { _ = try parseJSONText(#"[{"x":{"k":1,"k":1}}]"#) }
    do {
        _ = try parseJSONText(#"{"a":1, "a":2}"#)
        Issue.record("expected a duplicate-key error")
    } catch {
        #expect(error.message == "duplicate key \"a\"")
        #expect(error.offset == 8)
    }
}

@Test func jsonLimitsNestingDepth() throws {
    let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
    #expect(throws: Never.self) { _ = try parseJSONText(ok) }
    let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
    #expect(throws: JSONParseError.self) { _ = try parseJSONText(deep) }
}

@Test func jsonWriterRoundTrips() throws {
    let value = JSONValue.object(JSONObject([
        ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{7} é 🙂")),
        ("list", .array([.int(1), .number("-2.5"), .bool(true), .null, .array([]), .object(JSONObject())])),
        ("nested", .object(JSONObject([("k", .string(""))]))),
    ]))
    for indent in [false, true] {
        let bytes = value.serialized(indent: indent)
        #expect(try JSONParser.parse(bytes) == value)
    }
    #expect(String(decoding: JSONValue.string("\u{7}").serialized(), as: UTF8.self) == #""\u0007""#)
}
