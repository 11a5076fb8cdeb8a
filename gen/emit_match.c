/* emit_match.c: writes the facts of the topic analysis and of the matcher
 * (automaton.h) for templates/matcher.m4, private.m4 and source.m4: scalars
 * about the matcher and its captures, one fact per atom (the lexer's rules),
 * and the numeric tables as ready-made C initializer rows, the way bison
 * hands its parser tables to its skeletons. templates/README.md lists every fact. Called by
 * emit.c; calls only facts.c. Depends on emit_match.h, facts.h, automaton.h,
 * ast.h. */
#include "emit_match.h"

#include <stdlib.h>
#include <string.h>

#include "automaton.h"
#include "facts.h"

static void oom(void)
{
    fputs("signetc: out of memory\n", stderr);
    exit(1);
}

struct table {
    int64_t *v;
    size_t n, cap;
};

static void add(struct table *t, int64_t x)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (t->v == NULL)
            oom();
    }
    t->v[t->n++] = x;
}

/* m4_define(@{sig4_matcher(KEY)}@, @{ROWS}@): the table as C initializer
 * rows; the table is emptied for the next one. */
static void put(FILE *f, const char *key, struct table *t, size_t group)
{
    fact_rows(f, t->v, t->n, group, "matcher(%s)", key);
    t->n = 0;
}

static size_t ncaptures_of(const struct signal_decl *sg)
{
    size_t n = 0;

    for (size_t k = 0; k < sg->topic.nlevels; k++)
        n += sg->topic.levels[k].kind == LV_CAPTURE;
    return n;
}

static const char *const class_names[] = {"u32", "dollar", "other", "empty"};

