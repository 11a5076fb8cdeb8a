/* automaton.c: topic analysis and the matcher of automaton.h.
 * automaton_analyse(), the last step of checking (check.c), computes
 *  1. per pattern, the signals whose topic template it can match (a walk
 *     of a trie of the templates under the MQTT rules of docs/design.md,
 *     "Topics and matching": match_walk, the generator's one statement of
 *     them) and whether one receiver type serves them all;
 *  2. per signal without captures, the patterns matching its topic.
 * automaton_build() then makes, before emit.c runs,
 *  3. the atoms (distinct literal levels, then the classes u32, '$'-prefixed,
 *     other, empty) and a DFA over atoms by subset construction over every
 *     pattern and topic template, each state carrying the patterns (and the
 *     signal) it accepts at the end of a topic; when the DFA outgrows the
 *     state cap, a trie over the same atoms instead.
 * Depends on automaton.h, ast.h, arena.h, strmap.h and topic.h (the level
 * predicates). */
#include "automaton.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "topic.h"

/* ---- small growable arrays in malloc'd memory ------------------------- */

struct u32s {
    uint32_t *v;
    size_t n, cap;
};

static void oom(void)
{
    fputs("signetc: out of memory\n", stderr);
    exit(1);
}

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);

    if (q == NULL)
        oom();
    return q;
}

static void push(struct u32s *b, uint32_t x)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = x;
}

static uint32_t *to_arena(struct arena *a, const struct u32s *b)
{
    uint32_t *v = arena_alloc(a, (b->n ? b->n : 1) * sizeof *v);

    if (b->n)
        memcpy(v, b->v, b->n * sizeof *v);
    return v;
}

/* ---- level predicates -------------------------------------------------- */

static size_t ncaptures(const struct signal_decl *sg)
{
    size_t n = 0;

    for (size_t i = 0; i < sg->topic.nlevels; i++)
        n += sg->topic.levels[i].kind == LV_CAPTURE;
    return n;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

    return (a > b) - (a < b);
}

/* ---- the analysis -------------------------------------------------------- */

/* Every signal whose template ends at or below n. */
static void collect(const struct topic_trie *n, struct u32s *out)
{
    if (n->term >= 0)
        push(out, (uint32_t)n->term);
    for (size_t k = 0; k < n->lit.cap; k++)
        if (n->lit.keys[k])
            collect(n->lit.vals[k], out);
    if (n->cap_str)
        collect(n->cap_str, out);
    if (n->cap_u32)
        collect(n->cap_u32, out);
}

/* The MQTT matching rule (docs/design.md, "Topics and matching"): the
 * signals below n whose template admits a concrete topic that levels i..
 * of pattern p match. A literal level matches itself, a u32 capture the
 * canonical decimals and a str capture any level; '+' matches one level
 * and '#' the rest, zero levels included; a wildcard in the first level
 * never matches a level starting with '$' (a capture admits values that do
 * not). Each node is reached by one path, so no signal is found twice. */
static void match_walk(const struct topic_trie *n, const struct topic *p, size_t i,
                       struct u32s *out)
{
    if (i == p->nlevels) {
        if (n->term >= 0)
            push(out, (uint32_t)n->term);
        return;
    }
    const struct level *l = &p->levels[i];
    if (l->kind == LV_LITERAL) {
        const struct topic_trie *c = strmap_get(&n->lit, l->text);

        if (c)
            match_walk(c, p, i + 1, out);
        if (n->cap_u32 && topic_level_is_u32(l->text, NULL))
            match_walk(n->cap_u32, p, i + 1, out);
        if (n->cap_str)
            match_walk(n->cap_str, p, i + 1, out);
        return;
    }
    bool hash = l->kind == LV_HASH;
    if (hash && i > 0 && n->term >= 0)
        push(out, (uint32_t)n->term); /* "a/#" matches "a" */
    for (size_t k = 0; k < n->lit.cap; k++) {
        const char *key = n->lit.keys[k];

        if (key == NULL || (i == 0 && key[0] == '$'))
            continue;
        if (hash)
            collect(n->lit.vals[k], out);
        else
            match_walk(n->lit.vals[k], p, i + 1, out);
    }
    for (int u = 0; u < 2; u++) {
        const struct topic_trie *c = u ? n->cap_u32 : n->cap_str;

        if (c && hash)
            collect(c, out);
        else if (c)
            match_walk(c, p, i + 1, out);
    }
}

