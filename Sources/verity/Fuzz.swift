// `verity fuzz` — feeds generated command lines to child `verity` processes and checks afterwards
// that none died by a signal and no protected file changed. Lines come from the command registry's
// declarations (every command, key, type and bound), with values drawn small, at the bounds, past
// them, or garbage, and every path argument aimed now and then at a protected target:
//
//   nb/readonly.txt            a 0444 file           protected everywhere
//   nb/fifo                    a FIFO                protected everywhere
//   nb/link-out/…              a symlink leading out protected while a notebook replays
//   outside/secret.txt         outside the notebook  protected while a notebook replays
//
// Two modes of child: piped stdin (`verity < batch`, interactive rules; errors do not stop the
// batch, so most lines run) and replay (`verity run nb.md`, confined to the notebook's folder; one
// write aimed at a target per notebook, since a refused write ends the replay). `make fuzz` runs a
// long pass; the test suite runs a short one. A batch that outlives its time limit is killed and
// counted as a timeout (a slow line, e.g. steps at their upper bound), not as a crash.
import ArgumentParser
import Foundation
import Kernels
import Notebook
#if canImport(Glibc)
import Glibc
#endif

struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fuzz the command language: generated lines in child processes; fails on a crash or a touched protected file.",
        discussion: "Writes only inside a fresh scratch folder (kept when something failed, with the lines that did it).")

    @Option(name: .long, help: "Command lines to generate (piped batches).")
    var lines = 2000

    @Option(name: .long, help: "Replayed notebooks, each aiming one writing command at a protected target.")
    var replays = 100

    @Option(name: .long, help: "The generator's seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Mutated inputs per file reader (checkpoint files, JSONL, notebooks, server replies), read in this process.")
    var readers = 0

    @Option(name: .long, help: "Lines per piped batch (one child process each).")
    var batch = 200

    @Option(name: .long, help: "Seconds a child may run before it is killed (counted as a timeout).")
    var timeout = 30.0

    /// Proves the checks can fail: changes a protected file and kills one child with SIGSEGV; the
    /// run must then report 1 crash and 1 touched file (the test suite checks that it does).
    @Flag(name: .long, help: .hidden)
    var sabotage = false

    mutating func run() throws {
        let started = Date()
        let scratch = try FuzzScratch()
        var generator = FuzzLines(seed: seed, targets: scratch.targets)
        var report = FuzzReport()
        var remaining = lines
        var batchIndex = 0
        while remaining > 0 {
            let count = min(batch, remaining)
            let text = FuzzLines.preamble + (0..<count).map { _ in generator.line() }.joined(separator: "\n") + "\n"
            let outcome = try scratch.runChild(arguments: [], stdin: Data(text.utf8), timeout: timeout)
            report.record(outcome, lines: count, reproducer: text, name: "batch-\(batchIndex).verity", scratch: scratch)
            remaining -= count
            batchIndex += 1
        }
        if sabotage {
            chmod(scratch.notebookFolder + "/readonly.txt", 0o644)
            try "changed\n".write(toFile: scratch.notebookFolder + "/readonly.txt", atomically: false, encoding: .utf8)
            let outcome = try scratch.runChild(arguments: [], stdin: Data("sleep 5\n".utf8), timeout: timeout, signalAfter: 0.5)
            report.record(outcome, lines: 1, reproducer: "sleep 5\n", name: "sabotage.verity", scratch: scratch)
        }
        // Interactive lines may write outside the notebook's folder; replays may not: from here on,
        // every protected path is checked.
        report.touched += scratch.changedTargets(replaying: false)
        for index in 0..<replays {
            let line = generator.writeLine()
            let notebook = "```verity\n" + FuzzLines.preamble + FuzzLines.writeSetup + line + "\n```\n"
            // A name no generated line uses, removed first (a batch may have made anything of it).
            let notebookPath = scratch.notebookFolder + "/fuzz-replay.md"
            try? FileManager.default.removeItem(atPath: notebookPath)
            try AtomicFile.write(notebook, to: notebookPath)
            let outcome = try scratch.runChild(arguments: ["run", "fuzz-replay.md"], stdin: Data(), timeout: timeout)
            report.record(outcome, lines: 1, reproducer: notebook, name: "replay-\(index).md", scratch: scratch)
            report.touched += scratch.changedTargets(replaying: true)
            if report.touched.isEmpty == false { break }
        }
        var readerRows: [(String, Int, Int)] = []
        if readers > 0 {
            var fuzzer = ReaderFuzz(folder: scratch.root, seed: seed)
            readerRows = try fuzzer.run(count: readers)
        }
        let seconds = Date().timeIntervalSince(started)
        print("fuzz: \(report.lines) lines run to completion (\(lines) piped in \(batchIndex) batches, \(replays) replayed writes) in "
              + String(format: "%.1f", seconds) + " s"
              + (report.uncounted > 0 ? "; \(report.uncounted) lines of timed-out batches not counted" : ""))
        print("fuzz: \(report.crashes.count) crashes, \(report.touched.count) protected files touched, \(report.timeouts) timeouts")
        for (reader, inputs, refused) in readerRows {
            print("fuzz: reader \(reader): \(inputs) mutants, \(refused) refused with an error, \(inputs - refused) read, 0 crashes")
        }
        for crash in report.crashes { print("crash: \(crash)") }
        for path in report.touched { print("touched: \(path)") }
        if report.crashes.isEmpty && report.touched.isEmpty {
            scratch.remove()
        } else {
            print("fuzz: kept \(scratch.root) with the failing inputs")
            throw ExitCode(1)
        }
    }
}

