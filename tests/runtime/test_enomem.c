/* test_enomem.c: connects and disconnects whose allocations fail, and
 * replays of retained values that cannot copy them all. The
 * runtime's allocations are wrapped at link time (-Wl,--wrap, which sees
 * the calls of the statically linked runtime, also in a sanitizer build)
 * so that the n-th one from a chosen point fails. A connect that gets
 * SIGNET_ENOMEM must leave nothing connected, a disconnect must take its
 * receiver away even when the new lists cannot be built, and after any
 * number of such failures every sender's send runs exactly the receivers
 * connected for it and for SIGNET_ANY, in connection order: the lists a
 * failed rebuild left behind are rebuilt whole by the next change. */
#include "fixture.h"

#include <stdatomic.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);

static atomic_long fail_in; /* 0: never; k: the k-th allocation from now fails */

static bool fails(void)
{
    long k = atomic_load(&fail_in);
    if (k <= 0)
        return false;
    atomic_store(&fail_in, k - 1);
    return k == 1;
}

void *__wrap_malloc(size_t n)
{
    return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fails() ? NULL : __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return fails() ? NULL : __real_aligned_alloc(align, n);
}

enum { NSENDERS = 20, MAXC = 400 };

static char senders[NSENDERS];

struct model {
    const void *sender;
    signet_conn conn;
    bool live;
};

static struct model conns[MAXC];
static int nconns;
static const void *ran[MAXC];
static int nran;

static int rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    (void)msg;
    if (nran < MAXC)
        ran[nran++] = ctx;
    return 0;
}

/* Every sender's send runs its and SIGNET_ANY's live connections, in
 * connection order. */
static void check_all(signet_bus *bus)
{
    for (int k = -1; k < NSENDERS; k++) {
        const void *sender = k < 0 ? NULL : &senders[k];
        nran = 0;
        int n = t_send(bus, T_PING, sender, 1);
        int want = 0;
        for (int i = 0; i < nconns; i++) {
            if (!conns[i].live || (conns[i].sender && conns[i].sender != sender))
                continue;
            CHECK(want < nran && ran[want] == &conns[i]);
            want++;
        }
        CHECK_EQ(n, want);
        CHECK_EQ(nran, want);
    }
}

static void enomem_connect_and_disconnect_keep_every_list_right(void)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(NULL, &bus));
    int failed = 0;
    for (int round = 0; round < 300 && nconns < MAXC; round++) {
        int op = round % 7, nlive = 0;
        long k = round % 6; /* 0: no failure */
        for (int i = 0; i < nconns; i++)
            nlive += conns[i].live;
        if (op < 5 || nlive == 0) {
            /* Connect: mostly a sender's (new senders grow the table),
             * every few rounds SIGNET_ANY's. */
            struct model *m = &conns[nconns];
            m->sender = round % 5 == 4 ? SIGNET_ANY : &senders[(round * 7) % NSENDERS];
            atomic_store(&fail_in, k);
            int rc = t_connect(bus, T_PING, rx, m, m->sender, NULL, &m->conn);
            atomic_store(&fail_in, 0);
            CHECK(rc == 0 || rc == SIGNET_ENOMEM);
            if (rc == 0) {
                m->live = true;
                nconns++;
            } else {
                failed++;
            }
        } else {
            /* Disconnect one: it is gone whether or not its lists could be
             * rebuilt. */
            int i = (round * 13) % nconns;
            while (!conns[i].live)
                i = (i + 1) % nconns;
            atomic_store(&fail_in, k);
            int rc = signet_disconnect(bus, conns[i].conn);
            atomic_store(&fail_in, 0);
            CHECK_EQ(rc, 0);
            conns[i].live = false;
        }
        check_all(bus);
    }
    CHECK(failed > 0);
    signet_bus_destroy(bus);
}

/* The values a replay gave, in order. */
struct replayed {
    int32_t values[8];
    int n;
};

static int on_reading(void *ctx, const signet_event *ev, const t_reading *msg)
{
    struct replayed *r = ctx;

    (void)ev;
    if (r->n < 8)
        r->values[r->n++] = msg->value;
    return 0;
}

/* A replay whose copies cannot all be made says so: SIGNET_REPLAY_SKIPPED,
 * with the values it did give still oldest first; one that gave every
 * value returns 0. Each allocation from the connect's first on fails in
 * turn, until the connect and its replay make no more. */
static void enomem_replay_that_skips_values_says_so(void)
{
    signet_bus *bus = NULL;
    const char *rooms[] = {"a", "b", "c"};
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    struct replayed r[64];
    int skipped = 0;

    CHECK_OK(signet_bus_create(NULL, &bus));
    for (int i = 0; i < 3; i++)
        CHECK_EQ(t_reading_send(bus, NULL, rooms[i], i + 1), 0);
    for (long k = 1; k < 64; k++) {
        signet_conn c;
        r[k] = (struct replayed){{0}, 0};
        atomic_store(&fail_in, k);
        int rc = t_reading_connect_opts(bus, on_reading, &r[k], SIGNET_ANY, &replay, &c);
        bool done = atomic_load(&fail_in) > 0; /* the k-th allocation never came */
        atomic_store(&fail_in, 0);
        CHECK(rc == 0 || rc == SIGNET_ENOMEM || rc == SIGNET_REPLAY_SKIPPED);
        if (rc == SIGNET_ENOMEM) {
            CHECK_EQ(r[k].n, 0);
            continue;
        }
        CHECK_OK(signet_disconnect(bus, c));
        for (int i = 1; i < r[k].n; i++)
            CHECK(r[k].values[i - 1] < r[k].values[i]);
        if (rc == 0) {
            CHECK_EQ(r[k].n, 3);
        } else {
            CHECK(r[k].n < 3);
            skipped++;
        }
        if (done)
            break;
    }
    CHECK(skipped > 0);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"enomem_connect_and_disconnect_keep_every_list_right",
     enomem_connect_and_disconnect_keep_every_list_right},
    {"enomem_replay_that_skips_values_says_so", enomem_replay_that_skips_values_says_so},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
