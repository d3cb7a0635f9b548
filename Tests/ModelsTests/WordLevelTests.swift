// Word-level tokenizers trained and run by `tokenizers` (make_wordlevel_fixture.py): Verity must give
// the same ids for every text (unknown words, punctuation runs, special tokens, accents, odd
// whitespace) and the same decodings, with a Whitespace + Lowercase tokenizer and a BertPreTokenizer +
// Fuse one. Verity's own character tokenizers, also WordLevel files, still load as characters.
import Foundation
import Testing
@testable import Models

private struct WordCase: Decodable { var text: String; var ids: [Int]; var decoded: String }

@Suite struct WordLevelTests {
    func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    @Test(arguments: ["whitespace", "bert"]) func matchesTokenizers(_ name: String) throws {
        let tokenizer = try loadTokenizer(from: try fixture("wordlevel_\(name).json"))
        #expect(tokenizer is WordLevelTokenizer)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: try fixture("wordlevel_expected.json"))) as? [String: Any]
        let cases = try JSONDecoder().decode([WordCase].self, from: JSONSerialization.data(withJSONObject: try #require(doc?[name])))
        #expect(cases.count == 8)
        for c in cases {
            let ids = try tokenizer.encode(c.text)
            #expect(ids == c.ids, "\(name): \(c.text.debugDescription)")
            #expect(tokenizer.decode(ids) == c.decoded, "\(name): decode of \(c.text.debugDescription)")
        }
        #expect(tokenizer.special.eos != nil && tokenizer.special.thinkStart != nil, "roles found by their strings")
    }

    @Test func veritysCharacterFilesStillLoadAsCharacters() throws {
        let chars = try CharTokenizer(corpus: ["12+34=46"])
        let again = try parseTokenizer(json: try chars.huggingFaceJSON())
        #expect(again is CharTokenizer)
        #expect(try again.encode("12+34=") == (try chars.encode("12+34=")))
    }

    @Test func unknownWordsWithoutAnUnkTokenAreErrors() throws {
        let json = #"{"model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1}}, "pre_tokenizer": {"type": "WhitespaceSplit"}}"#
        let tokenizer = try parseTokenizer(json: Array(json.utf8))
        #expect(try tokenizer.encode("a b a") == [0, 1, 0])
        #expect(throws: TokenizerError.self) { try tokenizer.encode("a c") }
        let unsupported = #"{"model": {"type": "WordLevel", "vocab": {"a": 0}}, "pre_tokenizer": {"type": "Metaspace"}}"#
        #expect(throws: TokenizerError.self) { try parseTokenizer(json: Array(unsupported.utf8)) }
    }
}
