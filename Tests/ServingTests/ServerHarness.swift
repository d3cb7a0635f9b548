// Test helpers: a small seeded checkpoint in a temporary folder, the built `verity` binary
// launched as `verity serve DIR --port 0` (its port read from stdout), a raw-socket HTTP client
// for malformed requests, and a stop that checks the child really exited (no orphans).
import Foundation
import Kernels
import Models
import Testing
#if canImport(Glibc)
import Glibc
#endif

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary directory.
func servingTemporaryDirectory() throws -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("verity-serve-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small random model over a tiny character vocabulary, saved as a checkpoint directory.
/// Without `eos` the tokenizer has no end-of-sequence token, so completions run to max_tokens
/// or a stop string (predictable finish reasons for the tests).
func makeCheckpoint(eos: Bool, seed: UInt64 = 11) throws -> URL {
    let specials = eos ? CharTokenizer.defaultSpecials : ["<pad>", "<bos>", "<think>", "</think>"]
    let tokenizer = try CharTokenizer(corpus: ["ab12+= é"], specials: specials)
    let config = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 32, intermediateSize: 64,
                                   numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                                   maxPositionEmbeddings: 128)
    let model = try Transformer(config: config, seed: seed)
    let directory = try servingTemporaryDirectory().appendingPathComponent(eos ? "tiny-eos" : "tiny")
    try Checkpoint.save(to: directory, config: config, tensors: model.tensors(), tokenizer: tokenizer)
    return directory
}

/// The checkpoint loaded back and wrapped as the local generator (the reference).
func localGenerator(_ directory: URL) throws -> LocalGenerator {
    let contents = try Checkpoint.load(from: directory)
    let model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
    return try LocalGenerator(model: model, tokenizer: contents.tokenizer)
}

/// Locates the `verity` binary built next to the test products (as VerityTests does).
func verityBinaryPath() throws -> String {
    var candidates: [String] = []
    var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(directory.appendingPathComponent("verity").path)
        directory = directory.deletingLastPathComponent()
    }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates += ["release", "debug"].map { package.appendingPathComponent(".build/\($0)/verity").path }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw HarnessFailure("the verity binary was not found (looked in \(candidates)); run 'swift build' first")
    }
    return found
}

/// Bytes a child printed, appended from the pipe's reader thread.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A running `verity serve` child process.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let captured = OutputBuffer()

    /// Everything the server printed so far.
    var output: String { captured.text }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts `verity serve DIRECTORY --port 0 [extra]` and waits for its "listening on" line.
    convenience init(checkpoint: URL, extra: [String] = []) throws {
        try self.init(arguments: ["serve", checkpoint.path, "--port", "0"] + extra)
    }

    /// Starts `verity ARGUMENTS` (a serve command with --port 0) and waits for its "listening on" line.
    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try verityBinaryPath())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let handle = pipe.fileHandleForReading
        var port: Int? = nil
        let captured = self.captured
        handle.readabilityHandler = { h in captured.append(h.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while port == nil && Date() < deadline && process.isRunning {
            if let line = captured.text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://127.0.0.1:") }),
               let tail = line.split(separator: ":").last, let p = Int(tail.prefix { $0.isNumber }) {
                port = p
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw HarnessFailure("verity serve did not report its port; output: \(captured.text)")
        }
        self.port = port
    }

    /// Sends `signal` (SIGTERM by default), waits for the exit, and returns its status; kills it
    /// (and reports nil) if it does not stop within 10 s. Afterwards the pid is gone.
    @discardableResult
    func stop(signal number: Int32 = SIGTERM) -> Int32? {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, number) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// True while a process with the child's pid exists (a zombie counts until it is reaped).
    var pidExists: Bool { kill(process.processIdentifier, 0) == 0 }
}

/// Runs `body` against a fresh server and always stops it, checking it exits with status 0
/// and leaves no process behind.
func withServer(eos: Bool, _ body: (ServerProcess, URL) throws -> Void) throws {
    let checkpoint = try makeCheckpoint(eos: eos)
    defer { try? FileManager.default.removeItem(at: checkpoint.deletingLastPathComponent()) }
    let server = try ServerProcess(checkpoint: checkpoint)
    var status: Int32? = -1
    do {
        try body(server, checkpoint)
        status = server.stop()
    } catch {
        server.stop()
        throw error
    }
    #expect(status == 0, "verity serve did not exit cleanly on SIGTERM; output: \(server.output.suffix(500))")
    #expect(!server.pidExists, "the server process is still there after stop")
    #expect(server.output.contains("stopped"))
}

/// A raw exchange on a new connection: sends `bytes`, half-closes when `close` is set, reads
/// to the end. Returns the status code (nil when no status line came back) and the body.
func rawExchange(port: Int, _ bytes: [UInt8], close: Bool = false, timeout: Double = 10) throws -> (status: Int?, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessFailure("socket() failed") }
    defer { Glibc.close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HarnessFailure("cannot connect to port \(port)") }
    var sent = 0
    while sent < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return send(fd, base + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
        }
        if n <= 0 { break }   // the server may answer (413/431) and close before reading it all
        sent += n
    }
    if close { shutdown(fd, Int32(SHUT_WR)) }
    var reply: [UInt8] = []
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while Date() < deadline {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 100) > 0 else { continue }
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
        if n <= 0 { break }
        reply += buffer[0..<n]
    }
    let text = String(decoding: reply, as: UTF8.self)
    guard text.hasPrefix("HTTP/1.1 "), let status = Int(text.dropFirst(9).prefix(3)) else { return (nil, text) }
    let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, body)
}

/// A POST with a JSON body through the raw client.
func post(port: Int, path: String = "/v1/completions", json: String) throws -> (status: Int?, body: String) {
    let body = Array(json.utf8)
    let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
    return try rawExchange(port: port, Array(head.utf8) + body)
}

/// A GET through the raw client.
func get(port: Int, path: String) throws -> (status: Int?, body: String) {
    try rawExchange(port: port, Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
}

/// The parsed JSON object of a reply body.
func jsonObject(_ body: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
}
