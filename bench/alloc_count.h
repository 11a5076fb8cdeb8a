/* alloc_count.h: counts the program's heap allocations for the benchmarks
 * that report allocations per message. alloc_count.c replaces malloc,
 * calloc and realloc; only a program that links it has them replaced. */
#ifndef SIGNET_BENCH_ALLOC_COUNT_H
#define SIGNET_BENCH_ALLOC_COUNT_H

#include <stdbool.h>

/* False in a sanitizer build, which replaces malloc itself: nothing is
 * counted there. */
bool alloc_count_enabled(void);

/* malloc, calloc and realloc calls so far, from every thread. */
long alloc_count(void);

#endif
