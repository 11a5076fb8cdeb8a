/* alloc_count.h: counts the heap allocations of the code linked into a
 * benchmark program, for the benchmarks that report allocations per
 * message. alloc_count.c wraps malloc, calloc and realloc at link time
 * (-Wl,--wrap), so only the calls of the statically linked code (signet's
 * runtime, the generated code, the benchmark itself) are counted, never
 * those made inside a shared library. */
#ifndef SIGNET_BENCH_ALLOC_COUNT_H
#define SIGNET_BENCH_ALLOC_COUNT_H

/* malloc, calloc and realloc calls so far, from every thread. */
long alloc_count(void);

#endif
