import Testing
@testable import Tasks

// Placeholder: replaced by the module's real tests when its issue lands.
@Test func TasksModuleLinks() {
    #expect(String(describing: TasksModule.self) == "TasksModule")
}
