// Tests for byte-level BPE against fixtures made by the Hugging Face `tokenizers` library
// (Fixtures/make_tokenizer_fixture.py): three pre-tokenizer styles (GPT-2, Llama 3, Qwen2 with
// NFC), each encoding probe texts to the recorded ids and decoding them back; plus the
// pre-tokenizer splitter on hand-worked examples and the loader's refusals.

import Foundation
import Testing
@testable import Models

func ioFixtureURL(_ name: String) throws -> URL {
    let base = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return base.appendingPathComponent(name)
}

struct BPEProbe: Decodable { var text: String; var ids: [Int]; var decoded: String }

func bpeExpectations() throws -> [String: [BPEProbe]] {
    try JSONDecoder().decode([String: [BPEProbe]].self, from: Data(contentsOf: ioFixtureURL("bpe_expected.json")))
}

@Test(arguments: ["gpt2", "llama3", "qwen2"])
func bpeMatchesHuggingFaceTokenizers(style: String) throws {
    let probes = try #require(try bpeExpectations()[style])
    #expect(probes.count >= 10)
    let tokenizer = try loadTokenizer(from: ioFixtureURL("bpe_\(style).json"))
    let bpe = try #require(tokenizer as? BPETokenizer)
    #expect(bpe.vocabularySize == 420)
    for probe in probes {
        let ids = try bpe.encode(probe.text)
        #expect(ids == probe.ids, "\(style): \(probe.text.debugDescription)")
        #expect(bpe.decode(probe.ids) == probe.decoded, "\(style): \(probe.text.debugDescription)")
    }
}

@Test func bpeLocatesSpecialTokensByString() throws {
    let bpe = try loadTokenizer(from: ioFixtureURL("bpe_qwen2.json"))
    // Fixture ids: <|endoftext|>=0, <|im_end|>=1, <think>=2, </think>=3. ChatML's end wins for eos.
    #expect(bpe.special == SpecialTokens(bos: nil, eos: 1, pad: nil, thinkStart: 2, thinkEnd: 3))
    #expect(bpe.tokenString(2) == "<think>")
    #expect(bpe.tokenString(-1) == nil)
    #expect(bpe.tokenString(420) == nil)
    // Byte-level tokens show as text: the token for a leading-space "s" is " s".
    let ids = try bpe.encode(" s")
    #expect(ids.count == 1)
    #expect(bpe.tokenString(ids[0]) == " s")
    // Out-of-range ids are skipped in decoding.
    #expect(bpe.decode([999, -5] + (try bpe.encode("ok"))) == "ok")
    // huggingFaceJSON gives the document back so a checkpoint can carry it.
    let again = try parseTokenizer(json: try bpe.huggingFaceJSON())
    #expect(try again.encode("Hello <think>") == bpe.encode("Hello <think>"))
}

@Test func bpeReadsMergesWrittenAsStrings() throws {
    // Older tokenizer.json files write merges as "a b" strings instead of ["a", "b"] pairs.
    let bytes = [UInt8](try Data(contentsOf: ioFixtureURL("bpe_gpt2.json")))
    guard case .object(var root) = try JSONParser.parse(bytes), var model = root["model"]?.objectValue,
          let merges = model["merges"]?.arrayValue else {
        Issue.record("fixture lacks model.merges"); return
    }
    model["merges"] = .array(merges.map { m in .string((m.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")) })
    root["model"] = .object(model)
    let stringsVersion = try parseTokenizer(json: JSONValue.object(root).serialized())
    let pairsVersion = try loadTokenizer(from: ioFixtureURL("bpe_gpt2.json"))
    for probe in try #require(try bpeExpectations()["gpt2"]) {
        #expect(try stringsVersion.encode(probe.text) == pairsVersion.encode(probe.text))
    }
}

@Test func preTokenizerSplitsLikeTheRegexes() {
    func pieces(_ p: SplitPattern, _ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        return p.split(s).map { String(String.UnicodeScalarView(s[$0])) }
    }
    // Worked by hand from the patterns in PreTokenizer.swift.
    #expect(pieces(.gpt2, "Hello world's  end") == ["Hello", " world", "'s", " ", " end"])
    #expect(pieces(.gpt2, "a 12345!! \n") == ["a", " 12345", "!!", " \n"])
    #expect(pieces(.gpt2, "I'M") == ["I", "'", "M"])
    #expect(pieces(.llama3, "I'M 12345") == ["I", "'M", " ", "123", "45"])
    #expect(pieces(.qwen2, "x=123") == ["x", "=", "1", "2", "3"])
    #expect(pieces(.llama3, "a.\n\n  b") == ["a", ".\n\n", " ", " b"])
    #expect(pieces(.llama3, "end  \n  \nnext") == ["end", "  \n  \n", "next"])
    #expect(pieces(.llama3, "\tword") == ["\tword"])
    #expect(SplitPattern(regex: SplitPattern.gpt2Regex) == .gpt2)
    #expect(SplitPattern(regex: "\\d+") == nil)
}

@Test func bpeLoaderRefusesWhatItCannotDo() throws {
    let bytes = [UInt8](try Data(contentsOf: ioFixtureURL("bpe_llama3.json")))
    guard case .object(let root) = try JSONParser.parse(bytes) else { Issue.record("fixture is not an object"); return }
    func variant(_ edit: (inout JSONObject) -> Void) -> [UInt8] {
        var r = root
        edit(&r)
        return JSONValue.object(r).serialized()
    }
    let broken: [[UInt8]] = [
        variant { $0["pre_tokenizer"] = .object(JSONObject([("type", .string("Metaspace"))])) },
        variant { $0["pre_tokenizer"] = .null },
        variant { $0["normalizer"] = .object(JSONObject([("type", .string("Lowercase"))])) },
        variant { r in
            var m = r["model"]?.objectValue ?? JSONObject()
            m["byte_fallback"] = .bool(true)
            r["model"] = .object(m)
        },
        variant { r in
            var m = r["model"]?.objectValue ?? JSONObject()
            m["merges"] = .array([.string("zz qq")])
            r["model"] = .object(m)
        },
        variant { r in
            var m = r["model"]?.objectValue ?? JSONObject()
            m["vocab"] = .object(JSONObject([("a", .number("-1"))]))
            r["model"] = .object(m)
        },
    ]
    for b in broken {
        #expect(throws: TokenizerError.self) { _ = try parseTokenizer(json: b, file: "bpe.json") }
    }
}

struct PreTokenizerProbe: Decodable { var text: String; var pieces: [String] }

/// Differential test: 400 random strings of awkward fragments, split by `tokenizers`' own regex
/// engine (recorded by the fixture script) and by the hand-written splitter.
@Test(arguments: [("gpt2", SplitPattern.gpt2), ("llama3", .llama3), ("qwen2", .qwen2)])
func preTokenizerMatchesTheRegexEngine(style: String, pattern: SplitPattern) throws {
    let all = try JSONDecoder().decode([String: [PreTokenizerProbe]].self,
                                       from: Data(contentsOf: ioFixtureURL("pretokenizer_expected.json")))
    let probes = try #require(all[style])
    #expect(probes.count == 400)
    var mismatches = 0
    for probe in probes {
        let s = Array(probe.text.unicodeScalars)
        let pieces = pattern.split(s).map { String(String.UnicodeScalarView(s[$0])) }
        if pieces != probe.pieces {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(style): \(probe.text.debugDescription) → \(pieces) expected \(probe.pieces)") }
        }
    }
    #expect(mismatches == 0)
}
