// Test helpers: find the built `verity` binary, drive it through a pseudo-terminal
// (posix_openpt + fork + setsid, so Ctrl-C reaches it as SIGINT through the line discipline), or
// run it with pipes.
import Foundation
import Testing
import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// Locates the `verity` binary built next to the test products.
enum VerityBinary {
    static func path() throws -> String {
        var candidates: [String] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var directory = argument0.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("verity").path)
            directory = directory.deletingLastPathComponent()
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates += ["release", "debug"].map { package.appendingPathComponent(".build/\($0)/verity").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure("the verity binary was not found (looked in \(candidates)); run 'swift build' first")
        }
        return found
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A `verity` process on a pseudo-terminal.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    private(set) var output = ""

    /// Starts `verity` with `arguments` and extra environment on a new pty.
    init(arguments: [String] = [], environment: [String: String]) throws {
        let binary = try VerityBinary.path()
        var name = [CChar](repeating: 0, count: 256)
        let master = verity_pty_open(&name, name.count)
        guard master >= 0 else { throw TestFailure("cannot open a pseudo-terminal") }
        guard let slaveName = strdup(name), let program = strdup(binary) else {
            throw TestFailure("out of memory")
        }
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        for (key, value) in environment { env[key] = value }
        // Everything the child needs is allocated before fork: after it, only system calls.
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        // posix_spawn, not fork: fork runs OpenBLAS's atfork handler, which can deadlock joining
        // BLAS worker threads while other tests in this process use BLAS. The child becomes a
        // session leader (SETSID) and its first opened tty, the slave, becomes its controlling terminal.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID (glibc ≥ 2.26; not imported into Swift)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        free(slaveName)
        free(program)
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        guard spawned == 0, pid > 0 else { throw TestFailure("posix_spawn failed: \(spawned)") }
        self.master = master
        self.pid = pid
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        close(master)
    }

    /// Types bytes into the terminal.
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads what the process wrote for up to `seconds`, stopping early once `until` returns true.
    @discardableResult
    func read(for seconds: Double, until: (String) -> Bool = { _ in false }) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) > 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
                if count <= 0 { return until(output) }
                output += String(decoding: buffer[0..<count], as: UTF8.self)
            }
            if until(output) { return true }
        }
        return until(output)
    }

    /// Waits until the output after `offset` contains `text`.
    @discardableResult
    func expect(_ text: String, after offset: String.Index? = nil, seconds: Double = 10) -> Bool {
        let start = offset ?? output.startIndex
        return read(for: seconds) { $0[start...].contains(text) }
    }

    /// Waits for a fresh `verity> ` prompt after `offset`, then a moment more: keys sent before
    /// libedit has switched the terminal to raw mode may be discarded by that switch.
    func waitForPrompt(after offset: String.Index) {
        expect("verity> ", after: offset)
        read(for: 0.2)
    }

    /// The current end of the output, to search only what comes next.
    var mark: String.Index { output.endIndex }

    /// Waits for the process to exit; returns its exit status, or nil if it did not exit in time
    /// or died from a signal.
    func exitStatus(within seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            read(for: 0.05)
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signalled = status & 0x7F
                return signalled == 0 ? (status >> 8) & 0xFF : nil
            }
        }
        return nil
    }
}

/// Runs `verity` with pipes; returns exit status (nil when killed by a signal), stdout and stderr.
func runVerity(_ arguments: [String], stdin: Data = Data(), directory: String? = nil,
               environment: [String: String] = [:]) throws -> (status: Int32?, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try VerityBinary.path())
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Write stdin on another thread so a full output pipe cannot deadlock the test.
    let writer = Thread { input.fileHandleForWriting.write(stdin); try? input.fileHandleForWriting.close() }
    writer.start()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let status: Int32? = process.terminationReason == .exit ? process.terminationStatus : nil
    return (status, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "verity-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
