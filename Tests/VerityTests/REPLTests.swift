// The REPL through a pseudo-terminal: history across restarts, tab completion, Ctrl-C during a long
// command and at the prompt, Ctrl-D, and garbage input that must never crash it.
import Foundation
import Testing

@Suite(.serialized) struct REPLTests {
    func environment(_ directory: String) -> [String: String] {
        ["VERITY_HISTORY": directory + "/history", "HOME": directory]
    }

    @Test func completionAndHistoryAcrossRestarts() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let terminal = try PseudoTerminal(environment: environment(directory))
            #expect(terminal.expect("verity> "))
            var mark = terminal.mark
            terminal.send("seed 42\r")
            #expect(terminal.expect("\nseed 42\r"))
            terminal.waitForPrompt(after: mark)
            mark = terminal.mark
            // Tab completes 'sho' to 'show ' (libedit redraws only the inserted part) and 'se'
            // to 'settings'; the completed line must then run.
            terminal.send("sho\t")
            #expect(terminal.expect("w", after: mark))
            mark = terminal.mark
            terminal.send("se\t")
            #expect(terminal.expect("ttings", after: mark))
            mark = terminal.mark
            terminal.send("\r")
            #expect(terminal.expect("max_tokens", after: mark), "completed 'show settings' did not run: \(terminal.output)")
            terminal.waitForPrompt(after: mark)
            terminal.send("\u{04}")
            #expect(terminal.exitStatus() == 0)
        }
        let saved = try String(contentsOfFile: directory + "/history", encoding: .utf8)
        #expect(saved.contains("seed"))
        let terminal = try PseudoTerminal(environment: environment(directory))
        terminal.waitForPrompt(after: terminal.output.startIndex)
        let mark = terminal.mark
        terminal.send("\u{10}\u{10}\r")  // Ctrl-P twice: back to 'seed 42'; the new session's seed is 1
        #expect(terminal.expect("\nseed 42\r", after: mark), "history was not restored: \(terminal.output)")
        terminal.waitForPrompt(after: mark)
        terminal.send("\u{04}")
        #expect(terminal.exitStatus() == 0)
    }

    @Test func ctrlCInterruptsALongCommandAndKeepsTheSession() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let terminal = try PseudoTerminal(environment: environment(directory))
        #expect(terminal.expect("verity> "))
        var mark = terminal.mark
        terminal.send("seed 9\r")
        #expect(terminal.expect("\nseed 9\r"))
        terminal.waitForPrompt(after: mark)
        mark = terminal.mark
        let start = Date()
        terminal.send("sleep 60\r")
        #expect(terminal.expect("sleep [", after: mark), "no progress bar on a terminal")
        terminal.send("\u{03}")
        #expect(terminal.expect("interrupted", after: mark))
        #expect(Date().timeIntervalSince(start) < 20)
        terminal.waitForPrompt(after: mark)
        mark = terminal.mark
        terminal.send("show settings\r")
        #expect(terminal.read(for: 10) { $0[mark...].range(of: #"seed\s+9\s+1"#, options: .regularExpression) != nil })
        terminal.waitForPrompt(after: mark)
        // Ctrl-C at the prompt abandons the typed line.
        mark = terminal.mark
        terminal.send("bogus\u{03}")
        terminal.waitForPrompt(after: mark)
        terminal.send("echo alive\r")
        #expect(terminal.expect("\nalive\r", after: mark))
        #expect(!terminal.output[mark...].contains("unknown command"))
        terminal.waitForPrompt(after: mark)
        terminal.send("\u{04}")
        #expect(terminal.exitStatus() == 0)
    }

    @Test func garbageAtThePromptGivesOneErrorLineEach() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let terminal = try PseudoTerminal(environment: environment(directory))
        terminal.waitForPrompt(after: terminal.output.startIndex)
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array(##" !"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\]^_`abcxyz{|}~éλ→"##)
        var lines = ["seed \"unbalanced", "set precision=99", "set stpes=3", "show nothing", "sleep -1",
                     "zz" + String(repeating: "x", count: 3000)]
        for _ in 0..<6 {
            lines.append("zz" + String((0..<40).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
        }
        let mark = terminal.mark
        for line in lines {
            let before = terminal.mark
            terminal.send(line + "\r")
            terminal.waitForPrompt(after: before)
        }
        let last = terminal.mark
        terminal.send("seed 3\r")
        #expect(terminal.expect("\nseed 3\r", after: mark))
        terminal.waitForPrompt(after: last)
        let errors = terminal.output[mark...].components(separatedBy: "error: ").count - 1
        #expect(errors == lines.count, "expected one error per garbage line: \(terminal.output[mark...])")
        terminal.send("quit\r")
        #expect(terminal.exitStatus() == 0)
    }
}
