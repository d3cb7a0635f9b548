// Toggleable reasoning: `think=toggle:P` prompts carry /think or /no_think matching their
// solution, the two one-mode data sets from one seed hold the same problems, `inForm` keeps the
// flag in step with the solution, and the mode reward pays for obeying the flag.
import Testing
@testable import Tasks
import TestSupport

@Suite struct ThinkToggleTests {
    @Test func parsesAndValidatesToggle() throws {
        #expect(try ThinkMode(parsing: "toggle") == .toggle(0.5))
        #expect(try ThinkMode(parsing: "toggle:0.25") == .toggle(0.25))
        #expect(throws: TasksError.self) { try ThinkMode(parsing: "toggle:2") }
        #expect(throws: TasksError.self) { try ArithmeticTask(think: .toggle(-0.1)) }
        #expect(throws: TasksError.self) { try SortingTask(think: .toggle(1.5)) }
        #expect(ThinkMode.toggle(0.3).description == "toggle:0.3")
    }

    @Test func promptsSayWhatTheSolutionDoes() throws {
        let task = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(0.5))
        var rng = SplitMix64(seed: 11)
        let data = try task.makeDataset(train: 200, test: 50, rng: &rng)
        var thinking = 0
        for p in data.all {
            let flag = try #require(p.thinkFlag)
            let worked = CompletionParts(p.solution ?? "").showsWork
            #expect(worked == (flag == .think), "\(p.prompt) \(p.solution ?? "")")
            #expect(p.metadata["mode"] == flag.rawValue)
            #expect(p.metadata["drawn_mode"] == flag.rawValue)
            if flag == .think { thinking += 1 }
            // Every character of prompt and solution is in the alphabet (so `model new` covers it).
            let text = p.prompt + (p.solution ?? "").replacingOccurrences(of: "<think>", with: "")
                .replacingOccurrences(of: "</think>", with: "")
            #expect(text.allSatisfy(task.alphabet.contains), "\(text)")
        }
        // About half of 250 (a binomial 5-sigma band is ±40).
        #expect((85...165).contains(thinking))
        #expect(data.all.first?.prompt.hasPrefix("/") == true)
    }

    @Test func oneSeedGivesTheSameProblemsInBothModes() throws {
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3), c = SplitMix64(seed: 3)
        let on = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(1)).makeDataset(train: 40, test: 20, rng: &a)
        let off = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(0)).makeDataset(train: 40, test: 20, rng: &b)
        let half = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(0.5)).makeDataset(train: 40, test: 20, rng: &c)
        #expect(on.test.allSatisfy { $0.thinkFlag == .think })
        #expect(off.test.allSatisfy { $0.thinkFlag == .noThink })
        let bare = { (d: Dataset) in d.test.map { $0.prompt.split(separator: " ").last.map(String.init) ?? "" } }
        #expect(bare(on) == bare(off))
        #expect(bare(on) == bare(half))
        #expect(on.test.map(\.answer) == off.test.map(\.answer))
    }

    @Test func inFormSwitchesFlagAndSolutionTogether() throws {
        let task = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(0))
        let direct = task.think.finishing(task.problem(47, 38, worked: false), worked: false)
        #expect(direct.prompt == "/no_think 47+38=")
        #expect(direct.solution == "<think></think>85")
        let worked = try #require(direct.inForm(worked: true))
        #expect(worked.prompt == "/think 47+38=")
        #expect(worked.solution == "<think>7+8=5c1 4+3=8c0</think>85")
        #expect(worked.metadata["mode"] == "think" && worked.metadata["worked"] == "true")
        #expect(worked.metadata["drawn_mode"] == "no_think")
        #expect(worked.inDrawnForm() == direct)
        // A problem without a flag changes only its solution.
        let plain = try ArithmeticTask(operation: .add, digits: 2...2).problem(47, 38, worked: false)
        #expect(plain.inForm(worked: true)?.prompt == "47+38=")
        #expect(plain.inDrawnForm() == nil)
        #expect(Problem(id: "x", prompt: "1+1=", answer: "2").inForm(worked: true) == nil)
    }

    @Test func modeRewardPaysForObeyingTheFlag() throws {
        let task = try ArithmeticTask(operation: .add, digits: 2...2, think: .toggle(0))
        let noThink = task.think.finishing(task.problem(47, 38, worked: false), worked: false)
        let think = try #require(noThink.inForm(worked: true))
        let reward = ModeReward()
        #expect(reward.score(completion: "<think></think>85", problem: noThink, tokenCount: 3) == 1)
        #expect(reward.score(completion: "<think>7+8=5c1</think>85", problem: noThink, tokenCount: 9) == 0)
        #expect(reward.score(completion: "85", problem: noThink, tokenCount: 2) == 0)
        #expect(reward.score(completion: "<think>7+8=5c1</think>85", problem: think, tokenCount: 9) == 1)
        #expect(reward.score(completion: "<think> </think>85", problem: think, tokenCount: 4) == 0)
        let plain = Problem(id: "p", prompt: "47+38=", answer: "85")
        #expect(reward.score(completion: "<think></think>85", problem: plain, tokenCount: 3) == nil)
        let parsed = try RewardRegistry.parse(text: "correct mode=0.5")
        #expect(parsed.components.map(\.name) == ["correct", "mode"])
    }
}
