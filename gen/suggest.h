/* suggest.h: "did you mean" for signetc's diagnostics. Given a name that
 * names nothing, picks the closest of the names that could have been meant
 * (the types, parameters or keywords in scope), by edit distance with
 * transpositions counting as one edit, within a cutoff that grows with the
 * names' length (close enough to be a typo, never a guess). A type name from
 * C or another language ('uint32_t', 'int', 'string', 'double') maps to the
 * schema's built-in type of that meaning instead. Pure; no dependencies. */
#ifndef SIGNETC_SUGGEST_H
#define SIGNETC_SUGGEST_H

#include <stddef.h>

struct suggest {
    const char *word;   /* the unknown name */
    const char *best;   /* the closest candidate so far, or NULL */
    size_t dist;        /* its distance */
};

void suggest_init(struct suggest *s, const char *word);
/* Offers one candidate; of equally close ones, the first offered wins. */
void suggest_add(struct suggest *s, const char *candidate);
/* The closest candidate within the cutoff, or NULL. */
const char *suggest_best(const struct suggest *s);

/* The built-in type a C, C++, Rust, Go or Python type name means ('int' and
 * 'int32_t': 'i32', 'string': 'str'), or NULL. */
const char *suggest_builtin_alias(const char *word);

#endif /* SIGNETC_SUGGEST_H */
