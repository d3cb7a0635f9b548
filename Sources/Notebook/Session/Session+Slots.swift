// Session slots — the extension points where domain commands keep their state. Each command family
// declares its slot keys beside its commands, e.g.
//
//     public enum ModelSlot: SessionSlot { typealias Value = LoadedModel }   // Commands/Model/ModelSlot.swift
//     session[ModelSlot.self] = .local(model)                               // in `model new`
//     let model = try session.requireModel(for: "generate")                 // a readable error when empty
//
// The slots, and where they are declared:
//   ModelSlot, TrainingStateSlot   the model; optimizer and trainer state loaded with it   Commands/Model/ModelSlot.swift
//   DatasetSlot, RewardSlot        the data set; the session reward                         Commands/Tasks/TaskSlots.swift
//   TrainerSlot                    the policy-gradient trainer (pending rollouts, config)   Commands/Training/TrainerSlot.swift
//   TrainingRunsSlot               named training runs and their metrics                    Commands/Training/TrainingRuns.swift
//   EvaluationRunsSlot, VerifierSlot  named evaluations; the outcome verifier               Commands/Evaluation/EvalSlots.swift
//   ValueSlot                      the value model (`value train|load`)                      Commands/Evaluation/ValueFiles.swift
//   SeedTalliesSlot                claims tallied over seeds (`seeds`, `expect`)             Commands/Session/Seeds.swift
//   GnuplotSlot, SweepSlot         the gnuplot process; the last scaling sweep              Commands/Plot/PlotSlots.swift
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
