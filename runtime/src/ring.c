/* ring.c: the ring's allocation and its wake-up fd (ring.h): eventfd(2)
 * on Linux, else a non-blocking pipe; poll(2) for sleeping consumers.
 */
#include "ring.h"

#include "signet.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

/* SIGNET_NO_EVENTFD: the test suite builds such a runtime to test the pipe. */
#if defined(__linux__) && !defined(SIGNET_NO_EVENTFD)
#define SIGNET__EVENTFD 1
#include <sys/eventfd.h>
#else
#define SIGNET__EVENTFD 0
#endif

static int fd_open(struct signet__ring *r)
{
#if SIGNET__EVENTFD
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0)
        return SIGNET_ENOMEM;
    r->rfd = r->wfd = fd;
#else
    int fds[2];
    if (pipe(fds) != 0)
        return SIGNET_ENOMEM;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    r->rfd = fds[0];
    r->wfd = fds[1];
#endif
    return 0;
}

int signet__ring_init(struct signet__ring *r, uint32_t capacity, size_t stride)
{
    r->capacity = capacity;
    r->mask = capacity - 1;
    r->stride = stride;
    r->cells = aligned_alloc(SIGNET__CACHE_LINE, stride * capacity);
    if (!r->cells || fd_open(r) != 0) {
        free(r->cells);
        return SIGNET_ENOMEM;
    }
    for (size_t i = 0; i < capacity; i++)
        atomic_init(&signet__ring_cell(r, i)->seq, i);
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    atomic_init(&r->high, 0);
    atomic_init(&r->armed, 0);
    atomic_init(&r->sleepers, 0);
    atomic_init(&r->fd_mode, false);
    return 0;
}

void signet__ring_destroy(struct signet__ring *r)
{
    close(r->rfd);
    if (r->wfd != r->rfd)
        close(r->wfd);
    free(r->cells);
}

void signet__ring_wake(struct signet__ring *r)
{
#if SIGNET__EVENTFD
    uint64_t one = 1;
    ssize_t rc = write(r->wfd, &one, sizeof one);
#else
    char one = 1;
    ssize_t rc = write(r->wfd, &one, 1);
#endif
    (void)rc; /* EAGAIN: the fd is readable already */
}

static void drain(struct signet__ring *r)
{
    uint64_t buf[8];

#if SIGNET__EVENTFD
    /* One read resets an eventfd's counter: a second would only say EAGAIN. */
    if (read(r->rfd, buf, sizeof buf[0]) < 0)
        return;
#else
    while (read(r->rfd, buf, sizeof buf) > 0)
        ;
#endif
}

/* A consumer is going to sleep on the fd: arm it, then look once more. */
static void arm(struct signet__ring *r)
{
    atomic_store_explicit(&r->armed, 1, memory_order_seq_cst);
    if (signet__ring_waiting(r) && atomic_exchange_explicit(&r->armed, 0, memory_order_acq_rel))
        signet__ring_wake(r);
}

int signet__ring_fd(struct signet__ring *r)
{
    if (!atomic_exchange_explicit(&r->fd_mode, true, memory_order_seq_cst)) {
        if (signet__ring_waiting(r))
            signet__ring_wake(r);
        else
            arm(r);
    }
    return r->rfd;
}

void signet__ring_rearm(struct signet__ring *r)
{
    if (signet__ring_waiting(r)) {
        signet__ring_wake(r); /* more to do: the loop comes back */
    } else {
        drain(r);
        arm(r);
    }
}

int signet__ring_sleep(struct signet__ring *r, _Atomic bool *stop)
{
    /* Counted, not a flag: with several sleepers, every publish while any
     * of them sleeps wakes them, so one busy consumer never holds up the
     * others. */
    atomic_fetch_add_explicit(&r->sleepers, 1, memory_order_seq_cst);
    if (signet__ring_waiting(r) || atomic_load_explicit(stop, memory_order_seq_cst)) {
        atomic_fetch_sub_explicit(&r->sleepers, 1, memory_order_relaxed);
        return 0;
    }
    struct pollfd p = {r->rfd, POLLIN, 0};
    int rc = poll(&p, 1, -1);
    atomic_fetch_sub_explicit(&r->sleepers, 1, memory_order_relaxed);
    if (rc < 0 && errno != EINTR)
        return -1;
    /* Stopping leaves the fd readable, so every sleeper wakes. */
    if (!atomic_load_explicit(stop, memory_order_acquire)) {
        /* The drain may take the wake-ups of later publishes too, meant
         * for a sleeper whose poll had not returned yet: while messages
         * wait and someone sleeps, wake the fd again. A publish after the
         * look at the tail sees the sleeper and wakes it itself. */
        drain(r);
        if (signet__ring_waiting(r) && atomic_load_explicit(&r->sleepers, memory_order_seq_cst))
            signet__ring_wake(r);
    }
    return 0;
}
