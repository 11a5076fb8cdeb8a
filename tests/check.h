/* check.h: the tests' assertions and case runner. A test binary holds
 * several cases and runs the one named on its command line (without one it
 * lists them), so CTest registers one test per case. Checks count failures
 * and go on, so one run reports every failed check of its case. The
 * failure count is atomic: cases check from worker threads too. C only
 * (no C++ source includes it). */
#ifndef SIGNET_TEST_CHECK_H
#define SIGNET_TEST_CHECK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static atomic_int failures;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            atomic_fetch_add(&failures, 1);                                                    \
        }                                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                                    \
        if (a_ != b_) {                                                                        \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a,  \
                    #b, a_, b_);                                                               \
            atomic_fetch_add(&failures, 1);                                                    \
        }                                                                                      \
    } while (0)

struct test_case {
    const char *name;
    void (*run)(void);
};

static inline int run_case(const struct test_case *cases, size_t n, int argc, char **argv)
{
    if (argc != 2) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", cases[i].name);
        return argc == 1 ? 0 : 2;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cases[i].name, argv[1]) == 0) {
            cases[i].run();
            int failed = atomic_load(&failures);
            if (failed)
                fprintf(stderr, "%s: %d check(s) failed\n", argv[1], failed);
            return failed ? 1 : 0;
        }
    }
    fprintf(stderr, "unknown case '%s'\n", argv[1]);
    return 2;
}

#endif
