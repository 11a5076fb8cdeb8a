/* bench_scale.c: what connecting and sending cost as the number of senders
 * grows: signet against libsigc++ and GSignal with per-instance handlers
 * (peers.h), and the growth table of a signal with A receivers for
 * SIGNET_ANY and S receivers each connected for its own sender.
 *
 * For S = 10, 1000 and 10000 senders (instances), each with one receiver:
 *   - connect + disconnect: connect a second receiver for sender
 *     (i * 7) % S, then disconnect it (signet's disconnect waits for the
 *     grace period it promises; libsigc++ and GSignal have none);
 *   - send from sender (i * 7) % S, which runs its one receiver;
 * and both again on a bus that also has 10 receivers for SIGNET_ANY
 * (signet_any10_*), whose sends run them beside the sender's own; with
 * pattern subscriptions instead of connections (signet_pattern_*: each
 * sender's subscriber to `tocks`, a send of tock), and with queued
 * connections (signet_queued_*: each sender's receiver on the bus's
 * queue; a post, then a dispatch of the one message). And a
 * change for SIGNET_ANY beside 10000 senders (signet_late_any10_connect_*,
 * signet_late_any100_connect_*): the senders' receivers first, then 10 or
 * 100 for SIGNET_ANY; connect one more for SIGNET_ANY, then disconnect it,
 * each of which rebuilds every sender's list.
 * The cases of one S run interleaved, round after round, like
 * bench_emit's; time is the thread's CPU time.
 *
 *   bench_scale                  the table (9 rounds after a warm-up)
 *   bench_scale --rounds R       R rounds
 *   bench_scale --tsv [--rounds R]  the same rows, tab-separated, for
 *                                scripts/bench (bench_emit's columns)
 *   bench_scale --run CASE N     run only CASE, N operations (callgrind)
 *   bench_scale --list           the case names, each with its callgrind N
 *   bench_scale --growth [--tsv] A receivers for SIGNET_ANY, then S for a
 *                                sender each, for the (A, S) of issue 15:
 *                                the time to connect the S, per connect at
 *                                the end, per send from one sender
 *                                (cycling), and the heap the bus holds;
 *                                then the connects for S = 10 000 pattern
 *                                subscribers and queued connections
 */
#define _GNU_SOURCE
#include "harness.h"
#include "peers.h"
#include "receivers.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NSIZES = 3, MAX_CASES = 48, SCALE_ANY = 10 };

static const int sizes[NSIZES] = {10, 1000, 10000};
static char senders[BENCH_SCALE_MAX];
static char second_ctx;
static char any_ctx[100]; /* SIGNET_ANY receivers' ctx: up to the growth table's 100 */
static int nsenders;

/* signet's bus, and signet_any's: the same, after SCALE_ANY receivers
 * for SIGNET_ANY, so each send runs them beside the sender's own. */
static signet_bus *bus, *bus_any;
/* The same with pattern subscriptions, and with queued connections. */
static signet_bus *bus_pattern, *bus_queued;
/* The late ANY cases' buses: the senders' receivers, then 10 or 100 for
 * SIGNET_ANY (only for the largest S). */
static signet_bus *bus_late10, *bus_late100;

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "bench_scale: %s: %s\n", what, signet_strerror(rc));
        exit(1);
    }
}

/* The three kinds of a sender's own receiver the cases connect: direct,
 * a subscriber to the pattern tocks, queued on the bus's queue. */
typedef int connect_fn(signet_bus *b, void *ctx, const void *sender, signet_conn *out);

static int connect_direct(signet_bus *b, void *ctx, const void *sender, signet_conn *out)
{
    return bench_tick_connect(b, signet_rx, ctx, sender, out);
}

static int connect_pattern(signet_bus *b, void *ctx, const void *sender, signet_conn *out)
{
    return bench_tocks_subscribe(b, signet_tock_rx, ctx, sender, out);
}

static int connect_queued(signet_bus *b, void *ctx, const void *sender, signet_conn *out)
{
    return bench_tick_connect_opts(b, signet_rx, ctx, sender,
                                   &(signet_connect_opts){.queue = signet_bus_queue(b)}, out);
}

/* A bus with any receivers for SIGNET_ANY, then one of the kind for each
 * of s senders. */
