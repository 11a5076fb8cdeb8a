/* check.h: the checking stage. check.c checks the schema file's name,
 * resolves type names (declared before use), rejects duplicate, reserved
 * and keyword names and bad enum values; topic.c (topic.h) splits topics
 * and patterns into levels, validates them and finds overlapping signal
 * topics; automaton.c analyses which patterns match which signals, from
 * which topic.c warns about patterns that match none. Depends on parse.h,
 * arena.h. */
#ifndef SIGNETC_CHECK_H
#define SIGNETC_CHECK_H

#include <stdbool.h>

#include "arena.h"
#include "parse.h"

/* Runs every check of the schema language (docs/design.md, "Schema
 * language") on a parsed schema, reporting through diag. Returns true when
 * the whole run (parse included) had no error, so the schema may be
 * emitted; its topics are then analysed (automaton_analyse()). */
bool check_schema(struct arena *a, struct parsed *p);

#endif /* SIGNETC_CHECK_H */
