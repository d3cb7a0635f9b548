import Testing
@testable import Models

@Test func tensorRejectsMismatchedShape() {
    #expect(Tensor(shape: [2, 3], values: [1, 2, 3]) == nil)
    #expect(Tensor(shape: [2, 2], values: [1, 2, 3, 4])?.count == 4)
}
