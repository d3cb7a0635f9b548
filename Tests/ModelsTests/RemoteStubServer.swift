// A tiny HTTP/1.1 server on 127.0.0.1 for tests of the remote generator's networking path:
// it answers a fixed list of requests in order (one connection each) and records what it got.
// POSIX sockets only, so the tests need no Python and no external server.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class StubHTTPServer: @unchecked Sendable {
    struct Reply { var status: Int; var body: String; var delay: Double = 0 }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var received: [String] = []

    /// The raw requests received so far (headers and body).
    var requests: [String] { lock.lock(); defer { lock.unlock() }; return received }

    init(replies: [Reply]) throws {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve(replies) }
        thread.start()
    }

    private func serve(_ replies: [Reply]) {
        defer { close(listener) }
        for reply in replies {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let request = readRequest(connection)
            lock.lock(); received.append(request); lock.unlock()
            if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
            let body = Array(reply.body.utf8)
            let head = "HTTP/1.1 \(reply.status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let bytes = Array(head.utf8) + body
            // The client may have given up (timeout tests): never raise SIGPIPE in the test process.
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, flags) }
            close(connection)
        }
    }

    /// Reads headers, then as many body bytes as Content-Length says.
    private func readRequest(_ connection: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
            let text = String(decoding: data, as: UTF8.self)
            guard let headerEnd = text.range(of: "\r\n\r\n") else { continue }
            let headers = text[..<headerEnd.lowerBound].lowercased()
            let length = headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if data.count >= text.utf8.distance(from: text.utf8.startIndex, to: headerEnd.upperBound) + length { break }
        }
        return String(decoding: data, as: UTF8.self)
    }
}
