// libedit's readline-compatible interface (Debian: libedit-dev), with accessors for the globals that
// Swift 6 will not touch directly.
#include <stdio.h>
#include <editline/readline.h>

static inline void zkcli_set_completion(rl_completion_func_t *function) { rl_attempted_completion_function = function; }
static inline const char *zkcli_line_buffer(void) { return rl_line_buffer; }
static inline void zkcli_set_append_character(int c) { rl_completion_append_character = c; }
static inline void zkcli_set_catch_signals(int on) { rl_catch_signals = on; }
