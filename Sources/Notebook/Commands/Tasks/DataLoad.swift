// data load — reads a JSONL data set (one problem per line) with a field mapping, holds out a test
// split or reads a separate test file, and makes it the current data set.
import Fields
import Foundation
import Kernels
import Tasks

extension CommandDefinition {
    /// `data load PATH key=value …`
    static let dataLoad = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "load",
        summary: "load problems from JSONL: data load data/gsm8k.jsonl prompt=question test=500",
        help: "Each line is a JSON object; prompt=, answer=, solution=, id= and difficulty= name the fields "
            + "to read. skip_bad=true skips (and counts) malformed lines instead of stopping at the first. "
            + "The test split is held out at random with the session's generator, or read from test_file=.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the JSONL file")],
        keys: DataLoadRequest.fields.map { ArgumentSpec($0.spec) },
        examples: ["data load /tmp/verity-example-data.jsonl prompt=prompt answer=answer solution=solution id=id "
                   + "difficulty=difficulty gsm8k=false skip_bad=true test=2 extract=after-think compare=numeric name=demo",
                   "data load /tmp/verity-no-such-file.jsonl test_file=/tmp/verity-no-such-test.jsonl"]
    )) { invocation, session in
        let path = try invocation.readPath("path", session) ?? ""
        var values = try invocation.givenValues(DataLoadRequest.fields.map(\.key))
        // The same read rule for the test file as for the data set.
        if let testFile = try invocation.readPath("test_file", session) { values["test_file"] = .word(testFile) }
        let request = try domain("data load") { try DataLoadRequest.make(path: path, values: values) }
        // Reading a file holds its bytes, their lines and the problems made from them: about four
        // times the file's size (measured on a GSM8K-style file), checked before reading.
        let size = request.files.reduce(0) { total, file in
            let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            return total &+ max(0, bytes ?? 0)
        }
        try domain("data load") {
            try MemoryBudget.check(MemoryBudget.bytes(size, of: 4), for: "loading \(MemoryBudget.format(size)) of JSONL",
                                   advice: "load a smaller file (split it, or keep fewer fields)")
        }
        var rng = session.commandRNG()
        let (dataset, skipped) = try domain("data load") {
            try request.load(rng: &rng, isCancelled: session.cancellationRequested)
        }
        session[DatasetSlot.self] = dataset
        if let configured = session[RewardSlot.self] {
            session[RewardSlot.self] = try? configureReward(spec: configured.spec, dataset: dataset)
        }
        var output = DatasetSummary.render(dataset, kind: nil)
        if !skipped.isEmpty {
            let shown = skipped.prefix(3).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
            output.append(CommandOutput([.warning("skipped \(skipped.count) malformed line\(skipped.count == 1 ? "" : "s") — \(shown)"
                                                  + (skipped.count > 3 ? "; …" : ""))]))
        }
        return output
    }
}
