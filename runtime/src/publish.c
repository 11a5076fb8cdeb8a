/* publish.c: the topic space of a bus as callers see it
 * (signet_bus_add_schema, signet_bus_resolve, signet_bus_publish,
 * signet_bus_publish_post). Adding a schema is a writer's step, like a
 * connect without a connection; resolving asks each schema on the bus, in
 * the order they came, with its generated resolve (its matcher), and
 * publishing hands the topic to the generated publish of the schema that
 * knows it, which sends or posts through the emission calls like any
 * send. Uses state.c for the schemas on the bus and rcu.c for the read
 * section in which the schema table is read.
 */
#include "state.h"

int signet_bus_add_schema(signet_bus *bus, const signet_schema_info *schema)
{
    if (!bus || !schema)
        return SIGNET_EINVAL;
    if (schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (schema->signal_count == 0 && schema->pattern_count == 0)
        return 0; /* nothing to share */
    const signet_signal_info *first =
        schema->signal_count ? &schema->signals[0] : &schema->patterns[0];
    int err = 0;
    pthread_mutex_lock(&bus->lock);
    (void)signet__state_for(bus, first, &err);
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, false);
    return err;
}

/* The schema on the bus that knows topic, and the signal's id in it; or
 * a negative code: the first schema's, unless it was only SIGNET_ENOTOPIC
 * (well-formed but not its topic), then the next one's. */
static int resolve(const signet_bus *bus, const char *topic, size_t len,
                   const signet_schema_info **schema)
{
    bool outermost = signet__rcu_enter();
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_seq_cst);
    int id = SIGNET_ENOTOPIC;

    for (uint32_t i = 0; sc && i < sc->n; i++) {
        const signet_schema_info *s = sc->e[i].schema;
        if (!s->resolve)
            continue;
        id = s->resolve(topic, len);
        if (id != SIGNET_ENOTOPIC) {
            *schema = s; /* static, generated: it outlives the read section */
            break;
        }
    }
    signet__rcu_unlock(outermost);
    return id;
}

int signet_bus_resolve(const signet_bus *bus, const char *topic, size_t len,
                       const signet_signal_info **out)
{
    const signet_schema_info *schema;

    if (!bus || !topic || !out)
        return SIGNET_EINVAL;
    int id = resolve(bus, topic, len, &schema);
    if (id < 0)
        return id;
    *out = &schema->signals[id];
    return 0;
}

/* Sends (post false) or posts the signal topic names, through the
 * generated publish of the schema that knows it. */
static int publish(signet_bus *bus, const void *sender, const char *topic, size_t len,
                   const signet_struct_info *type, const void *payload, bool post)
{
    const signet_schema_info *schema;

    if (!bus || !topic)
        return SIGNET_EINVAL;
    int id = resolve(bus, topic, len, &schema);
    if (id < 0)
        return id;
    return (post ? schema->publish_post : schema->publish)(bus, sender, topic, len, type,
                                                           payload);
}

int signet_bus_publish(signet_bus *bus, const void *sender, const char *topic, size_t len,
                       const signet_struct_info *type, const void *payload)
{
    return publish(bus, sender, topic, len, type, payload, false);
}

int signet_bus_publish_post(signet_bus *bus, const void *sender, const char *topic, size_t len,
                            const signet_struct_info *type, const void *payload)
{
    return publish(bus, sender, topic, len, type, payload, true);
}
