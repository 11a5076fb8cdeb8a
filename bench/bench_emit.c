/* bench_emit.c: synchronous emission, signet against the limit and its
 * peers.
 *
 * The limit is a hand-written loop over a {fn, ctx} array: what a C program
 * without a signal library does. The peers (peers.h: libsigc++,
 * Boost.Signals2, GSignal, Qt) are the cases compiled in; the others are
 * reported as skipped. Every case calls receivers that do the same
 * out-of-line work (receivers.c). Cases run interleaved, round after round,
 * so machine noise hits them alike; each case's operations per round are
 * calibrated in the warm-up to take about 30 ms. Time is the thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), so the time slices other processes get
 * on a shared machine are not counted. The table gives the median
 * and min-max of the per-round ns/op, the ratio of medians to the limit
 * (the limit with the same receiver count; the 1-receiver limit for the
 * 1-of-1000 rows, where one receiver runs), and the targets.
 *
 *   bench_emit                   the table (9 rounds after a warm-up)
 *   bench_emit --rounds R        R rounds
 *   bench_emit --tsv [--rounds R]  the same rows, tab-separated, for
 *                                scripts/bench: group, case, label, unit,
 *                                median, min, max, versus, target
 *   bench_emit --run CASE N      run only CASE, N operations (for callgrind:
 *                                scripts/bench subtracts two such runs to
 *                                get instructions per operation)
 *   bench_emit --list            the case names, each with the N its
 *                                callgrind run uses
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "peers.h"
#include "receivers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MANY = 1000, MAX_CASES = 64 };

struct pair {
    limit_fn *fn;
    void *ctx;
};

struct filtered_pair {
    limit_fn *fn;
    void *ctx;
    const void *sender;
};

static struct pair pairs[8];
static struct filtered_pair filtered_pairs[MANY];
static char senders[MANY];
static signet_bus *bus_n[9];      /* bus_n[k]: k receivers for SIGNET_ANY */
static signet_bus *bus_filtered;  /* MANY receivers, one per sender */
static signet_bus *bus_tock;      /* 1 receiver of tock, which a pattern matches */

/* The limit: call every receiver in the array. noinline so the receiver
 * count is not constant-folded into the caller. */
__attribute__((noinline)) static int limit_emit(const struct pair *p, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        p[i].fn(p[i].ctx, x);
    return (int)n;
}

/* A hand-written sender filter: scan every receiver, call the matching. */
__attribute__((noinline)) static int filter_loop_emit(const struct filtered_pair *p, size_t n,
                                                      const void *sender, int64_t x)
{
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].sender == sender) {
            p[i].fn(p[i].ctx, x);
            ran++;
        }
    }
    return ran;
}

/* Receiver counts are read through a volatile so no compiler can
 * specialise limit_emit() for a constant count. */
static volatile size_t counts[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};

static void run_limit(long n, size_t k)
{
    k = counts[k];
    for (long i = 0; i < n; i++)
        limit_emit(pairs, k, i);
}

static void run_signet(long n, size_t k)
{
    for (long i = 0; i < n; i++)
        bench_tick_send(bus_n[k], NULL, i);
}

static void limit_0(long n) { run_limit(n, 0); }
static void limit_1(long n) { run_limit(n, 1); }
static void limit_8(long n) { run_limit(n, 8); }
static void signet_0(long n) { run_signet(n, 0); }
static void signet_1(long n) { run_signet(n, 1); }
static void signet_8(long n) { run_signet(n, 8); }

/* has_receivers is read through a volatile sink so the loop is kept. */
static volatile int has_sink;

static void signet_has_receivers_0(long n)
{
    for (long i = 0; i < n; i++)
        has_sink = bench_tick_has_receivers(bus_n[0], NULL);
}

static void filter_loop_1of1000(long n)
{
    for (long i = 0; i < n; i++)
        filter_loop_emit(filtered_pairs, MANY, &senders[(i * 7) % MANY], i);
}

static void signet_pattern_matched_1(long n)
{
    for (long i = 0; i < n; i++)
        bench_tock_send(bus_tock, NULL, i);
}

static void signet_filtered_1of1000(long n)
{
    for (long i = 0; i < n; i++)
        bench_tick_send(bus_filtered, &senders[(i * 7) % MANY], i);
}

/* The peers compiled in, and those that were not (reported as skipped). */
static const struct bench_peer *const peers[] = {
#ifdef SIGNET_BENCH_SIGC
    &bench_peer_sigc,
#endif
#ifdef SIGNET_BENCH_QT
    &bench_peer_qt,
#endif
#ifdef SIGNET_BENCH_BOOST
    &bench_peer_boost,
#endif
#ifdef SIGNET_BENCH_GSIGNAL
    &bench_peer_gsignal,
#endif
    NULL,
};

