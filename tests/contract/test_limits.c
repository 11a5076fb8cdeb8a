/* test_limits.c: limits.signet reaches every schema limit exactly; this
 * file compiling is half the proof (the layout signetc computed is the
 * compiler's), running it the other half. */
#include "limits.signet.h"

#include "../check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1u << 20)
/* From n64 down to n1: 63 levels. */
#define X8 .x.x.x.x.x.x.x.x
#define DOWN_63 X8 X8 X8 X8 X8 X8 X8.x.x.x.x.x.x.x

_Static_assert(sizeof(lim_mib) == MIB, "signetc's layout of mib is the compiler's");
_Static_assert(sizeof(lim_padded) == MIB, "signetc's layout of padded is the compiler's");
_Static_assert(sizeof(lim_fits) == MIB, "a 1 MiB payload");

struct seen {
    int calls;
    uint8_t first, last;
    char deepest[32];
    uint8_t f1022;
};

static int on_fits(void *ctx, const signet_event *ev, const lim_fits *msg)
{
    (void)ev;
    struct seen *s = ctx;
    s->calls++;
    s->first = msg->m.a0[0];
    s->last = msg->m.b[15];
    return 0;
}

static int on_nested(void *ctx, const signet_event *ev, const lim_nested *msg)
{
    (void)ev;
    struct seen *s = ctx;
    const lim_n1 *n = &msg->v DOWN_63;
    s->calls++;
    snprintf(s->deepest, sizeof s->deepest, "%s", n->s ? n->s : "(null)");
    return 0;
}

static int on_many(void *ctx, const signet_event *ev, const lim_many *msg)
{
    (void)ev;
    struct seen *s = ctx;
    s->calls++;
    s->f1022 = msg->f1022;
    return 0;
}

static void contract_schema_at_every_limit_compiles(void)
{
    const signet_signal_info *fits = &lim_signals[LIM_SIGNAL_FITS];
    const signet_signal_info *many = &lim_signals[LIM_SIGNAL_MANY];

    CHECK_EQ(fits->payload->size, MIB);
    CHECK_EQ(fits->payload->fields[0].struct_info->fields[0].array_len, 65535);
    CHECK_EQ(many->payload->field_count, 1023);
    CHECK_EQ(strlen(lim_signals[LIM_SIGNAL_LONG_TOPIC].topic), SIGNET_TOPIC_MAX_BYTES);
    /* The signal with the 64-character name has the longest queue. */
    const signet_signal_info *named = NULL;
    for (uint32_t i = 0; i < LIM_SIGNAL_COUNT; i++)
        if (strlen(lim_signals[i].name) == 64)
            named = &lim_signals[i];
    CHECK(named != NULL && named->queue_len == 1048576);
}

static void contract_payloads_at_the_limits_are_sent_and_posted(void)
{
    /* Queue slots big enough for the largest payload. */
    signet_bus_options opts = {.slot_size = MIB, .queue_capacity = 2};
    signet_bus *bus = NULL;
    struct seen s = {0}, n = {0}, m = {0};
    signet_conn c;

    CHECK_EQ(signet_bus_create(&opts, &bus), 0);
    if (!bus)
        return;
    lim_fits *big = calloc(1, sizeof *big);
    lim_nested *deep = calloc(1, sizeof *deep);
    lim_many *wide = calloc(1, sizeof *wide);
    if (!big || !deep || !wide)
        exit(1);
    big->m.a0[0] = 1;
    big->m.b[15] = 2;
    wide->f1022 = 3;
    CHECK_EQ(lim_fits_connect(bus, on_fits, &s, SIGNET_ANY, &c), 0);
    CHECK_EQ(lim_nested_connect(bus, on_nested, &n, SIGNET_ANY, &c), 0);
    CHECK_EQ(lim_many_connect(bus, on_many, &m, SIGNET_ANY, &c), 0);

    CHECK_EQ(lim_fits_send_msg(bus, NULL, big), 1);
    CHECK_EQ(lim_fits_post_msg(bus, NULL, big), 1);
    big->m.a0[0] = 9; /* the queued copy keeps 1 */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(s.calls, 2);
    CHECK_EQ(s.first, 1);
    CHECK_EQ(s.last, 2);

    char text[] = "at the bottom";
    lim_n1 *bottom = &deep->v DOWN_63;
    bottom->s = text;
    CHECK_EQ(lim_nested_post_msg(bus, NULL, deep), 1);
    text[0] = 'X'; /* posts deep-copy strings 64 levels down too */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(n.deepest, "at the bottom") == 0);

    CHECK_EQ(lim_many_send_msg(bus, NULL, wide), 1);
    CHECK_EQ(m.f1022, 3);
    free(big);
    free(deep);
    free(wide);
    signet_bus_destroy(bus);
}

#define CASE(name)                                                                                 \
    {                                                                                              \
#name, name                                                                                \
    }
static const struct test_case cases[] = {
    CASE(contract_schema_at_every_limit_compiles),
    CASE(contract_payloads_at_the_limits_are_sent_and_posted),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
