// The text-level generation interface shared by the local model and remote OpenAI-compatible
// servers (vLLM, SGLang, llama.cpp's server, Ollama), so evaluation and scaling sweeps run
// against either. Token-level details (ids, per-token log-probabilities for training) stay in
// the local engine; this is what an evaluation needs.

import Foundation

/// One sampled completion.
public struct GeneratedText: Sendable, Codable, Equatable {
    /// The completion, without the prompt.
    public var text: String
    /// Tokens generated (forced tokens included).
    public var tokenCount: Int
    /// Tokens inside the thinking section (`<think>` … `</think>`). Exact for the local model;
    /// for remote servers counted from returned tokens or estimated (see `RemoteGenerator`).
    public var thinkingTokens: Int
    /// Why the completion ended.
    public var finishReason: FinishReason
    /// Sum of the generated tokens' log-probabilities, when known.
    public var logprob: Double?

    /// A completion; `logprob` nil when the backend did not report log-probabilities.
    public init(text: String, tokenCount: Int, thinkingTokens: Int, finishReason: FinishReason, logprob: Double? = nil) {
        self.text = text
        self.tokenCount = tokenCount
        self.thinkingTokens = thinkingTokens
        self.finishReason = finishReason
        self.logprob = logprob
    }
}

/// Something that samples completions for prompts: the local model or a remote server.
public protocol Generator: AnyObject {
    /// A short description for tables and plots (`local 4x128`, `qwen2.5-0.5b @ 127.0.0.1:8080`).
    var name: String { get }

    /// Samples `samplesPerPrompt` completions for every prompt; the result is indexed
    /// `[prompt][sample]`. The same seed, prompts and options give the same result where the
    /// backend is deterministic. `isCancelled` is polled between units of work; when it returns
    /// true the call throws `CancellationError` and nothing partial is returned.
    func generate(prompts: [String], samplesPerPrompt: Int, options: GenerationOptions, seed: UInt64,
                  isCancelled: () -> Bool) throws -> [[GeneratedText]]
}

/// Where thinking starts and ends in text, for generators that only see strings.
public enum ThinkingSpan {
    /// The markers that open and close a thinking section.
    public static let open = "<think>"
    public static let close = "</think>"

    /// True when the prompt leaves a thinking section open (it ends inside `<think>` …),
    /// so the completion starts in thinking (the R1-Zero prompt style).
    public static func promptOpensThinking(_ prompt: String) -> Bool {
        guard let open = prompt.range(of: Self.open, options: .backwards) else { return false }
        return prompt.range(of: Self.close, range: open.upperBound..<prompt.endIndex) == nil
    }

    /// Characters of `text` inside thinking sections (markers excluded). An unclosed section
    /// runs to the end of the text; `startsInside` says the text begins inside one.
    public static func thinkingCharacterCount(_ text: String, startsInside: Bool) -> Int {
        var count = 0
        var inside = startsInside
        var rest = text[...]
        while !rest.isEmpty {
            let marker = inside ? Self.close : Self.open
            guard let r = rest.range(of: marker) else {
                if inside { count += rest.count }
                break
            }
            if inside { count += rest[..<r.lowerBound].count }
            inside.toggle()
            rest = rest[r.upperBound...]
        }
        return count
    }

    /// Estimated thinking tokens: `tokenCount` × (thinking characters / all characters), rounded.
    /// Used when a server returns no tokens; byte-level BPE tokens per character vary little
    /// within one completion, so the share of characters is a fair proxy for the share of tokens.
    public static func estimateThinkingTokens(text: String, tokenCount: Int, startsInside: Bool) -> Int {
        let total = text.count
        guard total > 0, tokenCount > 0 else { return 0 }
        let thinking = thinkingCharacterCount(text, startsInside: startsInside)
        return Int((Double(tokenCount) * Double(thinking) / Double(total)).rounded())
    }

    /// Thinking tokens counted on the returned token strings: a token counts when one of its
    /// characters lies inside a thinking section (markers excluded), so markers split across
    /// several tokens are handled. Returns nil when the tokens do not concatenate to `text`
    /// (servers that return raw byte pieces), so the caller can fall back to an estimate.
    public static func countThinkingTokens(_ tokens: [String], text: String, startsInside: Bool) -> Int? {
        let scalars = Array(text.unicodeScalars)
        guard tokens.reduce(0, { $0 + $1.unicodeScalars.count }) == scalars.count,
              tokens.joined() == text else { return nil }
        // Mark the scalars inside thinking sections.
        var inside = [Bool](repeating: false, count: scalars.count)
        let open = Array(Self.open.unicodeScalars), close = Array(Self.close.unicodeScalars)
        var state = startsInside
        var i = 0
        while i < scalars.count {
            let marker = state ? close : open
            if i + marker.count <= scalars.count, scalars[i..<i + marker.count].elementsEqual(marker) {
                state.toggle()
                i += marker.count
                continue
            }
            inside[i] = state
            i += 1
        }
        var count = 0
        var offset = 0
        for token in tokens {
            let n = token.unicodeScalars.count
            if inside[offset..<offset + n].contains(true) { count += 1 }
            offset += n
        }
        return count
    }
}
