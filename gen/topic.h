/* topic.h: topics and patterns in the checking stage (topic.c): splitting
 * and validating them, the overlap check between signal topics, the
 * unmatched-pattern warning, and the template trie and level predicates
 * that the topic analysis (automaton.c) shares. The limits are the runtime's
 * (SIGNET_TOPIC_MAX_BYTES and SIGNET_TOPIC_MAX_LEVELS of signet.h).
 * Depends on ast.h and arena.h. */
#ifndef SIGNETC_TOPIC_H
#define SIGNETC_TOPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "strmap.h"

/* Splits t->text into t->levels; for a signal topic (sig != NULL) resolves
 * {param} captures against sig's parameters. Reports and returns false on
 * an invalid topic. */
bool topic_split(struct arena *a, struct topic *t, const struct signal_decl *sig);

/* Over the signals whose topic_ok[i] is set: reports each signal whose
 * topic template can match a concrete topic an earlier signal's can. */
void topic_check_overlaps(struct arena *a, const struct schema *s, const bool *topic_ok);

/* Warns about each pattern that matches no signal topic: those whose
 * signal set (automaton_analyse()) is empty. */
void topic_warn_unmatched(const struct schema *s);

/* A trie of signal topic templates: one level per edge, literal children
 * by text, one child for str captures and one for u32 captures. */
struct topic_trie {
    struct strmap lit;               /* literal level -> struct topic_trie * */
    struct topic_trie *cap_str, *cap_u32;
    long term;                       /* first signal whose template ends here, or -1 */
};

struct topic_trie *topic_trie_new(struct arena *a);
/* Adds signal sg (index idx) under its template's path; a node keeps the
 * first signal that ends there. */
void topic_trie_insert(struct arena *a, struct topic_trie *root, const struct signal_decl *sg,
                       long idx);

/* Is the level text a canonical u32, decimal 0..4294967295 without leading
 * zeros (what a u32 capture accepts)? Its value goes to *value when
 * value is not NULL. */
bool topic_level_is_u32(const char *text, uint32_t *value);

/* Is capture level l of signal sg's topic a u32 parameter (else a str)? */
bool topic_capture_is_u32(const struct signal_decl *sg, const struct level *l);

#endif /* SIGNETC_TOPIC_H */
