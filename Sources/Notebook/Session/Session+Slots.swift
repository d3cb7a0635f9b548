// Session slots — the extension points where domain commands keep their state. Each domain module
// declares a slot key next to its commands, e.g.
//
//     enum ModelSlot: SessionSlot { typealias Value = LoadedModel }      // Commands/Model.swift
//     session[ModelSlot.self] = model                                    // in `model new`
//     guard let model = session[ModelSlot.self] else { throw CommandError("no model loaded — …") }
//
// Planned slots (filled as the engine, tasks, training and evaluation modules land):
//   model            the policy being trained or sampled   (`model new|load|connect`)
//   reference model  frozen copy for the KL term            (`rl kl=…`)
//   data set         problems with train/test splits        (`task`, `data load`)
//   rollouts         the last sampled and scored batch      (`sample`, `reward`, `show rollouts`)
//   metrics log      per-step training metrics              (`step`, `rl`, `plot metrics`)
// Rule for long commands: compute a step into locals, call `checkCancellation()`, then store the
// result in the slot — so Ctrl-C leaves the session as it was after the last completed step.

/// A typed key for session state owned by a domain command family.
public protocol SessionSlot {
    /// What the slot holds.
    associatedtype Value
}

extension Session {
    /// The value stored under `slot`, nil when none.
    public subscript<Slot: SessionSlot>(slot: Slot.Type) -> Slot.Value? {
        get { slotStorage[ObjectIdentifier(slot)] as? Slot.Value }
        set { slotStorage[ObjectIdentifier(slot)] = newValue }
    }
}
