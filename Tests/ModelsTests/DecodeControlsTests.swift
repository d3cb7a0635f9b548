// DecodeControls from text options: special ids from the tokenizer, wait text and stop strings
// encoded; validation messages.
import Testing
@testable import Models

/// One character per id: "abc" then specials.
struct LetterTokenizer: Tokenizer {
    let letters = Array("abcdefgh W")
    var vocabularySize: Int { letters.count + 3 }
    var special = SpecialTokens(eos: 10, thinkStart: 11, thinkEnd: 12)
    func encode(_ text: String) throws -> [Int] {
        try text.map { ch in
            guard let i = letters.firstIndex(of: ch) else { throw ModelError("no token for '\(ch)'") }
            return i
        }
    }
    func decode(_ ids: [Int]) -> String { String(ids.compactMap { $0 < letters.count ? letters[$0] : nil }) }
    func tokenString(_ id: Int) -> String? { id < letters.count ? String(letters[id]) : nil }
    func huggingFaceJSON() throws -> [UInt8] { [] }
    func withSpecial(_ special: SpecialTokens) -> any Tokenizer { var copy = self; copy.special = special; return copy }
}

@Test func controlsFromOptionsUseTheTokenizer() throws {
    let tok = LetterTokenizer()
    let o = GenerationOptions(maxNewTokens: 9, temperature: 0.5, topK: 3, topP: 0.9, stopStrings: ["ab", ""],
                              thinkingBudget: 4, waitExtensions: 2, waitText: " W")
    let c = try DecodeControls(options: o, tokenizer: tok)
    #expect(c.eos == 10 && c.thinkStart == 11 && c.thinkEnd == 12)
    #expect(c.waitTokens == [8, 9])
    #expect(c.stopSequences == [[0, 1]])
    #expect(c.sampling.maxNewTokens == 9 && c.sampling.temperature == 0.5 && c.sampling.topK == 3 && c.sampling.topP == 0.9)
    #expect(c.sampling.thinkingBudget == 4 && c.sampling.waitExtensions == 2)
    try c.validate(vocabSize: tok.vocabularySize)
    #expect(throws: ModelError.self) { try c.validate(vocabSize: 12) }  // </think> = 12 outside
    #expect(throws: ModelError.self) { _ = try DecodeControls(options: GenerationOptions(stopStrings: ["z"]), tokenizer: tok) }
}
