import Testing
@testable import Plotting

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func PlottingModuleLinks() {
    #expect(String(describing: PlottingModule.self) == "PlottingModule")
}
