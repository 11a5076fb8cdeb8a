/* peer_gsignal.c: GLib's GSignal, behind the C interface of peers.h.
 *
 * One GObject class with a signal "tick" carrying a glong, declared as a
 * well-written GObject library would: a C marshaller for VOID:LONG and its
 * va_list twin (so g_signal_emit skips the GValue round trip when it can),
 * emitted with g_signal_emit and the signal id cached at class init, no
 * detail, no class handler. Sender filtering is GSignal's own: one instance
 * per sender, each with one handler, emitting on one of 1000 instances. */
#include "peers.h"

#include <glib-object.h>

typedef struct {
    GObject parent;
} BenchTicker;

typedef struct {
    GObjectClass parent_class;
} BenchTickerClass;

static GType bench_ticker_get_type(void);
G_DEFINE_TYPE(BenchTicker, bench_ticker, G_TYPE_OBJECT)

static guint tick_id;

static void bench_ticker_class_init(BenchTickerClass *klass)
{
    tick_id = g_signal_new("tick", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                           g_cclosure_marshal_VOID__LONG, G_TYPE_NONE, 1, G_TYPE_LONG);
    g_signal_set_va_marshaller(tick_id, G_TYPE_FROM_CLASS(klass),
                               g_cclosure_marshal_VOID__LONGv);
}

static void bench_ticker_init(BenchTicker *self)
{
    (void)self;
}

enum { MANY = 1000 };

static BenchTicker *tickers[3];   /* 0, 1 and 8 handlers */
static BenchTicker *senders[MANY];

static void connect_rx(BenchTicker *t)
{
    g_signal_connect(t, "tick", G_CALLBACK(peer_gsignal_rx), NULL);
}

static void setup(void)
{
    for (int i = 0; i < 3; i++)
        tickers[i] = g_object_new(bench_ticker_get_type(), NULL);
    connect_rx(tickers[1]);
    for (int i = 0; i < 8; i++)
        connect_rx(tickers[2]);
    for (int i = 0; i < MANY; i++) {
        senders[i] = g_object_new(bench_ticker_get_type(), NULL);
        connect_rx(senders[i]);
    }
}

static void teardown(void)
{
    for (int i = 0; i < 3; i++)
        g_object_unref(tickers[i]);
    for (int i = 0; i < MANY; i++)
        g_object_unref(senders[i]);
}

static void emit(int k, long n)
{
    BenchTicker *t = tickers[k == 0 ? 0 : k == 1 ? 1 : 2];
    for (long i = 0; i < n; i++)
        g_signal_emit(t, tick_id, 0, (glong)i);
}

static void filtered(long n)
{
    for (long i = 0; i < n; i++)
        g_signal_emit(senders[(i * 7) % MANY], tick_id, 0, (glong)i);
}

/* Scale: s instances, each with one handler (per-instance handlers, what
 * GSignal users connect). */
static BenchTicker **instances;
static int ninstances;

static void peer_gsignal_rx2(void *instance, long x, void *data)
{
    peer_gsignal_rx(instance, x + 1, data);
}

static void scale_setup(int s)
{
    instances = g_new(BenchTicker *, s);
    ninstances = s;
    for (int i = 0; i < s; i++) {
        instances[i] = g_object_new(bench_ticker_get_type(), NULL);
        connect_rx(instances[i]);
    }
}

static void scale_teardown(void)
{
    for (int i = 0; i < ninstances; i++)
        g_object_unref(instances[i]);
    g_free(instances);
    instances = NULL;
}

static void scale_connect(long n)
{
    for (long i = 0; i < n; i++) {
        BenchTicker *t = instances[(i * 7) % ninstances];
        gulong id = g_signal_connect(t, "tick", G_CALLBACK(peer_gsignal_rx2), NULL);
        g_signal_handler_disconnect(t, id);
    }
}

static void scale_emit(long n)
{
    for (long i = 0; i < n; i++)
        g_signal_emit(instances[(i * 7) % ninstances], tick_id, 0, (glong)i);
}

#define STR2(x) #x
#define STR(x) STR2(x)

const struct bench_peer bench_peer_gsignal = {
    "gsignal",
    "GLib GSignal " STR(GLIB_MAJOR_VERSION) "." STR(GLIB_MINOR_VERSION),
    setup,
    teardown,
    emit,
    filtered,
    scale_setup,
    scale_teardown,
    scale_connect,
    scale_emit,
};
