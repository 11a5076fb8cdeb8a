/* fuzz_schema.c: signetc's front end on arbitrary bytes: the lexer and
 * parser (lexer.re, parse.c), the checks (check.c, topic.c) and the topic
 * analysis and matcher construction (automaton.c), as main.c drives them,
 * with no m4 and no files written. Beyond "no crash, no leak":
 *  - the verdict and the diagnostics are the same when the same bytes are
 *    checked twice in one process (diag keeps no state between runs);
 *  - a schema the front end accepts gets a matcher (a DFA, or the trie
 *    above the state cap) that agrees with a plain level-by-level matcher
 *    over the checked patterns and topic templates, on topics built from
 *    the schema's own templates and patterns: the signal a topic resolves
 *    to and the patterns that match it; the trie, forced with a state cap
 *    of 1, gives the same answers;
 *  - the topic analysis agrees with the same matcher: a signal without
 *    captures lists exactly the patterns matching its topic, and a pattern
 *    lists every signal that a topic it matches resolves to.
 * The walks below follow the generated match function
 * (gen/templates/matcher.m4). Depends on signetc_front (gen/). */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "automaton.h"
#include "check.h"
#include "diag.h"
#include "parse.h"

#define PATH "fuzz.signet"
#define MAX_PROBE_LEVELS 64 /* the generated matcher's TOPIC_MAX_LEVELS */
#define MAX_SOURCES 48      /* signals and patterns probed */
#define MAX_MATCHES 4096

/* Runs the front end once; *diags gets the diagnostics' text. */
static bool front(const char *src, size_t len, struct arena *a, struct parsed *p, char **diags,
                  size_t *ndiags)
{
    *diags = NULL;
    *ndiags = 0;
    FILE *out = open_memstream(diags, ndiags);
    if (!out)
        abort();
    diag_set_output(out);
    diag_set_source(PATH, src, len);
    parse_schema(a, PATH, src, len, p);
    bool ok = !diag_stopped() && check_schema(a, p);
    diag_fini();
    fclose(out);
    return ok;
}

/* ---- the plain matcher over the checked schema -------------------------- */

struct probe {
    size_t n;
    const char *level[MAX_PROBE_LEVELS];
};