static signet_bus *make_bus(int s, int any, connect_fn *connect)
{
    signet_bus *b;
    signet_conn conn;

    check(signet_bus_create(NULL, &b), "signet_bus_create");
    nsenders = s;
    for (int i = 0; i < any; i++)
        check(connect_direct(b, &any_ctx[i], SIGNET_ANY, &conn), "connect");
    for (int i = 0; i < s; i++)
        check(connect(b, &senders[i], &senders[i], &conn), "connect");
    return b;
}

/* n times: connect a second receiver of the kind for sender (i * 7) % S,
 * then disconnect it. */
static void connect_disconnect(signet_bus *b, long n, connect_fn *connect)
{
    for (long i = 0; i < n; i++) {
        signet_conn conn;
        check(connect(b, &second_ctx, &senders[(i * 7) % nsenders], &conn), "connect");
        check(signet_disconnect(b, conn), "disconnect");
    }
}

static void emit(signet_bus *b, long n)
{
    for (long i = 0; i < n; i++)
        bench_tick_send(b, &senders[(i * 7) % nsenders], i);
}

static void scale_signet_setup(int s)
{
    bus = make_bus(s, 0, connect_direct);
}

static void scale_signet_teardown(void)
{
    signet_bus_destroy(bus);
    bus = NULL;
}

static void scale_signet_connect(long n)
{
    connect_disconnect(bus, n, connect_direct);
}

static void scale_signet_emit(long n)
{
    emit(bus, n);
}

static void scale_any_setup(int s)
{
    bus_any = make_bus(s, SCALE_ANY, connect_direct);
}

static void scale_any_teardown(void)
{
    signet_bus_destroy(bus_any);
    bus_any = NULL;
}

static void scale_any_connect(long n)
{
    connect_disconnect(bus_any, n, connect_direct);
}

static void scale_any_emit(long n)
{
    emit(bus_any, n);
}

static void scale_pattern_setup(int s)
{
    bus_pattern = make_bus(s, 0, connect_pattern);
}

static void scale_pattern_teardown(void)
{
    signet_bus_destroy(bus_pattern);
    bus_pattern = NULL;
}

static void scale_pattern_connect(long n)
{
    connect_disconnect(bus_pattern, n, connect_pattern);
}

static void scale_pattern_emit(long n)
{
    for (long i = 0; i < n; i++)
        bench_tock_send(bus_pattern, &senders[(i * 7) % nsenders], i);
}

static void scale_queued_setup(int s)
{
    bus_queued = make_bus(s, 0, connect_queued);
}

static void scale_queued_teardown(void)
{
    signet_bus_destroy(bus_queued);
    bus_queued = NULL;
}

static void scale_queued_connect(long n)
{
    connect_disconnect(bus_queued, n, connect_queued);
}

/* A post, then the dispatch of its one message: a queue's round on one
 * thread, as bench_queue's same-thread row. */
static void scale_queued_emit(long n)
{
    for (long i = 0; i < n; i++) {
        if (bench_tick_post(bus_queued, &senders[(i * 7) % nsenders], i) != 1 ||
            signet_bus_dispatch(bus_queued, 1) != 1) {
            fprintf(stderr, "bench_scale: a post was not queued and run\n");
            exit(1);
        }
    }
}

/* The senders' receivers first, then any for SIGNET_ANY. */
static void late_any_setup(signet_bus **b, int s, int any)
{
    signet_conn conn;

    if (s != BENCH_SCALE_MAX)
        return;
    *b = make_bus(s, 0, connect_direct);
    for (int i = 0; i < any; i++)
        check(connect_direct(*b, &any_ctx[i], SIGNET_ANY, &conn), "connect");
}

static void late_any_teardown(signet_bus **b)
{
    if (*b)
        signet_bus_destroy(*b);
    *b = NULL;
}

/* n times: connect one more receiver for SIGNET_ANY, then disconnect it. */
static void late_any_connect(signet_bus *b, long n)
{
    for (long i = 0; i < n; i++) {
        signet_conn conn;
        check(connect_direct(b, &second_ctx, SIGNET_ANY, &conn), "connect");
        check(signet_disconnect(b, conn), "disconnect");
    }
}

