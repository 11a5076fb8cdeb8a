/* alloc_count.c: counts heap allocations, and the heap in use, for
 * test_alloc.c and test_scale.c (alloc_count.h). In a sanitizer build,
 * through the sanitizer allocator's hooks and statistics; otherwise by
 * replacing malloc, calloc and realloc with counting wrappers around glibc's
 * own (__libc_malloc and friends), which is why this file is linked only
 * into the programs that count, and through glibc's mallinfo2(). A
 * sanitizer replaces malloc itself (AddressSanitizer aborts at start-up
 * when the program does too), hence the two ways. */
#include "alloc_count.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

static atomic_long allocations;
static atomic_bool counting;

static void count(void)
{
    if (atomic_load(&counting))
        atomic_fetch_add(&allocations, 1);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIGNET_TEST_SANITIZER_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIGNET_TEST_SANITIZER_HOOKS 1
#endif
#endif

#ifdef SIGNET_TEST_SANITIZER_HOOKS
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));

static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    count();
}

static void on_free(const volatile void *p)
{
    (void)p;
}

size_t __sanitizer_get_current_allocated_bytes(void);

long alloc_count_live_bytes(void)
{
    return (long)__sanitizer_get_current_allocated_bytes();
}

static void install(void)
{
    static bool installed;
    if (!installed)
        __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
    installed = true;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
    count();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    count();
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    count();
    return __libc_realloc(p, n);
}

static void install(void)
{
}

long alloc_count_live_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)(mi.uordblks + mi.hblkhd);
}
#endif

void alloc_count_start(void)
{
    install();
    atomic_store(&allocations, 0);
    atomic_store(&counting, true);
}

long alloc_count_stop(void)
{
    atomic_store(&counting, false);
    return atomic_load(&allocations);
}
