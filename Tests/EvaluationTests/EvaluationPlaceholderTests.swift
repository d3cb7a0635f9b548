import Testing
@testable import Evaluation

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func EvaluationModuleLinks() {
    #expect(String(describing: EvaluationModule.self) == "EvaluationModule")
}
