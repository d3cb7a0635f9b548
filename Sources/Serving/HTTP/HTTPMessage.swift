// Serving/HTTP/HTTPMessage.swift — HTTP/1.1 requests and responses as values, and the parser that
// turns received bytes into a request. Pure (no sockets), so garbage, limits and framing are
// tested on byte arrays. Framing: `Content-Length` bodies and `Transfer-Encoding: chunked`
// bodies; anything else with a body is refused. Every failure is an `HTTPError` carrying the
// status the server answers with (400, 413, 431, 501, 505).

/// A parsed HTTP request.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, upper case as sent (`GET`, `POST`).
    public var method: String
    /// The request target without its query string (`/v1/completions`).
    public var path: String
    /// Header fields, names lower-cased, in arrival order.
    public var headers: [(name: String, value: String)]
    /// The body (de-chunked).
    public var body: [UInt8]

    /// The first value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.name == key }?.value
    }

    /// Equal method, path, headers (in order) and body.
    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.path == b.path && a.body == b.body
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// A response to send: status, extra headers and a body (JSON in this server).
public struct HTTPResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// Headers besides `Content-Length`, `Connection` and `Date`, which the server adds.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    /// A response with a JSON body.
    public init(status: Int, json body: [UInt8], headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers.merging(["Content-Type": "application/json"]) { a, _ in a }
    }

    /// The bytes on the wire: status line, headers (sorted, so output is reproducible), body.
    /// Every response closes the connection (one request per connection keeps the one-model
    /// server from being held by an idle keep-alive client).
    public func serialized() -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// The reason phrase of the statuses this server sends.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

/// A request that cannot be read, with the status to answer.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status for the reply.
    public var status: Int
    /// What was wrong and what to do.
    public var message: String
    /// An error answered with `status`.
    public init(_ status: Int, _ message: String) { self.status = status; self.message = message }
    /// Status and message.
    public var description: String { "HTTP \(status): \(message)" }
}

/// Size limits for one request.
public struct HTTPLimits: Sendable, Equatable {
    /// Most bytes in the request line plus headers (431 beyond). Default 32 KiB.
    public var maxHeaderBytes: Int = 32 * 1024
    /// Most bytes in the body (413 beyond). Default 8 MiB: thousands of prompts.
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// Limits with every default spelled out.
    public init(maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 8 * 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

/// What the parser has made of the bytes so far.
public enum HTTPParseResult: Sendable, Equatable {
    /// More bytes are needed. `expectsContinue` is true once the head is complete and the client
    /// asked for `100 Continue` before sending its body.
    case needMore(expectsContinue: Bool)
    /// A complete request.
    case complete(HTTPRequest)
}

/// Parses one request from the bytes received so far. Call again with more bytes after
/// `.needMore`; throws `HTTPError` as soon as the bytes cannot become a valid request.
public func parseHTTPRequest(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) throws(HTTPError) -> HTTPParseResult {
    guard let headEnd = findHeadEnd(bytes) else {
        if bytes.count > limits.maxHeaderBytes {
            throw HTTPError(431, "the request headers exceed \(limits.maxHeaderBytes) bytes — send fewer or shorter headers")
        }
        // Reject a garbage request line early instead of waiting for a blank line.
        if let lineEnd = bytes.firstIndex(of: 0x0A) { _ = try parseRequestLine(Array(bytes[..<lineEnd])) }
        return .needMore(expectsContinue: false)
    }
    guard headEnd <= limits.maxHeaderBytes else {
        throw HTTPError(431, "the request headers exceed \(limits.maxHeaderBytes) bytes — send fewer or shorter headers")
    }
    var lines = split(lines: Array(bytes[..<headEnd]))
    guard !lines.isEmpty else { throw HTTPError(400, "empty request line") }
    let (method, path) = try parseRequestLine(lines.removeFirst())
    var headers: [(name: String, value: String)] = []
    for line in lines {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw HTTPError(400, "malformed header line (no 'name: value')")
        }
        let nameBytes = line[..<colon]
        guard nameBytes.allSatisfy(isTokenByte) else { throw HTTPError(400, "malformed header name") }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        headers.append((String(decoding: nameBytes, as: UTF8.self).lowercased(), value.trimmed(" \t")))
    }
    var request = HTTPRequest(method: method, path: path, headers: headers, body: [])
    let bodyStart = headEnd + 4
    let expects = request.header("expect")?.lowercased() == "100-continue"

    if let encoding = request.header("transfer-encoding")?.lowercased() {
        guard encoding == "chunked" else {
            throw HTTPError(501, "transfer encoding '\(encoding)' is not supported — send Content-Length or chunked")
        }
        guard let body = try dechunk(bytes, from: bodyStart, limit: limits.maxBodyBytes) else {
            return .needMore(expectsContinue: expects)
        }
        request.body = body
        return .complete(request)
    }
    let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
    guard let lengthText = lengths.first else {
        if method == "POST" || method == "PUT" {
            throw HTTPError(411, "a \(method) request needs a Content-Length header (or chunked transfer encoding)")
        }
        return .complete(request)
    }
    guard Set(lengths).count == 1, !lengthText.isEmpty, lengthText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
          lengthText.utf8.count <= 18, let length = Int(lengthText) else {
        throw HTTPError(400, "invalid Content-Length '\(lengthText.prefix(40))'")
    }
    guard length <= limits.maxBodyBytes else {
        throw HTTPError(413, "the body is \(length) bytes, more than the \(limits.maxBodyBytes) this server accepts — send fewer prompts per request")
    }
    guard bytes.count - bodyStart >= length else { return .needMore(expectsContinue: expects) }
    request.body = Array(bytes[bodyStart..<(bodyStart + length)])
    return .complete(request)
}

/// Index of the `\r\n\r\n` that ends the head, if it arrived.
func findHeadEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for i in 0...(bytes.count - 4) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
        return i
    }
    return nil
}

