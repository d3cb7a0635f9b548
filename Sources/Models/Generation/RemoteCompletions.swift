// Pure functions for the OpenAI completions API: the request body for a batch of prompts and
// the parse of a reply into `[prompt][sample]` completions. No networking here, so the parser
// is tested on recorded replies.
//
// Reply shape (OpenAI, vLLM, SGLang, llama.cpp, Ollama):
//   {"choices": [{"index": i*n + j, "text": "…", "finish_reason": "stop"|"length",
//                 "stop_reason": null|"<stop string>"|<token id>,            (vLLM only)
//                 "logprobs": {"tokens": […], "token_logprobs": […]} | null}],
//    "usage": {"prompt_tokens": …, "completion_tokens": …}}

/// The part of a completions request that depends on the call.
struct CompletionsRequest: Equatable {
    var model: String
    var prompts: [String]
    var samplesPerPrompt: Int
    var options: GenerationOptions
    var seed: UInt64
    var logprobs: Bool
    /// Send the extension fields that switch off server-side sampling defaults, so the server
    /// samples the model's own distribution as Verity does locally: `top_k: 0` when off (unless
    /// `omitTopKOff`: older vLLM and SGLang accept only -1, llama-cpp-python only ≥ 0), `min_p: 0`,
    /// `repeat_penalty: 1` (llama.cpp) and `repetition_penalty: 1` (vLLM, SGLang).
    /// llama-cpp-python's server otherwise applies top_k 40, min_p 0.05 and a repeat penalty of
    /// 1.1 — even to greedy decoding. Servers ignore fields they do not know; OpenAI's API refuses them.
    var neutralSampling: Bool = false
    /// Leave `top_k` out when off even with `neutralSampling` (the server refused `top_k: 0`).
    var omitTopKOff: Bool = false

    /// The JSON body. `stop` is omitted when empty, `top_k` when off unless `neutralSampling` (it is
    /// an extension that vLLM, SGLang and llama.cpp accept), and the seed is reduced to 31 bits, the
    /// range every server accepts.
    func body() throws(RemoteGeneratorError) -> [UInt8] {
        let o = options
        guard samplesPerPrompt >= 1 else { throw .invalidRequest("samples per prompt must be at least 1, got \(samplesPerPrompt)") }
        guard o.maxNewTokens >= 1 else { throw .invalidRequest("max tokens must be at least 1, got \(o.maxNewTokens)") }
        if let problem = o.problem { throw .invalidRequest(problem) }
        guard o.stopStrings.count <= 4 else { throw .invalidRequest("the completions API takes at most 4 stop strings, got \(o.stopStrings.count)") }
        var fields: [(String, JSONValue)] = [
            ("model", .string(model)),
            ("prompt", .array(prompts.map(JSONValue.string))),
            ("n", .int(samplesPerPrompt)),
            ("max_tokens", .int(o.maxNewTokens)),
            ("temperature", .number(String(describing: o.temperature))),
            ("top_p", .number(String(describing: o.topP))),
            ("seed", .int(Int(seed & 0x7FFF_FFFF))),
        ]
        if o.topK > 0 {
            fields.append(("top_k", .int(o.topK)))
        } else if neutralSampling && !omitTopKOff {
            fields.append(("top_k", .int(0)))
        }
        if neutralSampling {
            fields += [("min_p", .int(0)), ("repeat_penalty", .int(1)), ("repetition_penalty", .int(1))]
        }
        if !o.stopStrings.isEmpty { fields.append(("stop", .array(o.stopStrings.map(JSONValue.string)))) }
        if logprobs { fields.append(("logprobs", .int(1))) }
        return JSONValue.object(JSONObject(fields)).serialized()
    }
}

