/* alloc_count.c: replaces malloc, calloc and realloc with counting
 * wrappers around glibc's own (__libc_malloc and friends), for the
 * benchmarks that report allocations per message (alloc_count.h). Linked
 * only into those programs.
 *
 * The replacement is a definition the dynamic linker prefers, not
 * -Wl,--wrap: --wrap renames only the references in the objects linked
 * statically, so allocations made inside a shared library (GLib's, for
 * GAsyncQueue) would go uncounted.
 *
 * A sanitizer replaces malloc itself (AddressSanitizer aborts at start-up
 * when the program replaces it too), so in a sanitizer build this file
 * defines no allocator and counts nothing. */
#include "alloc_count.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef COUNT_ALLOCATIONS
#define COUNT_ALLOCATIONS 1
#endif

static atomic_long allocations;

bool alloc_count_enabled(void)
{
    return COUNT_ALLOCATIONS;
}

long alloc_count(void)
{
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

#if COUNT_ALLOCATIONS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(p, n);
}
#endif
