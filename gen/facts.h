/* facts.h: the primitives that write m4 facts (facts.c), shared by the
 * writers of facts, emit.c and emit_match.c. A fact is
 * m4_define(@{sig4_KEY}@, @{VALUE}@), KEY made by printf(fmt, ...), with the
 * quotes and prefix of m4.h. Depends on m4.h. */
#ifndef SIGNETC_FACTS_H
#define SIGNETC_FACTS_H

#include <stdint.h>
#include <stdio.h>

/* A value that is already safe: an identifier, numbers, C punctuation. */
void fact(FILE *f, const char *value, const char *fmt, ...);
/* A decimal number. */
void fact_num(FILE *f, int64_t value, const char *fmt, ...);
/* A string, escaped as the body of a C string literal (templates/README.md). */
void fact_str(FILE *f, const char *value, const char *fmt, ...);

#endif /* SIGNETC_FACTS_H */
