/* topic.c: topics and patterns in the checking stage (docs/design.md,
 * "Topics and matching"; the MQTT 3.1.1/5.0 section 4.7 rules).
 * topic_split() validates a topic or pattern and splits it into levels,
 * resolving {param} captures of signal topics. topic_check_overlaps()
 * builds a trie of the signal topic templates (one level per edge: literal
 * children in a hash map, plus one child for str captures and one for u32
 * captures) and reports each signal whose template can match a concrete
 * topic an earlier signal's can; walks visit each trie node at most once
 * per query, recursion depth is bounded by SIGNET_TOPIC_MAX_LEVELS.
 * topic_warn_unmatched() warns about the patterns to which the topic
 * analysis (automaton.c, which holds the generator's one pattern matching
 * rule) gave no signal. A capture that names no parameter gets a "did you
 * mean" among the signal's parameters (suggest.h). Depends on topic.h,
 * ast.h, diag.h, strmap.h, suggest.h, arena.h and runtime/include/signet.h
 * (the topic limits). */
#include "topic.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <signet.h>

#include "diag.h"
#include "strmap.h"
#include "suggest.h"

/* Source location of decoded byte `off` of an explicit topic, and the
 * source length of the `n` decoded bytes from there (escapes take two). */
static struct loc text_loc(const struct topic *t, size_t off, size_t n, size_t *len)
{
    struct loc loc = t->loc;
    size_t linelen;
    const char *line = diag_line(loc.line, &linelen);
    if (!line || loc.col > linelen) {
        *len = n;
        return loc;
    }
    const char *raw = line + loc.col;  /* just after the opening quote */
    const char *end = line + linelen;
    size_t r = 0;
    for (size_t d = 0; d < off && raw + r < end; d++)
        r += raw[r] == '\\' ? 2 : 1;
    size_t r2 = r;
    for (size_t d = 0; d < n && raw + r2 < end; d++)
        r2 += raw[r2] == '\\' ? 2 : 1;
    loc.col += (uint32_t)(1 + r);
    *len = r2 - r;
    return loc;
}

/* Source length of a whole topic (with its quotes) for underlining. */
static size_t topic_span(const struct topic *t, bool explicit_)
{
    if (!explicit_)
        return strlen(t->text);
    size_t len;
    text_loc(t, 0, strlen(t->text), &len);
    return len + 2;
}

DIAG_PRINTF(4, 5)
static void level_error(const struct topic *t, size_t off, size_t n, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len;
    struct loc loc = text_loc(t, off, n, &len);
    diag_error(loc, len, "%s", msg);
}

static const char *type_text(struct arena *a, const struct field *f)
{
    if (f->array_len)
        return arena_printf(a, "%s[%u]", f->type.name, (unsigned)f->array_len);
    return f->type.name;
}

