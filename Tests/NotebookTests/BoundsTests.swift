// Every numeric argument has a declared range: a number typed into a command (or a shared
// notebook) is refused by its bounds before any command sizes an allocation or a loop by it.
import Testing
@testable import Notebook

@Suite struct BoundsTests {
    /// Every int, float, list, range and pair argument of every command and setting.
    @Test func everyNumericArgumentIsBounded() {
        var unbounded: [String] = []
        func visit(_ spec: ArgumentSpec, in owner: String) {
            switch spec.type {
            case .int, .float, .intList, .floatList, .range, .pair:
                if spec.bounds == nil { unbounded.append("\(owner) \(spec.name)") }
            default: break
            }
        }
        for command in Registry.commands {
            let d = command.declaration
            let owner = d.subverb.map { "\(d.name) \($0)" } ?? d.name
            for spec in d.positionals + d.keys { visit(spec, in: owner) }
        }
        for spec in SettingsTable.all { visit(spec, in: "set") }
        #expect(unbounded.isEmpty, "numeric arguments without bounds: \(unbounded.joined(separator: ", "))")
    }
}
