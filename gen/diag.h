/* diag.h: signetc's diagnostics, GNU style. Every message about the schema
 * goes through here: "file:line:col: error|warning|note: text", then the
 * source line and a caret under the offending span. Warnings are named in
 * one registry (diag.c) and shown as [-Wname]; -Werror turns them into
 * errors ([-Werror=name]), -Wno-name silences them. After DIAG_MAX_ERRORS
 * errors diag stops: it prints "too many errors" once and diag_stopped()
 * tells the lexer, parser and checks to wind down. A note attaches to the
 * error or warning before it and is dropped when that one was not shown.
 * Messages are collected and printed by diag_fini() in source order (an
 * error or warning with its notes stays together), so the parse and check
 * passes read as one. Depends on ast.h (struct loc) and diag.c. */
#ifndef SIGNETC_DIAG_H
#define SIGNETC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"

#define DIAG_MAX_ERRORS 50

#if defined(__GNUC__)
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DIAG_PRINTF(f, a)
#endif

/* The warning registry: one line per warning, name as in -W<name>. */
/* clang-format off */
#define DIAG_WARNINGS(X) \
    X(W_UNMATCHED_PATTERN, "unmatched-pattern", "a pattern matches no declared signal topic")
/* clang-format on */

enum diag_warning {
#define DIAG_ENUM(id, name, doc) id,
    DIAG_WARNINGS(DIAG_ENUM)
#undef DIAG_ENUM
    DIAG_NWARNINGS
};

/* The schema being diagnosed: path as given on the command line, and its
 * bytes (src[len] must be readable and is NUL). Starts a run: the error
 * count and the stop from an earlier run are cleared (options are kept),
 * so one process may check several schemas (the fuzz targets do). */
void diag_set_source(const char *path, const char *src, size_t len);
/* Where diag_fini() prints: stderr unless set; NULL discards. */
void diag_set_output(FILE *out);
/* Prints the collected diagnostics and frees diag's memory. */
void diag_fini(void);

/* Applies one -W option text without the leading "-W" ("error",
 * "no-unmatched-pattern", "error=unmatched-pattern", ...).
 * Returns false for an unknown warning name. */
bool diag_option(const char *opt);
void diag_list_warnings(FILE *out);

/* len: bytes to underline from loc (0 or 1: just a caret). */
void diag_error(struct loc loc, size_t len, const char *fmt, ...) DIAG_PRINTF(3, 4);
void diag_warning(enum diag_warning w, struct loc loc, size_t len, const char *fmt, ...)
    DIAG_PRINTF(4, 5);
void diag_note(struct loc loc, size_t len, const char *fmt, ...) DIAG_PRINTF(3, 4);

unsigned diag_error_count(void);
bool diag_stopped(void);

/* The text of source line `line` (1-based, without its newline), or NULL. */
const char *diag_line(uint32_t line, size_t *len);

#endif /* SIGNETC_DIAG_H */