bool topic_split(struct arena *a, struct topic *t, const struct signal_decl *sig)
{
    const char *what = sig ? "topic" : "pattern";
    const char *text = t->text;
    size_t n = strlen(text);
    if (n == 0) {
        diag_error(t->loc, 2, "empty %s; a %s needs at least one level", what, what);
        return false;
    }
    if (n > SIGNET_TOPIC_MAX_BYTES) {
        diag_error(t->loc, 1, "%s is %zu bytes long; at most %d are allowed", what, n,
                   SIGNET_TOPIC_MAX_BYTES);
        return false;
    }
    size_t nlevels = 1;
    for (size_t i = 0; i < n; i++)
        nlevels += text[i] == '/';
    if (nlevels > SIGNET_TOPIC_MAX_LEVELS) {
        diag_error(t->loc, topic_span(t, true), "%s has %zu levels; at most %d are allowed", what,
                   nlevels, SIGNET_TOPIC_MAX_LEVELS);
        return false;
    }
    struct level *lv = arena_alloc(a, nlevels * sizeof *lv);
    size_t *captured_at = NULL;  /* per parameter: 1 + offset of its capture */
    if (sig && sig->nparams)
        captured_at = arena_alloc(a, sig->nparams * sizeof *captured_at);
    bool ok = true;
    size_t b = 0;
    for (size_t k = 0; k < nlevels; k++) {
        size_t e = b;
        while (e < n && text[e] != '/')
            e++;
        const char *s = text + b;
        size_t len = e - b;
        const char *plus = memchr(s, '+', len), *hash = memchr(s, '#', len);
        const char *lb = memchr(s, '{', len), *rb = memchr(s, '}', len);
        lv[k].kind = LV_LITERAL;
        if (sig && (plus || hash)) {
            const char *w = plus && (!hash || plus < hash) ? plus : hash;
            level_error(t, (size_t)(w - text), 1,
                        "wildcard '%s' in the topic of signal '%s'; signal topics are concrete "
                        "(use a {parameter} capture for a variable level)",
                        w == plus ? "+" : "#", sig->name);
            ok = false;
        } else if (!sig && len == 1 && (*s == '+' || *s == '#')) {
            lv[k].kind = *s == '+' ? LV_PLUS : LV_HASH;
            if (*s == '#' && k + 1 < nlevels) {
                level_error(t, b, 1, "'#' must be the last level of a pattern");
                ok = false;
            }
        } else if (plus || hash) {
            const char *w = plus && (!hash || plus < hash) ? plus : hash;
            level_error(t, (size_t)(w - text), 1, "'%s' must fill a whole topic level",
                        w == plus ? "+" : "#");
            ok = false;
        } else if (lb || rb) {
            const char *close = lb ? memchr(lb, '}', len - (size_t)(lb - s)) : NULL;
            if (!lb || !close) {
                level_error(t, (size_t)((lb ? lb : rb) - text), 1,
                            "unbalanced '%s' in %s; braces only delimit {parameter} captures",
                            lb ? "{" : "}", what);
                ok = false;
            } else if (!sig) {
                char *cap = arena_strndup(a, lb, (size_t)(close - lb) + 1);
                level_error(t, (size_t)(lb - text), strlen(cap),
                            "capture '%s' in a %s; captures belong in signal topics", cap, what);
                ok = false;
            } else if (lb != s || close != s + len - 1) {
                char *cap = arena_strndup(a, lb, (size_t)(close - lb) + 1);
                level_error(t, (size_t)(lb - text), strlen(cap),
                            "capture '%s' must fill a whole topic level", cap);
                ok = false;
            } else if (memchr(s + 1, '{', len - 1) || memchr(s, '}', len - 1)) {
                level_error(t, b, len, "malformed capture '%.*s'", (int)len, s);
                ok = false;
            } else {
                char *name = arena_strndup(a, s + 1, len - 2);
                size_t pi = 0;
                while (pi < sig->nparams && strcmp(sig->params[pi].name, name) != 0)
                    pi++;
                if (len == 2) {
                    level_error(t, b, len, "empty capture '{}'");
                    ok = false;
                } else if (pi == sig->nparams) {
                    struct suggest sg;
                    suggest_init(&sg, name);
                    for (size_t k = 0; k < sig->nparams; k++)
                        suggest_add(&sg, sig->params[k].name);
                    if (suggest_best(&sg))
                        level_error(t, b, len,
                                    "capture '{%s}' names no parameter of signal '%s'; did you "
                                    "mean '%s'?",
                                    name, sig->name, suggest_best(&sg));
                    else
                        level_error(t, b, len, "capture '{%s}' names no parameter of signal '%s'",
                                    name, sig->name);
                    ok = false;
                } else if (captured_at[pi]) {
                    level_error(t, b, len, "parameter '%s' is captured twice in the topic",
                                name);
                    size_t flen;
                    struct loc first = text_loc(t, captured_at[pi] - 1, len, &flen);
                    diag_note(first, flen, "first capture of '%s' is here", name);
                    ok = false;
                } else {
                    const struct field *f = &sig->params[pi];
                    captured_at[pi] = b + 1;
                    lv[k].kind = LV_CAPTURE;
                    lv[k].text = f->name;
                    lv[k].param = pi;
                    if (f->type.kind != TY_UNRESOLVED &&
                        (f->array_len || (f->type.kind != TY_STR && f->type.kind != TY_U32))) {
                        level_error(t, b, len, "parameter '%s' of type '%s' cannot be a topic level",
                                    name, type_text(a, f));
                        diag_note(f->type.loc, strlen(f->type.name),
                                  "only 'str' and 'u32' parameters can be captured");
                        ok = false;
                    } else if (f->type.kind == TY_UNRESOLVED) {
                        ok = false; /* its unknown type is reported already */
                    }
                }
            }
        }
        if (lv[k].kind == LV_LITERAL)
            lv[k].text = arena_strndup(a, s, len);
        b = e + 1;
    }
    t->nlevels = nlevels;
    t->levels = lv;
    return ok;
}

/* ---- the template trie ------------------------------------------------ */

struct topic_trie *topic_trie_new(struct arena *a)
{
    struct topic_trie *n = arena_alloc(a, sizeof *n);
    strmap_init(&n->lit, a);
    n->cap_str = n->cap_u32 = NULL;
    n->term = -1;
    return n;
}

bool topic_level_is_u32(const char *t, uint32_t *value)
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

bool topic_capture_is_u32(const struct signal_decl *sg, const struct level *l)
{
    return sg->params[l->param].type.kind == TY_U32;
}

