// The public error of checkpoint saving and loading. Errors from the safetensors reader and the
// tokenizer loader pass through unchanged (they already name their file).

import Foundation

/// Why a checkpoint directory could not be saved or loaded.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory does not exist.
    case notFound(directory: String)
    /// A required file is absent from the directory.
    case missingFile(directory: String, file: String)
    /// `config.json` (or `trainer_state.json`) is not a JSON object, or does not decode.
    case invalidJSON(file: String, reason: String)
    /// The config or trainer state could not be encoded as JSON.
    case encodingFailed(what: String, reason: String)
    /// The target exists but is not a checkpoint directory, so it is not replaced.
    case refusingToReplace(path: String, reason: String)
    /// A file system operation failed while saving.
    case saveFailed(directory: String, reason: String)
    /// The checkpoint was missing after an interrupted save and its previous copy could not be put back.
    case recoveryFailed(directory: String, reason: String)
    /// The checkpoint was written and moved into place, but its folder could not be synced to disk.
    case notDurable(directory: String, reason: String)
    /// A checkpoint directory could not be removed (e.g. an old periodic checkpoint).
    case removeFailed(directory: String, reason: String)

    /// A message naming the directory or file and what to do.
    public var description: String {
        switch self {
        case let .notFound(directory):
            return "no checkpoint at \(directory) — check the path (a checkpoint is a directory with config.json, model.safetensors and tokenizer.json)"
        case let .missingFile(directory, file):
            return "checkpoint \(directory) has no \(file) — it is incomplete or not a Verity/Hugging Face checkpoint"
        case let .invalidJSON(file, reason):
            return "\(file): \(reason)"
        case let .encodingFailed(what, reason):
            return "cannot encode the \(what) as JSON: \(reason)"
        case let .refusingToReplace(path, reason):
            return "not saving over \(path): \(reason) — choose another path or remove it first"
        case let .saveFailed(directory, reason):
            return "cannot save checkpoint \(directory): \(reason) — check the parent directory exists and is writable; any previous checkpoint there is unchanged"
        case let .recoveryFailed(directory, reason):
            return "cannot recover checkpoint \(directory): \(reason) — look at the hidden .\((directory as NSString).lastPathComponent).old-… folders beside it; rename a complete one to \((directory as NSString).lastPathComponent) by hand"
        case let .notDurable(directory, reason):
            return "checkpoint \(directory) was saved but its folder could not be synced to disk (\(reason)) — it may not survive a crash of the machine; save again"
        case let .removeFailed(directory, reason):
            return "cannot remove old checkpoint \(directory): \(reason) — check the folder is writable, or remove it by hand"
        }
    }
}
