// Session tests: settings, seed and RNG, history and rerun, cancellation, slots.
import Foundation
import Testing
@testable import Notebook

@Suite struct SessionTests {
    @Test func setChangesSettingsAndBadValuesChangeNothing() throws {
        let session = DeclarationTests.quietSession()
        _ = try session.execute("set precision=5 width=80")
        #expect(session.settings.precision == 5)
        #expect(session.settings.width == 80)
        #expect(throws: CommandError.self) { try session.execute("set precision=2 width=9") }
        // The valid key on the failing line was not applied either.
        #expect(session.settings.precision == 5)
        let shown = try #require(try session.execute("show settings")).renderedLines().joined(separator: "\n")
        #expect(shown.contains("precision *"))
        #expect(shown.range(of: #"width \*\s+80\s+100"#, options: .regularExpression) != nil)
    }

    @Test func setPointsTrainerKeysToRl() throws {
        let session = DeclarationTests.quietSession()
        let error = CommandTesting.failure(session, "set lr=1e-4")
        #expect(error.contains("unknown key 'lr' for 'set'"))
        #expect(error.contains("'lr' is a trainer setting: change it with 'rl steps=0 lr=…'"))
        // Keys that are nobody's still get the nearest-key suggestion.
        #expect(CommandTesting.failure(session, "set precison=3").contains("did you mean 'precision'?"))
        // And the trainer key works where the hint points.
        let trained = try TrainingCommandTests.tinySession()
        _ = try trained.execute("rl steps=0 lr=1e-4")
        #expect(trained.existingTrainer?.config.learningRate == 1e-4)
    }

    @Test func commandKeysInheritSettingsOfTheSameNameAndType() throws {
        let declaration = CommandDeclaration(name: "probe", summary: "test", keys: [
            ArgumentSpec("temperature", .float, default: .float(0.5), help: "t"),
            ArgumentSpec("top_k", .float, default: .float(2), help: "different type: no inheritance"),
        ])
        var settings = Settings()
        try settings.set("temperature", to: .float(0.25))
        try settings.set("top_k", to: .int(9))
        let parsed = try #require(try Parser.parse("probe"))
        let invocation = Invocation(declaration: declaration, command: parsed, positionalValues: [:], keyValues: [:],
                                    settings: settings, tracker: ReadTracker())
        #expect(try invocation.double("temperature") == 0.25)
        #expect(try invocation.double("top_k") == 2)
        let given = Invocation(declaration: declaration, command: parsed, positionalValues: [:],
                               keyValues: ["temperature": .float(0.75)], settings: settings, tracker: ReadTracker())
        #expect(try given.double("temperature") == 0.75)
    }

    @Test func seedRestartsTheGenerator() throws {
        let session = DeclarationTests.quietSession()
        _ = try session.execute("seed 7")
        let first = (0..<4).map { _ in session.rng.next() }
        _ = try session.execute("seed 7")
        #expect((0..<4).map { _ in session.rng.next() } == first)
        _ = try session.execute("seed 8")
        #expect((0..<4).map { _ in session.rng.next() } != first)
        #expect(try session.execute("seed")?.renderedLines() == ["seed 8"])
    }

    @Test func rngMatchesReferenceAndIsUniform() {
        // xoshiro256** reference: state words from SplitMix64(seed 0) — first output computed by the
        // published algorithm independently of this implementation's structure.
        var mix: UInt64 = 0
        func splitmix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        _ = splitmix()
        let s1 = splitmix()
        let expected = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        var rng = SessionRNG(seed: 0)
        #expect(rng.next() == expected)
        var sum: Float = 0
        for _ in 0..<20_000 { sum += rng.nextFloat() }
        #expect(abs(sum / 20_000 - 0.5) < 0.01)
    }

    @Test func historyNumbersAndRerun() throws {
        let session = DeclarationTests.quietSession()
        _ = try session.execute("echo a")
        #expect(throws: CommandError.self) { try session.execute("seed x") }
        _ = try session.execute("echo b")
        _ = try session.execute("help")
        let listing = try #require(try session.execute("history")).renderedLines()
        #expect(listing == ["1  echo a", "2! seed x", "3  echo b"])
        let rerun = try #require(try session.execute("rerun 1-1")).renderedLines()
        #expect(rerun == ["[1] echo a", "a"])
        #expect(session.history.last?.source == "echo a")
        #expect(session.history.count == 4)
        #expect(throws: CommandError.self) { try session.execute("rerun 9") }
    }

    @Test func cancellationStopsLongCommandsAndKeepsState() throws {
        let session = DeclarationTests.quietSession()
        _ = try session.execute("seed 9")
        let polls = PollCounter()
        session.cancellationRequested = { polls.tick() > 3 }
        let start = Date()
        do {
            _ = try session.execute("sleep 60")
            Issue.record("sleep was not interrupted")
        } catch let error as CommandError {
            #expect(error.kind == .interrupted)
        }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(session.seed == 9)
        #expect(session.history.last?.failed == true)
    }

    @Test func progressEventsOnlyWhenWatched() throws {
        let session = DeclarationTests.quietSession()
        let events = EventLog()
        session.progressSink = { events.add($0) }
        _ = try session.execute("sleep 0.05")
        #expect(events.count == 0)  // not a terminal, progress=auto
        _ = try session.execute("set progress=on")
        _ = try session.execute("sleep 0.05")
        #expect(events.count >= 2)
        #expect(events.last?.finished == true)
    }

    @Test func slotsAreTyped() {
        enum CounterSlot: SessionSlot { typealias Value = Int }
        enum NameSlot: SessionSlot { typealias Value = String }
        let session = Session()
        #expect(session[CounterSlot.self] == nil)
        session[CounterSlot.self] = 3
        session[NameSlot.self] = "x"
        #expect(session[CounterSlot.self] == 3)
        #expect(session[NameSlot.self] == "x")
    }
}

/// A thread-safe counter for the cancellation closure.
final class PollCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func tick() -> Int {
        lock.lock(); defer { lock.unlock() }
        count += 1
        return count
    }
}

/// Collects progress events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ProgressEvent] = []
    func add(_ event: ProgressEvent) { lock.lock(); events.append(event); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return events.count }
    var last: ProgressEvent? { lock.lock(); defer { lock.unlock() }; return events.last }
}