struct ov_query {
    const struct signal_decl *sig;
    long best;
};

static void ov_walk(const struct topic_trie *n, struct ov_query *q, size_t i)
{
    const struct topic *t = &q->sig->topic;
    if (i == t->nlevels) {
        if (n->term >= 0 && (q->best < 0 || n->term < q->best))
            q->best = n->term;
        return;
    }
    const struct level *l = &t->levels[i];
    if (l->kind == LV_LITERAL) {
        const struct topic_trie *c = strmap_get(&n->lit, l->text);
        if (c)
            ov_walk(c, q, i + 1);
        if (n->cap_u32 && topic_level_is_u32(l->text, NULL))
            ov_walk(n->cap_u32, q, i + 1);
    } else {
        bool u32 = topic_capture_is_u32(q->sig, l);
        for (size_t k = 0; k < n->lit.cap; k++)
            if (n->lit.keys[k] && (!u32 || topic_level_is_u32(n->lit.keys[k], NULL)))
                ov_walk(n->lit.vals[k], q, i + 1);
        if (n->cap_u32)
            ov_walk(n->cap_u32, q, i + 1);
    }
    if (n->cap_str)
        ov_walk(n->cap_str, q, i + 1);
}

void topic_trie_insert(struct arena *a, struct topic_trie *root, const struct signal_decl *sg,
                       long idx)
{
    struct topic_trie *n = root;
    for (size_t i = 0; i < sg->topic.nlevels; i++) {
        const struct level *l = &sg->topic.levels[i];
        struct topic_trie **slot;
        if (l->kind == LV_LITERAL) {
            struct topic_trie *c = strmap_get(&n->lit, l->text);
            if (!c)
                c = strmap_put(&n->lit, l->text, topic_trie_new(a));
            n = c;
            continue;
        }
        slot = topic_capture_is_u32(sg, l) ? &n->cap_u32 : &n->cap_str;
        if (!*slot)
            *slot = topic_trie_new(a);
        n = *slot;
    }
    if (n->term < 0)
        n->term = idx;
}

/* Level i of a concrete topic both templates x and y match. */
static const char *witness_level(const struct signal_decl *x, const struct signal_decl *y,
                                 size_t i)
{
    const struct level *lx = &x->topic.levels[i], *ly = &y->topic.levels[i];

    if (lx->kind == LV_LITERAL)
        return lx->text;
    if (ly->kind == LV_LITERAL)
        return ly->text;
    return topic_capture_is_u32(x, lx) || topic_capture_is_u32(y, ly) ? "0" : "x";
}

/* A concrete topic both templates match (they have the same level count). */
static const char *witness(struct arena *a, const struct signal_decl *x,
                           const struct signal_decl *y)
{
    size_t n = 0;
    for (size_t i = 0; i < x->topic.nlevels; i++)
        n += strlen(witness_level(x, y, i)) + 1;
    char *buf = arena_alloc(a, n + 1), *p = buf;
    for (size_t i = 0; i < x->topic.nlevels; i++) {
        const char *s = witness_level(x, y, i);
        if (i)
            *p++ = '/';
        size_t k = strlen(s);
        memcpy(p, s, k);
        p += k;
    }
    *p = '\0';
    return buf;
}

void topic_check_overlaps(struct arena *a, const struct schema *s, const bool *topic_ok)
{
    struct topic_trie *root = topic_trie_new(a);
    for (size_t i = 0; i < s->nsignals; i++) {
        const struct signal_decl *sg = s->signals[i];
        if (!topic_ok[i])
            continue;
        struct ov_query q = {sg, -1};
        ov_walk(root, &q, 0);
        if (q.best >= 0) {
            const struct signal_decl *first = s->signals[q.best];
            diag_error(sg->topic.loc, topic_span(&sg->topic, sg->topic_explicit),
                       "topic \"%s\" of signal '%s' overlaps topic \"%s\" of signal '%s': both "
                       "match \"%s\"",
                       sg->topic.text, sg->name, first->topic.text, first->name,
                       witness(a, sg, first));
            diag_note(first->topic.loc, topic_span(&first->topic, first->topic_explicit),
                      "topic of signal '%s' is here", first->name);
        }
        topic_trie_insert(a, root, sg, (long)i);
    }
}

void topic_warn_unmatched(const struct schema *s)
{
    for (size_t i = 0; i < s->npatterns; i++) {
        const struct pattern_decl *p = s->patterns[i];
        if (p->nsignals == 0)
            diag_warning(W_UNMATCHED_PATTERN, p->topic.loc, topic_span(&p->topic, true),
                         "pattern '%s' matches no signal topic", p->name);
    }
}
