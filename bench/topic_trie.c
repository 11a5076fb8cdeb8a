/* topic_trie.c: see topic_trie.h.
 *
 * Nodes live in one array; node 0 is the root. A node's literal children
 * are found through one hash table of edges keyed by (parent node, level
 * text), so a step costs one hash of the level and one probe, as in a trie
 * with a hash map per node. '+' and '#' children are direct links. The
 * filters ending at a node form a list threaded through `entries`. */
#include "topic_trie.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LEVELS = 64 };

struct node {
    uint32_t plus;   /* child for '+', 0: none */
    uint32_t hash;   /* child for '#', 0: none */
    uint32_t first;  /* first entry of the filters ending here, 0: none */
};

struct entry {
    uint32_t id;
    uint32_t next;
};

struct edge {
    uint64_t key;    /* hash of (parent, text); 0: free slot */
    uint32_t parent;
    uint32_t child;
    uint32_t text;   /* offset in the text arena */
    uint32_t len;
};

struct topic_trie {
    struct node *nodes;
    size_t nnodes, node_cap;
    struct entry *entries;  /* entry 0 is unused, so 0 can mean "none" */
    size_t nentries, entry_cap;
    struct edge *edges;     /* open addressing, linear probing */
    size_t nedges, edge_cap;  /* edge_cap: a power of two */
    char *text;
    size_t ntext, text_cap;
};

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static uint64_t hash_level(uint32_t parent, const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u ^ ((uint64_t)parent * 0x9e3779b97f4a7c15u);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h | 1;  /* never 0, which marks a free slot */
}

static uint32_t find_child(const topic_trie *t, uint32_t parent, const char *s, size_t len)
{
    uint64_t key = hash_level(parent, s, len);
    size_t mask = t->edge_cap - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
        const struct edge *e = &t->edges[i];
        if (e->key == 0)
            return 0;
        if (e->key == key && e->parent == parent && e->len == len &&
            memcmp(t->text + e->text, s, len) == 0)
            return e->child;
    }
}

static uint32_t new_node(topic_trie *t)
{
    if (!grow((void **)&t->nodes, &t->node_cap, t->nnodes + 1, sizeof *t->nodes))
        return 0;
    t->nodes[t->nnodes] = (struct node){0, 0, 0};
    return (uint32_t)t->nnodes++;
}

static bool put_edge(struct edge *edges, size_t cap, const struct edge *e)
{
    size_t mask = cap - 1;
    for (size_t i = e->key & mask;; i = (i + 1) & mask) {
        if (edges[i].key == 0) {
            edges[i] = *e;
            return true;
        }
    }
}

/* The literal child of `parent` named s[0..len), created if missing. */
static uint32_t add_child(topic_trie *t, uint32_t parent, const char *s, size_t len)
{
    uint32_t child = find_child(t, parent, s, len);
    if (child)
        return child;
    if ((t->nedges + 1) * 2 > t->edge_cap) {  /* keep the load under 1/2 */
        size_t cap = t->edge_cap * 2;
        struct edge *edges = calloc(cap, sizeof *edges);
        if (!edges)
            return 0;
        for (size_t i = 0; i < t->edge_cap; i++)
            if (t->edges[i].key)
                put_edge(edges, cap, &t->edges[i]);
        free(t->edges);
        t->edges = edges;
        t->edge_cap = cap;
    }
    if (!grow((void **)&t->text, &t->text_cap, t->ntext + len + 1, 1))
        return 0;
    child = new_node(t);
    if (!child)
        return 0;
    memcpy(t->text + t->ntext, s, len);
    struct edge e = {hash_level(parent, s, len), parent, child, (uint32_t)t->ntext,
                     (uint32_t)len};
    t->ntext += len;
    put_edge(t->edges, t->edge_cap, &e);
    t->nedges++;
    return child;
}

topic_trie *topic_trie_create(void)
{
    topic_trie *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->edge_cap = 64;
    t->edges = calloc(t->edge_cap, sizeof *t->edges);
    t->nentries = 1;
    if (!t->edges || new_node(t) != 0 ||
        !grow((void **)&t->entries, &t->entry_cap, 1, sizeof *t->entries)) {
        topic_trie_destroy(t);
        return NULL;
    }
    return t;
}

void topic_trie_destroy(topic_trie *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->entries);
    free(t->edges);
    free(t->text);
    free(t);
}

int topic_trie_insert(topic_trie *t, const char *filter, uint32_t id)
{
    uint32_t n = 0;
    for (const char *f = filter;;) {
        const char *end = strchr(f, '/');
        size_t len = end ? (size_t)(end - f) : strlen(f);
        uint32_t *link = NULL;
        if (len == 1 && f[0] == '+')
            link = &t->nodes[n].plus;
        else if (len == 1 && f[0] == '#')
            link = &t->nodes[n].hash;
        uint32_t next = link ? *link : add_child(t, n, f, len);
        if (link && !next) {
            next = new_node(t);
            link = len == 1 && f[0] == '+' ? &t->nodes[n].plus : &t->nodes[n].hash;
            *link = next;  /* new_node may have moved the array */
        }
        if (!next)
            return -1;
        n = next;
        if (!end)
            break;
        f = end + 1;
    }
    if (!grow((void **)&t->entries, &t->entry_cap, t->nentries + 1, sizeof *t->entries))
        return -1;
    t->entries[t->nentries] = (struct entry){id, t->nodes[n].first};
    t->nodes[n].first = (uint32_t)t->nentries++;
    return 0;
}

struct walk {
    const topic_trie *t;
    const char *level[MAX_LEVELS];
    size_t len[MAX_LEVELS];
    size_t nlevels;
    uint32_t *ids;
    size_t max;
    int found;
};

static void collect(struct walk *w, uint32_t node)
{
    for (uint32_t e = w->t->nodes[node].first; e; e = w->t->entries[e].next) {
        if ((size_t)w->found < w->max)
            w->ids[w->found] = w->t->entries[e].id;
        w->found++;
    }
}

/* Node `node` has matched levels [0, i): follow level i down every branch
 * that accepts it. */
static void walk(struct walk *w, uint32_t node, size_t i)
{
    const struct node *nd = &w->t->nodes[node];
    bool guarded = i == 0 && w->len[0] > 0 && w->level[0][0] == '$';
    if (nd->hash && !guarded)  /* '#' takes the rest, including no level */
        collect(w, nd->hash);
    if (i == w->nlevels) {
        collect(w, node);
        return;
    }
    if (nd->plus && !guarded)
        walk(w, nd->plus, i + 1);
    uint32_t child = find_child(w->t, node, w->level[i], w->len[i]);
    if (child)
        walk(w, child, i + 1);
}

int topic_trie_match(const topic_trie *t, const char *topic, size_t len, uint32_t *ids,
                     size_t max)
{
    struct walk w = {.t = t, .ids = ids, .max = max};
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && topic[i] != '/')
            continue;
        if (w.nlevels == MAX_LEVELS)
            return -1;
        w.level[w.nlevels] = topic + start;
        w.len[w.nlevels++] = i - start;
        start = i + 1;
    }
    walk(&w, 0, 0);
    return w.found;
}
