// Loading any `tokenizer.json` Verity understands: its own character tokenizers (WordLevel)
// and Hugging Face byte-level BPE tokenizers (GPT-2, Llama 3, Qwen2). The file is untrusted:
// parsed with the strict JSON parser, every field checked before use.

import Foundation

/// Reads a Hugging Face `tokenizer.json` (or a directory containing one).
public func loadTokenizer(from url: URL) throws(TokenizerError) -> any Tokenizer {
    var file = url
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        file = url.appendingPathComponent("tokenizer.json")
    }
    let bytes: [UInt8]
    do {
        bytes = [UInt8](try Data(contentsOf: file))
    } catch {
        throw .unreadable(file: file.path, reason: error.localizedDescription)
    }
    return try parseTokenizer(json: bytes, file: file.path)
}

/// Builds a tokenizer from `tokenizer.json` bytes; `file` names the source in errors.
public func parseTokenizer(json bytes: [UInt8], file: String = "<memory>") throws(TokenizerError) -> any Tokenizer {
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes)
    } catch {
        throw .invalidFile(file: file, reason: error.description)
    }
    guard let root = value.objectValue else { throw .invalidFile(file: file, reason: "the JSON is not an object") }
    guard let type = root["model"]?.objectValue?["type"]?.stringValue else {
        throw .invalidFile(file: file, reason: "model.type is missing")
    }
    switch type {
    case "WordLevel":
        // Verity's own character tokenizers cut every character with a Split pre-tokenizer.
        let pre = root["pre_tokenizer"]?.objectValue
        if pre?["type"]?.stringValue == "Split", pre?["pattern"]?.objectValue?["Regex"]?.stringValue == #"[\s\S]"# {
            return try CharTokenizer.fromHuggingFace(root, file: file)
        }
        return try WordLevelTokenizer.fromHuggingFace(root, file: file, source: bytes)
    case "BPE": return try BPETokenizer.fromHuggingFace(root, file: file, source: bytes)
        default: throw .unsupported(file: file, reason: "model type \(type)")
    }
}
