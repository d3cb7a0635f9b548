// The reproducibility matrix: a short SFT + GRPO + sampling + evaluation session gives the same
// printed figures and the same checkpoint bytes at 1, 2, 3 and 4 threads, and under the kernel
// families this CPU can run that compute like the pinned one (OpenBLAS's Zen family uses the Haswell
// sgemm kernel). Each run is a separate `verity` process, because OpenBLAS chooses its kernels and
// reads its thread count when it loads.
import Foundation
import Testing

@Suite struct ArithmeticMatrixTests {
    static let script = """
        seed 3
        task arithmetic op=add digits=2 train=400 test=40 think=mixed
        model new layers=2 dim=48 heads=4 kv_heads=2 ffn=96 max_pos=48
        sft steps=150 batch=16 lr=5e-3 warmup=5 source=mixed:0.5 every=50
        reward correct format=0.1
        rl steps=3 prompts=4 n=4 max_tokens=20 lr=3e-4 every=1
        sample prompts=3 n=5 max_tokens=20
        show rollouts group=1
        eval problems=40 max_tokens=24
        model save ckpt

        """

    /// The session's output without the lines that report time or speed, and the saved weights.
    func run(_ environment: [String: String]) throws -> (text: [String], weights: Data) {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.script.write(toFile: directory + "/s.verity", atomically: true, encoding: .utf8)
        let (status, out, err) = try runVerity(["run", "s.verity"], directory: directory, environment: environment)
        #expect(status == 0, "\(environment): \(err.prefix(400))")
        let timing = ["tok/s", "tokens/s", " ms", "seconds", "speed", "time ", " s;", " s,"]
        let text = out.split(separator: "\n").map(String.init).filter { line in
            // Rules under a table take the width of its timing column.
            !timing.contains { line.contains($0) } && !line.hasSuffix(" s") && !line.allSatisfy { $0 == "-" || $0 == " " }
        }
        let weights = try Data(contentsOf: URL(fileURLWithPath: directory + "/ckpt/model.safetensors"))
        return (text, weights)
    }

    @Test func sameBitsAtEveryThreadCountAndKernelFamily() throws {
        let reference = try run(["OPENBLAS_NUM_THREADS": "2"])
        #expect(reference.text.count > 40, "the session printed too little to compare")
        #expect(reference.text.contains { $0.contains("reward") })
        for threads in ["1", "3", "4"] {
            let other = try run(["OPENBLAS_NUM_THREADS": threads])
            let same = other.text == reference.text
            #expect(same, "\(threads) threads: output differs from 2 threads: \(firstDifference(other.text, reference.text))")
            #expect(other.weights == reference.weights, "\(threads) threads: weights differ from 2 threads")
        }
        // A machine that sets OPENBLAS_CORETYPE itself (some do, for older OpenBLAS builds) still
        // runs the pinned kernels.
        let userSet = try run(["OPENBLAS_NUM_THREADS": "2", "OPENBLAS_CORETYPE": "SkylakeX"])
        #expect(userSet.text == reference.text, "OPENBLAS_CORETYPE=SkylakeX: \(firstDifference(userSet.text, reference.text))")
        #expect(userSet.weights == reference.weights, "OPENBLAS_CORETYPE=SkylakeX: weights differ from the default")
        for family in ["Haswell", "Zen"] {
            let other = try run(["OPENBLAS_NUM_THREADS": "2", "VERITY_BLAS_CORETYPE": family])
            let same = other.text == reference.text
            #expect(same, "\(family) kernels: output differs from the default: \(firstDifference(other.text, reference.text))")
            #expect(other.weights == reference.weights, "\(family) kernels: weights differ from the default")
        }
    }

    func firstDifference(_ a: [String], _ b: [String]) -> String {
        guard let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return "\(a.count) lines against \(b.count)"
        }
        return "line \(i): '\(a[i])' against '\(b[i])'"
    }
}
