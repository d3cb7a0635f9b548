// Serving/HTTP/Socket.swift — the POSIX socket calls behind the server: a listening TCP socket
// (IPv4, loopback by default, port 0 = any free port) and accepted connections with timed reads
// and complete writes. Every call that can block waits in `poll` with a short timeout, so the
// server notices a stop request within a fraction of a second.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A socket call that failed, with the `errno` text.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed and what to try.
    public var description: String
    init(_ what: String, hint: String = "") {
        let reason = String(cString: strerror(errno))
        description = "\(what): \(reason)" + (hint.isEmpty ? "" : " — \(hint)")
    }
    init(message: String) { description = message }
}

/// A bound, listening TCP socket.
final class Listener {
    let fd: Int32
    /// The port actually bound (the kernel's choice when 0 was asked).
    let port: Int

    /// Binds `host` (a dotted IPv4 address) and `port` and starts listening.
    init(host: String, port: Int, backlog: Int32 = 16) throws(SocketError) {
        guard (0...65535).contains(port) else { throw SocketError(message: "port \(port) is out of range — use 0…65535 (0 = any free port)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SocketError(message: "'\(host)' is not an IPv4 address — use e.g. 127.0.0.1 (loopback) or 0.0.0.0 (all interfaces)")
        }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError("cannot create a socket") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = SocketError("cannot bind \(host):\(port)", hint: "is another server using the port? try --port 0 for any free port")
            close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SocketError("cannot listen on \(host):\(port)")
            close(fd)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { close(fd) }

    /// Waits up to `milliseconds` for a connection; nil when none arrived.
    func accept(waitingMilliseconds milliseconds: Int32) -> Connection? {
        guard waitReadable(fd, milliseconds: milliseconds) else { return nil }
        #if canImport(Glibc)
        let client = Glibc.accept(fd, nil, nil)
        #else
        let client = Darwin.accept(fd, nil, nil)
        #endif
        return client >= 0 ? Connection(fd: client) : nil
    }
}

/// One accepted connection. Closed when released.
final class Connection {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Reads what is available, waiting up to `milliseconds`. Returns [] on timeout, nil at end
    /// of stream or on an error (the peer is gone).
    func read(waitingMilliseconds milliseconds: Int32, maximum: Int = 64 * 1024) -> [UInt8]? {
        guard waitReadable(fd, milliseconds: milliseconds) else { return [] }
        var buffer = [UInt8](repeating: 0, count: maximum)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, maximum, 0) }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return [] }
        guard n > 0 else { return nil }
        return Array(buffer[0..<n])
    }

    /// Writes every byte (MSG_NOSIGNAL: a vanished peer is an error, not SIGPIPE). False when
    /// the peer is gone or stops reading for `timeoutMilliseconds`.
    @discardableResult
    func write(_ bytes: [UInt8], timeoutMilliseconds: Int32 = 10_000) -> Bool {
        var sent = 0
        while sent < bytes.count {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, timeoutMilliseconds) > 0 else { return false }
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return send(fd, base + sent, bytes.count - sent, flags)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Stops sending, then drains briefly, so the peer reads the whole reply before the close
    /// (closing with unread input would reset the connection and could discard the reply).
    func finish() {
        _ = shutdown(fd, Int32(SHUT_WR))
        var drained = 0
        while drained < 1 << 20, let bytes = read(waitingMilliseconds: 100), !bytes.isEmpty { drained += bytes.count }
    }
}

/// True when `fd` has input (or a hang-up) within `milliseconds`.
func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, milliseconds) > 0
}
