/* check.h: the checking stage. check.c resolves type names (declared
 * before use), rejects duplicate, reserved and keyword names and bad enum
 * values; topic.c splits topics and patterns into levels, validates them,
 * finds overlapping signal topics and patterns that match no signal.
 * Depends on parse.h, ast.h, diag.h, strmap.h. */
#ifndef SIGNETC_CHECK_H
#define SIGNETC_CHECK_H

#include <stdbool.h>

#include "arena.h"
#include "parse.h"

/* Runs every check of PRODUCT.md §3 on a parsed schema, reporting through
 * diag. Returns true when the whole run (parse included) had no error, so
 * the schema may be emitted. */
bool check_schema(struct arena *a, struct parsed *p);

/* topic.c. Splits t->text into t->levels; for a signal topic (sig != NULL)
 * resolves {param} captures against sig's parameters. Reports and returns
 * false on an invalid topic. */
bool topic_split(struct arena *a, struct topic *t, const struct signal_decl *sig);

/* topic.c. Over the signals whose topic_ok[i] is set: reports overlapping
 * topics; then, when warn is set, warns about each pattern (with
 * pattern_ok[i] set) that matches none of them. */
void topic_check_all(struct arena *a, const struct schema *s, const bool *topic_ok,
                     const bool *pattern_ok, bool warn);

#endif /* SIGNETC_CHECK_H */