static const char *const skipped[] = {
#ifndef SIGNET_BENCH_SIGC
    "libsigc++ (sigc++-3.0 was not found at build time)",
#endif
#ifndef SIGNET_BENCH_QT
    "Qt (Qt5Core was not found at build time, or SIGNET_BENCH_QT is OFF)",
#endif
#ifndef SIGNET_BENCH_BOOST
    "Boost.Signals2 (boost/signals2.hpp was not found at build time)",
#endif
#ifndef SIGNET_BENCH_GSIGNAL
    "GLib GSignal (gobject-2.0 was not found at build time)",
#endif
    NULL,
};

struct bench_case {
    char name[32];
    char label[64];
    const char *group;
    void (*run)(long n);       /* a built-in case, or: */
    const struct bench_peer *peer;
    int k;                     /* the peer's receiver count; -1: its filtered case */
    long cg_n;                 /* operations of a callgrind run */
    const char *versus;        /* the case the ratio is taken against */
    const char *target_versus; /* the case the target is stated against */
    double target;             /* the ratio the target allows, 0: none */
    long ops;                  /* per round, calibrated in the warm-up */
    double ns[BENCH_MAX_ROUNDS];
};

static struct bench_case cases[MAX_CASES];
static size_t ncases;

static struct bench_case *add(const char *name, const char *label, const char *group,
                              const char *versus, long cg_n)
{
    struct bench_case *c = &cases[ncases++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->label, sizeof c->label, "%s", label);
    c->group = group;
    c->versus = versus;
    c->cg_n = cg_n;
    return c;
}

static void add_builtin(const char *name, const char *label, const char *group, void (*run)(long),
                        const char *versus, long cg_n)
{
    add(name, label, group, versus, cg_n)->run = run;
}

static void add_peers(int k, const char *group, const char *versus, const char *what)
{
    for (size_t i = 0; peers[i]; i++) {
        const struct bench_peer *p = peers[i];
        char name[32], label[64];
        if (k < 0 && !p->filtered)
            continue;
        if (k < 0)
            snprintf(name, sizeof name, "%s_filtered_1of1000", p->name);
        else
            snprintf(name, sizeof name, "%s_%d", p->name, k);
        snprintf(label, sizeof label, "%s, %s", p->label, what);
        struct bench_case *c = add(name, label, group, versus, 10000);
        c->peer = p;
        c->k = k;
    }
}

/* The rows, in table order. Callgrind runs N and 2N operations; N is
 * smaller for the slow cases so scripts/bench stays within minutes. */
static void make_cases(void)
{
    add_builtin("limit_0", "the limit, 0 receivers", "emit", limit_0, NULL, 100000);
    add_builtin("signet_0", "signet, 0 receivers", "emit", signet_0, "limit_0", 100000);
    add_peers(0, "emit", "limit_0", "0 receivers");
    add_builtin("signet_has_receivers_0", "signet, has_receivers, 0 receivers", "emit",
                signet_has_receivers_0, "limit_0", 100000);
    add_builtin("limit_1", "the limit, 1 receiver", "emit", limit_1, NULL, 100000);
    add_builtin("signet_1", "signet, 1 receiver", "emit", signet_1, "limit_1", 100000);
    cases[ncases - 1].target_versus = "limit_1";
    cases[ncases - 1].target = 1.5;
    add_peers(1, "emit", "limit_1", "1 receiver");
    add_builtin("signet_pattern_matched_1", "signet, 1 receiver, signal a pattern matches",
                "emit", signet_pattern_matched_1, "limit_1", 100000);
    cases[ncases - 1].target_versus = "signet_1";
    add_builtin("limit_8", "the limit, 8 receivers", "emit", limit_8, NULL, 100000);
    add_builtin("signet_8", "signet, 8 receivers", "emit", signet_8, "limit_8", 100000);
    cases[ncases - 1].target_versus = "limit_8";
    cases[ncases - 1].target = 1.5;
    add_peers(8, "emit", "limit_8", "8 receivers");
    add_builtin("filter_loop_1of1000", "hand-written filter loop, 1 of 1000 senders", "filter",
                filter_loop_1of1000, "limit_1", 2000);
    cases[ncases - 1].target_versus = "signet_1";
    add_builtin("signet_filtered_1of1000", "signet, 1 of 1000 senders", "filter",
                signet_filtered_1of1000, "limit_1", 100000);
    cases[ncases - 1].target_versus = "signet_1";
    cases[ncases - 1].target = 2.0;
    add_peers(-1, "filter", "limit_1", "1 of 1000 instances");
}

static void run_case(const struct bench_case *c, long n)
{
    if (c->run)
        c->run(n);
    else if (c->k < 0)
        c->peer->filtered(n);
    else
        c->peer->emit(c->k, n);
}

static struct bench_case *find(const char *name)
{
    for (size_t i = 0; i < ncases; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "bench_emit: %s: %s\n", what, signet_strerror(rc));
        exit(1);
    }
}

