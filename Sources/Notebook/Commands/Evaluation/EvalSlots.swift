// Evaluation slots — the session state of the evaluation commands: the named evaluation runs
// (`eval as=NAME`, read by `show samples`, `scale`, `verifier`, `compare`) and the current outcome
// verifier (`verifier train|load`, used by `scale methods=best,maj-score`). Also the one place a
// `LoadedModel` becomes a text-level `Generator`, so every evaluation command samples the same way:
//
//     let generator = try evaluationGenerator(model)    // LocalGenerator or the connected server
//
// Prompt encoding: `LocalGenerator` encodes with `Models.encodePrompt` (bos, then the text), the
// same convention as `LocalModel.encodePrompt` used by `generate` and the training commands, so a
// model is evaluated on prompts shaped exactly like the ones it was trained on.
import Evaluation
import Models
import Tasks

/// One evaluation run kept by the session, with the data set it was scored against (its prompt
/// prefix and extractor rebuild prompts for the verifier and `show samples`).
public struct StoredRun {
    /// The name given with `as=` (default `last`).
    public var name: String
    /// The problems, completions and scored records.
    public var run: EvaluationRun
    /// The data set the run's problems came from.
    public var dataset: Dataset
    /// The split the problems were drawn from.
    public var split: Split
    /// Which model sampled it (see `modelFingerprint`): `scale` reuses a run only for the same weights.
    public var model: String
}

/// The session's evaluation runs by name, and which one is the latest.
public struct EvaluationRuns {
    /// Runs by name.
    public var byName: [String: StoredRun] = [:]
    /// Names in the order first stored (for listings).
    public var order: [String] = []
    /// The most recently stored run's name (what `run=` defaults to).
    public var latest: String?

    /// An empty collection.
    public init() {}

    /// Stores (or replaces) a run under its name and makes it the latest.
    public mutating func store(_ stored: StoredRun) {
        if byName[stored.name] == nil { order.append(stored.name) }
        byName[stored.name] = stored
        latest = stored.name
    }
}

/// The evaluation runs of this session (`eval` fills it).
public enum EvaluationRunsSlot: SessionSlot {
    public typealias Value = EvaluationRuns
}

/// A verifier held by the session, with what is known about its quality.
public struct LoadedVerifier {
    /// The scoring model.
    public var verifier: OutcomeVerifier
    /// Where it came from (`verifier train …` or the directory it was loaded from).
    public var source: String
    /// The training report when it was trained in this session.
    public var report: VerifierTrainingReport?
}

/// The session's outcome verifier (`verifier train` or `verifier load`).
public enum VerifierSlot: SessionSlot {
    public typealias Value = LoadedVerifier
}

extension Session {
    /// The run called `name` (nil: the latest), or an error saying which runs exist and how to make one.
    func requireRun(_ name: String?, for command: String) throws -> StoredRun {
        let runs = self[EvaluationRunsSlot.self] ?? EvaluationRuns()
        guard let latest = runs.latest else {
            throw CommandError("\(command): no evaluation run in this session — run 'eval …' first")
        }
        // `last` always means the most recent run, whatever it was named.
        let wanted = name ?? latest
        if let stored = runs.byName[wanted] { return stored }
        if wanted == "last", let stored = runs.byName[latest] { return stored }
        var message = "\(command): no evaluation run called '\(wanted)'"
        if let near = Suggestions.nearest(to: wanted, among: runs.order) { message += " — did you mean '\(near)'?" }
        throw CommandError(message + " (runs: \(runs.order.joined(separator: ", ")); make one with 'eval as=\(wanted)')")
    }

    /// Replaces a stored run's contents (e.g. after a verifier filled its scores), keeping which run is latest.
    func updateRun(_ stored: StoredRun) {
        var runs = self[EvaluationRunsSlot.self] ?? EvaluationRuns()
        let latest = runs.latest
        runs.store(stored)
        runs.latest = latest ?? stored.name
        self[EvaluationRunsSlot.self] = runs
    }

    /// The session verifier, or an error saying how to get one.
    func requireVerifier(for command: String) throws -> LoadedVerifier {
        guard let loaded = self[VerifierSlot.self] else {
            throw CommandError("\(command): no verifier — run 'verifier train' (after an 'eval' with correct and wrong "
                               + "samples) or 'verifier load PATH' first")
        }
        return loaded
    }
}

/// Identifies the weights a run was sampled from: for a local model a 64-bit FNV-1a hash of every
/// parameter's bits (training changes the weights in place, so the object alone would not tell);
/// for a server its name and URL.
func modelFingerprint(_ model: LoadedModel) -> String {
    switch model {
    case .local(let local):
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in local.transformer.parameters {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
        }
        return "local \(local.name) " + String(hash, radix: 16)
    case .remote(let remote):
        return "remote \(remote.generator.name) \(remote.url)"
    }
}

/// The session model as a text-level generator: the local model behind `LocalGenerator` (which
/// encodes prompts with bos + text, like training) or the connected server.
func evaluationGenerator(_ model: LoadedModel) throws -> any Generator {
    switch model {
    case .local(let local):
        return try evaluationCall("eval") { try LocalGenerator(model: local.transformer, tokenizer: local.tokenizer, name: local.name) }
    case .remote(let remote):
        return remote.generator
    }
}

/// Like `domain(context)`, without repeating the context when the lower module's message already
/// starts with it (Evaluation's errors name their estimator or command themselves).
func evaluationCall<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do {
        return try domain(nil, body)
    } catch let error as CommandError where error.kind == .failure && !error.message.hasPrefix(context + ":") {
        throw CommandError(context + ": " + error.message)
    }
}

extension LoadedVerifier {
    /// The leak guard: a verifier scoring problems it was trained on measures memory, not judgement
    /// (a verifier trained on the test split and then used for best-of-N on that split inflates
    /// best@k). Refuses unless `allow`; returns a line for the output when there is something to say.
    func checkTrainingOverlap(_ problems: [Problem], dataset: Dataset, runName: String, allow: Bool,
                              command: String) throws -> String? {
        guard let overlap = verifier.trainingOverlap(with: problems, dataset: dataset) else {
            return "note: this verifier's training problems are not recorded (a checkpoint from an older Verity) — "
                + "make sure it was not trained on the problems of run '\(runName)'"
        }
        guard overlap > 0 else { return nil }
        let what = "\(overlap) of the \(problems.count) problems of run '\(runName)' were in the verifier's training samples"
        guard allow else {
            throw CommandError("\(command): \(what), so its scores there measure memory, not judgement — train the verifier "
                + "on another split's samples (e.g. eval split=train … as=T, then verifier train runs=T), or pass "
                + "overlap=allow to score anyway and say so")
        }
        return "WARNING: \(what) (overlap=allow): best-of-N and score-weighted votes on them are optimistic"
    }
}
