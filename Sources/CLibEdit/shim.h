// libedit's readline-compatible interface (Debian: libedit-dev), with accessors for the globals that
// Swift 6 will not touch directly.
#include <stdio.h>
#include <editline/readline.h>

static inline void zkcli_set_completion(rl_completion_func_t *function) { rl_attempted_completion_function = function; }
static inline const char *zkcli_line_buffer(void) { return rl_line_buffer; }
static inline void zkcli_set_append_character(int c) { rl_completion_append_character = c; }
static inline void zkcli_set_catch_signals(int on) { rl_catch_signals = on; }
// Only blanks end a word, so a backslash-escaped space, '=' or ':' stays inside the path being completed.
static inline void zkcli_set_word_breaks(void) { rl_basic_word_break_characters = (char *)" \t\n"; }
// Our completion function answers alone: no fallback to local file names.
static inline void zkcli_set_completion_over(int over) { rl_attempted_completion_over = over; }