static void setup(void)
{
    signet_conn conn;
    for (size_t k = 0; k <= 8; k++) {
        check(signet_bus_create(NULL, &bus_n[k]), "signet_bus_create");
        for (size_t i = 0; i < k; i++)
            check(bench_tick_connect(bus_n[k], signet_rx, &pairs[i], SIGNET_ANY, &conn),
                  "connect");
    }
    for (size_t i = 0; i < 8; i++)
        pairs[i] = (struct pair){limit_rx, &pairs[i]};
    check(signet_bus_create(NULL, &bus_tock), "signet_bus_create");
    check(bench_tock_connect(bus_tock, signet_tock_rx, NULL, SIGNET_ANY, &conn), "connect");
    check(signet_bus_create(NULL, &bus_filtered), "signet_bus_create");
    for (size_t i = 0; i < MANY; i++) {
        filtered_pairs[i] = (struct filtered_pair){limit_rx, &senders[i], &senders[i]};
        check(bench_tick_connect(bus_filtered, signet_rx, &senders[i], &senders[i], &conn),
              "connect");
    }
    for (size_t i = 0; peers[i]; i++)
        peers[i]->setup();
}

static void teardown(void)
{
    for (size_t k = 0; k <= 8; k++)
        signet_bus_destroy(bus_n[k]);
    signet_bus_destroy(bus_filtered);
    signet_bus_destroy(bus_tock);
    for (size_t i = 0; peers[i]; i++)
        peers[i]->teardown();
}

/* Warm-up and calibration: grow each case's run until it takes 3 ms, then
 * size its rounds to take about 30 ms. */
static void calibrate(void)
{
    for (size_t i = 0; i < ncases; i++) {
        long n = 1000;
        double t;
        for (;;) {
            double t0 = bench_cpu_ns();
            run_case(&cases[i], n);
            t = bench_cpu_ns() - t0;
            if (t >= 3e6 || n >= 100000000)
                break;
            n *= 4;
        }
        cases[i].ops = (long)((double)n * 3e7 / t) + 1;
    }
}

/* The target column: "<= 1.5x limit_1: met" (or MISSED), or for a row
 * without a target the plain ratio to the case it is compared with. */
static void target_text(const struct bench_case *c, double med, int rounds, char *out,
                        size_t size)
{
    out[0] = '\0';
    if (!c->target_versus)
        return;
    const struct bench_case *v = find(c->target_versus);
    double r = med / bench_median(v->ns, rounds);
    if (c->target > 0)
        snprintf(out, size, "<= %.1fx %s: %.2fx %s", c->target, v->name, r,
                 r <= c->target ? "met" : "MISSED");
    else
        snprintf(out, size, "%.2fx %s", r, v->name);
}

static void report(int rounds, int tsv)
{
    char target[96];
    if (!tsv)
        printf("%-48s %10s %19s %9s %-8s  %s\n", "case", "median ns", "min-max ns", "ratio",
               "versus", "target");
    for (size_t i = 0; i < ncases; i++) {
        struct bench_case *c = &cases[i];
        struct bench_summary st = bench_summarize(c->ns, rounds);
        double med = st.median, lo = st.min, hi = st.max;
        target_text(c, med, rounds, target, sizeof target);
        if (tsv) {
            printf("%s\t%s\t%s\tns\t%.3f\t%.3f\t%.3f\t%s\t%s\n", c->group, c->name, c->label,
                   med, lo, hi, c->versus ? c->versus : "", target);
            continue;
        }
        printf("%-48s %10.2f %9.2f-%-9.2f", c->label, med, lo, hi);
        if (c->versus)
            printf(" %8.2fx %-8s", med / bench_median(find(c->versus)->ns, rounds), c->versus);
        else
            printf(" %9s %-8s", "", "");
        printf("  %s\n", target);
    }
    for (size_t i = 0; skipped[i]; i++) {
        if (tsv)
            printf("skipped\t\t%s\n", skipped[i]);
        else
            printf("skipped: %s\n", skipped[i]);
    }
}

int main(int argc, char **argv)
{
    int rounds = 9, tsv = 0;

    make_cases();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < ncases; i++)
            printf("%s %ld\n", cases[i].name, cases[i].cg_n);
        return 0;
    }
    setup();
    if (argc == 4 && strcmp(argv[1], "--run") == 0) {
        struct bench_case *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "bench_emit: unknown case '%s'\n", argv[2]);
            return 2;
        }
        run_case(c, atol(argv[3]));
        teardown();
        return 0;
    }
    if (!bench_options(argc, argv, &rounds, &tsv)) {
        fprintf(stderr, "usage: bench_emit [--tsv] [--rounds 1..64] | --run CASE N | --list\n");
        return 2;
    }

    calibrate();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < ncases; i++) {
            double t0 = bench_cpu_ns();
            run_case(&cases[i], cases[i].ops);
            cases[i].ns[r] = (bench_cpu_ns() - t0) / (double)cases[i].ops;
        }
    }
    report(rounds, tsv);
    teardown();
    return 0;
}
