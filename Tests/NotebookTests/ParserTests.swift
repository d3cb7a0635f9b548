// Parser tests: good lines, value shapes, error positions and caret rendering, garbage input.
import Testing
@testable import Notebook

@Suite struct ParserTests {
    @Test func parsesVerbWordsAndKeys() throws {
        let parsed = try #require(try Parser.parse("rl algo=grpo steps=200 clip=0.2:0.28 loss=token-mean  # go", line: 3))
        #expect(parsed.verb == "rl")
        #expect(parsed.line == 3)
        #expect(parsed.arguments.map(\.key) == ["algo", "steps", "clip", "loss"])
        #expect(parsed.arguments[0].value.kind == .word("grpo"))
        #expect(parsed.arguments[1].value.kind == .integer(200))
        #expect(parsed.arguments[2].value.kind == .pair(0.2, 0.28))
        #expect(parsed.arguments[3].value.kind == .word("token-mean"))
        #expect(parsed.arguments[1].keyLocation == SourceLocation(line: 3, column: 14))
        #expect(parsed.arguments[1].value.location == SourceLocation(line: 3, column: 20))
        #expect(parsed.rest == "algo=grpo steps=200 clip=0.2:0.28 loss=token-mean")
    }

    @Test func classifiesValueShapes() throws {
        let parsed = try #require(try Parser.parse(#"x 7 -3 0.5 3e-3 1,2,4 0..2 "a b" plots/x.png http://h:80/v1 pass,maj"#))
        let kinds = parsed.words.map(\.kind)
        #expect(kinds[0] == .integer(7))
        #expect(kinds[1] == .integer(-3))
        #expect(kinds[2] == .number(0.5))
        #expect(kinds[3] == .number(0.003))
        if case .list(let items) = kinds[4] { #expect(items.map(\.kind) == [.integer(1), .integer(2), .integer(4)]) }
        else { Issue.record("1,2,4 is not a list: \(kinds[4])") }
        #expect(kinds[5] == .range(0, 2))
        #expect(kinds[6] == .string("a b"))
        #expect(kinds[7] == .word("plots/x.png"))
        #expect(kinds[8] == .word("http://h:80/v1"))
        if case .list(let items) = kinds[9] { #expect(items.map(\.text) == ["pass", "maj"]) }
        else { Issue.record("pass,maj is not a list") }
        // Words that merely look numeric stay words.
        #expect(try Parser.parse("x nan inf 0x10")?.words.map(\.kind) == [.word("nan"), .word("inf"), .word("0x10")])
    }

    @Test func quotedStringsAndEscapes() throws {
        let parsed = try #require(try Parser.parse(#"echo to="my file.png" "say \"hi\"\n\\""#))
        #expect(parsed.arguments[0].value.kind == .string("my file.png"))
        #expect(parsed.words[0].kind == .string("say \"hi\"\n\\"))
        // A quoted number is a string, not a number.
        #expect(try Parser.parse(#"x "7""#)?.words[0].kind == .string("7"))
        // `#` inside quotes is not a comment.
        #expect(try Parser.parse(#"x "a # b""#)?.words[0].kind == .string("a # b"))
    }

    @Test func blankAndCommentLinesAreNil() throws {
        #expect(try Parser.parse("") == nil)
        #expect(try Parser.parse("   \t ") == nil)
        #expect(try Parser.parse("# just a comment") == nil)
        #expect(try Parser.parse("seed 7\r")?.words.first?.kind == .integer(7))
    }

    /// The error raised by `text`, which must fail.
    private func failure(_ text: String) throws -> CommandError {
        do {
            _ = try Parser.parse(text, line: 4)
        } catch let error as CommandError {
            return error
        }
        Issue.record("'\(text)' parsed without error")
        return CommandError("no error")
    }

    @Test func errorsCarryLineAndColumn() throws {
        let unterminated = try failure(#"seed "abc"#)
        #expect(unterminated.location == SourceLocation(line: 4, column: 6))
        #expect(unterminated.message.contains("unterminated string"))
        let duplicate = try failure("x a=1 a=2")
        #expect(duplicate.location == SourceLocation(line: 4, column: 7))
        #expect(duplicate.message.contains("given twice"))
        let missing = try failure("x steps= 3")
        #expect(missing.location == SourceLocation(line: 4, column: 3))
        #expect(try failure("x 1,,2").location == SourceLocation(line: 4, column: 5))
        #expect(try failure(#"x "a\q""#).location == SourceLocation(line: 4, column: 5))
        #expect(try failure("=3").message.contains("expected a command name"))
        #expect(try failure(#""seed" 3"#).message.contains("expected a command name"))
    }

    @Test func caretRendering() throws {
        let error = try failure("set precision=\"4")
        let rendered = error.rendered(file: "notebooks/x.md")
        #expect(rendered == """
            notebooks/x.md:4:15: error: unterminated string: the quote at column 15 is never closed — add a closing "
              set precision="4
                            ^
            """)
        let wide = CommandError("bad", at: SourceLocation(line: 1, column: 5), span: 3, sourceText: "abc defgh")
        #expect(wide.rendered() == "error: bad\n  abc defgh\n      ^~~")
    }

    @Test func controlBytesHugeLinesAndBadUTF8() throws {
        let control = try failure("seed \u{07}7")
        #expect(control.message.contains("control character U+0007 at column 6"))
        #expect(!control.rendered().contains("\u{07}"))
        let huge = try failure("echo " + String(repeating: "x", count: Parser.maximumLineLength))
        #expect(huge.message.contains("line too long"))
        let bytes: [UInt8] = [0x73, 0x65, 0xFF, 0xFE, 0x20, 0x41]
        let invalid = try failure(String(decoding: bytes, as: UTF8.self))
        #expect(invalid.message.contains("not valid UTF-8"))
    }

    @Test func randomBytesNeverCrashAndGiveOneErrorLine() throws {
        var rng = SessionRNG(seed: 99)
        for _ in 0..<2000 {
            let count = Int(rng.next() % 80)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.filter { $0 != 0x0A }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try Parser.parse(text)
            } catch let error as CommandError {
                let first = error.rendered().split(separator: "\n", omittingEmptySubsequences: false)[0]
                #expect(first.hasPrefix("error: "))
                #expect(!error.message.contains("\n"))
            }
        }
    }
}
