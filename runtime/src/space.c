/* space.c: one topic space per bus (space.h). Refuses a schema whose
 * signal topics overlap those of a schema already on the bus (a level-by-
 * level comparison of two templates, with the example topic both match),
 * builds each schema's reach (the patterns of other schemas, schema and
 * run-time, that can match each of its signals), publishes it and keeps
 * the signals' pattern counts in step with it. Uses the structures of
 * sigstate.h (it calls nothing of state.c), topic.c to match filters against
 * templates and rcu.c to retire replaced reaches.
 */
#include "space.h"

#include "topic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One level of a topic template: its text, and whether it is a capture. */
struct level {
    const char *s;
    size_t n;
    bool capture;
};

/* Level *at of template t, advancing *at past it; false after the last. */
static bool next_level(const char **at, struct level *l)
{
    const char *p = *at;

    if (!p)
        return false;
    const char *slash = strchr(p, '/');
    l->s = p;
    l->n = slash ? (size_t)(slash - p) : strlen(p);
    l->capture = l->n >= 2 && p[0] == '{' && p[l->n - 1] == '}';
    *at = slash ? slash + 1 : NULL;
    return true;
}

/* Is capture level l of sig a u32 (else a str)? */
static bool captures_u32(const signet_signal_info *sig, const struct level *l)
{
    const signet_struct_info *p = sig->payload;

    for (uint32_t i = 0; p && i < p->field_count; i++)
        if (strncmp(p->fields[i].name, l->s + 1, l->n - 2) == 0 &&
            p->fields[i].name[l->n - 2] == '\0')
            return p->fields[i].type == SIGNET_TYPE_U32;
    return false;
}

/* Is s[0, n) a canonical u32 level: 0..4294967295, no sign, no leading 0? */
static bool canonical_u32(const char *s, size_t n)
{
    uint64_t v = 0;

    if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v <= UINT32_MAX;
}

/* Can signals a and b have one concrete topic? If so, writes one to ex (a
 * literal level where either has one, else "0" when either captures a
 * u32, else "x"). Templates hold at most SIGNET_TOPIC_MAX_BYTES bytes, and
 * an example is never longer than the shorter of the two. */
static bool templates_overlap(const signet_signal_info *a, const signet_signal_info *b,
                              char ex[SIGNET_TOPIC_MAX_BYTES + 1])
{
    const char *pa = a->topic, *pb = b->topic;
    struct level la, lb;
    size_t len = 0;

    for (;;) {
        bool more_a = next_level(&pa, &la), more_b = next_level(&pb, &lb);
        if (!more_a || !more_b) {
            ex[len] = '\0';
            return more_a == more_b;
        }
        const char *s;
        size_t n;
        if (!la.capture && !lb.capture) {
            if (la.n != lb.n || memcmp(la.s, lb.s, la.n) != 0)
                return false;
            s = la.s, n = la.n;
        } else if (la.capture && lb.capture) {
            s = captures_u32(a, &la) || captures_u32(b, &lb) ? "0" : "x", n = 1;
        } else {
            const struct level *lit = la.capture ? &lb : &la, *cap = la.capture ? &la : &lb;
            if (captures_u32(la.capture ? a : b, cap) && !canonical_u32(lit->s, lit->n))
                return false;
            s = lit->s, n = lit->n;
        }
        if (len + n + 1 > SIGNET_TOPIC_MAX_BYTES)
            return false; /* cannot happen for checked templates */
        if (len)
            ex[len++] = '/';
        memcpy(ex + len, s, n);
        len += n;
    }
}

static char *overlap_message(const signet_signal_info *mine, const signet_signal_info *theirs,
                             const char *example)
{
    static const char fmt[] = "schema '%s' (%s) refused on the bus: topic \"%s\" of signal "
                              "'%s.%s' overlaps topic \"%s\" of signal '%s.%s': both match \"%s\"";
    const signet_schema_info *sm = mine->schema, *st = theirs->schema;
    int n = snprintf(NULL, 0, fmt, sm->ns, sm->source, mine->topic, sm->ns, mine->name,
                     theirs->topic, st->ns, theirs->name, example);
    char *msg = n < 0 ? NULL : malloc((size_t)n + 1);

    if (msg)
        snprintf(msg, (size_t)n + 1, fmt, sm->ns, sm->source, mine->topic, sm->ns, mine->name,
                 theirs->topic, st->ns, theirs->name, example);
    return msg;
}

