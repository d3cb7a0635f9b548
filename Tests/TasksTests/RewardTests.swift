// TasksTests/RewardTests.swift — reward formulas against hand-computed values.

import Testing
@testable import Tasks

let addProblem = Problem(id: "p", prompt: "123+456=", answer: "579")

@Test func correctnessReward() {
    let r = CorrectnessReward()
    #expect(r.score(completion: "<think></think>579", problem: addProblem, tokenCount: 7) == 1)
    #expect(r.score(completion: "<think></think>578", problem: addProblem, tokenCount: 7) == 0)
    #expect(r.score(completion: "579", problem: addProblem, tokenCount: 3) == 0)  // no </think>
    #expect(r.name == "correct")
}

@Test func formatRewardThinkStyle() {
    let r = FormatReward(style: .think)
    func s(_ c: String) -> Double? { r.score(completion: c, problem: addProblem, tokenCount: 0) }
    #expect(s("<think>3+6=9c0</think>579") == 1)
    #expect(s("<think></think>579<eos>") == 1)
    #expect(s(" <think>x</think> 5 \n") == 1)
    #expect(s("<think></think>") == 0)                     // no answer
    #expect(s("579") == 0)                                 // no think block
    #expect(s("x<think></think>5") == 0)                   // think not first
    #expect(s("<think><think></think>5") == 0)             // two opens
    #expect(s("<think></think>5</think>") == 0)            // two closes
    #expect(s("<think>a</think><answer>5</answer>") == 0)  // wrong style
}

@Test func formatRewardAnswerTagStyle() {
    let r = FormatReward(style: .answerTag)
    func s(_ c: String) -> Double? { r.score(completion: c, problem: addProblem, tokenCount: 0) }
    #expect(s("<think>a</think>\n<answer>5</answer>") == 1)
    #expect(s("<think>a</think><answer> </answer>") == 0)
    #expect(s("<think>a</think><answer>5</answer> extra") == 0)
    #expect(s("<think>a</think>5") == 0)
    #expect(FormatStyle(extractor: .answerTag) == .answerTag)
    #expect(FormatStyle(extractor: .afterThink) == .think)
}
