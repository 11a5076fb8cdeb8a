/* emit.h: the emitting stage, the last of signetc. emit.c writes a checked
 * schema whose topics automaton_build() analysed as m4 facts and runs the
 * templates over them (m4.c); the facts of the topic analysis and of the
 * matcher come from emit_match.h. Depends on ast.h. */
#ifndef SIGNETC_EMIT_H
#define SIGNETC_EMIT_H

#include "ast.h"

struct emit_opts {
    const char *out_dir;             /* "." by default */
    const char *template_dir;        /* NULL: next to the executable */
    const char *argv0;               /* to find the executable's directory */
    const char *trace_m4;            /* non-NULL: also write the m4 facts here */
    const char *depfile;             /* non-NULL: write a Makefile depfile here */
};

/* emit.c: writes <out_dir>/<base>.signet.h (the user's API),
 * .signet.private.h (the matcher's declarations, for the generated code),
 * .signet.c and .signet.match.re, where <base> is schema->source without
 * its ".signet" suffix. Returns 0, or 1 after printing a message to stderr. */
int emit_schema(const struct schema *s, const struct emit_opts *o);

#endif /* SIGNETC_EMIT_H */
