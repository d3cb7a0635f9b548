// DomainCall — the bridge from lower modules' errors to `CommandError`. Tasks, Models, Plotting
// and Evaluation throw their own readable errors; commands run those calls through `domain { }`
// so every failure reaches the REPL as a `CommandError` of kind `.failure` (a Ctrl-C seen by a
// lower module as `CancellationError` becomes the session's interruption).
import Tasks

/// Runs `body`, turning any error that is not already a `CommandError` into a failure whose
/// message is the lower module's description, prefixed with `context` when given.
func domain<T>(_ context: String? = nil, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CommandError {
        throw error
    } catch is CancellationError {
        throw CommandError.interrupted
    } catch {
        let text = "\(error)"
        throw CommandError(context.map { $0 + ": " + text } ?? text)
    }
}
