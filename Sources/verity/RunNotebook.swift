// `verity run FILE` — replays a notebook or script: prints each cell's output, and with --write
// puts the outputs back into the file, with --check compares them, with --ipynb exports Jupyter.
import ArgumentParser
import CSupport
import Foundation
import Kernels
import Notebook

/// `verity run FILE [--write] [--check] [--short] [--ipynb OUT] [--seed N] [--quick] [--allow DIR]…`
struct RunNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Markdown notebook (```verity cells) or a .verity script.")

    @Argument(help: "The notebook (.md) or script (.verity).")
    var file: String

    @Flag(help: "Write each cell's output (and plot links) under it in the notebook.")
    var write = false

    @Flag(help: "Fail with a diff when outputs differ from those recorded (timing lines ignored); on a machine whose arithmetic fingerprint differs from the recorded one, check only the expect claims.")
    var check = false

    @Flag(help: "Replay only the cells above the notebook's `<!-- verity: short run ends here -->` mark, when it has one (the test command does this for its long notebooks).")
    var short = false

    @Option(name: .customLong("ipynb"), help: "Also export the run as a Jupyter notebook (nbformat 4.5).")
    var ipynb: String?

    @Option(help: "The session seed.")
    var seed: UInt64 = 1

    @Flag(help: "Quick mode for CI: long commands shrink their sizes (sets quick=true).")
    var quick = false

    @Option(name: .customLong("allow"), help: "A folder the notebook may also read and write (repeatable); by default a replayed notebook may only touch files inside its own folder.")
    var allow: [String] = []

    mutating func validate() throws {
        if write && check { throw ValidationError("--write and --check exclude each other: check first, then write") }
        if short && (write || ipynb != nil) {
            throw ValidationError("--short replays part of a notebook, so it cannot --write or --ipynb it: drop --short")
        }
    }

    mutating func run() throws {
        let session = Terminal.makeSession(seed: seed)
        verity_sigint_install()
        defer { verity_sigint_uninstall() }
        do {
            if quick { try session.settings.set("quick", to: .bool(true)) }
            let document = try NotebookRunner.load(file)
            if document.isScript && (write || check) {
                throw CommandError("--write and --check need a Markdown notebook with ```verity cells; '\(file)' is a plain script")
            }
            let echo = !check
            if !echo { session.liveSink = nil }
            // Checking reads the notebook and changes no file: its plots go to a scratch folder.
            var scratch: URL?
            if check {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verity-check-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                scratch = folder
                session.plotScratch = folder
            }
            defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
            let cellLimit = short ? document.shortRunCellCount : nil
            let result = NotebookRunner.runConfined(document, file: file, session: session, allowing: allow,
                                                    cellLimit: cellLimit) { cell in
                guard echo else { return }
                for (index, line) in cell.lines.enumerated() where !cell.shownLive.contains(index) { Terminal.out(line) }
                for plot in cell.plots { Terminal.out("plot: \(plot.path)") }
            }
            if let failure = result.failure {
                Terminal.err(failure.description)
                throw ExitCode(1)
            }
            // Image links per document cell (cells that did not run keep none).
            var images = [[String]](repeating: [], count: document.cells.count)
            for cell in result.cells where cell.cellIndex < images.count {
                images[cell.cellIndex] = NotebookRunner.imageLinks(for: cell.plots, notebook: file)
            }
            let arithmetic = Arithmetic.fingerprint
            if check, let recorded = document.recordedArithmetic, recorded != arithmetic {
                // Other bits, other trajectories: only the notebook's `expect` claims can be checked.
                let claims = result.cells.flatMap(\.lines).filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("expect ok") }.count
                Terminal.out("\(file): arithmetic differs — recorded with \(recorded), this machine runs \(arithmetic); "
                    + "outputs not compared, \(claims) expect claim\(claims == 1 ? "" : "s") hold")
            } else if check {
                let diff = OutputCheck.diff(document, result, file: file, images: images)
                if !diff.isEmpty {
                    diff.forEach(Terminal.out)
                    Terminal.err("\(file): outputs changed — rerun with --write to accept them")
                    throw ExitCode(1)
                }
                if cellLimit != nil {
                    Terminal.out("\(file): short run, \(result.cells.count) of \(document.cells.count) cells, outputs match")
                } else {
                    Terminal.out("\(file): \(result.cells.count) cells, outputs match")
                }
            }
            if write {
                let outputs = result.cells.map { cell in
                    (lines: cell.lines, images: cell.cellIndex < images.count ? images[cell.cellIndex] : [])
                }
                try session.files.checkWrite(file)
                try AtomicFile.write(document.replacingOutputs(outputs).recordingArithmetic(arithmetic).renderMarkdown(), to: file)
            }
            if let ipynb {
                try session.files.checkWrite(ipynb)
                try AtomicFile.write(try IpynbExport.data(document, run: result), to: ipynb)
            }
        } catch let error as CommandError {
            Terminal.err(error.rendered(file: file))
            throw ExitCode(1)
        }
    }
}
