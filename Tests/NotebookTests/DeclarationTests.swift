// Declaration drift tests: help, completion, usage and handlers must agree with the declarations.
import Foundation
import Testing
@testable import Notebook

@Suite(.serialized) struct DeclarationTests {
    /// A session that never reports cancellation and shows no progress.
    static func quietSession() -> Session {
        let session = Session(seed: 1)
        session.cancellationRequested = { false }
        return session
    }

    @Test func everyVisibleCommandIsInHelpAndCompletion() throws {
        let session = Self.quietSession()
        let overview = try #require(try session.execute("help")).renderedLines().joined(separator: "\n")
        let verbs = Completion.complete("").candidates
        for command in Registry.commands where !command.declaration.hidden {
            let declaration = command.declaration
            #expect(overview.contains(declaration.fullName), "help does not list \(declaration.fullName)")
            #expect(verbs.contains(declaration.name), "completion does not offer \(declaration.name)")
            if let sub = declaration.subverb {
                #expect(Completion.complete(declaration.name + " ").candidates.contains(sub))
            }
            let explained = try #require(try session.execute("help \(declaration.fullName)"))
                .renderedLines().joined(separator: "\n")
            #expect(explained.contains(declaration.usage))
            let prefix = declaration.fullName + " "
            for spec in declaration.keys {
                #expect(declaration.usage.contains(spec.name + "="))
                #expect(explained.contains(spec.name + "="), "help \(declaration.fullName) misses \(spec.name)")
                #expect(Completion.complete(prefix + String(spec.name.prefix(2))).candidates.contains(spec.name + "="),
                        "completion misses \(spec.name)= for \(declaration.fullName)")
                if case .choice(let choices) = spec.type {
                    #expect(Completion.complete(prefix + spec.name + "=").candidates == choices.map { spec.name + "=" + $0 }.sorted())
                }
            }
            for spec in declaration.positionals {
                #expect(declaration.usage.contains(spec.name.uppercased()))
            }
        }
    }

    @Test func switchesReadOnOrOffInHelpAsInShowTrainer() throws {
        let session = Self.quietSession()
        let help = try #require(try session.execute("help rl")).renderedLines()
        let row = try #require(help.first { $0.hasPrefix("dynamic_sampling=") })
        #expect(row.contains("on|off") && row.contains(" off "), "\(row)")
        #expect(!help.joined().contains("true|false"))
        let shown = try #require(try session.execute("show trainer")).renderedLines()
        #expect(try #require(shown.first { $0.hasPrefix("dynamic_sampling") }).contains(" off "))
    }

    @Test func namesAreUniqueAndWellFormed() {
        var seen = Set<String>()
        for command in Registry.commands {
            let declaration = command.declaration
            #expect(seen.insert(declaration.fullName).inserted, "\(declaration.fullName) declared twice")
            for alias in declaration.aliases { #expect(seen.insert(alias).inserted, "alias \(alias) clashes") }
            #expect(Parser.isIdentifier(declaration.name))
            #expect(!declaration.summary.isEmpty)
            let names = (declaration.positionals + declaration.keys).map(\.name)
            #expect(Set(names).count == names.count, "\(declaration.fullName) declares an argument twice")
            for spec in declaration.positionals + declaration.keys {
                #expect(!spec.help.isEmpty, "\(declaration.fullName) \(spec.name) has no help")
                // Defaults must satisfy the declared type and range.
                if let value = spec.defaultValue, let bounds = spec.bounds {
                    switch value {
                    case .int(let number): #expect(bounds.contains(Double(number)))
                    case .float(let number): #expect(bounds.contains(number))
                    default: break
                    }
                }
            }
        }
    }

    /// A handler that reads `x(defaulted: "k")` relies on the declaration of `k` in its file giving
    /// a default; one without would fail at run time with an internal error.
    @Test func everyDefaultedReadHasADeclaredDefault() throws {
        let commands = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Notebook/Commands")
        let files = try #require(FileManager.default.enumerator(atPath: commands.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        let read = try NSRegularExpression(pattern: #"\((?:defaulted): "([a-z_0-9]+)"\)"#)
        var checked = 0
        for file in files {
            let text = try String(contentsOfFile: commands.appendingPathComponent(file).path, encoding: .utf8)
            for match in read.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let name = String(text[range])
                let spec = try #require(text.range(of: "ArgumentSpec(\"\(name)\","), "\(file): \(name) is read by its default but not declared here")
                let declaration = text[spec.lowerBound...].prefix { $0 != "\n" }
                #expect(declaration.contains("default: ."), "\(file): \(name) is read by its declared default, but its declaration has none")
                checked += 1
            }
        }
        // Keys declared as fields (trainer, sampling, SFT, STaR, verifier and value training, the
        // session settings) are read through their tables, whose defaults come from the values' own
        // initializers; the rest are still read here, so the scan must keep finding them.
        #expect(checked >= 60, "found only \(checked) reads by declared default")
    }

    /// Runs every example of every command in one session (quick mode), in registry order. Each
    /// must validate and must not read an undeclared key; it may fail at run time only for want
    /// of session state (e.g. no model yet). Together they must read every declared argument.
    @Test func examplesRunAndReadEveryDeclaredArgument() throws {
        let session = Self.quietSession()
        _ = try session.execute("set quick=true")
        _ = try session.execute("echo first")
        _ = try session.execute("echo second")
        _ = try session.execute("echo third")
        for command in Registry.commands {
            let declaration = command.declaration
            var read = Set<String>()
            for example in declaration.examples {
                let parsed = try #require(try Parser.parse(example))
                let (definition, invocation) = try Registry.resolve(parsed, settings: session.settings)
                #expect(definition.declaration.fullName == declaration.fullName, "example '\(example)' resolves elsewhere")
                do {
                    _ = try definition.run(invocation, session)
                } catch let error as CommandError where error.kind == .failure {
                    // Tolerated: the example needs state an earlier example did not create.
                } catch {
                    Issue.record("example '\(example)' failed: \(error)")
                }
                read.formUnion(invocation.tracker.read)
            }
            for spec in declaration.positionals + declaration.keys {
                #expect(read.contains(spec.name),
                        "no example of '\(declaration.fullName)' reads \(spec.name): declared but unused, or examples incomplete")
            }
        }
        try? FileManager.default.removeItem(atPath: "/tmp/verity-session.md")
    }

    @Test func readingAnUndeclaredKeyIsAnError() throws {
        let parsed = try #require(try Parser.parse("seed 3"))
        let (_, invocation) = try Registry.resolve(parsed, settings: Settings())
        let undeclared = #expect(throws: CommandError.self) { try invocation.int("steps") }
        #expect(undeclared?.kind == .internalError)
        // Reading with the wrong accessor is caught too.
        let mistyped = #expect(throws: CommandError.self) { try invocation.string("value") }
        #expect(mistyped?.kind == .internalError)
    }

    @Test func validationMessages() throws {
        let session = Self.quietSession()
        func message(_ line: String) -> String {
            do { _ = try session.execute(line) } catch let error as CommandError { return error.message } catch {}
            return ""
        }
        #expect(message("set precision=13") == "value out of range 0…12 for precision: 13")
        #expect(message("set width=abc").contains("width expects a whole number"))
        #expect(message("set progress=onn").contains("did you mean 'on'?"))
        #expect(message("set temprature=1").contains("did you mean 'temperature'?"))
        #expect(message("sede 3").contains("did you mean 'seed'?"))
        #expect(message("show setings").contains("did you mean 'settings'?"))
        #expect(message("show").contains("needs a sub-command"))
        #expect(message("seed 1 2").contains("unexpected value '2'"))
        #expect(message("rerun").contains("missing CELLS"))
        #expect(message("rerun 5..3").contains("is empty"))
        #expect(message("help nosuch").contains("no command called 'nosuch'"))
    }
}
