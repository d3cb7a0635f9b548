// TasksTests/ExtractionTests.swift — answer extraction and numeric normalization, with cases
// written from lm-evaluation-harness's gsm8k task definitions and Math-Verify's test suite.

import Testing
@testable import Tasks

@Test func afterThinkTakesTextAfterTheLastCloseTag() {
    let e = AnswerExtractor.afterThink
    #expect(e.extract("<think>3+6=9c0</think>579") == "579")
    #expect(e.extract("<think>a</think>1</think> 42 <eos>junk") == "42")
    #expect(e.extract("<think>no close") == nil)
    #expect(e.extract("<think></think>   ") == nil)
    #expect(e.extract("<think></think>7<|im_end|>") == "7")
}

@Test func answerTagAndWhole() {
    #expect(AnswerExtractor.answerTag.extract("<think>x</think><answer> 12 </answer>") == "12")
    #expect(AnswerExtractor.answerTag.extract("<answer>1</answer> then <answer>2</answer>") == "2")
    #expect(AnswerExtractor.answerTag.extract("<answer>1") == nil)
    #expect(AnswerExtractor.whole.extract("  99 <eos>") == "99")
}

@Test func boxedUsesTheLastBalancedBox() {
    let e = AnswerExtractor.boxed
    #expect(e.extract("so \\boxed{\\frac{1}{2}}.") == "\\frac{1}{2}")
    #expect(e.extract("\\boxed{1} or rather \\boxed{2}") == "2")
    #expect(e.extract("\\boxed{\\text{Evelyn}}") == "\\text{Evelyn}")
    #expect(e.extract("\\boxed{unbalanced") == nil)
    #expect(e.extract("\\fbox{5}") == "5")
    #expect(e.extract("no box") == nil)
}

/// lm-evaluation-harness `gsm8k` strict-match: `#### (\-?[0-9\.\,]+)`, first match.
@Test func gsm8kStrictMatch() {
    let e = AnswerExtractor.gsm8k
    #expect(e.extract("Natalia sold 48/2 = 24 clips.\n#### 72") == "72")
    #expect(e.extract("#### -3") == "-3")
    #expect(e.extract("#### 1,000") == "1,000")
    #expect(e.extract("#### 18.") == "18")         // the harness ignores a trailing period
    #expect(e.extract("#### $18") == "$18")        // accepted here; see the file header
    #expect(e.extract("#### 5\n#### 6") == "5")    // take_first
    #expect(e.extract("the answer is 5") == nil)
}

/// lm-evaluation-harness `gsm8k_cot` strict-match: `The answer is (\-?[0-9\.\,]+).`.
@Test func answerIsStrictMatch() {
    let e = AnswerExtractor.answerIs
    #expect(e.extract("23 - 15 is 8. The answer is 8.") == "8")
    #expect(e.extract("So the answer is $1,250.") == "$1,250")
    #expect(e.extract("the answer is unclear, but the answer is -4") == "-4")
    #expect(e.extract("I am not sure") == nil)
}

/// lm-evaluation-harness flexible-extract: `(-?[$0-9.,]{2,})|(-?[0-9]+)`, last match.
@Test func lastNumberFlexibleExtract() {
    let e = AnswerExtractor.lastNumber
    #expect(e.extract("He had 3 apples, bought 5, and now has 8.") == "8")
    #expect(e.extract("costs $1,000.50 in total") == "$1,000.50")
    #expect(e.extract("the result is -3") == "-3")
    #expect(e.extract("half is 1/2") == "1/2")
    #expect(e.extract("none here...") == nil)
}

@Test func numericNormalization() {
    func key(_ s: String) -> String? { answerKey(s, comparison: .numeric) }
    #expect(key("$18") == "18")
    #expect(key("18.00") == "18")
    #expect(key("18.") == "18")
    #expect(key("1,000") == "1000")
    #expect(key("7,425,000") == "7425000")        // Math-Verify: thousands separators
    #expect(key("1 000") == "1000")               // Math-Verify: space as thousands separator
    #expect(key("1000.0") == "1000")              // Math-Verify
    #expect(key("$1,000.99") == key("1000.99"))   // Math-Verify: units like $
    #expect(key("1,000.99$") == key("1000.99"))
    #expect(key(".4") == "0.4")                   // Math-Verify: no leading zero
    #expect(key("-3") == "-3")
    #expect(key("-$3") == "-3" && key("$-3") == "-3")
    #expect(key("-0") == "0")
    #expect(key("007") == "7")
    #expect(key("1/2") == "0.5" && key("0.5") == "0.5")
    #expect(key("2/6") == "1/3")
    #expect(key("\\frac{1}{2}") == "0.5")
    #expect(key("\\frac{10}{9}") == key("10/9"))  // Math-Verify: simple fraction notation
    #expect(key("-\\frac{10}{9}") == key("-10/9"))
    #expect(key("\\frac13") == key("1/3"))        // Math-Verify: malformed \frac
    #expect(key("\\dfrac{1}{3}") == key("1/3"))
    #expect(key("\\boxed{\\frac{1}{3}}") == key("1/3"))
    #expect(key("$14{,}916$") == "14916")
    #expect(key("1/0") == nil)
    #expect(key("1,22") == nil)                   // not a thousands grouping
    #expect(key("abc") == nil)
    #expect(key("1.2.3") == nil)
    #expect(key("28%") == nil)                    // percentages only when asked
}

