import Testing
@testable import Notebook

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func NotebookModuleLinks() {
    #expect(String(describing: NotebookModule.self) == "NotebookModule")
}
