// MemoryBudget — checks a large allocation against the memory the process can still get, before
// making it. Swift traps when an allocation fails, so a model, a data set, a KV cache or a run
// state sized from user input must be estimated and refused up front with a readable error
// instead. "Available" is the smallest of three limits: the kernel's MemAvailable (what can be
// allocated without swapping), the address-space limit (`ulimit -v`) less the process's current
// virtual size, and a cgroup v2 memory limit less the cgroup's current use (containers).
// VERITY_MEMORY_LIMIT (bytes, or with a K/M/G suffix) caps it further, for tests and for users
// who want Verity to leave room for other work.
import Foundation

/// A refused allocation: what needed the memory, how much, how much there is, and what to change.
public struct MemoryBudgetError: Error, CustomStringConvertible, Sendable {
    /// What the memory was for ("the model's weights and gradients").
    public let purpose: String
    /// The estimate, in bytes.
    public let needed: Int
    /// What the process could still get, in bytes.
    public let available: Int
    /// The setting to change ("use fewer layers or a smaller dim").
    public let advice: String

    public init(purpose: String, needed: Int, available: Int, advice: String) {
        self.purpose = purpose
        self.needed = needed
        self.available = available
        self.advice = advice
    }

    public var description: String {
        "\(purpose) would need about \(MemoryBudget.format(needed)) but only \(MemoryBudget.format(available)) "
            + "is available — \(advice)"
    }
}

/// Up-front memory checks.
public enum MemoryBudget {
    /// Share of the available memory one allocation may take: the rest is left for the buffers
    /// that come with it (activations, copies while loading) and for the rest of the system.
    static let share = 0.9

    /// Throws when `bytes` (nil = the estimate overflowed) will not fit.
    public static func check(_ bytes: Int?, for purpose: String, advice: String) throws(MemoryBudgetError) {
        let free = available()
        guard let bytes, Double(bytes) <= share * Double(free) else {
            throw MemoryBudgetError(purpose: purpose, needed: bytes ?? Int.max, available: free, advice: advice)
        }
    }

    /// Bytes of `count` elements of `size` bytes each (nil on overflow or a negative count).
    public static func bytes(_ count: Int, of size: Int) -> Int? {
        guard count >= 0, size >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : product
    }

    /// The product of `factors` (nil on overflow or a negative factor).
    public static func product(_ factors: Int...) -> Int? {
        var total = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// The sum of `terms` (nil when any is nil or the sum overflows).
    public static func sum(_ terms: Int?...) -> Int? {
        var total = 0
        for term in terms {
            guard let term else { return nil }
            let (next, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// What the process can still allocate, in bytes (the smallest of the limits above).
    public static func available() -> Int {
        var limits: [Int] = []
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let kib = field(meminfo, "MemAvailable:") {
            limits.append(kib * 1024)
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
           let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let sizeKiB = field(status, "VmSize:") {
            let cap = Int(clamping: limit.rlim_cur)
            limits.append(max(0, cap - sizeKiB * 1024))
        }
        if let max = number(at: "/sys/fs/cgroup/memory.max"), let current = number(at: "/sys/fs/cgroup/memory.current") {
            limits.append(Swift.max(0, max - current))
        }
        if let text = ProcessInfo.processInfo.environment["VERITY_MEMORY_LIMIT"], let cap = parse(text) {
            limits.append(cap)
        }
        return limits.min() ?? Int.max
    }

    /// "1.9 GB"-style text (decimal units, as `free -h` users read them).
    public static func format(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 9 EB" }
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }

    /// `512M`, `2G`, `1500000` → bytes.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = trimmed.last?.uppercased().first, let multiplier = multipliers[last],
           let value = Int(trimmed.dropLast()), value >= 0 {
            return bytes(value, of: multiplier)
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The number after `key` on its line of a /proc file ("MemAvailable:   23719548 kB").
    private static func field(_ text: String, _ key: String) -> Int? {
        guard let range = text.range(of: key) else { return nil }
        let rest = text[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
        return Int(rest.prefix(while: \.isNumber))
    }

    /// A cgroup file holding a number (nil for "max" or when absent).
    private static func number(at path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
