/* bench_topics.c: topic matching with 10, 100 and 1000 declared patterns,
 * the generated matcher (re2c level lexer + signetc's DFA) side by side
 * with the reference per-pattern loop (tests/topics/reference.h: split the
 * topic, try every filter). The three schemas come from
 * tests/topics/gen_schema.awk with the same seed, so they share their 50
 * signals and the topics; only the pattern count differs. Topics are 4096
 * instances of the signal templates (3 to 6 levels, mostly 3-4) with
 * random captured values. Cases run interleaved, round after round; the
 * table gives the median and min-max ns per match and the ratios.
 *
 *   bench_topics [--rounds R]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reference.h"
#include "topics10.signet.h"
#include "topics100.signet.h"
#include "topics1000.signet.h"

enum { NTOPICS = 4096 };

static char topics[NTOPICS][128];
static size_t topic_len[NTOPICS];
static volatile uint64_t sink;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define GENERATED(ns)                                                                              \
    static void ns##_generated(void)                                                               \
    {                                                                                              \
        ns##__match_result r;                                                                      \
        uint64_t x = 0;                                                                            \
                                                                                                   \
        for (size_t i = 0; i < NTOPICS; i++) {                                                     \
            int rc = ns##__match(topics[i], topic_len[i], &r);                                     \
            x += (uint64_t)rc + r.npatterns + (r.npatterns ? r.patterns[0] : 0);                   \
        }                                                                                          \
        sink += x;                                                                                 \
    }                                                                                              \
    static void ns##_reference(void)                                                               \
    {                                                                                              \
        uint64_t x = 0;                                                                            \
                                                                                                   \
        for (size_t i = 0; i < NTOPICS; i++) {                                                     \
            struct ref_topic t;                                                                    \
                                                                                                   \
            if (ref_split(topics[i], topic_len[i], &t) != 0)                                       \
                continue;                                                                          \
            for (uint32_t p = 0; p < ns##__NPATTERNS_COPY; p++)                                    \
                if (ref_filter_matches(ns##__patterns[p].filter, &t))                              \
                    x += p + 1;                                                                    \
        }                                                                                          \
        sink += x;                                                                                 \
    }

#define topics10__NPATTERNS_COPY TOPICS10__NPATTERNS
#define topics100__NPATTERNS_COPY TOPICS100__NPATTERNS
#define topics1000__NPATTERNS_COPY TOPICS1000__NPATTERNS
GENERATED(topics10)
GENERATED(topics100)
GENERATED(topics1000)

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"generated_10", topics10_generated},     {"generated_100", topics100_generated},
    {"generated_1000", topics1000_generated}, {"reference_10", topics10_reference},
    {"reference_100", topics100_reference},   {"reference_1000", topics1000_reference},
};
enum { NCASES = sizeof cases / sizeof cases[0] };

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

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = argc > 2 && strcmp(argv[1], "--rounds") == 0 ? atoi(argv[2]) : 7;
    double t[NCASES][64], med[NCASES];
    size_t levels = 0, bytes = 0;

    if (rounds < 1 || rounds > 64)
        rounds = 7;
    make_topics();
    for (size_t i = 0; i < NTOPICS; i++) {
        levels++;
        bytes += topic_len[i];
        for (size_t k = 0; k < topic_len[i]; k++)
            levels += topics[i][k] == '/';
    }
    for (int r = -1; r < rounds; r++)
        for (int c = 0; c < NCASES; c++) {
            int reps = strncmp(cases[c].name, "reference", 9) == 0 ? 2 : 50;
            double t0 = now();

            for (int k = 0; k < reps; k++)
                cases[c].run();
            if (r >= 0)
                t[c][r] = (now() - t0) / ((double)reps * NTOPICS);
        }
    printf("%d topics, %.2f levels and %.1f bytes on average; %d rounds\n", NTOPICS,
           (double)levels / NTOPICS, (double)bytes / NTOPICS, rounds);
    printf("%-16s %10s %20s\n", "case", "ns/match", "min-max");
    for (int c = 0; c < NCASES; c++) {
        qsort(t[c], (size_t)rounds, sizeof t[c][0], cmp);
        med[c] = t[c][rounds / 2];
        printf("%-16s %10.1f %9.1f-%-9.1f\n", cases[c].name, med[c], t[c][0], t[c][rounds - 1]);
    }
    printf("generated 1000 / generated 10:  %.2fx (target <= 1.5x)\n", med[2] / med[0]);
    printf("reference 1000 / generated 1000: %.0fx (target >= 50x)\n", med[5] / med[2]);
    return 0;
}
