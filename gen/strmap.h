/* strmap.h: an open-addressing hash map from NUL-terminated strings to
 * pointers, used by check.c, topic.c and automaton.c so that duplicate
 * detection and topic tries stay linear on large schemas. Keys are not
 * copied (they live in the arena); tables are allocated from the arena, so
 * there is nothing to free. Depends on arena.h. */
#ifndef SIGNETC_STRMAP_H
#define SIGNETC_STRMAP_H

#include <stddef.h>

#include "arena.h"

struct strmap {
    struct arena *arena;
    size_t len, cap;                 /* cap is 0 or a power of two */
    const char **keys;
    void **vals;
};

void strmap_init(struct strmap *m, struct arena *a);
void *strmap_get(const struct strmap *m, const char *key);
/* Inserts key unless present; returns the value now stored under key. */
void *strmap_put(struct strmap *m, const char *key, void *val);

#endif /* SIGNETC_STRMAP_H */
