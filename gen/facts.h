/* facts.h: the primitives that write m4 facts (facts.c), shared by the
 * writers of facts, emit.c and emit_match.c. A fact is
 * m4_define(@{sig4_KEY}@, @{VALUE}@), KEY made by printf(fmt, ...), with the
 * quotes and prefix of m4.h. Depends on m4.h. */
#ifndef SIGNETC_FACTS_H
#define SIGNETC_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A value that is already safe: an identifier, numbers, C punctuation. */
void fact(FILE *f, const char *value, const char *fmt, ...);
/* A decimal number. */
void fact_num(FILE *f, int64_t value, const char *fmt, ...);
/* A string, escaped as the body of a C string literal (templates/README.md). */
void fact_str(FILE *f, const char *value, const char *fmt, ...);
/* The n values of v as rows of a C initializer: groups of `group` (each in
 * braces when group > 1), lines led by four spaces and broken before 100
 * columns, every value followed by a comma. An empty table gives the one
 * value 0 (a C array may not be empty); other facts tell the real size. */
void fact_rows(FILE *f, const int64_t *v, size_t n, size_t group, const char *fmt, ...);

#endif /* SIGNETC_FACTS_H */