/// Parses a completions reply for `prompts` prompts × `samples` samples.
///
/// Token counts come, in order of preference, from the returned logprob tokens, from
/// `countTokens` (a local tokenizer, when the caller has one), or from `usage.completion_tokens`
/// shared among the choices in proportion to their characters. Thinking tokens are counted on
/// returned tokens when present, otherwise estimated by the share of thinking characters.
public func parseCompletionsReply(_ bytes: [UInt8], url: String, prompts: [String], samples: Int, stopStrings: [String],
                           countTokens: ((String) -> Int?)? = nil) throws(RemoteGeneratorError) -> [[GeneratedText]] {
    let root: JSONObject
    do {
        guard let object = try JSONParser.parse(bytes).objectValue else {
            throw RemoteGeneratorError.malformedReply(url: url, reason: "the reply is not a JSON object")
        }
        root = object
    } catch let error as JSONParseError {
        throw .malformedReply(url: url, reason: "invalid JSON (\(error.description)): \(snippet(bytes))")
    } catch {
        throw .malformedReply(url: url, reason: "the reply is not a JSON object")
    }
    if let message = errorMessage(root["error"]) { throw .serverError(url: url, message: message) }
    guard let choices = root["choices"]?.arrayValue else {
        throw .malformedReply(url: url, reason: "no \"choices\" array")
    }
    let expected = prompts.count * samples
    guard choices.count == expected else {
        throw .malformedReply(url: url, reason: "\(choices.count) choices for \(prompts.count) prompts × \(samples) samples")
    }

    /// `text` is the server's text; `restored` the stop string put back after it.
    struct Raw { var text: String; var restored: String; var finish: FinishReason; var tokens: [String]?; var logprob: Double? }
    var raws = [Raw?](repeating: nil, count: expected)
    for (position, item) in choices.enumerated() {
        guard let choice = item.objectValue else { throw .malformedReply(url: url, reason: "choice \(position) is not an object") }
        let index = choice["index"]?.intValue ?? position
        guard index >= 0, index < expected, raws[index] == nil else {
            throw .malformedReply(url: url, reason: "choice index \(index) is out of range or repeated")
        }
        guard let text = choice["text"]?.stringValue else {
            throw .malformedReply(url: url, reason: "choice \(index) has no \"text\"")
        }
        var finish: FinishReason
        switch choice["finish_reason"]?.stringValue {
        case "length": finish = .length
        case "stop", "eos", nil: finish = .stop
        case let other?: throw .malformedReply(url: url, reason: "choice \(index) has unknown finish_reason \"\(other)\"")
        }
        // Servers drop the matched stop string; vLLM names it in stop_reason. Put it back, as the
        // local generator keeps it.
        var restored = ""
        if finish == .stop, let matched = choice["stop_reason"]?.stringValue, stopStrings.contains(matched) {
            restored = matched
            finish = .stopString
        }
        var tokens: [String]? = nil
        var logprob: Double? = nil
        if let lp = choice["logprobs"]?.objectValue {
            tokens = lp["tokens"]?.arrayValue?.compactMap(\.stringValue)
            if let values = lp["token_logprobs"]?.arrayValue {
                logprob = values.compactMap(\.doubleValue).reduce(0, +)
            }
        }
        raws[index] = Raw(text: text, restored: restored, finish: finish, tokens: tokens, logprob: logprob)
    }
    let all = raws.compactMap { $0 }   // every index filled: count == expected, no repeats, all in range

    // A server's count is taken only when plausible: a negative or absurd one (Int.max would
    // overflow the share below) falls back to the estimate.
    let usageTokens = root["usage"]?.objectValue?["completion_tokens"]?.intValue.flatMap { (0...100_000_000).contains($0) ? $0 : nil }
    let totalCharacters = all.reduce(0) { $0 + $1.text.count }
    var result: [[GeneratedText]] = []
    for p in 0..<prompts.count {
        let startsInside = ThinkingSpan.promptOpensThinking(prompts[p])
        var row: [GeneratedText] = []
        for s in 0..<samples {
            let raw = all[p * samples + s]
            let tokenCount: Int
            if let tokens = raw.tokens {
                tokenCount = tokens.count
            } else if let n = countTokens?(raw.text) {
                tokenCount = n
            } else if let usageTokens, totalCharacters > 0 {
                tokenCount = Int((Double(usageTokens) * Double(raw.text.count) / Double(totalCharacters)).rounded())
            } else {
                tokenCount = (raw.text.count + 3) / 4   // last resort: ~4 characters per token
            }
            let thinking = raw.tokens.flatMap { ThinkingSpan.countThinkingTokens($0, text: raw.text, startsInside: startsInside) }
                ?? ThinkingSpan.estimateThinkingTokens(text: raw.text, tokenCount: tokenCount, startsInside: startsInside)
            row.append(GeneratedText(text: raw.text + raw.restored, tokenCount: tokenCount, thinkingTokens: thinking,
                                     finishReason: raw.finish, logprob: raw.logprob))
        }
        result.append(row)
    }
    return result
}

/// The message of an OpenAI-style error value (`{"message": …}` or a string), if any.
func errorMessage(_ value: JSONValue?) -> String? {
    guard let value, value != .null else { return nil }
    if let s = value.stringValue { return s }
    if let o = value.objectValue {
        return o["message"]?.stringValue ?? String(decoding: value.serialized(), as: UTF8.self)
    }
    return String(decoding: value.serialized(), as: UTF8.self)
}

/// The start of a reply body, for error messages.
func snippet(_ bytes: [UInt8], limit: Int = 200) -> String {
    let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
    return bytes.count > limit ? text + "…" : text
}
