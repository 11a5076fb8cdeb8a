/* harness.h: what the benchmark programs (bench_emit, bench_queue,
 * bench_topics) share, so their tables are measured and summarised the same
 * way: the clocks, the median and min-max of the per-round results, and the
 * [--tsv] [--rounds R] command line. Header-only; include it after the
 * feature-test macro that makes clock_gettime visible. */
#ifndef SIGNET_BENCH_HARNESS_H
#define SIGNET_BENCH_HARNESS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BENCH_MAX_ROUNDS = 64 };

static inline double bench_clock_ns(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The calling thread's CPU time, so the time slices other processes get on
 * a shared machine are not counted. */
static inline double bench_cpu_ns(void)
{
    return bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Wall time, for shapes whose cost is spread over several threads. */
static inline double bench_wall_ns(void)
{
    return bench_clock_ns(CLOCK_MONOTONIC);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The per-round results of one case, summarised. */
struct bench_summary {
    double median, min, max;
};

/* Summarises v[0..n), 1 <= n <= BENCH_MAX_ROUNDS, leaving v as it is (its
 * order is the order the rounds ran in). For an even n the median is the
 * mean of the two middle rounds. */
static inline struct bench_summary bench_summarize(const double *v, int n)
{
    double s[BENCH_MAX_ROUNDS];

    memcpy(s, v, sizeof *v * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, bench_cmp_double);
    return (struct bench_summary){
        .median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2,
        .min = s[0],
        .max = s[n - 1],
    };
}

static inline double bench_median(const double *v, int n)
{
    return bench_summarize(v, n).median;
}

/* Reads the table-mode options, [--tsv] [--rounds R], into *tsv and
 * *rounds (which holds the program's default). False when R is not in
 * 1..BENCH_MAX_ROUNDS or an unknown argument is not followed by a --rounds
 * that sets it again: the caller prints its usage. */
static inline bool bench_options(int argc, char **argv, int *rounds, int *tsv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tsv") == 0)
            *tsv = 1;
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            *rounds = atoi(argv[++i]);
        else
            *rounds = 0;
    }
    return *rounds >= 1 && *rounds <= BENCH_MAX_ROUNDS;
}

#endif