/// Splits the head into lines on CRLF (a bare LF is tolerated).
func split(lines head: [UInt8]) -> [[UInt8]] {
    head.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
        line.last == 0x0D ? Array(line.dropLast()) : Array(line)
    }
}

/// `METHOD SP target SP HTTP/1.x`; the query string is dropped.
func parseRequestLine(_ raw: [UInt8]) throws(HTTPError) -> (String, String) {
    let line = raw.last == 0x0D ? Array(raw.dropLast()) : raw
    let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte), parts[1].first == UInt8(ascii: "/"),
          parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
        throw HTTPError(400, "malformed request line — expected 'METHOD /path HTTP/1.1'")
    }
    let version = String(decoding: parts[2], as: UTF8.self)
    guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
        throw HTTPError(version.hasPrefix("HTTP/") ? 505 : 400, "unsupported protocol '\(version.prefix(20))' — use HTTP/1.1")
    }
    var target = String(decoding: parts[1], as: UTF8.self)
    if let q = target.firstIndex(where: { $0 == "?" || $0 == "#" }) { target = String(target[..<q]) }
    return (String(decoding: parts[0], as: UTF8.self), target)
}

/// RFC 9110 token characters (method and header names).
func isTokenByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
    }
}

/// The de-chunked body when every chunk and the final zero chunk have arrived; nil when more
/// bytes are needed. Chunk extensions and trailers are skipped.
func dechunk(_ bytes: [UInt8], from start: Int, limit: Int) throws(HTTPError) -> [UInt8]? {
    var body: [UInt8] = []
    var i = start
    while true {
        // Chunk-size line.
        guard let lf = bytes[i...].firstIndex(of: 0x0A) else {
            if bytes.count - i > 80 { throw HTTPError(400, "malformed chunk size line") }
            return nil
        }
        var line = Array(bytes[i..<lf])
        if line.last == 0x0D { line.removeLast() }
        if let semicolon = line.firstIndex(of: UInt8(ascii: ";")) { line = Array(line[..<semicolon]) }
        let hex = String(decoding: line, as: UTF8.self).trimmed(" \t")
        guard !hex.isEmpty, hex.count <= 15, let size = Int(hex, radix: 16), size >= 0 else {
            throw HTTPError(400, "malformed chunk size '\(hex.prefix(20))'")
        }
        i = lf + 1
        if size == 0 {
            // Trailers end with an empty line.
            var j = i
            while true {
                guard let end = bytes[j...].firstIndex(of: 0x0A) else { return nil }
                let empty = end == j || (end == j + 1 && bytes[j] == 0x0D)
                j = end + 1
                if empty { return body }
            }
        }
        guard body.count + size <= limit else {
            throw HTTPError(413, "the chunked body exceeds the \(limit) bytes this server accepts — send fewer prompts per request")
        }
        guard bytes.count >= i + size + 2 else { return nil }
        body += bytes[i..<(i + size)]
        guard bytes[i + size] == 0x0D, bytes[i + size + 1] == 0x0A else { throw HTTPError(400, "a chunk does not end with CRLF") }
        i += size + 2
    }
}

extension String {
    /// Trims the given ASCII characters from both ends.
    func trimmed(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
