/* alloc_count.c: the wrappers that -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc put in front of the allocator for the objects linked into
 * a benchmark program (alloc_count.h); bench/CMakeLists.txt adds those
 * options to the programs that link this file. The program keeps the
 * allocator it had (glibc's, or a sanitizer's): nothing is replaced for
 * the whole process, and shared libraries allocate uncounted. */
#include "alloc_count.h"

#include <stdatomic.h>
#include <stddef.h>

static atomic_long allocations;

long alloc_count(void)
{
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __real_realloc(p, n);
}
