/* parse.h: the parser's result. parse_schema() turns the source into a
 * struct schema (ast.h): declarations in source order and by kind, type
 * references still TY_UNRESOLVED unless scalar, topics as written (not yet
 * split into levels). A signal without `topic` gets its name as topic text
 * with topic_explicit = false. Declarations that failed to parse are left
 * out of the schema; their names are kept in `broken` so that the checks
 * stay quiet about later uses of them (no cascades). Depends on ast.h,
 * arena.h, lexer.h, diag.h. */
#ifndef SIGNETC_PARSE_H
#define SIGNETC_PARSE_H

#include "arena.h"
#include "ast.h"

struct broken_decl {
    const char *name;
    struct loc loc;
};

struct parsed {
    struct schema schema;
    size_t nbroken;
    struct broken_decl *broken;
};

/* Parses src[0, len) (src[len] must be NUL) into *out, allocating from a.
 * Reports through diag; returns the number of errors it reported. */
unsigned parse_schema(struct arena *a, const char *path, const char *src, size_t len,
                      struct parsed *out);

#endif /* SIGNETC_PARSE_H */
