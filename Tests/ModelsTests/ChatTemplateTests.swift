// Chat templates rendered by Verity's Jinja renderer against jinja2 itself: make_chat_fixture.py
// renders the Qwen2.5, Qwen3 and Llama 3.2 templates and a template of every supported construct
// through transformers' compiled environment; every rendering must match to the byte.
import Foundation
import Testing
@testable import Models

private func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
}

private func templateSource(_ name: String) throws -> String {
    try String(contentsOf: try fixture("chat_templates/\(name).jinja"), encoding: .utf8)
}

@Suite struct ChatTemplateTests {
    @Test func everyRenderingMatchesJinja2() throws {
        let doc = try JSONParser.parse([UInt8](Data(contentsOf: try fixture("chat_expected.json"))))
        let cases = try #require(doc.objectValue?["cases"]?.arrayValue)
        let tokens = try #require(doc.objectValue?["special_tokens"]?.objectValue)
        #expect(cases.count == 40)
        var templates: [String: ChatTemplate] = [:]
        var mismatches: [String] = []
        for c in cases {
            let o = try #require(c.objectValue)
            let name = try #require(o["template"]?.stringValue)
            if templates[name] == nil { templates[name] = try ChatTemplate(try templateSource(name)) }
            var variables: [String: JSONValue] = [:]
            for (k, v) in tokens.pairs { variables[k] = v }
            for (k, v) in o["variables"]?.objectValue?.pairs ?? [] { variables[k] = v }
            let tools = o["tools"].flatMap { $0 == .null ? nil : $0 }
            let rendered = try #require(templates[name]).render(messagesJSON: try #require(o["messages"]), tools: tools,
                                                                addGenerationPrompt: o["add_generation_prompt"]?.boolValue ?? false,
                                                                variables: variables)
            let expected = try #require(o["expected"]?.stringValue)
            if rendered != expected {
                let label = "\(name)/\(o["case"]?.stringValue ?? "?") gen=\(o["add_generation_prompt"]?.boolValue ?? false)"
                let at = zip(rendered.unicodeScalars, expected.unicodeScalars).prefix { $0 == $1 }.count
                mismatches.append("\(label): first difference at scalar \(at)\n got: \(rendered.debugDescription)\nwant: \(expected.debugDescription)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n\n"))")
    }

    @Test func plainTurnsRenderAsChatML() throws {
        let qwen = try ChatTemplate(try templateSource("qwen2.5"))
        let text = try qwen.render([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "2+2?")])
        #expect(text == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n")
        let noSystem = try qwen.render([ChatMessage(role: "user", content: "hi")], addGenerationPrompt: false)
        #expect(noSystem.hasPrefix("<|im_start|>system\nYou are Qwen"))
        #expect(noSystem.hasSuffix("<|im_start|>user\nhi<|im_end|>\n"))
    }

    @Test func llamaWithoutADateUsesTheTemplatesFixedOne() throws {
        // strftime_now is left undefined on purpose: the prompt must not change with the calendar.
        let llama = try ChatTemplate(try templateSource("llama3.2"))
        let text = try llama.render([ChatMessage(role: "user", content: "  hi  ")], specialTokens: ["bos_token": "<|begin_of_text|>"])
        #expect(text == "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                + "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func whitespaceControlFollowsJinja2() throws {
        // trim_blocks eats the newline after a block tag, lstrip_blocks the indentation before it,
        // '-' strips all whitespace on its side, '+' keeps it, and the final newline is dropped.
        let t = try ChatTemplate("A\n  {% if true %}\n  B\n  {% endif %}\nC {{- ' D' }}  {%+ if true %}E{% endif +%}\nF\n")
        #expect(try t.render([]) == "A\n  B\nC D  E\nF")
    }

    @Test func errorsNameTheLineAndTheConstruct() throws {
        let cases: [(String, String)] = [
            ("{% macro m() %}x{% endmacro %}", "macro"),
            ("line one\n{{ x | wordwrap }}", "line 2: the filter 'wordwrap'"),
            ("{% if x %}never closed", "never closed"),
            ("{{ 'open }}", "never closed"),
            ("{{ raise_exception('no system role') }}", "refused this conversation: no system role"),
            ("{{ messages[5].role }}", "is undefined"),
            ("{% for i in range(3) %}{{ i + 'a' }}{% endfor %}", "cannot apply +"),
            ("{{ strftime_now('%d') }}", "strftime_now is left out"),
            ("{% endfor %}", "without its opening tag"),
        ]
        for (source, expected) in cases {
            do {
                let t = try ChatTemplate(source)
                _ = try t.render([ChatMessage(role: "user", content: "x")])
                Issue.record("'\(source)' rendered without error")
            } catch {
                #expect(error.message.contains(expected), "'\(source)': \(error.message)")
            }
        }
    }

    @Test func runawayTemplatesStop() throws {
        let t = try ChatTemplate("{% for a in range(1000000) %}{% for b in range(1000000) %}x{% endfor %}{% endfor %}")
        #expect(throws: ChatTemplateError.self) { try t.render([]) }
    }
}
