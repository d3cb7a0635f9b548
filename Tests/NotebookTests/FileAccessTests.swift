// The write policy: every writing command against a read-only file, a FIFO, a symbolic link, a
// folder link that leads out, a path outside the replayed notebook's folder and one inside it, with
// and without a replay in progress. Only the allowed writes happen; the others fail naming the
// rule, and the protected files are left exactly as they were.
import Foundation
import Testing
@testable import Notebook

@Suite struct FileAccessTests {
    /// A scratch area: `nb/` is the notebook's folder, `outside/` is not.
    struct Area {
        let root: String
        var nb: String { root + "/nb" }
        var outside: String { root + "/outside" }

        init() throws {
            root = FileAccess.resolved(try CommandTesting.scratch())
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/nb", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
            try "keep me\n".write(toFile: root + "/nb/readonly.txt", atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: root + "/nb/readonly.txt")
            #expect(mkfifo(root + "/nb/fifo", 0o644) == 0)
            try "target\n".write(toFile: root + "/nb/target.txt", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: root + "/nb/link.txt", withDestinationPath: root + "/nb/target.txt")
            try fm.createSymbolicLink(atPath: root + "/nb/out", withDestinationPath: root + "/outside")
        }
    }

    /// A session with a task, a tiny model, a metrics log: every writing command has something to write.
    static func session() throws -> Session {
        let session = CommandTesting.session()
        for line in ["task arithmetic op=add digits=2 train=40 test=10", "model new layers=1 dim=16 heads=2 ffn=32 max_pos=32",
                     "rl steps=1 prompts=2 n=2 max_tokens=4"] {
            _ = try session.execute(line)
        }
        return session
    }

    /// Each writing command with PATH where its file goes (`plot metrics` also writes PATH's .tsv and .gp).
    static let commands = [("record PATH", ".md"), ("data save PATH", ".jsonl"), ("export metrics PATH", ".csv"),
                           ("plot metrics reward to=PATH", ".png"), ("model save PATH", "")]

