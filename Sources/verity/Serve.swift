// `verity serve PATH` — serves a checkpoint directory over the OpenAI completions API, so any
// OpenAI client (lm-evaluation-harness, the openai package, Verity's own `model connect`) can
// sample from a Verity model. Prints `listening on http://HOST:PORT/v1` once bound (tests read
// the port from it) and one line per request; SIGINT or SIGTERM stops it cleanly (exit 0).
import ArgumentParser
import Dispatch
import Foundation
import Serving
#if canImport(Glibc)
import Glibc
#endif

/// The `serve` subcommand.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a checkpoint over the OpenAI-compatible completions API (GET /v1/models, POST /v1/completions).",
        discussion: "One request at a time; port 0 picks any free port. Stop with Ctrl-C or SIGTERM.")

    @Argument(help: "A checkpoint directory (config.json, model.safetensors, tokenizer.json).")
    var path: String

    @Option(name: .long, help: "The address to bind (127.0.0.1 = this machine only; 0.0.0.0 = every interface).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port (0 = any free port).")
    var port = 8080

    @Option(name: .long, help: "The model id clients send as 'model' (default: the directory name).")
    var name: String?

    @Option(name: .long, help: "Most tokens per completion a client may ask for.")
    var maxTokens = 4096

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535 (0 = any free port), got \(port)") }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens)") }
    }

    mutating func run() throws {
        let served: ServedModel
        do {
            served = try ServedModel.load(directory: URL(fileURLWithPath: path), name: name)
        } catch {
            throw ServeFailure("cannot load the checkpoint at \(path): \(error)")
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(host: host, port: port)
        } catch {
            throw ServeFailure("\(error)")
        }
        let api = CompletionsAPI(served: served, limits: CompletionLimits(maxTokens: maxTokens))
        api.isCancelled = { server.isStopping }

        // Signals arrive on a dispatch queue (the main thread is busy serving); the server
        // notices the stop within its poll interval and returns.
        signal(SIGPIPE, SIG_IGN)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.stop() }
            source.resume()
            sources.append(source)
        }
        let config = served.model.config
        // Terminal.out flushes each line, so a parent reading the pipe sees the port at once.
        Terminal.out("serving '\(served.name)' (\(config.numHiddenLayers) layers × \(config.hiddenSize), vocabulary \(config.vocabSize), context \(config.maxPositionEmbeddings))")
        Terminal.out("listening on http://\(host):\(server.port)/v1")
        server.serve(log: { Terminal.out($0) }, handler: api.handle)
        sources.forEach { $0.cancel() }
        Terminal.out("stopped")
    }
}

/// A startup failure, printed as `Error: …` without the usage text (the arguments were fine).
struct ServeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
