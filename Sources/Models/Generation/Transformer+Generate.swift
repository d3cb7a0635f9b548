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
        let longest = prompts.map { $0.count }.max() ?? 1
        guard longest + controls.sampling.maxNewTokens <= config.maxPositionEmbeddings else {
            throw ModelError("prompt of \(longest) tokens + max tokens \(controls.sampling.maxNewTokens) exceeds the model's max_position_embeddings (\(config.maxPositionEmbeddings)) — lower max tokens or shorten the prompt")
        }
        var states = prompts.map { p -> DecodeState in
            var s = DecodeState(out: SampledSequence(prompt: p))
            for t in p {
                if t == controls.thinkStart { s.thinking = true } else if t == controls.thinkEnd { s.thinking = false }
            }
            return s
        }
        if controls.sampling.maxNewTokens == 0 { return states.map { $0.out } }
        let capacity = longest + controls.sampling.maxNewTokens
        // Keys and values of every sequence, the prompts' last logits and the repacked weights.
        typealias B = MemoryBudget
        let floats = B.sum(B.product(2, config.numHiddenLayers, prompts.count, capacity, config.kvDim),
                           B.product(prompts.count, config.vocabSize), parameterCount)
        try MemoryBudget.check(floats.flatMap { B.bytes($0, of: MemoryLayout<Float>.size) },
                               for: "decoding \(prompts.count) sequences of up to \(capacity) tokens (KV cache)",
                               advice: "sample fewer completions at once (n= or batch=) or lower max_tokens")
        let cache = KVCache(config: config, sequences: prompts.count, capacity: capacity)
        let scratch = DecodeScratch(config: config)
        // Few-row steps (one sequence, or the last of a batch) read each weight once, exactly.
        if ExactRows.available { scratch.packed = PackedWeights(self) }

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
        var plans: [TokenPlan] = []
        var picks: [(token: Int, logprob: Float)] = []
        while !active.isEmpty {
            if isCancelled() { throw CancellationError() }
            // 1. Plans and uniform draws, serially in sequence order (the only RNG use).
            plans.removeAll(keepingCapacity: true)
            for sq in active { plans.append(plan(states[sq], controls: controls, rng: &rng)) }
            // 2. Per-row sampling and log-probs, split over threads.
            picks = [(token: Int, logprob: Float)](repeating: (0, 0), count: active.count)
            let base = logitsBase
            let sampler = self.sampler(controls)
            plans.withUnsafeBufferPointer { planP in
                picks.withUnsafeMutableBufferPointer { pickP in
                    Threading.parallelFor(active.count, minimumPerWorker: max(1, 8192 / V)) { a, b in
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: sampler.scratchCount(vocab: V))
                        defer { scratch.deallocate() }
                        for m in a..<b {
                            let row = UnsafePointer(base + m * V)
                            switch planP[m] {
                            case .budgetEnd(let t), .queued(let t):
                                pickP[m] = (t, sampler.logprob(of: t, row, V, scratch: scratch))
                            case .sample(let u):
                                pickP[m] = sampler.sample(row, V, u: u, scratch: scratch)
                            }
                        }
                    }
                }
            }
            // 3. Apply (wait replacement needs the forced token's log-prob from the same row).
            var next: [DecodeRow] = []
            next.reserveCapacity(active.count)
            for (m, sq) in active.enumerated() {
                var token = picks[m].token, logprob = picks[m].logprob
                var forced = true
                let c = controls
                switch plans[m] {
                case .budgetEnd: states[sq].pending.removeAll()
                case .queued: states[sq].pending.removeFirst()
                case .sample: forced = false
                }
                if !forced, states[sq].thinking, token == c.thinkEnd, states[sq].out.waitsUsed < c.sampling.waitExtensions,
                   !c.waitTokens.isEmpty {
                    states[sq].out.waitsUsed += 1
                    states[sq].pending = c.waitTokens
                    token = states[sq].pending.removeFirst()
                    forced = true
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: sampler.scratchCount(vocab: V))
                    logprob = sampler.logprob(of: token, UnsafePointer(base + m * V), V, scratch: scratch)
                    scratch.deallocate()
                }
                append(&states[sq], token: token, logprob: logprob, forced: forced, controls: c)
                if !states[sq].done {
                    let pos = prompts[sq].count + states[sq].out.tokens.count - 1
                    next.append(DecodeRow(sequence: sq, position: pos, token: Int32(token)))
                }
            }
            if next.isEmpty { break }
            decodeStep(next, headRows: Array(next.indices), cache: cache, scratch: scratch)
            logitsBase = scratch.logits.pointer
            active = next.map { $0.sequence }
        }
        return states.map { $0.out }
    }

    func sampler(_ c: DecodeControls) -> Sampler {
        Sampler(c.sampling)
    }

    /// Decides whether the next token is forced, else draws the sampling uniform (one draw per
    /// sampled token, none when greedy).
    func plan(_ s: DecodeState, controls c: DecodeControls, rng: inout RNG) -> TokenPlan {
        if s.thinking, let budget = c.sampling.thinkingBudget, let end = c.thinkEnd, s.out.thinkingTokens >= budget {
            return .budgetEnd(end)
        }
        if let t = s.pending.first { return .queued(t) }
        return .sample(u: c.sampling.temperature > 0 ? rng.uniformDouble() : 0)
    }

    /// Appends a chosen token and updates thinking state, counters and the finish reason.
    func append(_ s: inout DecodeState, token: Int, logprob: Float, forced: Bool, controls c: DecodeControls) {
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
        if c.isEnd(token) {
            s.done = true; s.out.finishReason = .stop
        } else if c.stopSequences.contains(where: { seq in s.out.tokens.count >= seq.count && s.out.tokens.suffix(seq.count).elementsEqual(seq) }) {
            s.done = true; s.out.finishReason = .stopString
        } else if s.out.tokens.count >= c.sampling.maxNewTokens {
            s.done = true; s.out.finishReason = .length
        }
    }
}
