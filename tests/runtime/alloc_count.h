/* alloc_count.h: counts the heap allocations made between two calls, for
 * test_alloc.c, and the heap in use, for test_scale.c. alloc_count.c does
 * the counting; only a program that links it has its allocator watched. */
#ifndef SIGNET_TEST_ALLOC_COUNT_H
#define SIGNET_TEST_ALLOC_COUNT_H

/* Starts counting allocations (from every thread) at zero. */
void alloc_count_start(void);

/* Stops counting; returns the allocations made since alloc_count_start(). */
long alloc_count_stop(void);

/* The bytes of heap the program holds now (asked for and not freed). */
long alloc_count_live_bytes(void);

#endif