static bool same_params(const struct signal_decl *x, const struct signal_decl *y)
{
    if (x->nparams != y->nparams)
        return false;
    for (size_t j = 0; j < x->nparams; j++) {
        const struct field *a = &x->params[j], *b = &y->params[j];

        if (strcmp(a->name, b->name) != 0 || a->type.kind != b->type.kind ||
            a->type.en != b->type.en || a->type.st != b->type.st || a->array_len != b->array_len)
            return false;
    }
    return true;
}

void automaton_analyse(struct arena *a, struct schema *s)
{
    struct topic_trie *root = topic_trie_new(a);
    size_t *count = calloc(s->nsignals + 1, sizeof *count);

    if (count == NULL)
        oom();
    for (size_t j = 0; j < s->nsignals; j++)
        topic_trie_insert(a, root, s->signals[j], (long)j);
    for (size_t i = 0; i < s->npatterns; i++) {
        struct pattern_decl *p = s->patterns[i];
        struct u32s m = {0};

        match_walk(root, &p->topic, 0, &m);
        if (m.n > 1)
            qsort(m.v, m.n, sizeof *m.v, cmp_u32);
        p->nsignals = m.n;
        p->signals = arena_alloc(a, (m.n ? m.n : 1) * sizeof *p->signals);
        p->typed_as = m.n ? (long)m.v[0] : -1;
        for (size_t k = 0; k < m.n; k++) {
            p->signals[k] = m.v[k];
            count[m.v[k]]++;
            if (!same_params(s->signals[m.v[0]], s->signals[m.v[k]]))
                p->typed_as = -1;
        }
        free(m.v);
    }
    /* A signal without captures has one concrete topic: the patterns that
     * can match it are those that do, ascending since i is. */
    for (size_t j = 0; j < s->nsignals; j++) {
        struct signal_decl *sg = s->signals[j];

        if (ncaptures(sg) > 0)
            count[j] = 0;
        sg->patterns = arena_alloc(a, (count[j] ? count[j] : 1) * sizeof *sg->patterns);
        sg->npatterns = 0;
    }
    for (size_t i = 0; i < s->npatterns; i++)
        for (size_t k = 0; k < s->patterns[i]->nsignals; k++) {
            struct signal_decl *sg = s->signals[s->patterns[i]->signals[k]];

            if (count[s->patterns[i]->signals[k]] > 0)
                sg->patterns[sg->npatterns++] = i;
        }
    free(count);
}

/* ---- atoms -------------------------------------------------------------- */

/* The sources of the automaton: patterns 0..P-1, then signals. */
struct builder {
    struct arena *a;
    const struct schema *s;
    struct matcher *m;
    size_t nsrc;
    /* Items (source, position): item = base[src] + position, where position
     * runs from 0 to the source's level count (the end). */
    uint32_t *base;
    size_t nitems;
    uint32_t *item_src;
    uint32_t *item_pos;
    /* Per item with a level left: what the level is. */
    enum item_kind { IT_END, IT_LIT, IT_PLUS, IT_HASH, IT_STR, IT_U32 } * kind;
    uint32_t *atom; /* IT_LIT: its atom (CLASS_EMPTY's for "") */
};

static const struct topic *src_topic(const struct builder *b, size_t src)
{
    return src < b->s->npatterns ? &b->s->patterns[src]->topic
                                 : &b->s->signals[src - b->s->npatterns]->topic;
}

static uint32_t class_atom(const struct matcher *m, enum atom_class c)
{
    return (uint32_t)m->nliterals + (uint32_t)c;
}

/* The class an atom behaves as when no item names it. */
static enum atom_class atom_class_of(const struct matcher *m, uint32_t atom)
{
    return atom < m->nliterals ? (enum atom_class)m->literal_class[atom]
                               : (enum atom_class)(atom - m->nliterals);
}

