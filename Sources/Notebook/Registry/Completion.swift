// Completion — tab completion derived from the declarations: command names, sub-commands, keys
// (offered as `key=`), enum and bool values after `key=`, and file paths for path arguments.
import Foundation

/// Computes completions for a partly typed line.
public enum Completion {
    /// Candidates that replace the word under the cursor.
    public struct Result: Sendable, Equatable {
        /// Character offset where the word being completed starts.
        public var start: Int
        /// Full replacements for that word, sorted; `key=` and `dir/` expect more typing.
        public var candidates: [String]
    }

    /// Completes the word that ends at `cursor` in `line` (words split at spaces and tabs).
    /// - Parameter listFiles: lists a directory (injected for tests); returns names with a
    ///   trailing `/` for directories.
    public static func complete(_ line: String, cursor: Int? = nil,
                                listFiles: (String) -> [String] = Completion.directoryEntries) -> Result {
        let characters = Array(line)
        let end = min(max(cursor ?? characters.count, 0), characters.count)
        var start = end
        while start > 0, characters[start - 1] != " ", characters[start - 1] != "\t" { start -= 1 }
        let word = String(characters[start..<end])
        let before = String(characters[0..<start]).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let candidates = candidatesFor(word: word, before: before, listFiles: listFiles)
        return Result(start: start, candidates: Array(Set(candidates)).sorted())
    }

    private static func candidatesFor(word: String, before: [String], listFiles: (String) -> [String]) -> [String] {
        guard let verb = before.first else {
            return Registry.visibleVerbs.filter { $0.hasPrefix(word) }
        }
        if verb == "help" {
            if before.count == 1 { return Registry.visibleVerbs.filter { $0.hasPrefix(word) } }
            if before.count == 2 {
                return Registry.definitions(named: before[1]).compactMap(\.declaration.subverb).filter { $0.hasPrefix(word) }
            }
            return []
        }
        let family = Registry.definitions(named: verb).filter { !$0.declaration.hidden || $0.declaration.name == verb }
        guard !family.isEmpty else { return [] }
        var result: [String] = []
        var definition = family.first { $0.declaration.subverb == nil }
        var positionalWords = before.dropFirst().filter { !$0.contains("=") }
        if before.count >= 2, let match = family.first(where: { $0.declaration.subverb == before[1] }) {
            definition = match
            positionalWords = Array(positionalWords.dropFirst())
        } else if before.count == 1, !word.contains("=") {
            result += family.compactMap(\.declaration.subverb).filter { $0.hasPrefix(word) }
        }
        guard let declaration = definition?.declaration, !declaration.takesText else { return result }
        if let equals = word.firstIndex(of: "=") {
            let key = String(word[..<equals])
            let valuePrefix = String(word[word.index(after: equals)...])
            guard let spec = declaration.keys.first(where: { $0.name == key }) else { return result }
            return result + values(for: spec, prefix: valuePrefix, listFiles: listFiles).map { key + "=" + $0 }
        }
        // Only `key=value` words use up a key (the verb `model` must not hide the key `model=`).
        let used = Set(before.filter { $0.contains("=") }.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        result += declaration.keys.filter { !used.contains($0.name) && $0.name.hasPrefix(word) }.map { $0.name + "=" }
        if positionalWords.count < declaration.positionals.count {
            result += values(for: declaration.positionals[positionalWords.count], prefix: word, listFiles: listFiles)
        }
        return result
    }

    /// Values worth offering for an argument: choices, booleans, or files.
    private static func values(for spec: ArgumentSpec, prefix: String, listFiles: (String) -> [String]) -> [String] {
        switch spec.type {
        case .choice(let choices): return choices.filter { $0.hasPrefix(prefix) }
        case .bool: return ["true", "false"].filter { $0.hasPrefix(prefix) }
        case .path: return paths(prefix, listFiles: listFiles)
        default: return []
        }
    }

    /// Files and directories whose path starts with `prefix`.
    static func paths(_ prefix: String, listFiles: (String) -> [String]) -> [String] {
        let directory: String, namePrefix: String
        if let slash = prefix.lastIndex(of: "/") {
            directory = String(prefix[...slash])
            namePrefix = String(prefix[prefix.index(after: slash)...])
        } else {
            directory = ""
            namePrefix = prefix
        }
        return listFiles(directory.isEmpty ? "." : directory)
            .filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }
            .prefix(500)
            .map { directory + $0 }
    }

    /// The entries of a directory, directories marked with a trailing `/`; empty when unreadable.
    public static func directoryEntries(_ path: String) -> [String] {
        let expanded = (path as NSString).expandingTildeInPath
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: expanded) else { return [] }
        return names.map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: expanded + "/" + name, isDirectory: &isDirectory)
            return isDirectory.boolValue ? name + "/" : name
        }
    }
}