int signet__space_check(const struct schemas *sc, const signet_schema_info *schema, char **msg)
{
    char example[SIGNET_TOPIC_MAX_BYTES + 1];

    for (uint32_t i = 0; sc && i < sc->n; i++) {
        const signet_schema_info *other = sc->e[i].schema;
        for (uint32_t a = 0; a < schema->signal_count; a++) {
            for (uint32_t b = 0; b < other->signal_count; b++) {
                if (templates_overlap(&schema->signals[a], &other->signals[b], example)) {
                    *msg = overlap_message(&schema->signals[a], &other->signals[b], example);
                    return SIGNET_EOVERLAP;
                }
            }
        }
    }
    return 0;
}

static bool same_layout(const signet_struct_info *a, const signet_struct_info *b);

static bool same_field(const signet_field_info *a, const signet_field_info *b)
{
    if (strcmp(a->name, b->name) != 0 || a->type != b->type || a->offset != b->offset ||
        a->size != b->size || a->array_len != b->array_len)
        return false;
    if (a->type == SIGNET_TYPE_STRUCT)
        return same_layout(a->struct_info, b->struct_info);
    if (a->type == SIGNET_TYPE_ENUM)
        return a->enum_info == b->enum_info ||
               (a->enum_info->count == b->enum_info->count &&
                memcmp(a->enum_info->values, b->enum_info->values,
                       a->enum_info->count * sizeof a->enum_info->values[0]) == 0);
    return true;
}

/* Do two payloads have the same parameters, so that a receiver typed for
 * one reads the other correctly? */
static bool same_layout(const signet_struct_info *a, const signet_struct_info *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->size != b->size || a->field_count != b->field_count)
        return false;
    for (uint32_t i = 0; i < a->field_count; i++)
        if (!same_field(&a->fields[i], &b->fields[i]))
            return false;
    return true;
}

/* Does pattern p of another schema reach signal sig? Its filter must match
 * some topic of sig; a typed pattern's subscribers take only payloads of
 * their type. */
static bool reaches(const signet_signal_info *p, const signet_signal_info *sig)
{
    return signet__filter_may_match(p->topic, sig->topic) &&
           (p->invoke == signet_invoke_generic || same_layout(p->payload, sig->payload));
}

/* Calls fn on each pattern state of the schemas of sc other than entry
 * self that reaches signal sig, in reach order. */
static void each_reaching(const struct schemas *sc, uint32_t self, const signet_signal_info *sig,
                          void (*fn)(struct sigstate *, void *), void *arg)
{
    for (uint32_t i = 0; i < sc->n; i++) {
        if (i == self)
            continue;
        const struct schema_entry *o = &sc->e[i];
        for (uint32_t p = 0; p < o->schema->pattern_count; p++) {
            struct sigstate *ps = &o->sigs[o->schema->signal_count + p];
            if (reaches(ps->info, sig))
                fn(ps, arg);
        }
        uint32_t nrt = atomic_load_explicit(&o->rt->n, memory_order_relaxed);
        for (uint32_t k = 0; k < nrt; k++)
            if (reaches(&o->rt->p[k]->info, sig))
                fn(&o->rt->p[k]->ss, arg);
    }
}

struct fill {
    struct sigstate **v;
    uint32_t n;
};

static void count_one(struct sigstate *ps, void *arg)
{
    (void)ps;
    ((struct fill *)arg)->n++;
}

static void put_one(struct sigstate *ps, void *arg)
{
    struct fill *f = arg;

    f->v[f->n++] = ps;
}

/* Entry self's new reach, or NULL (with *err) when memory ran out; NULL
 * without an error when it reaches nothing. */
static struct reach *build_reach(const struct schemas *sc, uint32_t self, int *err)
{
    const signet_schema_info *schema = sc->e[self].schema;
    uint32_t ns = schema->signal_count;
    struct fill f = {NULL, 0};