@Test func percentagesWhenAsked() {
    func key(_ s: String) -> String? { answerKey(s, comparison: .numericPercent) }
    // Math-Verify: `28\%` equals `28`, `28 %`, `28 percent`; not `0.28`.
    #expect(key("28\\%") == "28")
    #expect(key("28 %") == "28")
    #expect(key("28 percent") == "28")
    #expect(key("28") == "28")
    #expect(key("0.28") != key("28%"))
}

@Test func exactComparison() {
    #expect(answerKey(" Paris ", comparison: .exact) == "Paris")
    #expect(answerKey("18.00", comparison: .exact) != answerKey("18", comparison: .exact))
    #expect(answerKey("   ", comparison: .exact) == nil)
}

@Test func correctnessCombinesExtractorAndComparison() {
    let p = Problem(id: "g", prompt: "q", answer: "18")
    #expect(isCorrect(completion: "so #### $18", problem: p, extractor: .gsm8k, comparison: .numeric))
    #expect(isCorrect(completion: "The answer is 18.00.", problem: p, extractor: .answerIs, comparison: .numeric))
    #expect(isCorrect(completion: "we get \\boxed{18}", problem: p, extractor: .boxed, comparison: .numeric))
    #expect(!isCorrect(completion: "we get 18 then 19", problem: p, extractor: .lastNumber, comparison: .numeric))
    #expect(!isCorrect(completion: "no answer", problem: p, extractor: .lastNumber, comparison: .numeric))
    let half = Problem(id: "h", prompt: "q", answer: "\\frac{1}{2}")
    #expect(isCorrect(completion: "\\boxed{0.5}", problem: half, extractor: .boxed, comparison: .numeric))
    #expect(isCorrect(completion: "\\boxed{\\frac{2}{4}}", problem: half, extractor: .boxed, comparison: .numeric))
}

@Test func autoChainPrefersMarkedAnswersAfterTheThinking() {
    let e = AnswerExtractor.auto
    #expect(e.extract("<think>maybe 12</think>so \\boxed{7} and 9") == "7")
    #expect(e.extract("<think>maybe 12</think><answer>5</answer>") == "5")
    #expect(e.extract("reasoning 3 + 4 = 7\n#### 7") == "7")
    #expect(e.extract("The answer is 8. Check: 2*4 = 8, and 10") == "8")
    #expect(e.extract("<think>lots of 12 and 13</think>I think 14 apples") == "14")
    #expect(e.extract("<think>12</think>no number") == nil)   // reasoning numbers do not count
}

/// Verdict of `completion` against `gold` with extractor `e` and numeric comparison.
private func judged(_ completion: String, _ gold: String, _ e: AnswerExtractor) -> Bool {
    verifyCompletion(completion, problem: Problem(id: "t", prompt: "", answer: gold), extractor: e, comparison: .numeric).correct
}

@Test func fractionsInEverySpellingAsRealModelsWriteThem() {
    // Cases written from the MATH answer convention (LaTeX in math delimiters, \boxed) and GSM8K's.
    for (completion, gold, e) in [
        (#"so the answer is $\boxed{\dfrac{1}{2}}$"#, "0.5", AnswerExtractor.boxed),
        (#"\boxed{\frac12}"#, "1/2", .boxed),
        (#"The answer is $-\frac{10}{9}$."#, "-10/9", .answerIs),
        (#"The answer is \(\tfrac{3}{4}\)"#, "0.75", .answerIs),
        (#"Therefore the probability is $\frac{3}{4}$"#, "3/4", .lastNumber),
        (#"which gives $-\dfrac{10}{9}$"#, "-10/9", .lastNumber),
        ("#### 1/2", "0.5", .gsm8k),
        ("The answer is 3/4.", "0.75", .answerIs),
        (#"Thus $x = \frac{1}{2}$ and the answer is $\frac{1}{2}$"#, "0.5", .auto),
    ] {
        #expect(judged(completion, gold, e), "\(completion) with \(e.rawValue) must equal \(gold)")
    }
    // Inexact decimals stay unequal; currency after the marker stays currency.
    #expect(!judged(#"The answer is $\frac{1}{3}$"#, "0.333", .answerIs))
    #expect(AnswerExtractor.answerIs.extract("The answer is $18 in total") == "$18")
}

@Test func aNumberInsideAWordOrIdentifierIsNotTheAnswer() {
    let e = AnswerExtractor.lastNumber
    #expect(e.extract("The total is 45 dollars for item A2") == "45")
    #expect(e.extract("We use step2 and x_3 to get 7 apples") == "7")
    #expect(e.extract("see equation v2") == nil)
    #expect(e.extract("It costs 12.50, see table B12.") == "12.50")
    // Units after a number do not hide it.
    #expect(e.extract("the distance is 5km") == "5")
    #expect(AnswerExtractor.answerIs.extract("the answer is v2") == nil)
}
