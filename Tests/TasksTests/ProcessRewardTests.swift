// The step verifier against hand-written worked solutions: the first wrong step is marked, a
// partial completion is judged on its complete steps only, and the process reward is the share
// of canonical steps right before the first mistake.
import Testing
@testable import Tasks

@Suite struct ProcessRewardTests {
    let problem: Problem

    init() throws {
        problem = try ArithmeticTask(operation: .add, digits: 2...2, think: .always).problem(37, 18, worked: true)
    }

    @Test func theCanonicalStepsComeFromTheWorkedSolution() {
        #expect(StepVerifier.expectedSteps(problem) == ["7+8=5c1", "3+1=5c0"])
        let direct = Problem(id: "d", prompt: "1+1=", answer: "2")
        #expect(StepVerifier.expectedSteps(direct) == nil)
        #expect(StepVerifier.check(completion: "<think>1+1=2c0</think>2", problem: direct) == nil)
    }

    @Test func theFirstWrongStepIsMarked() throws {
        let right = try #require(StepVerifier.check(completion: "<think>7+8=5c1 3+1=5c0</think>55", problem: problem))
        #expect(right.steps == 2 && right.firstWrong == nil && right.rightSteps == 2)
        let first = try #require(StepVerifier.check(completion: "<think>7+8=4c1 3+1=5c0</think>54", problem: problem))
        #expect(first.firstWrong == 0 && first.rightSteps == 0)
        let second = try #require(StepVerifier.check(completion: "<think>7+8=5c1 3+1=4c0</think>45", problem: problem))
        #expect(second.firstWrong == 1 && second.rightSteps == 1)
        // An extra step past the canonical ones is wrong.
        let extra = try #require(StepVerifier.check(completion: "<think>7+8=5c1 3+1=5c0 0+0=0c0</think>55", problem: problem))
        #expect(extra.firstWrong == 2)
    }

    @Test func aPartialCompletionIsJudgedOnItsCompleteSteps() throws {
        // "3+1=4" has no space or </think> after it yet: not a complete step, not judged.
        let partial = try #require(StepVerifier.check(completion: "<think>7+8=5c1 3+1=4", problem: problem))
        #expect(partial.steps == 1 && partial.firstWrong == nil)
        let closed = try #require(StepVerifier.check(completion: "<think>7+8=5c1 3+1=4c0 ", problem: problem))
        #expect(closed.steps == 2 && closed.firstWrong == 1)
        let nothing = try #require(StepVerifier.check(completion: "", problem: problem))
        #expect(nothing.steps == 0 && nothing.firstWrong == nil)
    }

    @Test func theProcessRewardIsTheRightShareBeforeTheFirstMistake() {
        let reward = ProcessReward()
        #expect(reward.score(completion: "<think>7+8=5c1 3+1=5c0</think>55", problem: problem, tokenCount: 20) == 1)
        #expect(reward.score(completion: "<think>7+8=5c1 3+1=4c0</think>45", problem: problem, tokenCount: 20) == 0.5)
        #expect(reward.score(completion: "<think>7+8=4c1 3+1=5c0</think>54", problem: problem, tokenCount: 20) == 0)
        // A direct answer has no steps: the process reward does not apply.
        #expect(reward.score(completion: "<think></think>55", problem: problem, tokenCount: 5) == nil)
    }

    @Test func theRewardKeyParses() throws {
        let r = try RewardRegistry.parse(text: "correct process=0.2")
        #expect(r.components.map(\.name) == ["correct", "process"])
    }
}
