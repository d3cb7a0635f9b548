// REPL — the interactive loop (prompt `verity> `, history, completion, Ctrl-C, Ctrl-D) and the
// script mode used when stdin is not a terminal (no prompt, no line editing; errors go to stderr,
// the run carries on, and the exit status says whether any command failed).
import CSupport
import Kernels
import Foundation
import Notebook

/// Reads commands and runs them in one session.
struct REPL {
    let session: Session

    /// Runs until `quit`, Ctrl-D or end of input; returns the process exit status.
    func start() -> Int32 {
        isatty(STDIN_FILENO) != 0 ? interactive() : script()
    }

    /// The prompt loop.
    private func interactive() -> Int32 {
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath)
        verity_sigint_install()
        defer { verity_sigint_uninstall() }
        Terminal.out("Verity \(VerityVersion.release) (\(Arithmetic.fingerprint)) — type 'help' for the commands, Ctrl-D to leave.")
        while true {
            verity_sigint_clear()
            switch editor.read(prompt: "verity> ") {
            case .end:
                Terminal.out("")
                return 0
            case .interrupted:
                // Ctrl-C at the prompt abandons the line, like a shell.
                Terminal.out("")
                continue
            case .invalidText:
                Terminal.err("error: the line is not valid UTF-8 text — retype it")
            case .line(let line):
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { editor.remember(line) }
                if execute(line, lineNumber: 1, file: nil).quit { return 0 }
            }
        }
    }

    /// Script mode: every line of stdin is a command. Ctrl-C (SIGINT) stops the current command
    /// at its next step boundary, as in the REPL, and then ends the script: exit status 130.
    private func script() -> Int32 {
        verity_sigint_install()
        defer { verity_sigint_uninstall() }
        verity_sigint_clear()
        var failed = false
        var number = 0
        while verity_sigint_pending() == 0, let line = readLine(strippingNewline: true) {
            number += 1
            let (quit, ok) = execute(line, lineNumber: number, file: "stdin", clearInterrupt: false)
            failed = failed || !ok
            if quit { break }
        }
        if verity_sigint_pending() != 0 {
            Terminal.err("interrupted — the script stopped after line \(number); later lines were not run")
            return 130
        }
        return failed ? 1 : 0
    }

    /// Runs a line and prints its output or error; says whether the session should end and
    /// whether the command succeeded.
    private func execute(_ line: String, lineNumber: Int, file: String?, clearInterrupt: Bool = true) -> (quit: Bool, ok: Bool) {
        if clearInterrupt { verity_sigint_clear() }
        do {
            guard let output = try session.execute(line, lineNumber: lineNumber) else { return (false, true) }
            Terminal.print(output, width: session.displayWidth)
            return (output.quits, true)
        } catch let error as CommandError {
            Terminal.err(error.rendered(file: file, line: lineNumber))
            return (false, false)
        } catch {
            Terminal.err("error: \(error)")
            return (false, false)
        }
    }
}
