/* bench_topics.c: topic matching with 10, 100 and 1000 declared patterns:
 * signet's generated matcher (re2c level lexer + signetc's DFA) side by
 * side with a run-time trie walk (topic_trie.c, as brokers match) and the
 * reference per-pattern loop (tests/topics/reference.h: split the topic,
 * try every filter). The three schemas come from
 * tests/topics/gen_schema.awk with the same seed, so they share their 50
 * signals and the topics; only the pattern count differs. Topics are 4096
 * instances of the signal templates (3 to 6 levels, mostly 3-4) with
 * random captured values. Before timing, the trie's and the generated
 * matcher's pattern sets are checked against the reference for every
 * topic. Cases run interleaved, round after round, each round sized to
 * about 30 ms of the thread's CPU time (as bench_emit); the table gives
 * the median and min-max ns per match and the ratios.
 *
 *   bench_topics [--rounds R] [--tsv]   the table (--tsv: rows for
 *                                       scripts/bench, as bench_emit's)
 *   bench_topics --run CASE N           N matches of CASE only (callgrind)
 *   bench_topics --list                 case names, callgrind N and, for
 *                                       the signet and trie cases, the
 *                                       topic bytes those N matches read
 *
 * The callgrind N of the signet and trie cases is a whole number of passes
 * over the 4096 topics, so the matches between N and 2N, whose
 * instructions scripts/bench counts, read exactly the bytes --list gives:
 * instructions per byte are (Ir(2N) - Ir(N)) / bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "reference.h"
#include "topic_trie.h"
#include "topics10.signet.private.h"
#include "topics100.signet.private.h"
#include "topics1000.signet.private.h"

enum { NTOPICS = 4096, MAX_IDS = 1024 };

static char topics[NTOPICS][128];
static size_t topic_len[NTOPICS];
static volatile uint64_t sink;

/* Each case matches n topics, cycling through the 4096. */
#define CASES(ns)                                                                                  \
    static topic_trie *ns##_trie;                                                                  \
    static void ns##_generated(long n)                                                             \
    {                                                                                              \
        ns##__match_result r;                                                                      \
        uint64_t x = 0;                                                                            \
                                                                                                   \
        for (long i = 0; i < n; i++) {                                                             \
            size_t k = (size_t)i % NTOPICS;                                                        \
            int rc = ns##__match(topics[k], topic_len[k], &r);                                     \
            x += (uint64_t)rc + r.npatterns + (r.npatterns ? r.patterns[0] : 0);                   \
        }                                                                                          \
        sink += x;                                                                                 \
    }                                                                                              \
    static void ns##_trie_walk(long n)                                                             \
    {                                                                                              \
        uint32_t ids[MAX_IDS];                                                                     \
        uint64_t x = 0;                                                                            \
                                                                                                   \
        for (long i = 0; i < n; i++) {                                                             \
            size_t k = (size_t)i % NTOPICS;                                                        \
            int found = topic_trie_match(ns##_trie, topics[k], topic_len[k], ids, MAX_IDS);        \
            x += (uint64_t)found + (found > 0 ? ids[0] : 0);                                       \
        }                                                                                          \
        sink += x;                                                                                 \
    }                                                                                              \
    static void ns##_reference(long n)                                                             \
    {                                                                                              \
        uint64_t x = 0;                                                                            \
                                                                                                   \
        for (long i = 0; i < n; i++) {                                                            \
            size_t k = (size_t)i % NTOPICS;                                                        \
            struct ref_topic t;                                                                    \
                                                                                                   \
            if (ref_split(topics[k], topic_len[k], &t) != 0)                                       \
                continue;                                                                          \
            for (uint32_t p = 0; p < ns##__NPATTERNS_COPY; p++)                                    \
                if (ref_filter_matches(ns##__patterns[p].filter, &t))                              \
                    x += p + 1;                                                                    \
        }                                                                                          \
        sink += x;                                                                                 \
    }                                                                                              \
    /* The trie; with `check`, every topic's pattern set from the trie and                       \
     * from the generated matcher compared with the reference: 0, or -1. */                        \
    static int ns##_prepare(bool check)                                                            \
    {                                                                                              \
        ns##_trie = topic_trie_create();                                                           \
        if (!ns##_trie)                                                                            \
            return -1;                                                                             \
        for (uint32_t p = 0; p < ns##__NPATTERNS_COPY; p++)                                        \
            if (topic_trie_insert(ns##_trie, ns##__patterns[p].filter, p) != 0)                    \
                return -1;                                                                         \
        for (size_t k = 0; check && k < NTOPICS; k++) {                                            \
            static unsigned char want[ns##__NPATTERNS_COPY], got[ns##__NPATTERNS_COPY];            \
            uint32_t ids[MAX_IDS];                                                                 \
            struct ref_topic t;                                                                    \
            ns##__match_result r;                                                                  \
                                                                                                   \
            memset(want, 0, sizeof want);                                                          \
            memset(got, 0, sizeof got);                                                            \
            if (ref_split(topics[k], topic_len[k], &t) != 0)                                       \
                return -1;                                                                         \
            for (uint32_t p = 0; p < ns##__NPATTERNS_COPY; p++)                                    \
                want[p] = ref_filter_matches(ns##__patterns[p].filter, &t);                        \
            int found = topic_trie_match(ns##_trie, topics[k], topic_len[k], ids, MAX_IDS);        \
            if (found < 0 || found > MAX_IDS)                                                      \
                return -1;                                                                         \
            for (int i = 0; i < found; i++)                                                        \
                got[ids[i]]++;                                                                     \
            if (memcmp(want, got, sizeof want) != 0)                                               \
                return -1;                                                                         \
            memset(got, 0, sizeof got);                                                            \
            ns##__match(topics[k], topic_len[k], &r);                                              \
            for (size_t i = 0; i < r.npatterns; i++)                                               \
                got[r.patterns[i]]++;                                                              \
            if (memcmp(want, got, sizeof want) != 0)                                               \
                return -1;                                                                         \
        }                                                                                          \
        return 0;                                                                                  \
    }

#define topics10__NPATTERNS_COPY TOPICS10__NPATTERNS
#define topics100__NPATTERNS_COPY TOPICS100__NPATTERNS
#define topics1000__NPATTERNS_COPY TOPICS1000__NPATTERNS
CASES(topics10)
CASES(topics100)
CASES(topics1000)

/* Callgrind N of the cases reported per byte: 24 passes over the topics. */
#define PASSES (24L * NTOPICS)

/* cg_n: the N of `--run CASE N` under callgrind; per_byte: --list gives
 * the bytes its matches read; versus: the case the ratio column divides
 * by. */
static const struct {
    const char *name;
    const char *label;
    void (*run)(long n);
    long cg_n;
    bool per_byte;
    const char *versus;
} cases[] = {
    {"topics_signet_10", "signet generated matcher, 10 patterns", topics10_generated, PASSES, true,
     NULL},
    {"topics_signet_100", "signet generated matcher, 100 patterns", topics100_generated, PASSES,
     true, "topics_signet_10"},
    {"topics_signet_1000", "signet generated matcher, 1000 patterns", topics1000_generated, PASSES,
     true, "topics_signet_10"},
    {"topics_trie_10", "trie walk, 10 patterns", topics10_trie_walk, PASSES, true,
     "topics_signet_10"},
    {"topics_trie_100", "trie walk, 100 patterns", topics100_trie_walk, PASSES, true,
     "topics_signet_100"},
    {"topics_trie_1000", "trie walk, 1000 patterns", topics1000_trie_walk, PASSES, true,
     "topics_signet_1000"},
    {"topics_reference_10", "reference per-pattern loop, 10 patterns", topics10_reference, 20000,
     false, "topics_signet_10"},
    {"topics_reference_100", "reference per-pattern loop, 100 patterns", topics100_reference, 4000,
     false, "topics_signet_100"},
    {"topics_reference_1000", "reference per-pattern loop, 1000 patterns", topics1000_reference,
     1000, false, "topics_signet_1000"},
};
enum {
    NCASES = sizeof cases / sizeof cases[0],
    SIGNET_10 = 0,
    SIGNET_1000 = 2,
    TRIE_10 = 3,
    TRIE_1000 = 5,
    REF_1000 = 8
};

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 16) % n);
}

static void make_topics(void)
{
    static const char *const words[] = {"kitchen", "hall", "7", "42", "x", "status", "$x", ""};

    for (size_t i = 0; i < NTOPICS; i++) {
        const char *t = topics10_signals[rnd(TOPICS10_SIGNAL_COUNT)].topic;
        char *o = topics[i];

        for (;;) {
            const char *e = strchr(t, '/');
            size_t k = e ? (size_t)(e - t) : strlen(t);

            if (k && t[0] == '{')
                o += sprintf(o, "%s", rnd(2) ? words[rnd(8)] : "17");
            else
                memcpy(o, t, k), o += k;
            if (!e)
                break;
            *o++ = '/';
            t = e + 1;
        }
        topic_len[i] = (size_t)(o - topics[i]);
    }
}

static int find(const char *name)
{
    for (int c = 0; c < NCASES; c++)
        if (name && strcmp(cases[c].name, name) == 0)
            return c;
    return -1;
}

int main(int argc, char **argv)
{
    int rounds = 11, tsv = 0;
    static double t[NCASES][BENCH_MAX_ROUNDS];
    struct bench_summary st[NCASES];
    double med[NCASES];
    long ops[NCASES];
    size_t levels = 0, bytes = 0;

    make_topics();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int c = 0; c < NCASES; c++) {
            size_t read = 0;

            for (long i = 0; cases[c].per_byte && i < cases[c].cg_n; i++)
                read += topic_len[i % NTOPICS];
            printf("%s %ld", cases[c].name, cases[c].cg_n);
            if (cases[c].per_byte)
                printf(" %zu", read);
            printf("\n");
        }
        return 0;
    }
    /* Callgrind runs (--run) skip the check: it would cost more than the run. */
    bool check = !(argc == 4 && strcmp(argv[1], "--run") == 0);
    if (topics10_prepare(check) != 0 || topics100_prepare(check) != 0 ||
        topics1000_prepare(check) != 0) {
        fprintf(stderr, "bench_topics: a matcher disagrees with the reference (or no memory)\n");
        return 1;
    }
    if (argc == 4 && strcmp(argv[1], "--run") == 0) {
        int c = find(argv[2]);
        if (c < 0) {
            fprintf(stderr, "bench_topics: unknown case '%s'\n", argv[2]);
            return 2;
        }
        cases[c].run(atol(argv[3]));
        return 0;
    }
    if (!bench_options(argc, argv, &rounds, &tsv)) {
        fprintf(stderr, "usage: bench_topics [--tsv] [--rounds 1..64] | --run CASE N | --list\n");
        return 2;
    }
    for (size_t i = 0; i < NTOPICS; i++) {
        levels++;
        bytes += topic_len[i];
        for (size_t k = 0; k < topic_len[i]; k++)
            levels += topics[i][k] == '/';
    }
    for (int c = 0; c < NCASES; c++) { /* warm-up: size each round to about 30 ms */
        double t0 = bench_cpu_ns();
        cases[c].run(NTOPICS);
        double per = (bench_cpu_ns() - t0) / NTOPICS;
        ops[c] = (long)(3e7 / per) / NTOPICS * NTOPICS;
        if (ops[c] < NTOPICS)
            ops[c] = NTOPICS;
    }
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < NCASES; c++) {
            double t0 = bench_cpu_ns();
            cases[c].run(ops[c]);
            t[c][r] = (bench_cpu_ns() - t0) / (double)ops[c];
        }
    for (int c = 0; c < NCASES; c++) {
        st[c] = bench_summarize(t[c], rounds);
        med[c] = st[c].median;
    }
    double ratio_size = med[SIGNET_1000] / med[SIGNET_10];
    double ratio_ref = med[REF_1000] / med[SIGNET_1000];
    char target[NCASES][64] = {{0}};
    snprintf(target[SIGNET_1000], sizeof target[0], "<= 1.1x topics_signet_10: %.2fx %s",
             ratio_size, ratio_size <= 1.1 ? "met" : "MISSED");
    for (int c = TRIE_10; c <= TRIE_1000; c++) { /* signet ahead of the trie at every size */
        double r = med[c] / med[c - TRIE_10];
        snprintf(target[c], sizeof target[0], "> 1x %s: %.2fx %s", cases[c].versus, r,
                 r > 1 ? "met" : "MISSED");
    }
    snprintf(target[REF_1000], sizeof target[0], ">= 50x topics_signet_1000: %.0fx %s", ratio_ref,
             ratio_ref >= 50 ? "met" : "MISSED");
    if (!tsv) {
        printf("%d topics, %.2f levels and %.1f bytes on average; %d rounds\n", NTOPICS,
               (double)levels / NTOPICS, (double)bytes / NTOPICS, rounds);
        printf("%-44s %10s %19s %9s  %s\n", "case", "ns/match", "min-max", "ratio", "target");
    }
    for (int c = 0; c < NCASES; c++) {
        int v = find(cases[c].versus);
        if (tsv) {
            printf("topics\t%s\t%s\tns\t%.3f\t%.3f\t%.3f\t%s\t%s\n", cases[c].name,
                   cases[c].label, med[c], st[c].min, st[c].max,
                   cases[c].versus ? cases[c].versus : "", target[c]);
            continue;
        }
        printf("%-44s %10.1f %9.1f-%-9.1f", cases[c].label, med[c], st[c].min, st[c].max);
        if (v >= 0)
            printf(" %8.2fx", med[c] / med[v]);
        else
            printf(" %9s", "");
        printf("  %s\n", target[c]);
    }
    return 0;
}
