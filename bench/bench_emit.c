/* bench_emit.c: synchronous emission, signet against the limit.
 *
 * The limit is a hand-written loop over a {fn, ctx} array: what a C program
 * without a signal library does. Every case calls receivers that do the same
 * out-of-line work (receivers.c). Cases run interleaved, round after round,
 * so machine noise hits them alike; the table gives the median and min-max
 * of the per-round ns/op and the ratios the targets are stated in.
 *
 *   bench_emit                   the table (7 rounds after a warm-up)
 *   bench_emit --rounds R        R rounds
 *   bench_emit --run CASE N      run only CASE, N operations (for callgrind:
 *                                scripts/bench subtracts two such runs to
 *                                get instructions per operation)
 *   bench_emit --list            the case names
 */
#define _POSIX_C_SOURCE 200809L
#include "receivers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MANY = 1000 };

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

struct bench_case {
    const char *name;
    void (*run)(long n);
    long ops;                 /* per round */
    const char *versus;       /* the case its ratio is taken against */
    double target;            /* the ratio the target allows, 0: none */
    double ns[64];
};

static struct bench_case cases[] = {
    {"limit_0", limit_0, 20000000, NULL, 0, {0}},
    {"signet_0", signet_0, 20000000, "limit_0", 0, {0}},
    {"limit_1", limit_1, 20000000, NULL, 0, {0}},
    {"signet_1", signet_1, 20000000, "limit_1", 1.5, {0}},
    {"limit_8", limit_8, 5000000, NULL, 0, {0}},
    {"signet_8", signet_8, 5000000, "limit_8", 1.5, {0}},
    {"filter_loop_1of1000", filter_loop_1of1000, 100000, "signet_1", 0, {0}},
    {"signet_filtered_1of1000", signet_filtered_1of1000, 20000000, "signet_1", 2.0, {0}},
    {"signet_pattern_matched_1", signet_pattern_matched_1, 20000000, "signet_1", 0, {0}},
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static struct bench_case *find(const char *name)
{
    for (size_t i = 0; i < NCASES; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[64];
    memcpy(s, v, sizeof *v * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
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
}

static void teardown(void)
{
    for (size_t k = 0; k <= 8; k++)
        signet_bus_destroy(bus_n[k]);
    signet_bus_destroy(bus_filtered);
    signet_bus_destroy(bus_tock);
}

int main(int argc, char **argv)
{
    int rounds = 7;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NCASES; i++)
            printf("%s\n", cases[i].name);
        return 0;
    }
    setup();
    if (argc == 4 && strcmp(argv[1], "--run") == 0) {
        struct bench_case *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "bench_emit: unknown case '%s'\n", argv[2]);
            return 2;
        }
        c->run(atol(argv[3]));
        teardown();
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--rounds") == 0)
        rounds = atoi(argv[2]);
    if (rounds < 1 || rounds > 64 || (argc != 1 && argc != 3)) {
        fprintf(stderr, "usage: bench_emit [--rounds 1..64 | --run CASE N | --list]\n");
        return 2;
    }

    for (size_t i = 0; i < NCASES; i++)  /* warm-up */
        cases[i].run(cases[i].ops / 10);
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < NCASES; i++) {
            double t0 = now_ns();
            cases[i].run(cases[i].ops);
            cases[i].ns[r] = (now_ns() - t0) / (double)cases[i].ops;
        }
    }

    printf("%-26s %10s %17s %12s %8s  %s\n", "case", "median ns", "min-max ns", "versus",
           "ratio", "target");
    for (size_t i = 0; i < NCASES; i++) {
        struct bench_case *c = &cases[i];
        double lo = c->ns[0], hi = c->ns[0];
        for (int r = 1; r < rounds; r++) {
            lo = c->ns[r] < lo ? c->ns[r] : lo;
            hi = c->ns[r] > hi ? c->ns[r] : hi;
        }
        double med = median(c->ns, rounds);
        printf("%-26s %10.2f %8.2f-%-8.2f", c->name, med, lo, hi);
        if (c->versus) {
            const struct bench_case *v = find(c->versus);
            double ratio = med / median(v->ns, rounds);
            printf(" %12s %7.2fx", v->name, ratio);
            if (c->target > 0)
                printf("  <= %.1fx %s", c->target, ratio <= c->target ? "met" : "MISSED");
        }
        printf("\n");
    }
    teardown();
    return 0;
}
