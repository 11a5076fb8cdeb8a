/* suggest.c: the "did you mean" search of suggest.h: optimal string
 * alignment distance (insertions, deletions, substitutions and adjacent
 * transpositions each cost one) and the cutoff GCC's spell checker uses,
 * plus a table of other languages' type names. */
#include "suggest.h"

#include <string.h>

/* Names are at most 64 bytes (check.c's MAX_IDENT); longer ones get no
 * suggestion. */
#define MAX_LEN 64

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment distance of a and b, lengths at most MAX_LEN. */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t rows[3][MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* The most edits that still look like a typo of a name: one in short
 * names, about a quarter of the longer name otherwise. */
static size_t cutoff(size_t n, size_t m)
{
    size_t hi = n > m ? n : m, lo = n > m ? m : n;
    if (hi <= 1)
        return 0;
    if (hi - lo <= 1)
        return hi / 3 > 1 ? hi / 3 : 1;
    return (hi + 2) / 4;
}

void suggest_init(struct suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->dist = 0;
}

void suggest_add(struct suggest *s, const char *candidate)
{
    size_t n = strlen(s->word), m = strlen(candidate);

    if (n > MAX_LEN || m > MAX_LEN || strcmp(s->word, candidate) == 0)
        return;
    size_t d = distance(s->word, n, candidate, m);
    if (d <= cutoff(n, m) && (!s->best || d < s->dist)) {
        s->best = candidate;
        s->dist = d;
    }
}

const char *suggest_best(const struct suggest *s)
{
    return s->best;
}

const char *suggest_builtin_alias(const char *word)
{
    /* clang-format off */
    static const char *const aliases[][2] = {
        {"boolean", "bool"}, {"_Bool", "bool"},
        {"int8", "i8"}, {"int8_t", "i8"}, {"sbyte", "i8"},
        {"int16", "i16"}, {"int16_t", "i16"}, {"short", "i16"},
        {"int", "i32"}, {"int32", "i32"}, {"int32_t", "i32"}, {"signed", "i32"},
        {"int64", "i64"}, {"int64_t", "i64"}, {"long", "i64"}, {"ssize_t", "i64"},
        {"isize", "i64"},
        {"uint8", "u8"}, {"uint8_t", "u8"}, {"byte", "u8"},
        {"uint16", "u16"}, {"uint16_t", "u16"}, {"ushort", "u16"},
        {"uint", "u32"}, {"uint32", "u32"}, {"uint32_t", "u32"}, {"unsigned", "u32"},
        {"uint64", "u64"}, {"uint64_t", "u64"}, {"ulong", "u64"}, {"size_t", "u64"},
        {"usize", "u64"},
        {"float", "f32"}, {"float32", "f32"},
        {"double", "f64"}, {"float64", "f64"},
        {"string", "str"}, {"String", "str"}, {"text", "str"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(word, aliases[i][0]) == 0)
            return aliases[i][1];
    return NULL;
}
