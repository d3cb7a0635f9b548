// libedit (Debian: libedit-dev), through its readline-compatible API. Swift cannot call C variadic
// functions or touch C mutable globals in Swift 6 mode, so the few we need are wrapped here.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

/// The completion hook: (word, start, end) -> NULL-terminated malloc'd array of malloc'd strings.
typedef char **(*verity_completion_function)(const char *, int, int);

/// Installs the completion hook, with word breaks at spaces and tabs only (so `key=value` and
/// paths are one word) and no fallback to readline's own filename completion.
static inline void verity_rl_install_completion(verity_completion_function function) {
    rl_attempted_completion_function = (rl_completion_func_t *)function;
    rl_basic_word_break_characters = " \t";
}

/// Tells readline not to fall back to filename completion after our hook ran.
static inline void verity_rl_completion_over(void) { rl_attempted_completion_over = 1; }

/// The character appended after a single completion (0 for none, e.g. after `key=` or `dir/`).
static inline void verity_rl_set_append_character(int character) { rl_completion_append_character = character; }

/// The line being edited (valid during a completion callback).
static inline const char *verity_rl_line_buffer(void) { return rl_line_buffer; }

/// The cursor position in the line being edited.
static inline int verity_rl_point(void) { return rl_point; }

/// Writes and flushes text on stdout through C stdio (libedit shares the stream).
static inline void verity_fputs_stdout(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}
