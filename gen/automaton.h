/* automaton.h: the topic analysis and matcher construction of signetc
 * (automaton.c). The analysis is the last step of checking; the matcher is
 * built between checking and emitting. From a checked schema it computes,
 * for each pattern, the signals it can match and whether its subscription
 * can be typed; for each signal without captures, the patterns that match
 * its constant topic; and the topic matcher emitted as
 * <base>.signet.match.re: the atoms a per-level re2c lexer maps topic
 * levels to, and either a DFA over atoms (subset construction over all
 * patterns and signal topic templates) or, above a size cap, a trie over
 * the same atoms walked at run time. docs/topics.md describes both.
 * Depends on ast.h and arena.h. */
#ifndef SIGNETC_AUTOMATON_H
#define SIGNETC_AUTOMATON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"

/* Classes of a topic level that is not one of the literals. Atom ids: the
 * literals are 0 .. nliterals-1, class c is nliterals + c. */
enum atom_class {
    CLASS_U32,    /* canonical decimal 0..4294967295 */
    CLASS_DOLLAR, /* starts with '$' */
    CLASS_OTHER,  /* any other non-empty level */
    CLASS_EMPTY,  /* the empty level */
    CLASS_COUNT
};

/* An edge keyed by (from, atom) in an open-addressing table of a power-of-two
 * size, probed linearly from automaton_hash(from, atom). from == 0 marks an
 * empty slot: state 0 (DFA) and node 0 (trie) have no edges. */
struct edge {
    uint32_t from, atom, to;
};

/* The state cap: a DFA with more states than
 *     min(AUTOMATON_MAX_STATES, max(AUTOMATON_MIN_CAP,
 *         AUTOMATON_STATES_PER_LEVEL * total levels of patterns and topics))
 * is abandoned for the trie walk. */
#define AUTOMATON_STATES_PER_LEVEL 8
#define AUTOMATON_MIN_CAP 64
#define AUTOMATON_MAX_STATES 65536

struct matcher {
    /* Atoms: every distinct non-empty literal level of all patterns and
     * signal topics, in order of first appearance (patterns first). */
    size_t nliterals;
    const char **literal;   /* text */
    uint8_t *literal_class; /* CLASS_U32, CLASS_DOLLAR or CLASS_OTHER */
    uint32_t *literal_u32;  /* its value when CLASS_U32 */

    bool trie;         /* false: DFA; true: trie walk */
    size_t cap;        /* the state cap that applied */
    size_t dfa_states; /* states built before stopping (trie) or in all */

    /* States (DFA, 0 dead, 1 start) or nodes (trie, 0 none, 1 root). */
    size_t nstates;
    uint32_t (*next)[CLASS_COUNT];      /* DFA: transition on each class atom */
    uint32_t *plus, *cap_u32, *cap_str; /* trie: children for '+', {u32}, {str}; 0 none */

    /* Literal edges: DFA transitions on literal atoms that differ from the
     * literal's class; trie children by literal (an empty literal level is
     * an edge on the CLASS_EMPTY atom). */
    size_t nedges, table_size;
    struct edge *table;

    /* Accepted at the end of the topic (DFA: in the state; trie: patterns
     * ending at the node): pattern ids acc[acc_off[s] .. acc_off[s+1]),
     * ascending, and the signal whose topic ends there, or -1. */
    uint32_t *acc_off, *acc;
    int32_t *acc_signal;
    /* Trie only: patterns `<path to the node>/#` (or `#` at the root). */
    uint32_t *hash_off, *hash;
};

/* Hash of an edge key, the same function the generated matcher uses. */
static inline uint32_t automaton_hash(uint32_t from, uint32_t atom)
{
    uint32_t h = from * 0x9e3779b1u ^ atom * 0x85ebca77u;

    return h ^ (h >> 15);
}

/* Analyses the topics of a schema without errors (check.c calls it once
 * the other checks passed): fills every pattern's `signals` and
 * `typed_as`, and every signal's `patterns` (signals without captures).
 * Memory from the arena. */
void automaton_analyse(struct arena *a, struct schema *s);

/* Builds the matcher of a checked schema (check_schema() succeeded, so
 * automaton_analyse() ran) into s->matcher. `cap` overrides the state cap
 * when non-zero. Memory from the arena. */
void automaton_build(struct arena *a, struct schema *s, size_t cap);

#endif /* SIGNETC_AUTOMATON_H */
