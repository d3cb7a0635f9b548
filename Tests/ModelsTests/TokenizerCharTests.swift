// Tests for the character tokenizer: ids, round trips, special tokens (longest match), unknown
// characters, explicit vocabularies (the arithmetic recipe's 18 symbols) and tokenizer.json.

import Foundation
import Testing
@testable import Models

@Test func charTokenizerFromCorpusPutsSpecialsFirstThenSortedCharacters() throws {
    let t = try CharTokenizer(corpus: ["cab", "b a\n"])
    #expect(Array(t.vocabulary.prefix(5)) == CharTokenizer.defaultSpecials)
    #expect(Array(t.vocabulary.dropFirst(5)) == ["\n", " ", "a", "b", "c"])
    #expect(t.special == SpecialTokens(bos: 1, eos: 2, pad: 0, thinkStart: 3, thinkEnd: 4))
    #expect(t.vocabularySize == 10)
    #expect(try t.encode("abc") == [7, 8, 9])
    #expect(t.tokenString(9) == "c")
    #expect(t.tokenString(10) == nil)
    #expect(t.tokenString(-1) == nil)
}

@Test func charTokenizerRoundTripsTextWithSpecials() throws {
    let t = try CharTokenizer(corpus: ["0123456789+= <>/kniht", "é漢🙂"])
    let text = "<bos>12+34=<think>1 2</think>46<eos><pad>é漢🙂"
    let ids = try t.encode(text)
    #expect(t.decode(ids) == text)
    // Specials are single ids; `<` alone is a plain character.
    #expect(ids.first == t.special.bos)
    #expect(ids.contains(try #require(t.special.thinkStart)))
    #expect(try t.encode("<").count == 1)
    #expect(try t.encode("<thin").count == 5)
    // Unknown ids are skipped when decoding.
    #expect(t.decode([-3, 1000, 5]) == t.vocabulary[5])
}

@Test func charTokenizerTakesTheLongestSpecialMatch() throws {
    let t = try CharTokenizer(vocabulary: ["<a>", "<a>b", "<", "a", ">", "b"])
    #expect(try t.encode("<a>b<a>") == [1, 0])
    #expect(try t.encode("<a") == [2, 3])
}

@Test func charTokenizerNamesUnknownCharacters() throws {
    let t = try CharTokenizer(corpus: ["abc"])
    #expect(throws: TokenizerError.unknownCharacter("z", offset: 2)) { try t.encode("abzc") }
    let message = TokenizerError.unknownCharacter("\u{7}", offset: 0).description
    #expect(message.contains("U+7") && message.contains("position 0"))
}

@Test func charTokenizerBuildsTheArithmeticVocabulary() throws {
    let vocabulary = (0...9).map(String.init) + ["+", "=", "c", " ", "<think>", "</think>", "<eos>", "<pad>"]
    let t = try CharTokenizer(vocabulary: vocabulary)
    #expect(t.vocabularySize == 18)
    #expect(t.special == SpecialTokens(bos: nil, eos: 16, pad: 17, thinkStart: 14, thinkEnd: 15))
    #expect(try t.encode("12+9=<think>c</think>21<eos>") == [1, 2, 10, 9, 11, 14, 12, 15, 2, 1, 16])
}

@Test func charTokenizerRejectsBadVocabularies() {
    #expect(throws: TokenizerError.self) { try CharTokenizer(vocabulary: ["a", "a"]) }
    #expect(throws: TokenizerError.self) { try CharTokenizer(vocabulary: ["a", ""]) }
    #expect(throws: TokenizerError.self) { try CharTokenizer(vocabulary: ["ab"], specials: []) }
    #expect(throws: TokenizerError.self) { try CharTokenizer(vocabulary: ["a"], specials: ["<eos>"]) }
}

@Test func charTokenizerRoundTripsThroughTokenizerJSON() throws {
    let t = try CharTokenizer(corpus: ["hello world\n\t\"quoted\" \\ é"])
    let json = try t.huggingFaceJSON()
    let back = try #require(try parseTokenizer(json: json) as? CharTokenizer)
    #expect(back == t)
    #expect(back.special == t.special)
    let text = "<think>hello \"world\"\n</think>\\é<eos>"
    #expect(try back.encode(text) == t.encode(text))
    // Also through a file in a checkpoint-like directory.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(json).write(to: dir.appendingPathComponent("tokenizer.json"))
    let loaded = try #require(try loadTokenizer(from: dir) as? CharTokenizer)
    #expect(loaded == t)
}

@Test func tokenizerLoaderRejectsBrokenFiles() {
    // Character files (Verity's Split pre-tokenizer) must be contiguous single characters.
    let chars = #""pre_tokenizer":{"type":"Split","pattern":{"Regex":"[\\s\\S]"},"behavior":"Isolated","invert":false}"#
    let cases: [String] = [
        "[]", "{", #"{"model":{}}"#, #"{"model":{"type":"Unigram"}}"#,
        #"{"model":{"type":"WordLevel","vocab":{"a":0,"b":5}},"# + chars + "}",
        #"{"model":{"type":"WordLevel","vocab":{"a":0,"b":0}},"# + chars + "}",
        #"{"model":{"type":"WordLevel","vocab":{"ab":0}},"# + chars + "}",
        #"{"model":{"type":"WordLevel","vocab":{"a":0}},"added_tokens":[{"id":3,"content":"<eos>"}],"# + chars + "}",
        // Word vocabularies: two words on one id.
        #"{"model":{"type":"WordLevel","vocab":{"ab":0,"cd":0}}}"#,
    ]
    for text in cases {
        #expect(throws: TokenizerError.self, "\(text)") { _ = try parseTokenizer(json: Array(text.utf8), file: "t.json") }
    }
    #expect(throws: TokenizerError.self) { _ = try loadTokenizer(from: URL(fileURLWithPath: "/nonexistent/tokenizer.json")) }
}
