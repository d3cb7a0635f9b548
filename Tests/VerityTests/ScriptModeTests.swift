// The executable without a terminal: piped scripts (random bytes included), `verity run` with
// --write / --check / --ipynb, failures named by file line, --version and bench.
import Foundation
import Testing

@Suite struct ScriptModeTests {
    @Test func pipedGarbageNeverCrashes() throws {
        var rng = SystemRandomNumberGenerator()
        var lines: [[UInt8]] = []
        for _ in 0..<200 {
            let count = Int(rng.next() % 120)
            lines.append(Array("zz".utf8) + (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.filter { $0 != 0x0A })
        }
        lines.append(Array(("echo " + String(repeating: "y", count: 100_000)).utf8))
        lines.append(Array("seed \"open".utf8))
        lines.append(Array("set width=7".utf8))
        lines.append(Array("set nosuch=1".utf8))
        var input = Data()
        for line in lines { input.append(contentsOf: line + [0x0A]) }
        input.append(contentsOf: Array("seed 5\n".utf8))
        let (status, out, err) = try runVerity([], stdin: input)
        #expect(status == 1, "crashed or wrong status; stderr: \(err.prefix(500))")
        let errorLines = err.split(separator: "\n").filter { $0.hasPrefix("stdin:") && $0.contains(": error: ") }
        #expect(errorLines.count == lines.count)
        #expect(out.hasSuffix("seed 5\n"))
    }

    @Test func runWriteCheckAndIpynb() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notebook = "# Demo\n\n```verity\nseed 3\necho \"hello\"\n```\n\nText.\n\n```verity\nsleep 0.01\n```\n"
        try notebook.write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let first = try runVerity(["run", "demo.md"], directory: directory)
        #expect(first.status == 0)
        #expect(first.out == "seed 3\nhello\nslept 0.01 s\n")
        #expect(try runVerity(["run", "demo.md", "--check"], directory: directory).status == 1)
        #expect(try runVerity(["run", "demo.md", "--write"], directory: directory).status == 0)
        let written = try String(contentsOfFile: directory + "/demo.md", encoding: .utf8)
        let fingerprint = try #require(written.split(separator: "\n").dropFirst().first.map(String.init))
        #expect(fingerprint.hasPrefix("<!-- verity arithmetic: n2-openblas") && fingerprint.hasSuffix(" -->"))
        #expect(written == "# Demo\n\(fingerprint)\n\n```verity\nseed 3\necho \"hello\"\n```\n```output\nseed 3\nhello\n```\n\nText.\n\n"
                + "```verity\nsleep 0.01\n```\n```output\nslept 0.01 s\n```\n")
        // A different timing passes the check; a changed value does not, and the diff names it.
        try written.replacingOccurrences(of: "slept 0.01 s", with: "slept 7.50 s")
            .write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let check = try runVerity(["run", "demo.md", "--check"], directory: directory)
        #expect(check.status == 0, "timing line should be ignored: \(check.out) \(check.err)")
        try written.replacingOccurrences(of: "\nhello\n```", with: "\nhullo\n```")
            .write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let changed = try runVerity(["run", "demo.md", "--check"], directory: directory)
        #expect(changed.status == 1)
        #expect(changed.out.contains("-hullo\n+hello"))
        // Recorded under another arithmetic: outputs are not compared, the expect claims still are.
        let foreign = written.replacingOccurrences(of: "arithmetic: n2-", with: "arithmetic: n1-")
            .replacingOccurrences(of: "\nhello\n```", with: "\nhullo\n```")
        try foreign.write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let other = try runVerity(["run", "demo.md", "--check"], directory: directory)
        #expect(other.status == 0)
        #expect(other.out.contains("demo.md: arithmetic differs — recorded with n1-"))
        #expect(other.out.contains("outputs not compared, 0 expect claims hold"))
        try foreign.replacingOccurrences(of: "sleep 0.01\n", with: "sleep 0.01\nexpect 1 > 2\n")
            .write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let falseClaim = try runVerity(["run", "demo.md", "--check"], directory: directory)
        #expect(falseClaim.status == 1)
        #expect(falseClaim.err.contains("expect failed: 1, not > 2"))
        try written.write(toFile: directory + "/demo.md", atomically: true, encoding: .utf8)
        let export = try runVerity(["run", "demo.md", "--ipynb", "out/demo.ipynb"], directory: directory)
        #expect(export.status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/out/demo.ipynb"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(json?["nbformat_minor"] as? Int == 5)
    }

    /// `--short` runs and checks only the cells above the short-run mark: a wrong recording below
    /// it is not reached, one above it still fails; a full check reaches both.
    @Test func shortRunStopsAtTheMarkAndStillChecksAboveIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let above = "# Long\n\n```verity\necho a\n```\n```output\na\n```\n\n"
        let below = "<!-- verity: short run ends here -->\nThe long part.\n\n```verity\necho b\n```\n```output\nwrong\n```\n"
        try (above + below).write(toFile: directory + "/long.md", atomically: true, encoding: .utf8)
        let short = try runVerity(["run", "long.md", "--check", "--short"], directory: directory)
        #expect(short.status == 0, "\(short.out) \(short.err)")
        #expect(short.out.contains("long.md: short run, 1 of 2 cells, outputs match"))
        let full = try runVerity(["run", "long.md", "--check"], directory: directory)
        #expect(full.status == 1)
        #expect(full.out.contains("-wrong\n+b"))
        try (above.replacingOccurrences(of: "output\na\n", with: "output\nz\n") + below)
            .write(toFile: directory + "/long.md", atomically: true, encoding: .utf8)
        #expect(try runVerity(["run", "long.md", "--check", "--short"], directory: directory).status == 1)
        let refused = try runVerity(["run", "long.md", "--write", "--short"], directory: directory)
        #expect(refused.status != 0)
        #expect(refused.err.contains("--short replays part of a notebook"))
        // Without a mark, --short replays everything.
        try "# Plain\n\n```verity\necho c\n```\n```output\nc\n```\n".write(toFile: directory + "/plain.md", atomically: true, encoding: .utf8)
        let plain = try runVerity(["run", "plain.md", "--check", "--short"], directory: directory)
        #expect(plain.out.contains("plain.md: 1 cells, outputs match"))
    }

    /// The committed example notebook replays with --check, and its Jupyter export equals
    /// `example.ipynb`, which `validate_ipynb.py` validated against the nbformat 4.5 schema.
    @Test func fixtureNotebookChecksAndExportsTheValidatedIpynb() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("session-basics.md").path,
                                         toPath: directory + "/session-basics.md")
        let check = try runVerity(["run", "session-basics.md", "--check"], directory: directory)
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(check.out == "session-basics.md: 3 cells, outputs match\n")
        let export = try runVerity(["run", "session-basics.md", "--ipynb", "fresh.ipynb"], directory: directory)
        #expect(export.status == 0)
        let fresh = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/fresh.ipynb")))
        let validated = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("example.ipynb")))
        #expect((fresh as? NSDictionary)?.isEqual(validated) == true, "the export drifted from the validated example.ipynb")
    }

    /// `--check` changes no file: the plots it draws go to a scratch folder, not over the images
    /// the notebook links to.
    @Test func checkLeavesThePlotsAlone() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "step,reward\n1,0.25\n2,0.5\n3,0.75\n".write(toFile: directory + "/m.csv", atomically: true, encoding: .utf8)
        try "```verity\nplot metrics reward from=m.csv to=p.png\n```\n".write(toFile: directory + "/nb.md", atomically: true, encoding: .utf8)
        let write = try runVerity(["run", "nb.md", "--write"], directory: directory)
        #expect(write.status == 0, "\(write.out)\(write.err)")
        let image = directory + "/p.png"
        let written = try #require(FileManager.default.contents(atPath: image))
        try FileManager.default.removeItem(atPath: image)
        let check = try runVerity(["run", "nb.md", "--check"], directory: directory)
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(!FileManager.default.fileExists(atPath: image), "--check wrote the plot")
        #expect(!written.isEmpty)
    }

    /// The project's notebooks link plots in a top-level plots/ folder, outside their own. A real
    /// replay needs --allow for that folder; --check writes nothing there, so it needs none.
    @Test func checkNeedsNoAllowForPlotsItDoesNotWrite() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/notebooks", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/plots", withIntermediateDirectories: true)
        try "step,reward\n1,0.25\n2,0.5\n".write(toFile: directory + "/notebooks/m.csv", atomically: true, encoding: .utf8)
        try "```verity\nplot metrics reward from=notebooks/m.csv to=plots/p.png\n```\n"
            .write(toFile: directory + "/notebooks/nb.md", atomically: true, encoding: .utf8)
        let refused = try runVerity(["run", "notebooks/nb.md", "--write"], directory: directory)
        #expect(refused.status == 1)
        #expect(refused.err.contains("outside the replayed notebook's folder"))
        let write = try runVerity(["run", "notebooks/nb.md", "--write", "--allow", "plots"], directory: directory)
        #expect(write.status == 0, "\(write.out)\(write.err)")
        try FileManager.default.removeItem(atPath: directory + "/plots/p.png")
        let check = try runVerity(["run", "notebooks/nb.md", "--check"], directory: directory)
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/plots/p.png"), "--check wrote the plot")
    }

    @Test func checkNeedsNoAllowForDataItWritesAndReadsBack() throws {
        // scale tsv=… then plot compare of that file: --check writes the TSV to its scratch folder
        // and the compare reads it from there; the notebook's own file is neither needed nor replaced.
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/notebooks", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/plots", withIntermediateDirectories: true)
        try ("```verity\nseed 1\ntask arithmetic op=add digits=1 train=20 test=8 think=none\nmodel new layers=1 dim=16 heads=2 ffn=32\n"
             + "scale n=4 ks=1,2,4 methods=pass problems=8 max_tokens=4 tsv=plots/s.tsv\n"
             + "plot compare plots/s.tsv plots/s.tsv label=a,b to=plots/c.png\n```\n")
            .write(toFile: directory + "/notebooks/nb.md", atomically: true, encoding: .utf8)
        let write = try runVerity(["run", "notebooks/nb.md", "--write", "--allow", "plots"], directory: directory)
        #expect(write.status == 0, "\(write.out)\(write.err)")
        try "changed\n".write(toFile: directory + "/plots/s.tsv", atomically: true, encoding: .utf8)
        let check = try runVerity(["run", "notebooks/nb.md", "--check"], directory: directory)
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(try String(contentsOfFile: directory + "/plots/s.tsv", encoding: .utf8) == "changed\n", "--check replaced the TSV")
    }

    @Test func failingCellNamesItsFileLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "Intro\n\n```verity\necho ok\nset top_p=2\necho never\n```\n".write(
            toFile: directory + "/bad.md", atomically: true, encoding: .utf8)
        let result = try runVerity(["run", "bad.md"], directory: directory)
        #expect(result.status == 1)
        #expect(result.out == "ok\n")
        #expect(result.err.hasPrefix("bad.md:5:11: error: value out of range 0…1 for top_p: 2"))
        try "seed 2\nsleep x\n".write(toFile: directory + "/s.verity", atomically: true, encoding: .utf8)
        let script = try runVerity(["run", "s.verity"], directory: directory)
        #expect(script.status == 1)
        #expect(script.err.hasPrefix("s.verity:2:7: error: seconds expects a number"))
        let missing = try runVerity(["run", "nope.md"], directory: directory)
        #expect(missing.status == 1)
        #expect(missing.err.contains("cannot read nope.md: there is no such file"))
    }

    @Test func versionBenchAndSeedOption() throws {
        let version = try runVerity(["--version"])
        #expect(version.status == 0)
        let versionLines = version.out.split(separator: "\n")
        #expect(versionLines.first?.split(separator: ".").count == 3)
        #expect(versionLines.count == 2 && versionLines[1].hasPrefix("arithmetic n2-openblas"))
        // The quick tiny benchmark: one table row and the sgemm line.
        let bench = try runVerity(["bench", "--config", "tiny", "--quick"])
        #expect(bench.status == 0)
        #expect(bench.out.contains("train tok/s") && bench.out.contains("B=64 tok/s") && bench.out.contains("B=64 bound"))
        // config, params, T×B, train, train bound, B=1, B=16, B=64, B=64 bound: all numbers.
        #expect(bench.out.range(of: #"\ntiny\s+\d+\s+16×8(\s+\d+){6}\s*\n"#, options: .regularExpression) != nil)
        #expect(bench.out.contains("GFLOP/s"))
        // --steps 0 skips training (dashes), --batches picks the sampling sizes.
        let sampleOnly = try runVerity(["bench", "--config", "tiny", "--quick", "--steps", "0", "--batches", "2,3"])
        #expect(sampleOnly.status == 0)
        #expect(sampleOnly.out.contains("B=2 tok/s") && sampleOnly.out.contains("B=3 bound"))
        #expect(sampleOnly.out.range(of: #"\ntiny\s+\d+\s+16×8\s+-\s+-(\s+\d+){3}\s*\n"#, options: .regularExpression) != nil)
        let badBatches = try runVerity(["bench", "--batches", "0,x"])
        #expect(badBatches.status != 0)
        #expect(badBatches.err.contains("--batches must be 'none' or comma-separated sizes"))
        let badBench = try runVerity(["bench", "--config", "huge"])
        #expect(badBench.status != 0)
        #expect(badBench.err.contains("--config must be one of tiny, small, s15m, all"))
        // The recipe's GRPO step, split into sampling and training.
        let grpo = try runVerity(["bench", "--grpo", "--quick"])
        #expect(grpo.status == 0)
        #expect(grpo.out.contains("sampling s") && grpo.out.contains("training s"))
        #expect(grpo.out.range(of: #"\nmean\s+\d+\.\d{3}\s+\d+\.\d{3}"#, options: .regularExpression) != nil)
        let seeded = try runVerity(["--seed", "77"], stdin: Data("seed\n".utf8))
        #expect(seeded.out == "seed 77\n")
    }
}