static void make_atoms(struct builder *b)
{
    struct matcher *m = b->m;
    struct strmap ids;
    size_t cap = 16;

    strmap_init(&ids, b->a);
    m->literal = malloc(cap * sizeof *m->literal);
    if (m->literal == NULL)
        oom();
    for (size_t src = 0; src < b->nsrc; src++) {
        const struct topic *t = src_topic(b, src);

        for (size_t k = 0; k < t->nlevels; k++) {
            const char *text = t->levels[k].text;

            if (t->levels[k].kind != LV_LITERAL || text[0] == '\0' || strmap_get(&ids, text))
                continue;
            if (m->nliterals == cap) {
                cap *= 2;
                m->literal = xrealloc(m->literal, cap * sizeof *m->literal);
            }
            m->literal[m->nliterals++] = text;
            strmap_put(&ids, text, (void *)(uintptr_t)m->nliterals); /* id + 1 */
        }
    }
    const char **lit = arena_alloc(b->a, (m->nliterals + 1) * sizeof *lit);
    memcpy(lit, m->literal, m->nliterals * sizeof *lit);
    free(m->literal);
    m->literal = lit;
    m->literal_class = arena_alloc(b->a, m->nliterals + 1);
    m->literal_u32 = arena_alloc(b->a, (m->nliterals + 1) * sizeof *m->literal_u32);
    for (size_t i = 0; i < m->nliterals; i++)
        m->literal_class[i] = topic_level_is_u32(lit[i], &m->literal_u32[i]) ? CLASS_U32
                              : lit[i][0] == '$'                 ? CLASS_DOLLAR
                                                                 : CLASS_OTHER;

    /* Items. */
    b->base = arena_alloc(b->a, (b->nsrc + 1) * sizeof *b->base);
    for (size_t src = 0; src < b->nsrc; src++) {
        b->base[src] = (uint32_t)b->nitems;
        b->nitems += src_topic(b, src)->nlevels + 1;
    }
    b->item_src = arena_alloc(b->a, (b->nitems + 1) * sizeof *b->item_src);
    b->item_pos = arena_alloc(b->a, (b->nitems + 1) * sizeof *b->item_pos);
    b->kind = arena_alloc(b->a, (b->nitems + 1) * sizeof *b->kind);
    b->atom = arena_alloc(b->a, (b->nitems + 1) * sizeof *b->atom);
    for (size_t src = 0; src < b->nsrc; src++) {
        const struct topic *t = src_topic(b, src);
        const struct signal_decl *sg =
            src < b->s->npatterns ? NULL : b->s->signals[src - b->s->npatterns];

        for (size_t k = 0; k <= t->nlevels; k++) {
            size_t it = b->base[src] + k;
            const struct level *l = k < t->nlevels ? &t->levels[k] : NULL;

            b->item_src[it] = (uint32_t)src;
            b->item_pos[it] = (uint32_t)k;
            if (l == NULL) {
                b->kind[it] = IT_END;
            } else if (l->kind == LV_LITERAL) {
                b->kind[it] = IT_LIT;
                b->atom[it] = l->text[0] == '\0'
                                  ? class_atom(m, CLASS_EMPTY)
                                  : (uint32_t)(uintptr_t)strmap_get(&ids, l->text) - 1;
            } else if (l->kind == LV_PLUS) {
                b->kind[it] = IT_PLUS;
            } else if (l->kind == LV_HASH) {
                b->kind[it] = IT_HASH;
            } else {
                b->kind[it] = topic_capture_is_u32(sg, l) ? IT_U32 : IT_STR;
            }
        }
    }
}

/* Does the level of item `it` admit atom a? first: the topic's first level,
 * where wildcards skip '$'-prefixed atoms. */
static bool admits(const struct builder *b, size_t it, uint32_t a, bool first)
{
    enum atom_class c = atom_class_of(b->m, a);

    switch (b->kind[it]) {
    case IT_END:
        return false;
    case IT_LIT:
        return b->atom[it] == a;
    case IT_PLUS:
    case IT_HASH:
        return !(first && c == CLASS_DOLLAR);
    case IT_STR:
        return true;
    case IT_U32:
        return c == CLASS_U32;
    }
    return false;
}

/* ---- edge tables -------------------------------------------------------- */

struct edges {
    struct edge *t;
    size_t n, size; /* size: 0 or a power of two */
};

static uint32_t *edge_slot(struct edges *e, uint32_t from, uint32_t atom, bool *found)
{
    size_t mask = e->size - 1;

    for (size_t i = automaton_hash(from, atom) & mask;; i = (i + 1) & mask) {
        if (e->t[i].from == 0) {
            *found = false;
            return &e->t[i].to;
        }
        if (e->t[i].from == from && e->t[i].atom == atom) {
            *found = true;
            return &e->t[i].to;
        }
    }
}

