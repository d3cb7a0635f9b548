// `verity serve PATH` — serves a checkpoint directory over the OpenAI completions API, so any
// OpenAI client (lm-evaluation-harness, the openai package, Verity's own `model connect`) can
// sample from a Verity model. `verity serve --reward SETUP` serves a data set's verifier and
// reward instead, for OpenRLHF's `--remote_rm_url` (RewardEndpoint.swift). Prints `listening on http://HOST:PORT/v1` once bound (tests read
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
        abstract: "Serve a checkpoint over the OpenAI-compatible completions API (GET /v1/models, POST /v1/completions), "
            + "or with --reward a data set's verifier and reward (POST /get_reward, as OpenRLHF's --remote_rm_url calls it).",
        discussion: "One request at a time; port 0 picks any free port. Stop with Ctrl-C or SIGTERM.")

    @Argument(help: "A checkpoint directory (config.json, model.safetensors, tokenizer.json).")
    var path: String?

    @Option(name: .long, help: "Serve rewards instead: a notebook or script that sets up the data set and the reward (task/data load, reward).")
    var reward: String?

    @Option(name: .long, help: "The session seed for the --reward setup.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "The address to bind (127.0.0.1 = this machine only; 0.0.0.0 = every interface).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port (0 = any free port).")
    var port = 8080

    @Option(name: .long, help: "The model id clients send as 'model' (default: the directory name).")
    var name: String?

    @Option(name: .long, help: "Most tokens per completion a client may ask for.")
    var maxTokens = 4096

    func validate() throws {
        guard (path == nil) != (reward == nil) else {
            throw ValidationError("give a checkpoint directory, or --reward SETUP — one of the two")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535 (0 = any free port), got \(port)") }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens)") }
    }

    mutating func run() throws {
        let handler: (HTTPRequest) -> HTTPResponse
        let banner: String
        let base: String
        var server: HTTPServer
        if let reward {
            let endpoint: RewardEndpoint
            do {
                endpoint = try RewardEndpoint.load(setup: reward, seed: seed)
            } catch let failure as ServeFailure {
                throw failure
            } catch {
                throw ServeFailure("the setup \(reward) failed: \(error)")
            }
            server = try Self.bind(host, port)
            handler = endpoint.handle
            banner = "serving rewards '\(endpoint.spec)' for '\(endpoint.scoring.dataset.name)' (\(endpoint.scoring.dataset.all.count) problems)"
            base = "/get_reward"
        } else {
            let path = path ?? ""
            let served: ServedModel
            do {
                served = try ServedModel.load(directory: URL(fileURLWithPath: path), name: name)
            } catch {
                throw ServeFailure("cannot load the checkpoint at \(path): \(error)")
            }
            server = try Self.bind(host, port)
            let api = CompletionsAPI(served: served, limits: CompletionLimits(maxTokens: maxTokens))
            let stopping = server
            api.isCancelled = { stopping.isStopping }
            handler = api.handle
            let config = served.model.config
            banner = "serving '\(served.name)' (\(config.numHiddenLayers) layers × \(config.hiddenSize), vocabulary \(config.vocabSize), context \(config.maxPositionEmbeddings))"
            base = "/v1"
        }

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
        // Terminal.out flushes each line, so a parent reading the pipe sees the port at once.
        Terminal.out(banner)
        Terminal.out("listening on http://\(host):\(server.port)\(base)")
        server.serve(log: { Terminal.out($0) }, handler: handler)
        sources.forEach { $0.cancel() }
        Terminal.out("stopped")
    }
}

extension Serve {
    static func bind(_ host: String, _ port: Int) throws -> HTTPServer {
        do {
            return try HTTPServer(host: host, port: port)
        } catch {
            throw ServeFailure("\(error)")
        }
    }
}

/// A startup failure, printed as `Error: …` without the usage text (the arguments were fine).
struct ServeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