static bool canonical_u32(const char *t, uint32_t *value)
{
    size_t n = strlen(t);
    uint64_t v = 0;

    if (n == 0 || n > 10 || (t[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(t[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    if (value)
        *value = (uint32_t)v;
    return true;
}

static bool plain_pattern(const struct topic *p, const struct probe *t)
{
    bool dollar = t->level[0][0] == '$';

    for (size_t k = 0; k < p->nlevels; k++) {
        const struct level *l = &p->levels[k];

        if (l->kind == LV_HASH)
            return !(k == 0 && dollar);
        if (k >= t->n)
            return false;
        if (l->kind == LV_PLUS) {
            if (k == 0 && dollar)
                return false;
        } else if (strcmp(l->text, t->level[k]) != 0) {
            return false;
        }
    }
    return p->nlevels == t->n;
}

static bool plain_signal(const struct signal_decl *sg, const struct probe *t)
{
    if (sg->topic.nlevels != t->n)
        return false;
    for (size_t k = 0; k < t->n; k++) {
        const struct level *l = &sg->topic.levels[k];

        if (l->kind == LV_CAPTURE) {
            if (sg->params[l->param].type.kind == TY_U32 && !canonical_u32(t->level[k], NULL))
                return false;
        } else if (strcmp(l->text, t->level[k]) != 0) {
            return false;
        }
    }
    return true;
}

/* ---- the walks of the generated match function --------------------------- */

static uint32_t atom_of(const struct matcher *m, const char *level)
{
    for (size_t i = 0; i < m->nliterals; i++)
        if (strcmp(m->literal[i], level) == 0)
            return (uint32_t)i;
    enum atom_class c = level[0] == '\0'                ? CLASS_EMPTY
                        : canonical_u32(level, NULL)    ? CLASS_U32
                        : level[0] == '$'               ? CLASS_DOLLAR
                                                        : CLASS_OTHER;
    return (uint32_t)m->nliterals + c;
}

static uint32_t class_of(const struct matcher *m, uint32_t atom)
{
    return atom < m->nliterals ? m->literal_class[atom] : atom - (uint32_t)m->nliterals;
}

static uint32_t edge(const struct matcher *m, uint32_t from, uint32_t atom)
{
    if (m->table_size == 0)
        return 0;
    size_t mask = m->table_size - 1;
    for (size_t i = automaton_hash(from, atom) & mask;; i = (i + 1) & mask) {
        if (m->table[i].from == 0)
            return 0;
        if (m->table[i].from == from && m->table[i].atom == atom)
            return m->table[i].to;
    }
}

struct answer {
    int32_t signal;
    size_t npatterns;
    uint32_t patterns[MAX_MATCHES];
};

static int by_value(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static void walk(const struct matcher *m, const struct probe *t, struct answer *r)
{
    uint32_t atom[MAX_PROBE_LEVELS];

    r->signal = -1;
    r->npatterns = 0;
    for (size_t k = 0; k < t->n; k++)
        atom[k] = atom_of(m, t->level[k]);
    if (!m->trie) {
        uint32_t st = 1;
        for (size_t k = 0; k < t->n && st != 0; k++) {
            uint32_t to = atom[k] < m->nliterals ? edge(m, st, atom[k]) : 0;
            st = to ? to : m->next[st][class_of(m, atom[k])];
        }
        for (uint32_t i = m->acc_off[st]; i < m->acc_off[st + 1]; i++)
            r->patterns[r->npatterns++] = m->acc[i];
        r->signal = m->acc_signal[st];
        return;
    }
    struct {
        uint32_t node, depth;
    } stack[4 * MAX_PROBE_LEVELS + 1];
    size_t top = 0;
    bool dollar = class_of(m, atom[0]) == CLASS_DOLLAR;

    stack[top].node = 1;
    stack[top++].depth = 0;
    while (top > 0) {
        uint32_t node = stack[--top].node, d = stack[top].depth, to;

        if (!(d == 0 && dollar))
            for (uint32_t i = m->hash_off[node]; i < m->hash_off[node + 1]; i++)
                r->patterns[r->npatterns++] = m->hash[i];
        if (d == t->n) {
            for (uint32_t i = m->acc_off[node]; i < m->acc_off[node + 1]; i++)
                r->patterns[r->npatterns++] = m->acc[i];
            if (m->acc_signal[node] >= 0)
                r->signal = m->acc_signal[node];
            continue;
        }
        if ((to = edge(m, node, atom[d])) != 0) {
            stack[top].node = to;
            stack[top++].depth = d + 1;
        }
        if (m->plus[node] && !(d == 0 && dollar)) {
            stack[top].node = m->plus[node];
            stack[top++].depth = d + 1;
        }
        if (m->cap_u32[node] && class_of(m, atom[d]) == CLASS_U32) {
            stack[top].node = m->cap_u32[node];
            stack[top++].depth = d + 1;
        }
        if (m->cap_str[node]) {
            stack[top].node = m->cap_str[node];
            stack[top++].depth = d + 1;
        }
    }
    qsort(r->patterns, r->npatterns, sizeof *r->patterns, by_value);
}

/* ---- probes: topics from the schema's own templates and patterns ------- */

static const char *const samples[] = {"0", "7", "4294967295", "4294967296", "01", "x", "$x", ""};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* The i-th variant of topic t as a concrete topic: captures and '+' filled
 * with samples, '#' with zero, one or two levels; cut by a level or
 * extended by one now and then. False when it has no level or too many. */
static bool instance(const struct topic *t, size_t i, struct probe *out)
{
    out->n = 0;
    for (size_t k = 0; k < t->nlevels; k++) {
        const struct level *l = &t->levels[k];

        if (l->kind == LV_HASH) {
            for (size_t j = 0; j < i % 3 && out->n < MAX_PROBE_LEVELS; j++)
                out->level[out->n++] = samples[(i + j) % NSAMPLES];
            break;
        }
        if (out->n == MAX_PROBE_LEVELS)
            return false;
        out->level[out->n++] = l->kind == LV_LITERAL ? l->text : samples[(i + k) % NSAMPLES];
    }
    if (i % 5 == 3 && out->n > 1)
        out->n--;
    else if (i % 5 == 4 && out->n < MAX_PROBE_LEVELS)
        out->level[out->n++] = samples[i % NSAMPLES];
    return out->n > 0;
}

static void fail(const char *what, const struct probe *t)
{
    fprintf(stderr, "fuzz_schema: %s on topic \"", what);
    for (size_t k = 0; k < t->n; k++)
        fprintf(stderr, "%s%s", k ? "/" : "", t->level[k]);
    fprintf(stderr, "\"\n");
    abort();
}

static bool listed(const size_t *v, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static void check_probe(const struct schema *s, const struct matcher *dfa,
                        const struct matcher *trie, const struct probe *t)
{
    static struct answer want, got;

    want.signal = -1;
    want.npatterns = 0;
    for (size_t p = 0; p < s->npatterns; p++)
        if (plain_pattern(&s->patterns[p]->topic, t))
            want.patterns[want.npatterns++] = (uint32_t)p;
    for (size_t j = 0; j < s->nsignals; j++) {
        if (!plain_signal(s->signals[j], t))
            continue;
        if (want.signal >= 0)
            fail("two signal topics match (the overlap check missed them)", t);
        want.signal = (int32_t)j;
    }
    for (int k = 0; k < 2; k++) {
        walk(k ? trie : dfa, t, &got);
        if (got.signal != want.signal)
            fail(k ? "trie: wrong signal" : "matcher: wrong signal", t);
        if (got.npatterns != want.npatterns ||
            memcmp(got.patterns, want.patterns, got.npatterns * sizeof *got.patterns) != 0)
            fail(k ? "trie: wrong patterns" : "matcher: wrong patterns", t);
    }
    if (want.signal < 0)
        return;
    const struct signal_decl *sg = s->signals[want.signal];
    for (size_t i = 0; i < want.npatterns; i++)
        if (!listed(s->patterns[want.patterns[i]]->signals, s->patterns[want.patterns[i]]->nsignals,
                    (size_t)want.signal))
            fail("a matching pattern does not list the signal", t);
    bool constant = true;
    for (size_t k = 0; k < sg->topic.nlevels; k++)
        constant &= sg->topic.levels[k].kind != LV_CAPTURE;
    if (constant) {
        if (sg->npatterns != want.npatterns)
            fail("the signal's build-time pattern set", t);
        for (size_t i = 0; i < want.npatterns; i++)
            if (sg->patterns[i] != want.patterns[i])
                fail("the signal's build-time pattern set", t);
    }
}

static void check_matcher(struct arena *a, struct schema *s)
{
    automaton_build(a, s, 0);
    const struct matcher *m = s->matcher;
    automaton_build(a, s, 1);
    const struct matcher *trie = s->matcher;
    if (!trie->trie)
        abort(); /* a state cap of 1 always ends in the trie */

    size_t nsig = s->nsignals < MAX_SOURCES ? s->nsignals : MAX_SOURCES;
    size_t npat = s->npatterns < MAX_SOURCES ? s->npatterns : MAX_SOURCES;
    struct probe t;
    for (size_t j = 0; j < nsig; j++)
        for (size_t i = 0; i < 6; i++)
            if (instance(&s->signals[j]->topic, i, &t))
                check_probe(s, m, trie, &t);
    for (size_t p = 0; p < npat; p++)
        for (size_t i = 0; i < 6; i++)
            if (instance(&s->patterns[p]->topic, i, &t))
                check_probe(s, m, trie, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The front end reads up to a NUL sentinel after the source. */
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    if (size)
        memcpy(src, data, size);
    src[size] = '\0';

    struct arena a1 = {0}, a2 = {0};
    struct parsed p1, p2;
    char *d1, *d2;
    size_t n1, n2;
    bool ok1 = front(src, size, &a1, &p1, &d1, &n1);
    bool ok2 = front(src, size, &a2, &p2, &d2, &n2);
    if (ok1 != ok2 || n1 != n2 || memcmp(d1, d2, n1) != 0) {
        fprintf(stderr, "fuzz_schema: a second run differs (verdict %d then %d):\n%.*s---\n%.*s",
                ok1, ok2, (int)n1, d1, (int)n2, d2);
        abort();
    }
    /* Rejected exactly when an error was reported, and then printed. */
    if (ok1 != (diag_error_count() == 0) || (!ok1 && n1 == 0)) {
        fprintf(stderr, "fuzz_schema: verdict %d after %u errors:\n%.*s", ok1,
                diag_error_count(), (int)n1, d1);
        abort();
    }
    if (ok1)
        check_matcher(&a1, &p1.schema);
    free(d1);
    free(d2);
    arena_free(&a1);
    arena_free(&a2);
    free(src);
    return 0;
}