static void edge_grow(struct edges *e, size_t size)
{
    struct edges g = {calloc(size, sizeof *g.t), e->n, size};
    bool found;

    if (g.t == NULL)
        oom();
    for (size_t i = 0; i < e->size; i++) {
        if (e->t[i].from == 0)
            continue;
        uint32_t *to = edge_slot(&g, e->t[i].from, e->t[i].atom, &found);
        *to = e->t[i].to;
        to[-2] = e->t[i].from;
        to[-1] = e->t[i].atom;
    }
    free(e->t);
    *e = g;
}

/* The target of edge (from, atom), adding it as `to` when absent. */
static uint32_t edge_put(struct edges *e, uint32_t from, uint32_t atom, uint32_t to)
{
    bool found;

    if ((e->n + 1) * 2 > e->size)
        edge_grow(e, e->size ? e->size * 2 : 16);
    uint32_t *slot = edge_slot(e, from, atom, &found);
    if (found)
        return *slot;
    slot[-2] = from;
    slot[-1] = atom;
    *slot = to;
    e->n++;
    return to;
}

/* The final table: at most two thirds full (a hit takes about two probes),
 * at least one empty slot. */
static void edges_finish(struct builder *b, struct edges *e)
{
    size_t size = 1;

    while (size < e->n + e->n / 2 + 1)
        size *= 2;
    if (size != e->size)
        edge_grow(e, size);
    b->m->nedges = e->n;
    b->m->table_size = e->size;
    b->m->table = arena_dup(b->a, e->t, e->size * sizeof *e->t);
    free(e->t);
}

/* ---- the DFA ------------------------------------------------------------ */

struct dfa {
    struct u32s items; /* every state's sorted items */
    struct u32s off;   /* state s: items.v[off[s] .. off[s+1]) */
    uint32_t *set;     /* state hash set (id + 1, 0 empty) */
    size_t set_size;
};

static uint32_t set_hash(const uint32_t *v, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ v[i]) * 16777619u;
    return h ^ (uint32_t)n;
}

static size_t nstates(const struct dfa *d)
{
    return d->off.n - 1;
}

static void set_insert(struct dfa *d, uint32_t st)
{
    size_t n = d->off.v[st + 1] - d->off.v[st];
    /* No items (the dead state; every state of a schema without topics,
     * where items.v is still NULL): no pointer into items. */
    const uint32_t *v = n ? d->items.v + d->off.v[st] : NULL;
    size_t mask = d->set_size - 1;
    size_t i = set_hash(v, n) & mask;

    while (d->set[i] != 0)
        i = (i + 1) & mask;
    d->set[i] = st + 1;
}

/* The state with items v[0..n) (sorted, distinct), added when new. The
 * start state (1) never matches: its first level follows the '$' rule. */
static uint32_t state_of(struct dfa *d, const uint32_t *v, size_t n)
{
    size_t mask = d->set_size - 1;

    for (size_t i = set_hash(v, n) & mask; d->set[i] != 0; i = (i + 1) & mask) {
        uint32_t st = d->set[i] - 1;
        size_t k = d->off.v[st + 1] - d->off.v[st];

        if (k == n && (n == 0 || memcmp(d->items.v + d->off.v[st], v, n * sizeof *v) == 0))
            return st;
    }
    uint32_t st = (uint32_t)nstates(d);
    for (size_t i = 0; i < n; i++)
        push(&d->items, v[i]);
    push(&d->off, (uint32_t)d->items.n);
    if ((nstates(d) + 1) * 2 > d->set_size) {
        free(d->set);
        d->set_size *= 2;
        d->set = calloc(d->set_size, sizeof *d->set);
        if (d->set == NULL)
            oom();
        for (uint32_t s = 2; s < nstates(d); s++)
            set_insert(d, s);
        set_insert(d, 0);
    } else {
        set_insert(d, st);
    }
    return st;
}


