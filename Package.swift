// swift-tools-version:6.0
// Verity: a notebook-style REPL for reasoning training with verifiable rewards (RLVR) and
// inference-time scaling. Module layering (bottom up) follows DESIGN.md:
//   COpenBLAS, CTile, CEditline, CSupport, CPool → Kernels → Models → (Tasks) → Training, Evaluation → Plotting → Notebook → verity
//   Fields (how a setting is declared) has no dependencies; every module with settings declares them with it.
//   Serving (the OpenAI-API server) sits on Models and Kernels beside them; only `verity` uses it.
import Foundation
import PackageDescription

// The numeric modules target Haswell-class x86-64 (AVX2, FMA; every x86 CPU since 2013–2015), so
// SIMD8<Float> is one ymm register instead of two SSE halves: 1.2–1.4× on the elementwise kernels,
// attention and sampling (same results: Swift does not contract a·b + c into FMAs). `verity`
// checks the CPU at start-up and says how to rebuild. VERITY_TARGET_CPU overrides the target
// (e.g. `VERITY_TARGET_CPU=x86-64 make run` for an older CPU; empty for the compiler default).
#if arch(x86_64)
let targetCPU = ProcessInfo.processInfo.environment["VERITY_TARGET_CPU"] ?? "haswell"
#else
let targetCPU = ProcessInfo.processInfo.environment["VERITY_TARGET_CPU"] ?? ""
#endif
let cpuFlags = targetCPU.isEmpty ? [] : ["-target-cpu", targetCPU]

// Hot numeric code: checked arithmetic and exclusivity checks cost 2–5× in the inner loops.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]

let package = Package(
    name: "Verity",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "verity", targets: ["verity"])],
    dependencies: [
        // The command-line entry point (`verity`, `verity run`, `verity bench`).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS, dlopened with a pinned kernel family (see Sources/COpenBLAS/include/COpenBLAS.h).
        .target(name: "COpenBLAS", path: "Sources/COpenBLAS", cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CEditline", path: "Sources/CEditline", pkgConfig: "libedit"),
        .target(name: "CSupport", path: "Sources/CSupport"),
        // The kernels' worker pool (C11 atomics and pthreads; see Sources/Kernels/Threading.swift).
        .target(name: "CPool", path: "Sources/CPool", cSettings: [.unsafeFlags(["-O2"])]),
        // Stores the token products' transposed tiles with AVX register transposes (Kernels/Gemm.swift).
        .target(name: "CTile", path: "Sources/CTile", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "Kernels", dependencies: ["COpenBLAS", "CPool", "CTile"], swiftSettings: fast),
        // How a setting is declared once (key, kind, bounds, default, help) and read by key.
        .target(name: "Fields"),
        .target(name: "Models", dependencies: ["Kernels", "Fields"], swiftSettings: fast),
        .target(name: "Tasks", dependencies: ["Fields"]),
        .target(name: "Training", dependencies: ["Kernels", "Models", "Tasks", "Fields"], swiftSettings: fast),
        .target(name: "Evaluation", dependencies: ["Kernels", "Models", "Tasks", "Fields"], swiftSettings: fast),
        .target(name: "Plotting"),
        .target(name: "Serving", dependencies: ["Models", "Kernels"]),
        .target(name: "Notebook",
                dependencies: ["Kernels", "Models", "Tasks", "Training", "Evaluation", "Plotting", "Fields", "CSupport"]),
        .executableTarget(name: "verity",
                          dependencies: ["Notebook", "Serving", "Kernels", "CEditline", "CSupport",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: targetCPU == "haswell" ? [.define("VERITY_TARGET_HASWELL")] : []),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CPool", "COpenBLAS"]),
        .testTarget(name: "FieldsTests", dependencies: ["Fields"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Kernels", "Fields"], resources: [.copy("Fixtures")]),
        // The seeded generator the test targets share.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Fields", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "Tasks", "Kernels", "Fields", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Models", "Tasks", "Kernels", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Fields"], exclude: ["Fixtures"]),
        // Drives the built `verity` binary through a pseudo-terminal and pipes; depends on it only
        // so that it is built first (and on CSupport for opening the pseudo-terminal).
        .testTarget(name: "VerityTests", dependencies: ["verity", "CSupport"], exclude: ["Fixtures"]),
        // Launches `verity serve` as a child process and talks to it with the real RemoteGenerator.
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Models", "Kernels", "verity"]),
    ]
)