    for (uint32_t k = 0; k < ns; k++)
        each_reaching(sc, self, &schema->signals[k], count_one, &f);
    if (f.n == 0)
        return NULL;
    size_t head = offsetof(struct reach, first) + (ns + 1) * sizeof(uint32_t);
    head = (head + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
    size_t size = head + f.n * sizeof(struct sigstate *);
    struct reach *r = malloc(size);
    if (!r) {
        *err = SIGNET_ENOMEM;
        return NULL;
    }
    r->retired = (struct signet__retired){NULL, 0, size};
    r->v = (struct sigstate **)(void *)((char *)r + head);
    f = (struct fill){r->v, 0};
    for (uint32_t k = 0; k < ns; k++) {
        r->first[k] = f.n;
        each_reaching(sc, self, &schema->signals[k], put_one, &f);
    }
    r->first[ns] = f.n;
    return r;
}

/* How many patterns of signal k's part of r are active. */
static uint32_t active_in(const struct reach *r, uint32_t k)
{
    uint32_t n = 0;

    for (uint32_t i = r ? r->first[k] : 0, end = r ? r->first[k + 1] : 0; i < end; i++)
        n += atomic_load_explicit(&r->v[i]->active_patterns, memory_order_relaxed) != 0;
    return n;
}

int signet__space_link(signet_bus *bus, const struct schemas *sc, bool *counted)
{
    *counted = false;
    if (!sc || sc->n < 2)
        return 0;
    struct reach **built = calloc(sc->n, sizeof *built);
    int err = 0;
    if (!built)
        return SIGNET_ENOMEM;
    for (uint32_t i = 0; i < sc->n && !err; i++)
        built[i] = build_reach(sc, i, &err);
    if (err) {
        for (uint32_t i = 0; i < sc->n; i++)
            free(built[i]);
        free(built);
        return err;
    }
    uint64_t tag = signet__rcu_advance();
    for (uint32_t i = 0; i < sc->n; i++) {
        const struct schema_entry *e = &sc->e[i];
        struct reach *old = atomic_load_explicit(&e->rt->reach, memory_order_relaxed);
        /* The reach first, then the counts: an emission that sees a count
         * sees the pattern it counts. Reaches only grow. */
        atomic_store_explicit(&e->rt->reach, built[i], memory_order_seq_cst);
        for (uint32_t k = 0; k < e->schema->signal_count; k++) {
            uint32_t was = active_in(old, k), now = active_in(built[i], k);
            if (now != was) {
                atomic_fetch_add_explicit(&e->sigs[k].active_patterns, now - was,
                                          memory_order_seq_cst);
                *counted = true;
            }
        }
        if (old)
            signet__retire(&bus->retired, &old->retired, tag);
    }
    free(built);
    return 0;
}

/* A walk over the states of other schemas' signals that a pattern
 * reaches (their schema's reach names it): start zeroed. */
struct reached {
    uint32_t i, k, j; /* schema entry, signal, place in the reach */
};

/* The next state that pattern ps reaches in sc, or NULL at the end. */
static struct sigstate *next_reached(const struct schemas *sc, const struct sigstate *ps,
                                     struct reached *c)
{
    for (; sc && sc->n > 1 && c->i < sc->n; c->i++, c->k = 0, c->j = 0) {
        const struct schema_entry *e = &sc->e[c->i];
        const struct reach *r = atomic_load_explicit(&e->rt->reach, memory_order_relaxed);
        for (; r && c->k < e->schema->signal_count; c->k++, c->j = 0) {
            if (c->j < r->first[c->k])
                c->j = r->first[c->k];
            while (c->j < r->first[c->k + 1])
                if (r->v[c->j++] == ps)
                    return &e->sigs[c->k];
        }
    }
    return NULL;
}

bool signet__space_count(signet_bus *bus, const struct sigstate *ps, bool active)
{
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    struct reached c = {0, 0, 0};
    bool any = false;

    for (struct sigstate *ss; (ss = next_reached(sc, ps, &c)) != NULL; any = true) {
        if (active)
            atomic_fetch_add_explicit(&ss->active_patterns, 1, memory_order_seq_cst);
        else
            atomic_fetch_sub_explicit(&ss->active_patterns, 1, memory_order_seq_cst);
    }
    return any;
}

size_t signet__space_reached_by(signet_bus *bus, const struct sigstate *ps,
                                struct sigstate ***out)
{
    size_t n = 0, cap = 0;
    struct reached c = {0, 0, 0};

    *out = NULL;
    pthread_mutex_lock(&bus->lock);
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    for (struct sigstate *ss; (ss = next_reached(sc, ps, &c)) != NULL;) {
        if (n == cap) {
            size_t grown = cap ? cap * 2 : 8;
            struct sigstate **v = realloc(*out, grown * sizeof *v);
            if (!v) {
                pthread_mutex_unlock(&bus->lock);
                free(*out);
                *out = NULL;
                return 0;
            }
            *out = v;
            cap = grown;
        }
        (*out)[n++] = ss;
    }
    pthread_mutex_unlock(&bus->lock);
    return n;
}

bool signet__space_may_match(signet_bus *bus, const signet_schema_info *schema,
                             const char *filter)
{
    for (uint32_t i = 0; i < schema->signal_count; i++)
        if (signet__filter_may_match(filter, schema->signals[i].topic))
            return true;
    bool found = false;
    pthread_mutex_lock(&bus->lock);
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    for (uint32_t i = 0; sc && i < sc->n && !found; i++)
        for (uint32_t k = 0; k < sc->e[i].schema->signal_count && !found; k++)
            found = signet__filter_may_match(filter, sc->e[i].schema->signals[k].topic);
    pthread_mutex_unlock(&bus->lock);
    return found;
}