    @Test func onlyAllowedWritesHappen() throws {
        let area = try Area()
        defer { try? FileManager.default.removeItem(atPath: area.root) }
        let session = try Self.session()
        // name, path (a file name per command is appended where the target is a folder), refused alone, refused in replay
        let targets: [(String, String, String?, String?)] = [
            ("read-only", area.nb + "/readonly.txt", "read-only", "read-only"),
            ("fifo", area.nb + "/fifo", "not a regular file", "not a regular file"),
            ("link", area.nb + "/link.txt", "symbolic link", "symbolic link"),
            ("folder link leading out", area.nb + "/out/", nil, "outside the replayed notebook's folder"),
            ("outside", area.outside + "/", nil, "outside the replayed notebook's folder"),
            ("inside", area.nb + "/fresh/", nil, nil),
        ]
        for replay in [false, true] {
            let previous = replay ? session.files.confine(toFolderOf: area.nb + "/n.md", allowing: []) : session.files
            defer { session.files = previous }
            for (index, (command, suffix)) in Self.commands.enumerated() {
                for (name, base, alone, replayed) in targets {
                    let path = base.hasSuffix("/") ? base + "\(replay ? "r" : "i")\(index)\(suffix)" : base
                    let line = command.replacingOccurrences(of: "PATH", with: path)
                    let message = CommandTesting.failure(session, line)
                    if let rule = replay ? replayed : alone {
                        #expect(message.contains("refusing to write") && message.contains(rule),
                                "\(name), replay \(replay): '\(line)' gave '\(message)'")
                    } else {
                        #expect(message.isEmpty, "\(name), replay \(replay): '\(line)' failed: \(message)")
                        #expect(FileManager.default.fileExists(atPath: path), "\(line) wrote nothing")
                    }
                }
            }
        }
        // The protected files are untouched.
        let fm = FileManager.default
        #expect(try String(contentsOfFile: area.nb + "/readonly.txt", encoding: .utf8) == "keep me\n")
        #expect((try fm.attributesOfItem(atPath: area.nb + "/readonly.txt")[.posixPermissions] as? Int) == 0o444)
        var status = stat()
        #expect(lstat(area.nb + "/fifo", &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(try fm.destinationOfSymbolicLink(atPath: area.nb + "/link.txt") == area.nb + "/target.txt")
        #expect(try String(contentsOfFile: area.nb + "/target.txt", encoding: .utf8) == "target\n")
        // Interactive writes outside went through; in replay nothing was written outside.
        let outsideFiles = try fm.contentsOfDirectory(atPath: area.outside)
        #expect(outsideFiles.contains { $0.hasPrefix("i") } && !outsideFiles.contains { $0.hasPrefix("r") })
    }

    @Test func replayReadsStayInsideTheFolderUnlessAllowed() throws {
        let area = try Area()
        defer { try? FileManager.default.removeItem(atPath: area.root) }
        let session = try Self.session()
        _ = try session.execute("data save \(area.outside)/d.jsonl")
        _ = try session.execute("data save \(area.nb)/d.jsonl")
        var previous = session.files.confine(toFolderOf: area.nb + "/n.md", allowing: [])
        #expect(CommandTesting.failure(session, "data load \(area.outside)/d.jsonl").contains("refusing to read"))
        #expect(CommandTesting.failure(session, "data load \(area.nb)/out/d.jsonl").contains("refusing to read"))
        #expect(CommandTesting.failure(session, "data load \(area.nb)/d.jsonl").isEmpty)
        session.files = previous
        // An allowed folder opens both reading and writing.
        previous = session.files.confine(toFolderOf: area.nb + "/n.md", allowing: [area.outside])
        #expect(CommandTesting.failure(session, "data load \(area.nb)/out/d.jsonl").isEmpty)
        #expect(CommandTesting.failure(session, "record \(area.outside)/s.md").isEmpty)
        session.files = previous
    }

    @Test func aFolderWhoseFilesLinkOutsideIsNotRead() throws {
        // A checkpoint folder inside the notebook's folder whose files are links to a checkpoint
        // outside it: the folder passes the area check, its files do not.
        let area = try Area()
        defer { try? FileManager.default.removeItem(atPath: area.root) }
        let session = try Self.session()
        _ = try session.execute("model save \(area.outside)/m")
        let fm = FileManager.default
        try fm.createDirectory(atPath: area.nb + "/m", withIntermediateDirectories: false)
        for file in try fm.contentsOfDirectory(atPath: area.outside + "/m") {
            try fm.createSymbolicLink(atPath: area.nb + "/m/" + file, withDestinationPath: area.outside + "/m/" + file)
        }
        _ = try session.execute("model save \(area.nb)/real")
        let previous = session.files.confine(toFolderOf: area.nb + "/n.md", allowing: [])
        let message = CommandTesting.failure(session, "model load \(area.nb)/m")
        #expect(message.contains("refusing to read") && message.contains("in '\(area.nb)/m'"), "\(message)")
        #expect(CommandTesting.failure(session, "rl steps=1 prompts=2 n=2 max_tokens=4 ref=\(area.nb)/m").contains("refusing to read"))
        #expect(CommandTesting.failure(session, "model load \(area.nb)/real").isEmpty, "a real checkpoint inside still loads")
        session.files = previous
        #expect(CommandTesting.failure(session, "model load \(area.nb)/m").isEmpty, "typed commands keep their freedom")
    }

    @Test func aNotebookRunByANotebookStaysInTheOuterArea() throws {
        let area = try Area()
        defer { try? FileManager.default.removeItem(atPath: area.root) }
        try "```verity\nrecord \(area.outside)/escaped.md\n```\n".write(toFile: area.nb + "/inner.md", atomically: true, encoding: .utf8)
        try "```verity\nrun \(area.nb)/inner.md\n```\n".write(toFile: area.nb + "/outer.md", atomically: true, encoding: .utf8)
        let session = CommandTesting.session()
        let result = NotebookRunner.runConfined(try NotebookRunner.load(area.nb + "/outer.md"), file: area.nb + "/outer.md",
                                                session: session)
        #expect(result.failure?.error.message.contains("refusing to write") == true)
        #expect(!FileManager.default.fileExists(atPath: area.outside + "/escaped.md"))
        #expect(session.files.roots == nil, "the confinement ends with the replay")
    }
}