static void late_any10_setup(int s)
{
    late_any_setup(&bus_late10, s, 10);
}

static void late_any10_teardown(void)
{
    late_any_teardown(&bus_late10);
}

static void late_any10_connect(long n)
{
    late_any_connect(bus_late10, n);
}

static void late_any100_setup(int s)
{
    late_any_setup(&bus_late100, s, 100);
}

static void late_any100_teardown(void)
{
    late_any_teardown(&bus_late100);
}

static void late_any100_connect(long n)
{
    late_any_connect(bus_late100, n);
}

static const struct bench_peer bench_peer_signet = {
    "signet", "signet", NULL, NULL, NULL, NULL,
    scale_signet_setup, scale_signet_teardown, scale_signet_connect, scale_signet_emit,
};

static const struct bench_peer bench_peer_signet_any = {
    "signet_any10", "signet beside 10 SIGNET_ANY receivers", NULL, NULL, NULL, NULL,
    scale_any_setup, scale_any_teardown, scale_any_connect, scale_any_emit,
};

static const struct bench_peer bench_peer_signet_pattern = {
    "signet_pattern", "signet, pattern subscribers", NULL, NULL, NULL, NULL,
    scale_pattern_setup, scale_pattern_teardown, scale_pattern_connect, scale_pattern_emit,
};

static const struct bench_peer bench_peer_signet_queued = {
    "signet_queued", "signet, queued connections", NULL, NULL, NULL, NULL,
    scale_queued_setup, scale_queued_teardown, scale_queued_connect, scale_queued_emit,
};

/* Only connect + disconnect, only for the largest S: see the top. */
static const struct bench_peer bench_peer_signet_late_any10 = {
    "signet_late_any10", "signet, 10 SIGNET_ANY receivers connected after the senders'", NULL,
    NULL, NULL, NULL, late_any10_setup, late_any10_teardown, late_any10_connect, NULL,
};

static const struct bench_peer bench_peer_signet_late_any100 = {
    "signet_late_any100", "signet, 100 SIGNET_ANY receivers connected after the senders'", NULL,
    NULL, NULL, NULL, late_any100_setup, late_any100_teardown, late_any100_connect, NULL,
};

static bool late_any(const struct bench_peer *p)
{
    return p == &bench_peer_signet_late_any10 || p == &bench_peer_signet_late_any100;
}

/* signet first: the other rows' ratios are to its. */
static const struct bench_peer *const peers[] = {
    &bench_peer_signet,
    &bench_peer_signet_any,
    &bench_peer_signet_pattern,
    &bench_peer_signet_queued,
    &bench_peer_signet_late_any10,
    &bench_peer_signet_late_any100,
#ifdef SIGNET_BENCH_SIGC
    &bench_peer_sigc,
#endif
#ifdef SIGNET_BENCH_GSIGNAL
    &bench_peer_gsignal,
#endif
    NULL,
};

struct bench_case {
    char name[48], label[128], versus[48], target_versus[48];
    double target;
    const struct bench_peer *peer;
    int s;
    bool emit;
    long ops, cg_n;
    double ns[BENCH_MAX_ROUNDS];
};

static struct bench_case cases[MAX_CASES];
static size_t ncases;

static void add(const struct bench_peer *p, int s, bool emit)
{
    struct bench_case *c = &cases[ncases++];
    /* signet's own growth (a row against its 1 of 10): plain, pattern and
     * queued, each held to the same target */
    bool own = p == &bench_peer_signet || p == &bench_peer_signet_pattern ||
               p == &bench_peer_signet_queued;
    const char *what = !emit                          ? "connect + disconnect"
                       : p == &bench_peer_signet_queued ? "post + dispatch"
                       : own                            ? "send"
                                                        : "emit";

    c->peer = p;
    c->s = s;
    c->emit = emit;
    c->cg_n = emit ? 100000 : late_any(p) ? 20 : 2000;
    snprintf(c->name, sizeof c->name, "%s_%s_1of%d", p->name, emit ? "send" : "connect", s);
    if (late_any(p))
        snprintf(c->label, sizeof c->label, "%s, connect + disconnect for SIGNET_ANY, %d senders",
                 p->label, s);
    else
        snprintf(c->label, sizeof c->label, "%s, %s, 1 of %d %s", p->label, what, s,
                 strcmp(p->name, "sigc") == 0         ? "signals"
                 : strncmp(p->name, "signet", 6) == 0 ? "senders"
                                                      : "instances");
    if (!own)
        snprintf(c->versus, sizeof c->versus, "signet_%s_1of%d", emit ? "send" : "connect", s);
    else if (s != sizes[0])
        snprintf(c->versus, sizeof c->versus, "%s_%s_1of%d", p->name, emit ? "send" : "connect",
                 sizes[0]);
    if (own && s == sizes[NSIZES - 1]) {
        memcpy(c->target_versus, c->versus, sizeof c->versus);
        c->target = 2.0;
    }
}

