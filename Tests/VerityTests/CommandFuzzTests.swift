// The short pass of `verity fuzz` (`make fuzz` runs the long one): generated command lines in child
// processes, piped and replayed; none may die by a signal and no protected file may change. And
// proof that the checks can fail: --sabotage changes a protected file and kills a child by SIGSEGV.
import Foundation
import Testing

@Suite(.serialized) struct CommandFuzzTests {
    @Test func shortPassFindsNoCrashAndTouchesNothing() throws {
        let result = try runVerity(["fuzz", "--lines", "3000", "--replays", "100", "--readers", "500", "--seed", "11"])
        #expect(result.status == 0, "\(result.out)\(result.err)")
        // Every line ran to completion, unless a batch hit the timeout (slow machine): then its lines
        // are reported as not counted rather than claimed.
        #expect(result.out.contains("fuzz: 3100 lines run to completion") || result.out.contains("lines of timed-out batches not counted"))
        #expect(result.out.contains("0 crashes, 0 protected files touched"))
        // Every reader of untrusted files took its 500 mutants; some must have been refused (or the
        // mutations did nothing) and the run lived to print the row.
        let rows = result.out.split(separator: "\n").filter { $0.hasPrefix("fuzz: reader ") }
        #expect(rows.count == 8)
        #expect(rows.allSatisfy { $0.contains("500 mutants") && !$0.contains(" 0 refused") })
    }

    @Test func theChecksCanFail() throws {
        let result = try runVerity(["fuzz", "--lines", "5", "--replays", "0", "--sabotage"])
        #expect(result.status == 1)
        #expect(result.out.contains("1 crashes, 1 protected files touched"), "\(result.out)")
        #expect(result.out.contains("touched: nb/readonly.txt"))
        let kept = result.out.split(separator: "\n").first { $0.hasPrefix("fuzz: kept ") }.map { String($0.dropFirst("fuzz: kept ".count)) }
        if let kept {
            let folder = kept.components(separatedBy: " with").first ?? kept
            #expect(FileManager.default.fileExists(atPath: folder + "/failures/sabotage.verity"))
            try? FileManager.default.removeItem(atPath: folder)
        } else {
            Issue.record("the failing run did not say where it kept its inputs")
        }
    }
}
