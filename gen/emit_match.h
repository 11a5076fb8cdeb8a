/* emit_match.h: the facts of the topic matcher and of the topic analysis,
 * a part of the emitting stage (emit.h) that emit.c calls. Implemented in
 * emit_match.c with facts.h. Depends on ast.h. */
#ifndef SIGNETC_EMIT_MATCH_H
#define SIGNETC_EMIT_MATCH_H

#include <stdio.h>

#include "ast.h"

/* Writes sig4_matcher, sig4_atom and the per-pattern and per-signal
 * results of the topic analysis of s to f. */
void emit_match_facts(FILE *f, const struct schema *s);

#endif /* SIGNETC_EMIT_MATCH_H */