static void make_cases(void)
{
    for (int emit = 0; emit < 2; emit++)
        for (int k = 0; k < NSIZES; k++)
            for (size_t i = 0; peers[i]; i++)
                if (!late_any(peers[i]) || (!emit && sizes[k] == BENCH_SCALE_MAX))
                    add(peers[i], sizes[k], emit);
}

static void run_case(const struct bench_case *c, long n)
{
    (c->emit ? c->peer->scale_emit : c->peer->scale_connect)(n);
}

static struct bench_case *find(const char *name)
{
    for (size_t i = 0; i < ncases; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

static void setup(int s)
{
    for (size_t i = 0; peers[i]; i++)
        peers[i]->scale_setup(s);
}

static void teardown(void)
{
    for (size_t i = 0; peers[i]; i++)
        peers[i]->scale_teardown();
}

/* Warm-up and calibration as bench_emit's: each case's rounds take about
 * 30 ms. */
static void measure(int s, int rounds)
{
    setup(s);
    for (size_t i = 0; i < ncases; i++) {
        if (cases[i].s != s)
            continue;
        long n = 100;
        double t;
        for (;;) {
            double t0 = bench_cpu_ns();
            run_case(&cases[i], n);
            t = bench_cpu_ns() - t0;
            if (t >= 3e6 || n >= 100000000)
                break;
            n *= 4;
        }
        cases[i].ops = (long)((double)n * 3e7 / t) + 1;
    }
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < ncases; i++) {
            if (cases[i].s != s)
                continue;
            double t0 = bench_cpu_ns();
            run_case(&cases[i], cases[i].ops);
            cases[i].ns[r] = (bench_cpu_ns() - t0) / (double)cases[i].ops;
        }
    }
    teardown();
}

