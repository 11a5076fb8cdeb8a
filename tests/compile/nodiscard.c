/* nodiscard.c: which results of signet.h a program may ignore. Compiled,
 * never run, by expect.cmake under -Werror, one case per CTest test, chosen
 * with -DCASE_<name>:
 *   CASE_CLEANUP     a cleanup path ignores every result it may: compiles
 *   CASE_CREATE      signet_bus_create()'s result ignored: an error
 *   CASE_CONNECT     signet_connect()'s result ignored: an error
 *   CASE_SUBSCRIBE   signet_subscribe_pattern()'s result ignored: an error
 *   CASE_USER_EMPTY  SIGNET_NODISCARD defined empty first: create's result
 *                    may be ignored
 * Also compiled as C++17 with -DCASE_CXX17 (SIGNET_NODISCARD defined as
 * [[nodiscard]], silenced by a (void) cast). Depends on signet.h only. */
#if defined(CASE_USER_EMPTY)
#define SIGNET_NODISCARD
#elif defined(CASE_CXX17)
#define SIGNET_NODISCARD [[nodiscard]]
#endif
#include <signet.h>

#include <stddef.h>

int receiver(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx;
    (void)ev;
    (void)payload;
    return 0;
}

/* The connection may be gone already (a run-once receiver that ran): a
 * cleanup path has nothing to do about a failed disconnect. */
void cleanup(signet_bus *bus, signet_queue *q, signet_conn conn, void *ctx)
{
    signet_disconnect(bus, conn);
    signet_disconnect_ctx(bus, ctx);
    signet_queue_stop(q);
    signet_queue_destroy(q);
    signet_bus_destroy(bus);
}

void misuse(const signet_signal_info *sig, const signet_schema_info *schema, signet_conn *out)
{
    signet_bus *bus = NULL;

#if defined(CASE_CREATE) || defined(CASE_USER_EMPTY)
    signet_bus_create(NULL, &bus);
#elif defined(CASE_CONNECT)
    signet_connect(bus, sig, (signet_fnptr *)receiver, NULL, SIGNET_ANY, NULL, out);
#elif defined(CASE_SUBSCRIBE)
    signet_subscribe_pattern(bus, schema, "#", receiver, NULL, SIGNET_ANY, NULL, out);
#elif defined(CASE_CXX17)
    (void)signet_bus_create(NULL, &bus);
    (void)signet_connect(bus, sig, (signet_fnptr *)receiver, NULL, SIGNET_ANY, NULL, out);
#endif
    (void)sig;
    (void)schema;
    (void)out;
    signet_bus_destroy(bus);
}
