import Testing
@testable import Models

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func ModelsModuleLinks() {
    #expect(String(describing: ModelsModule.self) == "ModelsModule")
}
