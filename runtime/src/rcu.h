/* rcu.h: read-copy-update for the receiver snapshots, and the retired
 * memory that waits for a grace period (internal).
 *
 * Emissions read immutable snapshots without locks or atomic
 * read-modify-write instructions: a read section costs a thread-local
 * counter and two plain stores. Writers publish a new snapshot, then
 * signet__rcu_synchronize() waits until every read section that could still
 * see the old one has ended, after which it may be freed.
 *
 * How: each thread that reads owns a registered record holding the grace
 * period counter it saw when its outermost read section began (0 when idle).
 * A writer bumps the global counter and waits for every record that holds a
 * non-zero value older than the new one. The store-load ordering a reader
 * would need (record store, then snapshot load) is provided by the writer:
 * where the kernel offers membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) it
 * forces a full barrier on every running thread of the process, so readers
 * pay only a compiler barrier; elsewhere (and under ThreadSanitizer, which
 * does not model membarrier) readers use a sequentially consistent exchange,
 * and every snapshot pointer is stored and loaded seq_cst.
 * Read sections nest (only the outermost one is recorded); synchronize must
 * not be called inside one (it would wait for itself), which callers check
 * with signet__rcu_nested().
 *
 * Writers file what they unpublished on a retired list under the tag of the
 * grace period that must pass first; the list is theirs to guard (a bus
 * keeps one under its lock), and it may keep freed items of a few sizes
 * for the writer's next ones. Implemented in rcu.c, on pthreads and, on
 * Linux, membarrier(2).
 */
#ifndef SIGNET_RCU_H
#define SIGNET_RCU_H

#include "signet.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The reader record (struct signet__reader), signet__tls_reader,
 * signet__rcu_gp and signet__rcu_light are declared in signet.h, whose
 * inline send path enters a read section itself; they are accessed with
 * __atomic builtins. A thread's record holds SIGNET__RCU_OFF until the
 * thread registers, so that path's one test (ctr == 0) also turns away an
 * unregistered thread. */

void signet__rcu_init(void);         /* once per process, before any reader */
void signet__rcu_register(void);     /* the calling thread's first read section */

/* Grace periods are told apart by tags. A writer that has unpublished
 * something calls signet__rcu_advance() and files the item under the tag it
 * returns: the item may be freed once the bound returned by one of the two
 * calls below is at least its tag. */
uint64_t signet__rcu_advance(void);
/* Waits until every read section that began before the call has ended and
 * returns the bound: everything retired before the call is free to go. Must
 * not be called inside a read section (it would wait for itself). */
uint64_t signet__rcu_synchronize(void);
/* Does not wait: the bound that holds now (the oldest read section still
 * running, or UINT64_MAX when none is). May be called inside a read section;
 * the caller's own section then bounds it. */
uint64_t signet__rcu_quiescent(void);

/* Waiting for another thread: spins briefly, then yields, then sleeps
 * sleep_us per call. *spins starts at 0 and counts the calls. */
void signet__backoff(unsigned *spins, long sleep_us);

/* True once the calling thread's record is registered; a thread must call
 * signet__rcu_register() before its first read section. Kept apart from the
 * lock so callers can take the registration off their fast path. */
static inline bool signet__rcu_registered(void)
{
    return signet__tls_reader.registered;
}

/* Enters a read section (the thread is registered). Returns true for the
 * outermost section on this thread, which the matching unlock must be told.
 * Nesting is read from the record itself (non-zero while inside), so the
 * fast path does one load and, when outermost, one store. */
static inline bool signet__rcu_lock(void)
{
    if (__atomic_load_n(&signet__tls_reader.ctr, __ATOMIC_RELAXED) != 0)
        return false;
    signet__rcu_enter_outermost();
    return true;
}

static inline void signet__rcu_unlock(bool outermost)
{
    if (outermost)
        signet__rcu_leave_outermost();
}

/* Inside a read section? (An unregistered thread never is.) */
static inline bool signet__rcu_nested(void)
{
    uint64_t ctr = __atomic_load_n(&signet__tls_reader.ctr, __ATOMIC_RELAXED);

    return ctr != 0 && ctr != SIGNET__RCU_OFF;
}

/* Registers the calling thread if needed, then enters a read section: for
 * the paths that are not worth keeping the registration off. */
static inline bool signet__rcu_enter(void)
{
    if (__builtin_expect(!signet__rcu_registered(), 0))
        signet__rcu_register();
    return signet__rcu_lock();
}

/* What a writer unpublished heads with one of these (its first member):
 * it is freed, as a whole, once a grace period has passed its tag. */
struct signet__retired {
    struct signet__retired *next;
    uint64_t tag;               /* see signet__rcu_advance() */
    size_t size;                /* bytes, for the backlog bound, | SIGNET__RETIRED_REUSABLE */
};

/* In signet__retired.size: the item may be kept for reuse rather than
 * freed (signet__retired_keep()); its owner allocates every such item of a
 * size alike (with the same alignment). */
#define SIGNET__RETIRED_REUSABLE ((size_t)1 << (sizeof(size_t) * 8 - 1))

#define SIGNET__SPARE_CLASSES 4

/* The unpublished items of one writer side, not yet freed, and the freed
 * ones kept for reuse. Guarded by the owner's lock, which none of the
 * calls below takes. */
struct signet__retired_list {
    struct signet__retired *head;
    uint32_t n;
    size_t bytes;
    uint32_t due_count;         /* worth collecting once n or bytes reach these */
    size_t due_bytes;
    /* Kept: reusable items of (i + 1) x spare_unit bytes in spare[i]. */
    struct signet__retired *spare[SIGNET__SPARE_CLASSES];
    uint32_t nspare[SIGNET__SPARE_CLASSES], spare_max;
    size_t spare_unit;
};

void signet__retired_init(struct signet__retired_list *l);
/* From now on a collection keeps, for signet__retired_reuse(), up to max
 * reusable items of each size of 1 to SIGNET__SPARE_CLASSES x unit bytes
 * instead of freeing them: a writer that replaces many small items then
 * does not go through malloc and free each time. */
void signet__retired_keep(struct signet__retired_list *l, size_t unit, uint32_t max);
/* A kept item of size bytes, now the caller's (to be filed again as a
 * reusable item, or freed), or NULL. */
void *signet__retired_reuse(struct signet__retired_list *l, size_t size);
/* Files item under tag. */
void signet__retire(struct signet__retired_list *l, struct signet__retired *item, uint64_t tag);
/* Has enough piled up to be worth a collection? */
bool signet__retired_due(const struct signet__retired_list *l);
/* Takes every item off the list (to be freed outside the owner's lock). */
struct signet__retired *signet__retired_take(struct signet__retired_list *l);
/* Frees the taken items whose tag is at most safe and files the others
 * back; what could not be freed is not worth another look until the backlog
 * has doubled. */
void signet__retired_collect(struct signet__retired_list *l, struct signet__retired *items,
                             uint64_t safe);
/* Frees every item, whatever its tag (no reader is left), and the kept
 * ones. */
void signet__retired_free_all(struct signet__retired_list *l);

#endif /* SIGNET_RCU_H */