void emit_match_facts(FILE *f, const struct schema *s)
{
    const struct matcher *m = s->matcher;
    struct table t = {0};
    size_t i, j, k, ncap = 0, ncap_u32 = 0, maxcap = 1;

    fputs("\n# The topic matcher (automaton.c)\n", f);
    fact(f, m->trie ? "trie" : "dfa", "matcher(kind)");
    fact_num(f, (int64_t)m->cap, "matcher(cap)");
    fact_num(f, (int64_t)m->dfa_states, "matcher(dfa_states)");
    fact_num(f, (int64_t)m->nstates, "matcher(state_count)");
    fact(f, m->nstates <= UINT16_MAX + 1u ? "uint16_t" : "uint32_t", "matcher(state_type)");
    fact_num(f, (int64_t)m->nliterals, "matcher(literal_count)");
    fact(f, m->nliterals + CLASS_COUNT <= UINT16_MAX ? "uint16_t" : "uint32_t",
         "matcher(atom_type)");
    fact_num(f, (int64_t)m->nedges, "matcher(edge_count)");
    fact_num(f, (int64_t)m->table_size, "matcher(table_size)");

    for (i = 0; i < m->nliterals; i++) {
        fact_str(f, m->literal[i], "atom(%zu, text)", i);
        fact(f, class_names[m->literal_class[i]], "atom(%zu, class)", i);
        if (m->literal_class[i] == CLASS_U32)
            fact_num(f, m->literal_u32[i], "atom(%zu, value)", i);
        add(&t, m->literal_class[i]);
    }
    put(f, "literal_class", &t, 1);

    for (i = 0; i < m->table_size; i++) {
        add(&t, m->table[i].from);
        add(&t, m->table[i].atom);
        add(&t, m->table[i].to);
    }
    put(f, "edges", &t, 3);
    if (!m->trie) {
        for (i = 0; i < m->nstates; i++)
            for (k = 0; k < CLASS_COUNT; k++)
                add(&t, m->next[i][k]);
        put(f, "next", &t, CLASS_COUNT);
    } else {
        for (i = 0; i < m->nstates; i++)
            add(&t, m->plus[i]);
        put(f, "plus", &t, 1);
        for (i = 0; i < m->nstates; i++)
            add(&t, m->cap_u32[i]);
        put(f, "cap_u32", &t, 1);
        for (i = 0; i < m->nstates; i++)
            add(&t, m->cap_str[i]);
        put(f, "cap_str", &t, 1);
        for (i = 0; i <= m->nstates; i++)
            add(&t, m->hash_off[i]);
        put(f, "hash_off", &t, 1);
        for (i = 0; i < m->hash_off[m->nstates]; i++)
            add(&t, m->hash[i]);
        put(f, "hash", &t, 1);
    }
    for (i = 0; i <= m->nstates; i++)
        add(&t, m->acc_off[i]);
    put(f, "accept_off", &t, 1);
    for (i = 0; i < m->acc_off[m->nstates]; i++)
        add(&t, m->acc[i]);
    put(f, "accepted", &t, 1);
    for (i = 0; i < m->nstates; i++)
        add(&t, m->acc_signal[i]);
    put(f, "accept_signal", &t, 1);

    /* Captures: per signal, {level, parameter} in level order. */
    for (i = 0; i < s->nsignals; i++) {
        const struct topic *tp = &s->signals[i]->topic;
        size_t n = 0;

        add(&t, (int64_t)ncap);
        for (k = 0; k < tp->nlevels; k++)
            n += tp->levels[k].kind == LV_CAPTURE;
        fact_num(f, (int64_t)n, "signal(%zu, capture_count)", i);
        ncap += n;
        if (n > maxcap)
            maxcap = n;
    }
    add(&t, (int64_t)ncap);
    put(f, "capture_off", &t, 1);
    for (i = 0; i < s->nsignals; i++)
        add(&t, ncaptures_of(s->signals[i]) > 0);
    put(f, "has_captures", &t, 1);
    for (i = 0; i < s->nsignals; i++) {
        const struct topic *tp = &s->signals[i]->topic;

        for (k = 0; k < tp->nlevels; k++)
            if (tp->levels[k].kind == LV_CAPTURE) {
                add(&t, (int64_t)k);
                add(&t, (int64_t)tp->levels[k].param);
                if (s->signals[i]->params[tp->levels[k].param].type.kind == TY_U32)
                    ncap_u32++;
            }
    }
    put(f, "captures", &t, 2);
    fact_num(f, (int64_t)ncap, "matcher(capture_count)");
    fact_num(f, (int64_t)ncap_u32, "matcher(capture_u32_count)");
    fact_num(f, (int64_t)(ncap - ncap_u32), "matcher(capture_str_count)");
    fact_num(f, (int64_t)maxcap, "matcher(capture_max)");

    /* Build-time pattern sets of the signals without captures. */
    size_t total = 0;
    for (i = 0; i < s->nsignals; i++) {
        add(&t, (int64_t)total);
        total += s->signals[i]->npatterns;
    }
    add(&t, (int64_t)total);
    put(f, "signal_pattern_off", &t, 1);
    for (i = 0; i < s->nsignals; i++)
        for (j = 0; j < s->signals[i]->npatterns; j++)
            add(&t, (int64_t)s->signals[i]->patterns[j]);
    put(f, "signal_patterns", &t, 1);
    fact_num(f, (int64_t)total, "matcher(signal_pattern_count)");

    /* Per pattern: the signals it can match and its receiver type. */
    total = 0;
    for (i = 0; i < s->npatterns; i++) {
        const struct pattern_decl *p = s->patterns[i];

        fact_num(f, (int64_t)p->nsignals, "pattern(%zu, signal_count)", i);
        fact_num(f, (int64_t)total, "pattern(%zu, signal_off)", i);
        fact_num(f, p->typed_as, "pattern(%zu, typed_as)", i);
        total += p->nsignals;
        for (j = 0; j < p->nsignals; j++)
            add(&t, (int64_t)p->signals[j]);
    }
    put(f, "pattern_signals", &t, 1);
    fact_num(f, (int64_t)total, "matcher(pattern_signal_count)");

    /* The runtime's links (signet_signal_info.links): per signal the
     * patterns that can match it (for a signal without captures, those that
     * do), then per pattern the signals it can match. */
    total = 0;
    size_t matched = 0;
    for (i = 0; i < s->nsignals; i++) {
        size_t n = 0;

        fact_num(f, (int64_t)total, "signal(%zu, link_off)", i);
        for (j = 0; j < s->npatterns; j++)
            for (k = 0; k < s->patterns[j]->nsignals; k++)
                if (s->patterns[j]->signals[k] == i) {
                    add(&t, (int64_t)j);
                    n++;
                }
        fact_num(f, (int64_t)n, "signal(%zu, link_count)", i);
        total += n;
        matched += n > 0 && ncaptures_of(s->signals[i]) > 0;
    }
    for (i = 0; i < s->npatterns; i++) {
        fact_num(f, (int64_t)total, "pattern(%zu, link_off)", i);
        for (j = 0; j < s->patterns[i]->nsignals; j++)
            add(&t, (int64_t)s->patterns[i]->signals[j]);
        total += s->patterns[i]->nsignals;
    }
    put(f, "links", &t, 1);
    fact_num(f, (int64_t)total, "matcher(link_count)");
    fact_num(f, (int64_t)matched, "matcher(matched_signal_count)");
    free(t.v);
}
