// Reading the weights of a checkpoint directory: one `model.safetensors`, or — as larger
// Hugging Face models ship — shards listed by `model.safetensors.index.json`
// ({"weight_map": {tensor name: shard file}}). The index is untrusted: shard names must be
// plain file names in the directory, and every listed tensor must be in its shard exactly once.

import Foundation

extension Checkpoint {
    /// The index of a sharded checkpoint's weights.
    public static let shardIndexFile = "model.safetensors.index.json"

    /// The model tensors of `directory`, from a single file or from shards.
    static func readModelTensors(directory: URL) throws -> [String: Tensor] {
        let fm = FileManager.default
        let single = directory.appendingPathComponent(modelFile)
        if fm.fileExists(atPath: single.path) { return try SafeTensors.read(from: single).tensors }
        let indexURL = directory.appendingPathComponent(shardIndexFile)
        guard fm.fileExists(atPath: indexURL.path) else {
            throw CheckpointError.missingFile(directory: directory.path, file: modelFile)
        }
        let indexData = try readObject(indexURL)
        guard case .object(let index)? = try? JSONParser.parse([UInt8](indexData)),
              let weightMap = index["weight_map"]?.objectValue else {
            throw CheckpointError.invalidJSON(file: indexURL.path, reason: "no \"weight_map\" object")
        }
        // Group tensor names by shard, validating shard names.
        var byShard: [String: Set<String>] = [:]
        for (tensor, value) in weightMap.pairs {
            guard let shard = value.stringValue, !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"),
                  shard != ".", shard != ".." else {
                throw CheckpointError.invalidJSON(file: indexURL.path, reason: "tensor '\(tensor)' maps to an invalid shard file name")
            }
            byShard[shard, default: []].insert(tensor)
        }
        var tensors: [String: Tensor] = [:]
        for shard in byShard.keys.sorted() {
            let shardURL = directory.appendingPathComponent(shard)
            guard fm.fileExists(atPath: shardURL.path) else {
                throw CheckpointError.missingFile(directory: directory.path, file: shard)
            }
            let contents = try SafeTensors.read(from: shardURL).tensors
            for name in byShard[shard] ?? [] {
                guard let t = contents[name] else {
                    throw CheckpointError.invalidJSON(file: indexURL.path, reason: "tensor '\(name)' is not in \(shard) as the index says")
                }
                tensors[name] = t
            }
        }
        return tensors
    }
}
