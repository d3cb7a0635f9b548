import Testing
@testable import Training

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func TrainingModuleLinks() {
    #expect(String(describing: TrainingModule.self) == "TrainingModule")
}
