/* rcu.c: the reader registry, grace periods and retired lists of rcu.h,
 * and the freed items a retired list keeps for reuse. Uses pthreads and,
 * where the kernel has it (detected at run time), Linux membarrier(2). */
#include "rcu.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif

#if defined(__SANITIZE_THREAD__)
#define SIGNET_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SIGNET_TSAN 1
#endif
#endif

_Thread_local struct signet__reader signet__tls_reader
    __attribute__((tls_model("initial-exec"))) = {.ctr = SIGNET__RCU_OFF};
uint64_t signet__rcu_gp = 1;
bool signet__rcu_light;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct signet__reader *registry;     /* registered readers, guarded by registry_lock */
static pthread_key_t exit_key;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void unregister(void *arg)
{
    struct signet__reader *r = arg;

    pthread_mutex_lock(&registry_lock);
    if (r->prev)
        r->prev->next = r->next;
    else
        registry = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->registered = false;
    __atomic_store_n(&r->ctr, SIGNET__RCU_OFF, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&registry_lock);
}

#if defined(__linux__) && !defined(SIGNET_TSAN)
static long membarrier(int cmd)
{
    return syscall(__NR_membarrier, cmd, 0, 0);
}
#endif

static void init(void)
{
    pthread_key_create(&exit_key, unregister);
#if defined(__linux__) && !defined(SIGNET_TSAN)
    long cmds = membarrier(MEMBARRIER_CMD_QUERY);

    if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
        signet__rcu_light = true;
#endif
}

void signet__rcu_init(void)
{
    pthread_once(&init_once, init);
}

void signet__rcu_register(void)
{
    struct signet__reader *r = &signet__tls_reader;

    signet__rcu_init();
    pthread_mutex_lock(&registry_lock);
    __atomic_store_n(&r->ctr, 0, __ATOMIC_RELAXED);
    r->prev = NULL;
    r->next = registry;
    if (registry)
        registry->prev = r;
    registry = r;
    r->registered = true;
    pthread_mutex_unlock(&registry_lock);
    pthread_setspecific(exit_key, r);
}

/* A full barrier on every thread that may be inside a read section. */
static void barrier_all(void)
{
#if defined(__linux__) && !defined(SIGNET_TSAN)
    if (signet__rcu_light) {
        membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
        return;
    }
#endif
    /* Otherwise readers order themselves (rcu.h), and the seq_cst increment
     * of the grace period counter orders this side. */
}

void signet__backoff(unsigned *spins, long sleep_us)
{
    ++*spins;
    if (*spins < 32) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        return;
    }
    if (*spins < 96) {
        sched_yield();
        return;
    }
    struct timespec ts = {0, sleep_us * 1000};
    nanosleep(&ts, NULL);
}

uint64_t signet__rcu_advance(void)
{
    /* seq_cst: the caller's unpublishing store comes before the new value,
     * and a reader that loads it (acquire) sees the new snapshot. */
    return __atomic_add_fetch(&signet__rcu_gp, 1, __ATOMIC_SEQ_CST);
}

/* The oldest grace period a running read section started in, or UINT64_MAX.
 * The registry lock is held only for the walk, never while waiting, so
 * threads can register and exit while a writer waits for a reader that is
 * itself waiting for one of them. */
static uint64_t oldest_reader(void)
{
    uint64_t oldest = UINT64_MAX;

    pthread_mutex_lock(&registry_lock);
    for (struct signet__reader *r = registry; r; r = r->next) {
        uint64_t seen = __atomic_load_n(&r->ctr, __ATOMIC_SEQ_CST);
        if (seen != 0 && seen < oldest)
            oldest = seen;
    }
    pthread_mutex_unlock(&registry_lock);
    return oldest;
}

uint64_t signet__rcu_quiescent(void)
{
    signet__rcu_init();
    barrier_all();
    return oldest_reader();
}

uint64_t signet__rcu_synchronize(void)
{
    signet__rcu_init();
    uint64_t gp = signet__rcu_advance();
    unsigned spins = 0;

    barrier_all();
    while (oldest_reader() < gp)
        signet__backoff(&spins, 200); /* readers here run user code */
    return gp;
}

/* ------------------------------------------------------------------------ */
/* Retired memory */

#define RETIRE_BATCH 64              /* a collection is due once this many items wait... */
#define RETIRE_BYTES (8u << 20)      /* ...or this much memory */

void signet__retired_init(struct signet__retired_list *l)
{
    *l = (struct signet__retired_list){.due_count = RETIRE_BATCH, .due_bytes = RETIRE_BYTES};
}

void signet__retired_keep(struct signet__retired_list *l, size_t unit, uint32_t max)
{
    l->spare_unit = unit;
    l->spare_max = max;
}

/* The class of the kept items of size bytes (reusable flag and all), or
 * SIGNET__SPARE_CLASSES when none is kept. */
static size_t spare_class(const struct signet__retired_list *l, size_t size)
{
    size_t unit = l->spare_unit;

    if (!(size & SIGNET__RETIRED_REUSABLE) || !unit)
        return SIGNET__SPARE_CLASSES;
    size &= ~SIGNET__RETIRED_REUSABLE;
    if (size == 0 || size % unit || size / unit > SIGNET__SPARE_CLASSES)
        return SIGNET__SPARE_CLASSES;
    return size / unit - 1;
}

void *signet__retired_reuse(struct signet__retired_list *l, size_t size)
{
    size_t c = spare_class(l, size | SIGNET__RETIRED_REUSABLE);
    struct signet__retired *item = c < SIGNET__SPARE_CLASSES ? l->spare[c] : NULL;

    if (!item)
        return NULL;
    l->spare[c] = item->next;
    l->nspare[c]--;
    return item;
}

void signet__retire(struct signet__retired_list *l, struct signet__retired *item, uint64_t tag)
{
    item->tag = tag;
    item->next = l->head;
    l->head = item;
    l->n++;
    l->bytes += item->size & ~SIGNET__RETIRED_REUSABLE;
}

bool signet__retired_due(const struct signet__retired_list *l)
{
    return l->n >= l->due_count || l->bytes >= l->due_bytes;
}

struct signet__retired *signet__retired_take(struct signet__retired_list *l)
{
    struct signet__retired *items = l->head;

    l->head = NULL;
    l->n = 0;
    l->bytes = 0;
    return items;
}

void signet__retired_collect(struct signet__retired_list *l, struct signet__retired *items,
                             uint64_t safe)
{
    while (items) {
        struct signet__retired *next = items->next;
        size_t c;
        if (items->tag > safe) {
            signet__retire(l, items, items->tag);
        } else if ((c = spare_class(l, items->size)) < SIGNET__SPARE_CLASSES &&
                   l->nspare[c] < l->spare_max) {
            items->next = l->spare[c];
            l->spare[c] = items;
            l->nspare[c]++;
        } else {
            free(items); /* the first member of the allocation it heads */
        }
        items = next;
    }
    l->due_count = RETIRE_BATCH + 2 * l->n;
    l->due_bytes = RETIRE_BYTES + 2 * l->bytes;
}

void signet__retired_free_all(struct signet__retired_list *l)
{
    signet__retired_collect(l, signet__retired_take(l), UINT64_MAX);
    for (size_t c = 0; c < SIGNET__SPARE_CLASSES; c++) {
        while (l->spare[c]) {
            struct signet__retired *next = l->spare[c]->next;
            free(l->spare[c]);
            l->spare[c] = next;
        }
        l->nspare[c] = 0;
    }
}
