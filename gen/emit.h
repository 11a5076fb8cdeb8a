/* emit.h: what emit.c shares with the other writers of m4 facts
 * (emit_match.c). A fact is m4_define(@{sig4_KEY}@, @{VALUE}@), KEY made by
 * printf(fmt, ...). Depends on ast.h. */
#ifndef SIGNETC_EMIT_H
#define SIGNETC_EMIT_H

#include <stdint.h>
#include <stdio.h>

#include "ast.h"

/* A value that is already safe: an identifier, numbers, C punctuation. */
void fact(FILE *f, const char *value, const char *fmt, ...);
/* A decimal number. */
void fact_num(FILE *f, int64_t value, const char *fmt, ...);
/* A string, escaped as the body of a C string literal (templates/README.md). */
void fact_str(FILE *f, const char *value, const char *fmt, ...);

/* emit_match.c: the facts of the topic matcher and of the topic analysis
 * (sig4_matcher, sig4_atom and the per-pattern and per-signal results) of a
 * schema that automaton_build() has analysed. */
void emit_match_facts(FILE *f, const struct schema *s);

#endif /* SIGNETC_EMIT_H */
