/* strmap.c: the string hash map of strmap.h (FNV-1a, linear probing,
 * doubling at 1/2 load). Depends on arena.c. */
#include "strmap.h"

#include <stdint.h>
#include <string.h>

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 29));
}

void strmap_init(struct strmap *m, struct arena *a)
{
    m->arena = a;
    m->len = m->cap = 0;
    m->keys = NULL;
    m->vals = NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return NULL;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

static void grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    const char **keys = arena_alloc(m->arena, cap * sizeof *keys);
    void **vals = arena_alloc(m->arena, cap * sizeof *vals);
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->keys[j])
            continue;
        size_t i = hash(m->keys[j]) & (cap - 1);
        while (keys[i])
            i = (i + 1) & (cap - 1);
        keys[i] = m->keys[j];
        vals[i] = m->vals[j];
    }
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

void *strmap_put(struct strmap *m, const char *key, void *val)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t i = hash(key) & (m->cap - 1);
    for (; m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    m->keys[i] = key;
    m->vals[i] = val;
    m->len++;
    return val;
}
