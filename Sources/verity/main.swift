// TEMPORARY local bench driver (not committed).
import Models
import Kernels
import Foundation
let args = CommandLine.arguments
let threads = Int(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "2") ?? 2
Threading.setThreads(threads)
var cases = BenchmarkCase.standard
if args.count > 1 { cases = cases.filter { args.dropFirst().contains($0.name) } }
let r = try runBenchmark(cases: cases, progress: { print($0) })
for row in r.rows {
    print(row.name, row.parameters, Int(row.trainingTokensPerSecond), row.samplingTokensPerSecond.sorted { $0.key < $1.key }.map { "B=\($0.key): \(Int($0.value))" })
}
