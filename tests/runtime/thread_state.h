/* thread_state.h: what the other threads of this process are doing, read
 * from /proc/self/task (Linux), so that a test can wait until a thread is
 * asleep in the kernel (waiting inside a call under test, or idle in
 * poll(2)) instead of sleeping a fixed time and hoping it got there.
 * Include it after defining _DEFAULT_SOURCE (for syscall()).
 *
 * Where thread states cannot be read (not Linux, or /proc/self/task/<tid>
 * absent) the waits return at once and say so on stderr: the case then
 * runs its events in whatever order they come and proves less. */
#ifndef SIGNET_TEST_THREAD_STATE_H
#define SIGNET_TEST_THREAD_STATE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#ifdef __linux__
#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

enum { THREAD_STATE_WAIT_MS = 10000 }; /* a bound against a hang, not a delay */

/* The calling thread's kernel id (0 where there is none). */
static inline long thread_state_self(void)
{
#ifdef __linux__
    return (long)syscall(SYS_gettid);
#else
    return 0;
#endif
}

/* Reads /proc/self/task/<tid>/<what> into buf; false when it cannot. */
static inline bool thread_state_read(long tid, const char *what, char *buf, size_t size)
{
#ifdef __linux__
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/%s", tid, what);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0;
#else
    (void)tid, (void)what, (void)buf, (void)size;
    return false;
#endif
}

/* Whether this system shows thread states: the caller's own can be read. */
static inline bool thread_state_supported(void)
{
    char buf[512];
    long self = thread_state_self();
    return self > 0 && thread_state_read(self, "stat", buf, sizeof buf) &&
           thread_state_read(self, "syscall", buf, sizeof buf);
}

/* Whether thread tid is asleep in the kernel (state S). */
static inline bool thread_state_asleep(long tid)
{
    char buf[512];
    if (!thread_state_read(tid, "stat", buf, sizeof buf))
        return false;
    const char *close = strrchr(buf, ')'); /* after the command name */
    return close && close[1] == ' ' && close[2] == 'S';
}

/* Whether thread tid is asleep in poll(2) or ppoll(2). */
static inline bool thread_state_in_poll(long tid)
{
#ifdef __linux__
    char buf[256];
    long nr = -1;
    if (!thread_state_asleep(tid) || !thread_state_read(tid, "syscall", buf, sizeof buf))
        return false;
    if (sscanf(buf, "%ld", &nr) != 1) /* "running": not asleep after all */
        return false;
#ifdef SYS_poll
    if (nr == SYS_poll)
        return true;
#endif
    return nr == SYS_ppoll;
#else
    (void)tid;
    return false;
#endif
}

/* Threads of this process asleep in poll(2) or ppoll(2), other than the
 * caller. */
static inline int thread_state_count_in_poll(void)
{
    int n = 0;
#ifdef __linux__
    DIR *d = opendir("/proc/self/task");
    long self = thread_state_self();
    struct dirent *e;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        long tid = atol(e->d_name);
        if (tid > 0 && tid != self)
            n += thread_state_in_poll(tid);
    }
    closedir(d);
#endif
    return n;
}

static inline void thread_state_pause(void)
{
    struct timespec ts = {0, 100 * 1000}; /* between two looks at a condition */
    nanosleep(&ts, NULL);
}

static inline void thread_state_unknown(const char *what)
{
    fprintf(stderr, "note: thread states cannot be read here; not waiting for %s, "
                    "the order this case means to test is not guaranteed\n", what);
}

static inline long thread_state_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until cond(arg) holds. False when it did not within
 * THREAD_STATE_WAIT_MS; true at once when thread states cannot be read. */
static inline bool thread_state_wait(bool (*cond)(long), long arg, const char *what)
{
    long t0 = thread_state_now_ms();
    if (!thread_state_supported()) {
        thread_state_unknown(what);
        return true;
    }
    while (!cond(arg)) {
        if (thread_state_now_ms() - t0 > THREAD_STATE_WAIT_MS) {
            fprintf(stderr, "waited %d ms for %s in vain\n", THREAD_STATE_WAIT_MS, what);
            return false;
        }
        thread_state_pause();
    }
    return true;
}

static inline bool thread_state_n_in_poll(long n)
{
    return thread_state_count_in_poll() >= n;
}

/* Waits until thread tid is asleep in the kernel (thread_state_wait). */
static inline bool thread_state_wait_asleep(long tid)
{
    return thread_state_wait(thread_state_asleep, tid, "a thread to sleep");
}

/* Waits until thread tid is asleep in poll(2) (thread_state_wait). */
static inline bool thread_state_wait_in_poll(long tid)
{
    return thread_state_wait(thread_state_in_poll, tid, "a thread to sleep in poll");
}

/* Waits until at least n threads other than the caller are asleep in
 * poll(2) (thread_state_wait). */
static inline bool thread_state_wait_count_in_poll(int n)
{
    return thread_state_wait(thread_state_n_in_poll, n, "threads to sleep in poll");
}

#endif