static void print_table(int rounds, int tsv)
{
    if (!tsv)
        printf("%-58s %10s %17s %-28s  %s\n", "case", "median", "min-max", "ratio", "target");
    for (size_t i = 0; i < ncases; i++) {
        const struct bench_case *c = &cases[i];
        struct bench_summary m = bench_summarize(c->ns, rounds);
        char target[96] = "";
        if (c->target_versus[0]) {
            double r = m.median / bench_median(find(c->target_versus)->ns, rounds);
            snprintf(target, sizeof target, "<= %.1fx %s: %.2fx %s", c->target, c->target_versus,
                     r, r <= c->target ? "met" : "MISSED");
        }
        if (tsv) {
            printf("scale\t%s\t%s\tns\t%.3f\t%.3f\t%.3f\t%s\t%s\n", c->name, c->label, m.median,
                   m.min, m.max, c->versus, target);
        } else {
            char ratio[64] = "";
            if (c->versus[0])
                snprintf(ratio, sizeof ratio, "%.2fx %s",
                         m.median / bench_median(find(c->versus)->ns, rounds), c->versus);
            printf("%-58s %8.1f ns %7.1f-%-9.1f %-28s  %s\n", c->label, m.median, m.min, m.max,
                   ratio, target);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Growth: A receivers for SIGNET_ANY, then S for a sender each. */

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

/* Connects a receivers of the kind (connect) for SIGNET_ANY to b, then
 * one for each of s senders: the seconds the s took, and in *last_us the
 * microseconds per connect over the last 1% of them. */
static double connect_senders(signet_bus *b, connect_fn *connect, int a, int s, double *last_us)
{
    signet_conn conn;

    for (int i = 0; i < a; i++)
        check(connect(b, &any_ctx[i], SIGNET_ANY, &conn), "connect");
    int last = s / 100 > 10 ? s / 100 : 10;
    double t0 = bench_cpu_ns(), t_last = 0;
    for (int i = 0; i < s; i++) {
        if (i == s - last)
            t_last = bench_cpu_ns();
        check(connect(b, &senders[i], &senders[i], &conn), "connect");
    }
    double t1 = bench_cpu_ns();
    *last_us = (t1 - t_last) / last / 1e3;
    return (t1 - t0) / 1e9;
}

static void growth_row(int a, int s, int tsv)
{
    signet_bus *b;
    signet_conn conn;
    double last_us;

    size_t heap0 = heap_in_use();
    check(signet_bus_create(NULL, &b), "signet_bus_create");
    double total = connect_senders(b, connect_direct, a, s, &last_us);
    /* A disconnect waits for a grace period and frees what was retired. */
    check(bench_tick_connect(b, signet_rx, &second_ctx, &senders[0], &conn), "connect");
    check(signet_disconnect(b, conn), "disconnect");
    size_t heap = heap_in_use() - heap0;
    long n = 200000;
    double e0 = bench_cpu_ns();
    for (long i = 0; i < n; i++)
        bench_tick_send(b, &senders[(i * 7) % s], i);
    double e1 = bench_cpu_ns();
    signet_bus_destroy(b);
    if (tsv)
        printf("growth\t%d\t%d\t%.4f\t%.2f\t%.1f\t%zu\n", a, s, total, last_us,
               (e1 - e0) / (double)n, heap);
    else
        printf("| %d | %d | %.4f s | %.2f us | %.1f ns | %.1f MB (%.0f B per receiver) |\n", a, s,
               total, last_us, (e1 - e0) / (double)n, heap / 1e6, (double)heap / (a + s));
    fflush(stdout);
}

/* The connects of growth_row() for pattern subscribers or queued
 * connections (connect), the A for SIGNET_ANY of the same kind. */
static void growth_kind_row(const char *kind, connect_fn *connect, int a, int s, int tsv)
{
    signet_bus *b;
    double last_us;

    check(signet_bus_create(NULL, &b), "signet_bus_create");
    double total = connect_senders(b, connect, a, s, &last_us);
    signet_bus_destroy(b);
    if (tsv)
        printf("growth_%s\t%d\t%d\t%.4f\t%.2f\n", kind, a, s, total, last_us);
    else
        printf("| %s | %d | %d | %.4f s | %.2f us |\n", kind, a, s, total, last_us);
    fflush(stdout);
}

static void growth(int tsv)
{
    static const int rows[][2] = {{0, 1000}, {0, 10000}, {10, 1000}, {10, 10000}, {100, 1000}};

    if (!tsv) {
        printf("| A | S | connecting the S receivers | per connect at the end | send from one "
               "sender (cycling) | heap the bus holds |\n");
        printf("|---|---|---|---|---|---|\n");
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        growth_row(rows[i][0], rows[i][1], tsv);
    if (!tsv) {
        printf("\n| kind | A | S | connecting the S | per connect at the end |\n");
        printf("|---|---|---|---|---|\n");
    }
    for (int a = 0; a <= 10; a += 10) {
        growth_kind_row("pattern", connect_pattern, a, 10000, tsv);
        growth_kind_row("queued", connect_queued, a, 10000, tsv);
    }
}

int main(int argc, char **argv)
{
    make_cases();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < ncases; i++)
            printf("%s %ld\n", cases[i].name, cases[i].cg_n);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--run") == 0) {
        struct bench_case *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "bench_scale: no case %s (--list)\n", argv[2]);
            return 2;
        }
        setup(c->s);
        run_case(c, atol(argv[3]));
        teardown();
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--growth") == 0) {
        growth(argc == 3 && strcmp(argv[2], "--tsv") == 0);
        return 0;
    }
    int rounds = 9, tsv = 0;
    if (!bench_options(argc, argv, &rounds, &tsv)) {
        fprintf(stderr, "usage: bench_scale [--tsv] [--rounds R] | --run CASE N | --list | "
                        "--growth [--tsv]\n");
        return 2;
    }
    for (int k = 0; k < NSIZES; k++)
        measure(sizes[k], rounds);
    print_table(rounds, tsv);
    return 0;
}