/// What a fuzz run found.
struct FuzzReport {
    var lines = 0
    var crashes: [String] = []
    var touched: [String] = []
    var timeouts = 0
    /// Lines of batches killed at the timeout: how many of them ran is unknown, so none is counted.
    var uncounted = 0

    mutating func record(_ outcome: FuzzScratch.Outcome, lines count: Int, reproducer: String, name: String, scratch: FuzzScratch) {
        switch outcome {
        case .exited: lines += count
        case .timedOut:
            timeouts += 1
            uncounted += count
        case .signalled(let signal):
            lines += count
            let path = scratch.root + "/failures/" + name
            try? AtomicFile.write(reproducer, to: path)
            crashes.append("signal \(signal) — input kept as \(path)")
        }
    }
}


/// The scratch folder, its protected targets and the child processes.
final class FuzzScratch {
    enum Outcome { case exited(Int32), signalled(Int32), timedOut }

    let root: String
    var notebookFolder: String { root + "/nb" }
    /// Paths (relative to the notebook folder) aimed at by path arguments.
    let targets: [String]
    /// What each protected path was, to compare after: type, mode and contents.
    private var snapshot: [String: String] = [:]
    private let binary: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("verity-fuzz-\(UUID().uuidString)").path
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/nb", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/failures", withIntermediateDirectories: true)
        try "keep me\n".write(toFile: root + "/nb/readonly.txt", atomically: true, encoding: .utf8)
        chmod(root + "/nb/readonly.txt", 0o444)
        guard mkfifo(root + "/nb/fifo", 0o644) == 0 else { throw ValidationError("fuzz: cannot make a FIFO in \(root)") }
        try "secret\n".write(toFile: root + "/outside/secret.txt", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: root + "/nb/link-out", withDestinationPath: root + "/outside")
        targets = ["readonly.txt", "fifo", "link-out/secret.txt", "link-out/new.csv", "../outside/secret.txt",
                   "../outside/new.jsonl", "link-out", "."]
        binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        snapshot = Dictionary(uniqueKeysWithValues: Self.protected.map { ($0, describe($0)) })
    }

    /// Protected paths (relative to root) and whether only a replay must leave them alone.
    static let protected = ["nb/readonly.txt", "nb/fifo", "nb/link-out", "outside/secret.txt", "outside"]
    static let replayOnly: Set<String> = ["outside/secret.txt", "outside"]

    /// Type, mode and (for regular files) contents; a folder's entry names.
    private func describe(_ relative: String) -> String {
        let path = root + "/" + relative
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        let kind = info.st_mode & S_IFMT
        var text = "mode \(String(info.st_mode, radix: 8))"
        if kind == S_IFREG { text += " " + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?") }
        if kind == S_IFDIR { text += " " + ((try? FileManager.default.contentsOfDirectory(atPath: path).sorted().joined(separator: ",")) ?? "?") }
        if kind == S_IFLNK { text += " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?") }
        return text
    }

    /// The protected paths that changed (only those protected in this mode), and restores the snapshot's view.
    func changedTargets(replaying: Bool) -> [String] {
        var changed: [String] = []
        for relative in Self.protected where replaying || !Self.replayOnly.contains(relative) {
            let now = describe(relative)
            if now != snapshot[relative] { changed.append("\(relative): was \(snapshot[relative] ?? "?"), now \(now)") }
        }
        // Interactive lines may legitimately write outside; take the new state as the baseline.
        for relative in Self.replayOnly { snapshot[relative] = describe(relative) }
        return changed
    }

    func runChild(arguments: [String], stdin: Data, timeout: Double, signalAfter: Double? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: notebookFolder)
        // No Swift runtime backtracer: a crash must end the child at once, by its signal, not after
        // a symbolicated backtrace that could outlast the timeout and pass for a slow line.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        // stdin from a file, so a child that stops reading cannot block the fuzzer.
        let inputPath = root + "/stdin"
        try stdin.write(to: URL(fileURLWithPath: inputPath))
        guard let input = FileHandle(forReadingAtPath: inputPath) else { throw ValidationError("fuzz: cannot read \(inputPath)") }
        defer { try? input.close() }
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let signalAfter {
            usleep(UInt32(signalAfter * 1e6))
            kill(process.processIdentifier, SIGSEGV)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return .timedOut
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Generated command lines.
struct FuzzLines {
    /// Lines every batch starts with, so commands find a task and a model.
    static let preamble = "seed 3\ntask arithmetic op=add digits=1 train=40 test=10\nmodel new layers=1 dim=16 heads=2 ffn=32 max_pos=64\n"
    /// State a writing command may need (a run, a log, pending rollouts, a sweep).
    static let writeSetup = "rl steps=1 prompts=2 n=2 max_tokens=4\neval problems=4 max_tokens=4 n=2 temperature=1 as=e\n"
        + "scale run=e ks=1,2 methods=pass\nsample prompts=2 n=2 max_tokens=4\n"
    /// Commands left out: slow by design (bench, sleep), leave the session (quit), or reach the network.
    static let skipped: Set<String> = ["bench", "sleep", "quit", "model connect", "run", "rerun"]

    /// The project's seeded generator (Kernels.RNG), so a seed replays the same lines.
    private var rng: RNG
    let targets: [String]
    let commands: [CommandDeclaration]

    init(seed: UInt64, targets: [String]) {
        rng = RNG(seed: seed)
        self.targets = targets
        commands = Registry.commands.map(\.declaration).filter {
            !Self.skipped.contains($0.name) && !Self.skipped.contains($0.name + " " + ($0.subverb ?? ""))
        }
    }

    private mutating func next() -> UInt64 { rng.next() }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    private mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }

    /// A random line: a declared command with some of its arguments, or (5%) bytes of garbage.
    mutating func line() -> String {
        if chance(5) { return garbage() }
        let command = pick(commands)
        var parts = [command.name] + (command.subverb.map { [$0] } ?? [])
        for spec in command.positionals where spec.required || chance(50) { parts.append(value(spec)) }
        for spec in command.keys where chance(30) { parts.append(spec.name + "=" + value(spec)) }
        if chance(3) { parts.append(pick(["nosuch=1", "=", "x==y", "\"unclosed"])) }
        return parts.joined(separator: " ")
    }

    /// A writing command with one path argument aimed at a protected target.
    mutating func writeLine() -> String {
        let writers = commands.filter { ($0.positionals + $0.keys).contains { $0.type == .path } }
        let command = pick(writers)
        var parts = [command.name] + (command.subverb.map { [$0] } ?? [])
        let target = pick(targets)
        for spec in command.positionals where spec.required || spec.type == .path {
            parts.append(spec.type == .path ? target : value(spec, small: true))
        }
        for spec in command.keys where spec.type == .path { parts.append(spec.name + "=" + target) }
        return parts.joined(separator: " ")
    }

    private mutating func value(_ spec: ArgumentSpec, small: Bool = false) -> String {
        let bounds = spec.bounds
        switch spec.type {
        case .int:
            if small || chance(80) { return String(next() % 4) }
            return pick([bounds.map { String(Int($0.lowerBound)) } ?? "0", bounds.map { String(Int($0.lowerBound) - 1) } ?? "-1",
                         bounds.map { String(format: "%.0f", $0.upperBound + 1) } ?? "99999999999999999999", "1e3", "abc", "-0"])
        case .float:
            if small || chance(80) { return pick(["0", "0.5", "1", "1e-3", "2"]) }
            return pick(["-1", "nan", "inf", "1e308", "-1e-308", "0x10", bounds.map { "\($0.upperBound * 2 + 1)" } ?? "7"])
        case .bool: return pick(["true", "false", "yes", "maybe"])
        case .path: return chance(50) ? pick(targets) : pick(["x.csv", "x.jsonl", "x.png", "ck", "nb.md", "/", "\"a b\"", ""])
        case .string: return pick(["a", "last", "e", "\"two words\"", "run1", String(repeating: "z", count: 300)])
        case .intList: return pick(["1,2", "0", "1,,2", "-3,4", "1," + String(repeating: "9", count: 25)])
        case .floatList: return pick(["0.1,0.2", "nan", "1e309"])
        case .stringList: return pick(["pass,maj", "reward", "a,,b", "pass"])
        case .range: return pick(["0..2", "3..1", "0..99999999", "x"])
        case .pair: return pick(["0.2:0.28", "1:0", ":"])
        case .choice(let options): return chance(90) ? pick(options) : "nosuch"
        }
    }

    private mutating func garbage() -> String {
        let count = Int(next() % 60)
        let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next() % 94 + 32) }
        return "zz" + String(decoding: bytes, as: UTF8.self)
    }
}
