// The reward endpoint of `verity serve --reward SETUP`: the data set's verifier and the session
// reward, set up by replaying SETUP (a notebook or script with `task`/`data load` and `reward`),
// answered in the shape OpenRLHF's `--remote_rm_url` asks for:
//
//     POST /get_reward  {"query": [prompt + response, …], "prompts": [prompt, …], "labels": [answer, …]}
//     → {"rewards": [total, …], "scores": [1 if correct else 0, …], "extra_logs": {"accuracy": […], "<component>": […]}}
//
// `rewards` is the weighted total used for advantages; `scores` (0 or 1) is what OpenRLHF's dynamic
// filtering reads. `prompts` and `labels` are optional, as in older OpenRLHF versions.
import Foundation
import Notebook
import Serving
import Tasks

final class RewardEndpoint: @unchecked Sendable {
    let scoring: RemoteRewardScoring
    let spec: String

    init(scoring: RemoteRewardScoring, spec: String) {
        self.scoring = scoring
        self.spec = spec
    }

    /// Builds the endpoint from a replayed setup file's session.
    static func load(setup file: String, seed: UInt64) throws -> RewardEndpoint {
        let session = Terminal.makeSession(seed: seed)
        session.liveSink = nil
        let document = try NotebookRunner.load(file)
        let result = NotebookRunner.runConfined(document, file: file, session: session)
        if let failure = result.failure { throw ServeFailure("the setup \(file) failed: \(failure.description)") }
        guard let dataset = session[DatasetSlot.self] else {
            throw ServeFailure("the setup \(file) made no data set — add a 'task …' or 'data load …' line")
        }
        let reward = try session.currentReward()
        var count: @Sendable (String) -> Int = { $0.unicodeScalars.count }
        if case .local(let local)? = session[ModelSlot.self] {
            let tokenizer = local.tokenizer
            count = { (try? tokenizer.encode($0).count) ?? $0.unicodeScalars.count }
        }
        return RewardEndpoint(scoring: RemoteRewardScoring(dataset: dataset, reward: reward.reward, countTokens: count),
                              spec: reward.spec)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        var path = request.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard path == "/get_reward" || path == "/" else {
            return Self.error(404, "unknown path '\(path)' — this server answers POST /get_reward")
        }
        guard request.method == "POST" else {
            var reply = Self.error(405, "\(path) takes POST, not \(request.method)")
            reply.headers["Allow"] = "POST"
            return reply
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            return Self.error(400, "the body must be a JSON object with \"query\" (a list of prompt + response texts)")
        }
        func texts(_ key: String) -> [String?]? {
            switch body[key] {
            case nil, is NSNull: return nil
            case let one as String: return [one]
            case let list as [Any]:
                return list.map { item in
                    if let s = item as? String { return s }
                    if let n = item as? NSNumber { return n.stringValue }
                    return nil
                }
            default: return []
            }
        }
        guard let queries = texts("query"), !queries.isEmpty, queries.allSatisfy({ $0 != nil }) else {
            return Self.error(400, "\"query\" must be a non-empty list of strings (prompt + response, decoded with special tokens)")
        }
        let prompts = texts("prompts"), labels = texts("labels")
        for (name, list) in [("prompts", prompts), ("labels", labels)] {
            if let list, list.count != queries.count {
                return Self.error(400, "\"\(name)\" has \(list.count) items for \(queries.count) queries — send one per query")
            }
        }
        var rewards: [Double] = [], scores: [Double] = []
        var logs: [String: [Double]] = ["accuracy": []]
        for i in queries.indices {
            do {
                let scored = try scoring.score(query: queries[i] ?? "", prompt: prompts?[i] ?? nil, label: labels?[i] ?? nil)
                rewards.append(scored.breakdown.total)
                scores.append(scored.correct ? 1 : 0)
                logs["accuracy", default: []].append(scored.correct ? 1 : 0)
                for c in scored.breakdown.components { logs[c.name, default: []].append(c.value ?? 0) }
            } catch {
                return Self.error(400, "item \(i): \(error)")
            }
        }
        let reply: [String: Any] = ["rewards": rewards, "scores": scores, "extra_logs": logs]
        guard let data = try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return Self.error(500, "the reply could not be encoded")
        }
        return HTTPResponse(status: 200, json: [UInt8](data))
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body: [String: Any] = ["error": ["message": message, "code": status]]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return HTTPResponse(status: status, json: [UInt8](data))
    }
}
