// Transformer+Generate — batched sampling with a KV cache: prefill every prompt in one pass, then
// decode all unfinished sequences together, applying the thinking-budget / wait controls per token.
import Kernels

/// Per-sequence decoding state (thinking section, forced-token queue, stop checks).
struct DecodeState {
    var out: SampledSequence
    var thinking = false
    var pending: [Int] = []
    var done = false
}

extension Transformer {
    /// Samples one completion per prompt. Prompts may differ in length. Deterministic for a given
    /// `rng` state, thread count and model. Throws `CancellationError` when `isCancelled` turns
    /// true (polled between decode steps); `rng` has then advanced.
    ///
    /// Thinking: a sequence is thinking after `<think>` (prompt or generated) until `</think>`;
    /// every generated token inside counts (forced wait tokens too). When the count reaches
    /// `thinkingBudget`, `</think>` is forced next. A sampled `</think>` is replaced by
    /// `waitTokens` while fewer than `waitExtensions` waits were used. Forced tokens are flagged.
    public func generate(prompts: [[Int]], controls: DecodeControls, rng: inout RNG,
                         isCancelled: () -> Bool = { false }) throws -> [SampledSequence] {
        let V = config.vocabSize
        try controls.validate(vocabSize: V)
        for (i, p) in prompts.enumerated() {
            guard !p.isEmpty else { throw ModelError("prompt \(i) is empty — start it with at least one token (e.g. bos)") }
            if let bad = p.first(where: { $0 < 0 || $0 >= V }) {
                throw ModelError("prompt \(i) contains token id \(bad), outside the model's vocabulary 0..<\(V)")
            }
        }
        if prompts.isEmpty { return [] }
        var states = prompts.map { p -> DecodeState in
            var s = DecodeState(out: SampledSequence(prompt: p))
            for t in p {
                if t == controls.thinkStart { s.thinking = true } else if t == controls.thinkEnd { s.thinking = false }
            }
            return s
        }
        if controls.maxNewTokens == 0 { return states.map { $0.out } }
        let capacity = (prompts.map { $0.count }.max() ?? 1) + controls.maxNewTokens
        let cache = KVCache(config: config, sequences: prompts.count, capacity: capacity)
        let scratch = DecodeScratch(config: config)
        var sampler = Sampler(temperature: controls.temperature, topK: controls.topK, topP: controls.topP)

        // Prefill in chunks of whole rows (any split is causal: a layer caches all its rows'
        // keys before attending). Logits are kept for each prompt's last token.
        var allRows: [DecodeRow] = []
        for (i, p) in prompts.enumerated() {
            for (pos, t) in p.enumerated() { allRows.append(DecodeRow(sequence: i, position: pos, token: Int32(t))) }
        }
        let chunk = max(256, prompts.count)
        var start = 0
        let prefillLogits = FloatBuffer(prompts.count * V)   // [S, V], row = sequence
        while start < allRows.count {
            if isCancelled() { throw CancellationError() }
            let end = min(start + chunk, allRows.count)
            let rows = Array(allRows[start..<end])
            let heads = rows.indices.filter { rows[$0].position == prompts[rows[$0].sequence].count - 1 }
            decodeStep(rows, headRows: heads, cache: cache, scratch: scratch)
            for (m, r) in heads.enumerated() {
                let sq = rows[r].sequence
                (prefillLogits.pointer + sq * V).update(from: scratch.logits.pointer + m * V, count: V)
            }
            start = end
        }
        // Row m of `logitsBase` holds the logits for sequence active[m]: first the prefill's
        // (active = every sequence, in order), then each decode step's.
        var active = Array(prompts.indices)
        var logitsBase = prefillLogits.pointer
        while !active.isEmpty {
            if isCancelled() { throw CancellationError() }
            var next: [DecodeRow] = []
            for (m, sq) in active.enumerated() {
                choose(&states[sq], logits: logitsBase + m * V, controls: controls, sampler: &sampler, rng: &rng)
                if !states[sq].done {
                    let pos = prompts[sq].count + states[sq].out.tokens.count - 1
                    next.append(DecodeRow(sequence: sq, position: pos, token: Int32(states[sq].out.tokens.last ?? 0)))
                }
            }
            if next.isEmpty { break }
            decodeStep(next, headRows: Array(next.indices), cache: cache, scratch: scratch)
            logitsBase = scratch.logits.pointer
            active = next.map { $0.sequence }
        }
        return states.map { $0.out }
    }

    /// Picks one token for one sequence (forced or sampled), appends it and updates the state.
    private func choose(_ s: inout DecodeState, logits: UnsafePointer<Float>, controls c: DecodeControls,
                        sampler: inout Sampler, rng: inout RNG) {
        let V = config.vocabSize
        var token: Int
        var logprob: Float
        var forced = false
        if s.thinking, let budget = c.thinkingBudget, let end = c.thinkEnd, s.out.thinkingTokens >= budget {
            token = end; forced = true; s.pending.removeAll()
            logprob = sampler.logprob(of: token, logits, V)
        } else if !s.pending.isEmpty {
            token = s.pending.removeFirst(); forced = true
            logprob = sampler.logprob(of: token, logits, V)
        } else {
            (token, logprob) = sampler.sample(logits, V, rng: &rng)
            if s.thinking, token == c.thinkEnd, s.out.waitsUsed < c.waitExtensions, !c.waitTokens.isEmpty {
                s.out.waitsUsed += 1
                s.pending = c.waitTokens
                token = s.pending.removeFirst(); forced = true
                logprob = sampler.logprob(of: token, logits, V)
            }
        }
        s.out.tokens.append(token)
        s.out.logprobs.append(logprob)
        s.out.forced.append(forced)
        if s.thinking && token == c.thinkEnd {
            s.thinking = false
        } else if !s.thinking && token == c.thinkStart {
            s.thinking = true
        } else if s.thinking {
            s.out.thinkingTokens += 1
        }
        if token == c.eos {
            s.done = true; s.out.finishReason = .stop
        } else if c.stopSequences.contains(where: { seq in s.out.tokens.count >= seq.count && Array(s.out.tokens.suffix(seq.count)) == seq }) {
            s.done = true; s.out.finishReason = .stopString
        } else if s.out.tokens.count >= c.maxNewTokens {
            s.done = true; s.out.finishReason = .length
        }
    }
}
