// The benchmark's weight-product bounds: they run exactly the model's matrix products (shapes
// checked against the parameter count) and report a finite positive rate.
import Testing
@testable import Models

@Test func weightProductsCoverEveryMatrixOfTheModel() throws {
    let config = BenchmarkCase.tiny.config
    let products = WeightProducts(config, rows: 3)
    let model = try Transformer(config: config, seed: 1)
    // Everything but the embedding table and the RMSNorm weights is one of these matrices.
    let C = config.hiddenSize, L = config.numHiddenLayers
    let norms = (2 * L + 1) * C
    let embeddings = config.vocabSize * C
    #expect(products.offsets.last == model.parameterCount - norms - embeddings)
    #expect(products.linears.count == 4 * L + 1)
    #expect(products.linears.last?.o == config.vocabSize)
}

@Test func boundsAreFinitePositiveRates() {
    let quick = BenchmarkCase(name: "t", config: BenchmarkCase.tiny.config, length: 4, batch: 2)
    let training = gemmBoundTokensPerSecond(quick, repeats: 1)
    let decoding = decodeGemmBoundTokensPerSecond(quick, batch: 2, repeats: 1)
    #expect(training.isFinite && training > 0)
    #expect(decoding.isFinite && decoding > 0)
}
