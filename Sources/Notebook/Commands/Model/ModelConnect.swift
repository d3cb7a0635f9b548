// model connect — uses a remote OpenAI-compatible completions server (vLLM, SGLang, llama.cpp's
// server, Ollama) as the session's model. Sampling and evaluation work through it; training
// commands refuse it and ask for a local model. No request is made until something samples.
import Models

extension CommandDefinition {
    /// `model connect URL model=NAME`
    static let modelConnect = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "connect",
        summary: "sample from a server: model connect http://127.0.0.1:8080/v1 model=qwen2.5-0.5b-instruct",
        help: "Connects to an OpenAI-compatible /v1/completions endpoint. api_key_env names an environment "
            + "variable holding a bearer token. Training needs a local model ('model new' or 'model load').",
        positionals: [ArgumentSpec("url", .string, required: true, help: "the server's base URL, ending in /v1")],
        keys: [
            ArgumentSpec("model", .string, required: true, help: "the model name the server knows"),
            ArgumentSpec("api_key_env", .string, help: "environment variable holding the API key"),
            ArgumentSpec("timeout", .float, default: .float(300), bounds: 1...86_400, help: "seconds to wait for a reply"),
            ArgumentSpec("batch", .int, default: .int(16), bounds: 1...4096, help: "prompts per request"),
            ArgumentSpec("n", .bool, default: .bool(true),
                         help: "ask the server for several samples per prompt (n); false sends one request per sample "
                            + "(llama-cpp-python's server: batch=1 n=false)"),
            ArgumentSpec("neutral", .bool, default: .bool(true),
                         help: "send top_k=-1 min_p=0 repeat_penalty=1 repetition_penalty=1 so the server's own "
                            + "sampling defaults are off; false for APIs that refuse unknown fields (OpenAI's)"),
        ],
        examples: ["model connect http://127.0.0.1:8080/v1 model=demo timeout=60",
                   "model connect http://127.0.0.1:8000/v1 model=demo batch=1 n=false",
                   "model connect http://127.0.0.1:8080/v1 model=demo api_key_env=VERITY_NO_SUCH_KEY"]
    )) { invocation, session in
        let url = try invocation.string("url") ?? ""
        let name = try invocation.string("model") ?? ""
        let variable = try invocation.string("api_key_env")
        let timeout = try invocation.double(defaulted: "timeout")
        let batch = try invocation.int(defaulted: "batch")
        let serverSamples = try invocation.bool(defaulted: "n")
        let neutral = try invocation.bool(defaulted: "neutral")
        let generator = try domain("model connect") {
            try RemoteGenerator(baseURL: url, model: name, apiKeyVariable: variable, timeout: timeout,
                                promptsPerRequest: batch, serverSamples: serverSamples, neutralSampling: neutral)
        }
        let remote = RemoteModel(generator: generator, url: url)
        session[ModelSlot.self] = .remote(remote)
        var output = ModelInfoView.render(.remote(remote), precision: session.settings.precision)
        output.append(.line("connected (no request made yet); training commands need a local model"))
        return output
    }
}
