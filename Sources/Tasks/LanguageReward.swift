// Tasks/LanguageReward.swift — owns `LanguageConsistencyReward`: the share of the completion's
// letters written in the prompt's script, after DeepSeek-R1's language-consistency reward.

import Foundation

/// Writing systems the language reward distinguishes.
public enum Script: String, Sendable, CaseIterable, Equatable, Hashable {
    /// Latin letters, with the Latin-1 and extended blocks.
    case latin
    /// Greek, with polytonic Greek.
    case greek
    /// Cyrillic, with its supplement.
    case cyrillic
    /// Hebrew.
    case hebrew
    /// Arabic, with its supplement.
    case arabic
    /// Devanagari (Hindi, Marathi, Nepali).
    case devanagari
    /// Thai.
    case thai
    /// Korean Hangul syllables and jamo.
    case hangul
    /// Japanese hiragana and katakana.
    case kana
    /// CJK ideographs (Chinese hanzi, Japanese kanji).
    case han
    /// Any other letter.
    case other

    /// The script of one letter, by Unicode block.
    public init(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: self = .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: self = .greek
        case 0x400...0x52F: self = .cyrillic
        case 0x590...0x5FF: self = .hebrew
        case 0x600...0x6FF, 0x750...0x77F: self = .arabic
        case 0x900...0x97F: self = .devanagari
        case 0xE00...0xE7F: self = .thai
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: self = .hangul
        case 0x3040...0x30FF: self = .kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: self = .han
        default: self = .other
        }
    }

    /// The scripts a language (ISO 639-1 code) is written in; nil for an unknown code.
    public static func scripts(forLanguage code: String) -> Set<Script>? {
        switch code.lowercased().prefix(2) {
        case "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "ro",
             "hu", "tr", "vi", "id", "ca", "hr", "sk", "sl", "et", "lv", "lt", "sw":
            return [.latin]
        case "el": return [.greek]
        case "ru", "uk", "bg", "sr", "be", "mk", "kk": return [.cyrillic]
        case "he": return [.hebrew]
        case "ar", "fa", "ur": return [.arabic]
        case "hi", "mr", "ne": return [.devanagari]
        case "th": return [.thai]
        case "ko": return [.hangul]
        case "ja": return [.kana, .han]
        case "zh": return [.han]
        default: return nil
        }
    }
}

/// Language consistency (DeepSeek-R1, 2025, §2.3.3: "the proportion of target language words
/// in the CoT"), measured on letters so it needs no word segmentation:
///
///     r = (letters of the thinking in the target script) / (letters of the thinking)
///
/// The thinking is the text inside `<think>…</think>` when present, else the whole completion.
/// The target script comes from the problem's `language` metadata (an ISO 639-1 code) or, if
/// absent, is the most common script among the prompt's letters. Nil (not applicable) when the
/// prompt has no letters and no `language`, or the thinking has no letters (e.g. arithmetic).
public struct LanguageConsistencyReward: Reward, Equatable {
    /// A language-consistency reward.
    public init() {}

    public var name: String { "language" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        guard let target = targetScripts(problem) else { return nil }
        var inTarget = 0, letters = 0
        for scalar in thinking(completion).unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if target.contains(Script(scalar)) { inTarget += 1 }
        }
        return letters == 0 ? nil : Double(inTarget) / Double(letters)
    }

    /// The scripts the completion should use for `problem`, or nil when unknown.
    func targetScripts(_ problem: Problem) -> Set<Script>? {
        if let code = problem.metadata["language"], let scripts = Script.scripts(forLanguage: code) {
            return scripts
        }
        var counts: [Script: Int] = [:]
        for scalar in problem.prompt.unicodeScalars where scalar.properties.isAlphabetic {
            counts[Script(scalar), default: 0] += 1
        }
        // The most common script; ties break by the enum order so the choice is deterministic.
        var best: (script: Script, count: Int)?
        for script in Script.allCases where script != .other {
            if let n = counts[script], n > (best?.count ?? 0) { best = (script, n) }
        }
        guard let winner = best?.script else { return nil }
        // Japanese mixes kana and kanji: either counts as the prompt's script.
        if winner == .kana || (winner == .han && counts[.kana] != nil) { return [.kana, .han] }
        return [winner]
    }

    /// The text inside the last `<think>…</think>`, or the completion without end markers.
    func thinking(_ completion: String) -> String {
        let text = cutAtEnd(completion)
        if let close = text.range(of: "</think>", options: .backwards),
           let open = text.range(of: "<think>", options: .backwards, range: text.startIndex..<close.lowerBound) {
            return String(text[open.upperBound..<close.lowerBound])
        }
        return text
    }
}
