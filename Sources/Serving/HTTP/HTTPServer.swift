// Serving/HTTP/HTTPServer.swift — the accept loop: one connection at a time (requests are
// serialized through the one model anyway), one request per connection, a deadline for each
// request to arrive, and a stop flag that `stop()` (e.g. from a signal handler's queue) sets and
// the loop notices within `pollMilliseconds`. Never prints: events go to a log callback.

import Foundation

/// A minimal HTTP/1.1 server around a request handler.
public final class HTTPServer: @unchecked Sendable {
    /// The bound port (the kernel's choice when 0 was asked).
    public let port: Int
    /// The bound address.
    public let host: String
    /// Request size limits.
    public let limits: HTTPLimits
    /// Seconds a client has to send its whole request before it gets 408 and is dropped.
    public let requestTimeout: Double

    private let listener: Listener
    private let lock = NSLock()
    private var stopRequested = false
    let pollMilliseconds: Int32 = 100

    /// Binds and listens on `host:port` at once (so the port is known before `serve`).
    public init(host: String = "127.0.0.1", port: Int = 8080, limits: HTTPLimits = HTTPLimits(),
                requestTimeout: Double = 30) throws(SocketError) {
        listener = try Listener(host: host, port: port)
        self.port = listener.port
        self.host = host
        self.limits = limits
        self.requestTimeout = requestTimeout
    }

    /// Asks `serve` to return; safe from any thread.
    public func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
    }

    /// True once `stop()` was called; handlers pass this on as their cancellation check.
    public var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    /// Accepts connections and answers each request with `handler` until `stop()`. `log` gets one
    /// line per request (method, path, status, seconds).
    public func serve(log: (String) -> Void = { _ in }, handler: (HTTPRequest) -> HTTPResponse) {
        while !isStopping {
            guard let connection = listener.accept(waitingMilliseconds: pollMilliseconds) else { continue }
            handle(connection, log: log, handler: handler)
        }
    }

    /// Reads one request (answering 100 Continue when asked), runs the handler, writes the reply.
    func handle(_ connection: Connection, log: (String) -> Void, handler: (HTTPRequest) -> HTTPResponse) {
        let started = Date()
        let deadline = started.addingTimeInterval(requestTimeout)
        var buffer: [UInt8] = []
        var sentContinue = false
        var response: HTTPResponse
        var label = "-"
        reading: while true {
            do {
                switch try parseHTTPRequest(buffer, limits: limits) {
                case .complete(let request):
                    label = "\(request.method) \(request.path)"
                    response = handler(request)
                    break reading
                case .needMore(let expectsContinue):
                    if expectsContinue && !sentContinue {
                        sentContinue = true
                        connection.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    }
                }
            } catch {
                response = errorResponse(status: error.status, message: error.message)
                break reading
            }
            if isStopping { return }
            if Date() > deadline {
                if buffer.isEmpty { return }   // an idle connection: nothing to answer
                response = errorResponse(status: 408, message: "the request did not arrive within \(Int(requestTimeout)) s")
                break reading
            }
            guard let more = connection.read(waitingMilliseconds: pollMilliseconds) else { return }   // peer gone
            buffer += more
        }
        connection.write(response.serialized())
        connection.finish()
        log("\(label) \(response.status) \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}

/// An OpenAI-style error reply: `{"error": {"message", "type", "param", "code"}}`.
public func errorResponse(status: Int, message: String, parameter: String? = nil) -> HTTPResponse {
    let type: String
    switch status {
    case 404: type = "not_found_error"
    case 500...: type = "server_error"
    default: type = "invalid_request_error"
    }
    var error: [String: JSONOut] = ["message": .string(message), "type": .string(type), "code": .int(status)]
    error["param"] = parameter.map(JSONOut.string) ?? .null
    return HTTPResponse(status: status, json: JSONOut.object(["error": .object(error)]).serialized())
}
