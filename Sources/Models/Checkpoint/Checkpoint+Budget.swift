// The memory a checkpoint load takes, checked before reading it: a file's bytes are read, turned
// into tensors and copied into the model's buffers beside its gradients, so a load holds about
// three times the size of the weight and optimizer files at its peak.
import Foundation
import Kernels

extension Checkpoint {
    /// Throws `MemoryBudgetError` when loading the `.safetensors` files of `directory` would not fit.
    static func checkLoadBudget(directory url: URL) throws(MemoryBudgetError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var total = 0
        for name in names where name.hasSuffix(".safetensors") {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(name).path)[.size]) as? Int
            total = total.addingReportingOverflow(max(0, size ?? 0)).partialValue
        }
        try MemoryBudget.check(MemoryBudget.bytes(total, of: 3),
                               for: "loading \(MemoryBudget.format(total)) of weights and optimizer state",
                               advice: "load it where more memory is free (or close other programs)")
    }
}
