// Arithmetic — what decides the bits of every result, and the one-line fingerprint that names it.
//
// Two runs of the same notebook with the same seed give the same bytes exactly when their
// fingerprints are equal. The fingerprint names:
// - `numerics`: the version of Verity's own reduction orders and product decomposition (bump it
//   whenever a change moves any bit: a kernel's summation order, the tile policy, a fused op);
// - the OpenBLAS version and the kernel family that computes the products (pinned to Haswell on
//   every CPU with AVX2 and FMA; see COpenBLAS.h);
// - the product tiling (`rowTile`×`columnChunk`, independent of the thread count and the batch).
// Neither the thread count nor the CPU model appears: neither changes a bit.
import COpenBLAS

/// The arithmetic Verity runs on this machine.
public enum Arithmetic {
    /// Version of Verity's reduction orders and product decomposition.
    public static let numericsVersion = 2

    /// The kernel family OpenBLAS runs ("Haswell" unless overridden with VERITY_BLAS_CORETYPE).
    public static var kernelFamily: String {
        _ = verity_blas_load()
        return String(cString: verity_blas_corename())
    }

    /// OpenBLAS's version ("0.3.21"), or "?" when its build string does not say.
    public static var openBLASVersion: String {
        _ = verity_blas_load()
        let config = String(cString: verity_blas_config())
        let words = config.split(separator: " ")
        if let i = words.firstIndex(of: "OpenBLAS"), i + 1 < words.count { return String(words[i + 1]) }
        return "?"
    }

    /// Why OpenBLAS could not be loaded, or nil when it is.
    public static var loadError: String? {
        verity_blas_load() == 0 ? nil : String(cString: verity_blas_error())
    }

    /// The single-precision GEMM kernel behind `kernelFamily`, which is what decides the bits:
    /// OpenBLAS's Zen family builds its sgemm from the Haswell kernel sources, so both are "haswell"
    /// (measured, not assumed: ArithmeticMatrixTests runs a session under each and compares bytes).
    public static var sgemmKernel: String {
        switch kernelFamily.lowercased() {
        case "haswell", "zen": return "haswell"
        case let other: return other
        }
    }

    /// One short string naming everything that can change the bits, e.g.
    /// `n2-openblas0.3.21-haswell-t16x128`.
    public static var fingerprint: String {
        "n\(numericsVersion)-openblas\(openBLASVersion)-\(sgemmKernel)-t\(rowTile)x\(columnChunk)"
    }

    /// A few lines for `verity --version` and `model info`: the fingerprint and what it means.
    public static var description: String {
        let asked = String(cString: verity_blas_requested())
        let family = kernelFamily
        let pinned = asked == "auto" ? "the library's own choice (VERITY_BLAS_CORETYPE=auto)" : "pinned (\(asked))"
        return "arithmetic \(fingerprint): OpenBLAS \(openBLASVersion) \(family) kernels, \(pinned); products in \(rowTile)-row tiles × \(columnChunk)-column chunks, same bits at any thread count and batch"
    }
}