/* The items of state st after atom a, sorted and distinct, into out. */
static void step(const struct builder *b, const struct dfa *d, uint32_t st, uint32_t a,
                 struct u32s *out)
{
    out->n = 0;
    for (uint32_t i = d->off.v[st]; i < d->off.v[st + 1]; i++) {
        uint32_t it = d->items.v[i];

        if (admits(b, it, a, st == 1))
            push(out, b->kind[it] == IT_HASH ? it : it + 1);
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (k == 0 || out->v[i] != out->v[k - 1])
            out->v[k++] = out->v[i];
    out->n = k;
}

/* Builds the DFA; false when it would have more than cap states. */
static bool build_dfa(struct builder *b, size_t cap)
{
    struct matcher *m = b->m;
    struct dfa d = {0};
    struct u32s next = {0}, atoms = {0}, cls = {0}, acc = {0}, acc_off = {0};
    struct edges e = {0};
    bool ok = true;

    d.set_size = 64;
    d.set = calloc(d.set_size, sizeof *d.set);
    if (d.set == NULL)
        oom();
    push(&d.off, 0);
    push(&d.off, 0); /* state 0: dead, no items */
    for (size_t src = 0; src < b->nsrc; src++)
        push(&d.items, b->base[src]);
    push(&d.off, (uint32_t)d.items.n); /* state 1: start, kept out of the set */
    set_insert(&d, 0);

    for (uint32_t st = 0; st < nstates(&d); st++) {
        uint32_t row[CLASS_COUNT];

        for (int c = 0; c < CLASS_COUNT; c++) {
            step(b, &d, st, class_atom(m, (enum atom_class)c), &next);
            row[c] = state_of(&d, next.v, next.n);
        }
        for (int c = 0; c < CLASS_COUNT; c++)
            push(&cls, row[c]);
        /* Literals named by the state's items; others act as their class. */
        atoms.n = 0;
        for (uint32_t i = d.off.v[st]; i < d.off.v[st + 1]; i++) {
            uint32_t it = d.items.v[i];

            if (b->kind[it] == IT_LIT && b->atom[it] < m->nliterals)
                push(&atoms, b->atom[it]);
        }
        if (atoms.n > 1)
            qsort(atoms.v, atoms.n, sizeof *atoms.v, cmp_u32);
        for (size_t k = 0; k < atoms.n; k++) {
            uint32_t a = atoms.v[k];

            if (k > 0 && a == atoms.v[k - 1])
                continue;
            step(b, &d, st, a, &next);
            uint32_t to = state_of(&d, next.v, next.n);
            if (to != row[m->literal_class[a]])
                edge_put(&e, st, a, to);
        }
        if (nstates(&d) > cap) {
            ok = false;
            break;
        }
    }
    m->dfa_states = nstates(&d);
    if (ok) {
        size_t n = nstates(&d);

        m->nstates = n;
        m->next = arena_dup(b->a, cls.v, n * sizeof *m->next);
        m->acc_signal = arena_alloc(b->a, n * sizeof *m->acc_signal);
        for (uint32_t st = 0; st < n; st++) {
            push(&acc_off, (uint32_t)acc.n);
            m->acc_signal[st] = -1;
            for (uint32_t i = d.off.v[st]; i < d.off.v[st + 1]; i++) {
                uint32_t it = d.items.v[i], src = b->item_src[it];

                if (src < b->s->npatterns && (b->kind[it] == IT_END || b->kind[it] == IT_HASH) &&
                    st != 1)
                    push(&acc, src);
                else if (src >= b->s->npatterns && b->kind[it] == IT_END)
                    m->acc_signal[st] = (int32_t)(src - b->s->npatterns);
            }
            /* Items are sorted by source, so the pattern ids are too. */
        }
        push(&acc_off, (uint32_t)acc.n);
        m->acc_off = to_arena(b->a, &acc_off);
        m->acc = to_arena(b->a, &acc);
        edges_finish(b, &e);
    } else {
        free(e.t);
    }
    free(d.items.v);
    free(d.off.v);
    free(d.set);
    free(next.v);
    free(atoms.v);
    free(cls.v);
    free(acc.v);
    free(acc_off.v);
    return ok;
}

/* ---- the trie ----------------------------------------------------------- */

static void build_trie(struct builder *b)
{
    struct matcher *m = b->m;
    struct u32s plus = {0}, u32 = {0}, str = {0}, end_of = {0}, hash_of = {0};
    struct edges e = {0};
    size_t n = 2; /* 0: none, 1: root */

    for (int k = 0; k < 2; k++) {
        push(&plus, 0);
        push(&u32, 0);
        push(&str, 0);
    }
    /* Pairs (node, source) of sources ending at a node or '#' after it. */
    for (size_t src = 0; src < b->nsrc; src++) {
        const struct topic *t = src_topic(b, src);
        uint32_t node = 1;
        bool hashed = false;

        for (size_t k = 0; k < t->nlevels && !hashed; k++) {
            size_t it = b->base[src] + k;
            struct u32s *child = NULL;
            uint32_t to = 0;

            switch (b->kind[it]) {
            case IT_HASH:
                push(&hash_of, node);
                push(&hash_of, (uint32_t)src);
                hashed = true;
                continue;
            case IT_LIT:
                to = edge_put(&e, node, b->atom[it], (uint32_t)n);
                break;
            case IT_PLUS:
                child = &plus;
                break;
            case IT_U32:
                child = &u32;
                break;
            default:
                child = &str;
                break;
            }
            if (child != NULL) {
                if (child->v[node] == 0)
                    child->v[node] = (uint32_t)n;
                to = child->v[node];
            }
            if (to == n) {
                n++;
                push(&plus, 0);
                push(&u32, 0);
                push(&str, 0);
            }
            node = to;
        }
        if (!hashed) {
            push(&end_of, node);
            push(&end_of, (uint32_t)src);
        }
    }
    m->nstates = n;
    m->plus = to_arena(b->a, &plus);
    m->cap_u32 = to_arena(b->a, &u32);
    m->cap_str = to_arena(b->a, &str);
    m->acc_signal = arena_alloc(b->a, n * sizeof *m->acc_signal);
    m->acc_off = arena_alloc(b->a, (n + 1) * sizeof *m->acc_off);
    m->hash_off = arena_alloc(b->a, (n + 1) * sizeof *m->hash_off);
    m->acc = arena_alloc(b->a, (end_of.n / 2 + 1) * sizeof *m->acc);
    m->hash = arena_alloc(b->a, (hash_of.n / 2 + 1) * sizeof *m->hash);
    for (size_t i = 0; i < n; i++)
        m->acc_signal[i] = -1;
    /* Counting sort by node; sources were visited in ascending order. */
    for (size_t i = 0; i < end_of.n; i += 2)
        if (end_of.v[i + 1] < b->s->npatterns)
            m->acc_off[end_of.v[i] + 1]++;
        else
            m->acc_signal[end_of.v[i]] = (int32_t)(end_of.v[i + 1] - b->s->npatterns);
    for (size_t i = 0; i < hash_of.n; i += 2)
        m->hash_off[hash_of.v[i] + 1]++;
    for (size_t i = 0; i < n; i++) {
        m->acc_off[i + 1] += m->acc_off[i];
        m->hash_off[i + 1] += m->hash_off[i];
    }
    uint32_t *fill = calloc(n + 1, sizeof *fill);
    if (fill == NULL)
        oom();
    for (size_t i = 0; i < end_of.n; i += 2)
        if (end_of.v[i + 1] < b->s->npatterns)
            m->acc[m->acc_off[end_of.v[i]] + fill[end_of.v[i]]++] = end_of.v[i + 1];
    memset(fill, 0, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < hash_of.n; i += 2)
        m->hash[m->hash_off[hash_of.v[i]] + fill[hash_of.v[i]]++] = hash_of.v[i + 1];
    free(fill);
    edges_finish(b, &e);
    free(plus.v);
    free(u32.v);
    free(str.v);
    free(end_of.v);
    free(hash_of.v);
}

void automaton_build(struct arena *a, struct schema *s, size_t cap)
{
    struct matcher *m = arena_alloc(a, sizeof *m);
    struct builder b = {a, s, m, s->npatterns + s->nsignals, NULL, 0, NULL, NULL, NULL, NULL};
    size_t levels = 0;

    make_atoms(&b);
    for (size_t src = 0; src < b.nsrc; src++)
        levels += src_topic(&b, src)->nlevels;
    if (cap == 0) {
        cap = AUTOMATON_STATES_PER_LEVEL * levels;
        if (cap < AUTOMATON_MIN_CAP)
            cap = AUTOMATON_MIN_CAP;
        if (cap > AUTOMATON_MAX_STATES)
            cap = AUTOMATON_MAX_STATES;
    }
    m->cap = cap;
    if (!build_dfa(&b, cap)) {
        m->trie = true;
        build_trie(&b);
    }
    s->matcher = m;
}
