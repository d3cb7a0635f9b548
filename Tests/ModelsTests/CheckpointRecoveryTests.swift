// Tests for what interrupted saves leave beside a checkpoint and how saves and loads tidy it: the
// states a kill -9 can leave (a half-written `.NAME.tmp-…`, the old copy alone under `.NAME.old-…`
// with NAME missing, a stale `.old-` beside a complete NAME) are built by hand here, since a kill
// rarely lands in the microseconds between the two renames (VerityTests/KillDuringSaveTests
// kills real saves at random points).

import Foundation
import Testing
@testable import Models

@Suite struct CheckpointRecoveryTests {
    static func save(_ url: URL, scale: Float) throws {
        try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: try checkpointTestTensors(scale: scale), tokenizer: try CharTokenizer(corpus: ["0123456789+="]))
    }

    static func entries(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    /// Leaves `root/.NAME.KIND-<uuid>`: a copy of `source` (or a half-written folder when nil).
    @discardableResult
    static func leftover(_ root: URL, _ name: String, _ kind: String, copying source: URL? = nil) throws -> URL {
        let url = root.appendingPathComponent(".\(name).\(kind)-\(UUID().uuidString)")
        if let source {
            try FileManager.default.copyItem(at: source, to: url)
        } else {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            try Data(repeating: 7, count: 1000).write(to: url.appendingPathComponent("model.safetensors"))
        }
        return url
    }

    @Test func leftoverNamesMatchExactlyThePatternOfThatName() {
        let uuid = UUID().uuidString
        #expect(Checkpoint.leftover(".ck.tmp-\(uuid)", of: "ck") == .temporary)
        #expect(Checkpoint.leftover(".ck.old-\(uuid)", of: "ck") == .aside)
        for other in [".ck.tmp-\(uuid)x", ".ck.tmp-1", "ck.tmp-\(uuid)", ".ck2.tmp-\(uuid)", ".ck.tmp-1.tmp-\(uuid)",
                      ".ck.new-\(uuid)", "..ck.old-\(uuid)"] {
            #expect(Checkpoint.leftover(other, of: "ck") == nil, "\(other) counted as a leftover of ck")
        }
        // `.ck.tmp-1.tmp-<uuid>` is a leftover of the checkpoint named `ck.tmp-1`, not of `ck`.
        #expect(Checkpoint.leftover(".ck.tmp-1.tmp-\(uuid)", of: "ck.tmp-1") == .temporary)
    }

    @Test func aSaveRemovesStaleLeftoversOfItsNameOnly() throws {
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("ck")
        try Self.save(url, scale: 1)
        let stale = [try Self.leftover(root, "ck", "tmp"), try Self.leftover(root, "ck", "old", copying: url),
                     try Self.leftover(root, "ck", "old")]
        // Look-alikes that belong to other names or to nobody: never touched.
        let decoys = [".ck.tmp-notauuid", ".ck2.tmp-\(UUID().uuidString)", ".ck.tmp-1.tmp-\(UUID().uuidString)", "ck.old-\(UUID().uuidString)"]
        for decoy in decoys { try FileManager.default.createDirectory(at: root.appendingPathComponent(decoy), withIntermediateDirectories: false) }
        #expect(Checkpoint.namesWithLeftovers(in: root) == ["ck", "ck.tmp-1", "ck2"])

        try Self.save(url, scale: 2)
        #expect(try Self.entries(root) == (["ck"] + decoys).sorted())
        for url in stale { #expect(!FileManager.default.fileExists(atPath: url.path)) }
        #expect(try Checkpoint.load(from: url).tensors == checkpointTestTensors(scale: 2))
    }

    @Test func aSaveFirstMovesALoneOldCopyBack() throws {
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("ck")
        try Self.save(url, scale: 1)
        // Killed between the renames: the old checkpoint sits aside, NAME is gone, a temporary is left.
        let aside = try Self.leftover(root, "ck", "old", copying: url)
        try FileManager.default.removeItem(at: url)
        try Self.leftover(root, "ck", "tmp")
        // A save that fails while writing (a file name it cannot create) still leaves the previous
        // checkpoint in place: it was moved back before anything was written, and the debris is gone.
        #expect(throws: CheckpointError.self) { try Checkpoint.writeDirectory([("no/such/file", Data())], to: url) }
        #expect(!FileManager.default.fileExists(atPath: aside.path))
        #expect(try Self.entries(root) == ["ck"])
        #expect(try Checkpoint.load(from: url).tensors == checkpointTestTensors(scale: 1))
        try Self.save(url, scale: 3)
        #expect(try Self.entries(root) == ["ck"])
        #expect(try Checkpoint.load(from: url).tensors == checkpointTestTensors(scale: 3))
    }

    @Test func cleaningUpRecoversALoneOldCopy() throws {
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("ck")
        try Self.save(url, scale: 1)
        let aside = try Self.leftover(root, "ck", "old", copying: url)
        try FileManager.default.removeItem(at: url)
        let debris = try Self.leftover(root, "ck", "tmp")
        let result = try Checkpoint.cleanUpInterruptedSaves(of: url)
        #expect(result.recovered == aside.path)
        #expect(result.removed == [debris.path])
        #expect(try Self.entries(root) == ["ck"])
        #expect(try Checkpoint.load(from: url).tensors == checkpointTestTensors(scale: 1))
        // Nothing left to do the second time.
        #expect(try Checkpoint.cleanUpInterruptedSaves(of: url) == InterruptedSaveCleanup())
    }

    @Test func loadRecoveryMovesBackOnlyACopyThatLoads() throws {
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("ck")
        // Nothing missing, or nothing to recover: nil and no change.
        #expect(try Checkpoint.recoverInterruptedSave(at: url) == nil)
        try Self.save(url, scale: 1)
        #expect(try Checkpoint.recoverInterruptedSave(at: url) == nil)

        let aside = try Self.leftover(root, "ck", "old", copying: url)
        try FileManager.default.removeItem(at: url)
        // A broken copy (its weights cut short) is not moved back, and the error says what to do.
        let broken = try Self.leftover(root, "ck", "old", copying: aside)
        let weights = broken.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: broken.path)
        #expect(try Checkpoint.recoverInterruptedSave(at: url) == aside.path)
        #expect(try Checkpoint.load(from: url).tensors == checkpointTestTensors(scale: 1))
        #expect(FileManager.default.fileExists(atPath: broken.path), "load recovery only renames; the next save tidies")

        try FileManager.default.removeItem(at: url)
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.recoverInterruptedSave(at: url) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("cannot recover checkpoint \(url.path): it is missing after an interrupted save, and no copy left beside it loads"))
        #expect(message.contains("rename a complete one to ck by hand"))
    }

    @Test func removeLeavesNeitherTheCheckpointNorLeftovers() throws {
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("step-000001")
        try Self.save(url, scale: 1)
        try Self.save(root.appendingPathComponent("step-000002"), scale: 2)
        try Checkpoint.remove(at: url)
        #expect(try Self.entries(root) == ["step-000002"])
        #expect(throws: CheckpointError.self) { try Checkpoint.remove(at: url) }
    }

    @Test func savedFilesAreCompleteAndTheFolderHasNoTemporaryFiles() throws {
        // fsync cannot be observed without pulling the plug; what can be checked is that the
        // durable writer writes every byte, refuses to overwrite, and reports errors with the path.
        let root = try ioTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("f.bin").path
        let data = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try DurableFiles.writeFile(data, to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == data)
        do {
            try DurableFiles.writeFile(data, to: path)
            Issue.record("overwrote an existing file")
        } catch {
            #expect(error.description.contains("cannot create \(path)"))
        }
        try DurableFiles.writeFile(Data(), to: root.appendingPathComponent("empty").path)
        #expect(try Data(contentsOf: root.appendingPathComponent("empty")).isEmpty)
        try DurableFiles.createDirectories(root.appendingPathComponent("a/b/c").path)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("a/b/c").path))
        #expect(throws: FileSystemFailure.self) { try DurableFiles.createDirectories(path + "/sub") }
    }
}
