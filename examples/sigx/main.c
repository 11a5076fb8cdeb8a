/* sigx/main.c: the example of sigx's README, ported.
 *
 * sigx subscribes a handler to the regular expression 'parent/.*' and another
 * to 'parent/child.*', then publishes 'parent/child' and 'parent/chipmunk'.
 * Here the topics are signals of sigx.signet and the subscriptions are MQTT
 * patterns checked at build time: "parent/#" and "parent/child". Both
 * patterns match signals with the same payload (str value), so their
 * handlers are typed. The messages are published by topic string, as a
 * bridge would, with sigx_publish(). sigx's second message carries
 * previous_value='banana'; here both signals are `retain`, so a first
 * "banana" published before anyone subscribed becomes the previous value.
 *
 * Unlike sigx, the handler subscribed twice (through both patterns) runs
 * once per subscription: see docs/topics.md, section Delivery. */
#include "sigx.signet.h"

#include <stdio.h>
#include <string.h>

/* One handler for every subscription, like sigx's `handler(sub_id, source,
 * msg)`: ev->pattern says which subscription the call is for, and
 * signet_event_previous() gives the value previously retained on the topic
 * (sigx's previous_value). */
static int handler(void *ctx, const signet_event *ev, const sigx_child *msg)
{
    char topic[SIGNET_EVENT_TOPIC_MAX + 1];
    const sigx_child *prev = signet_event_previous(ev);
    (void)ctx;
    printf("callback %-12s (%s) source=%s topic=%s value='%s' previous_value=%s%s%s\n",
           ev->pattern->name, ev->pattern->topic,
           ev->sender ? (const char *)ev->sender : "None",
           signet_event_topic(ev, topic, sizeof topic), msg->value, prev ? "'" : "",
           prev ? prev->value : "None", prev ? "'" : "");
    return 0;
}

static int publish(signet_bus *bus, const char *topic, const signet_struct_info *type,
                   const void *payload)
{
    printf("publish %s\n", topic);
    return sigx_publish(bus, NULL, topic, strlen(topic), type, payload);
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_conn all, child;

    if (signet_bus_create(NULL, &bus) != 0)
        return 1;
    /* Before anyone subscribes: retained, delivered to nobody. */
    const sigx_chipmunk banana = {"banana"};
    printf("-> %d ran\n",
           publish(bus, "parent/chipmunk", sigx_signals[SIGX_SIGNAL_CHIPMUNK].payload, &banana));

    if (sigx_parent_all_subscribe(bus, handler, NULL, SIGNET_ANY, &all) != 0 ||
        sigx_parent_child_subscribe(bus, handler, NULL, SIGNET_ANY, &child) != 0)
        return 1;

    const sigx_child child_msg = {"my message"};
    int rc = publish(bus, "parent/child", sigx_signals[SIGX_SIGNAL_CHILD].payload, &child_msg);
    printf("-> %d subscriptions ran\n", rc);
    const sigx_chipmunk chipmunk_msg = {"my message"};
    rc = publish(bus, "parent/chipmunk", sigx_signals[SIGX_SIGNAL_CHIPMUNK].payload,
                 &chipmunk_msg);
    printf("-> %d subscription ran\n", rc);

    /* What sigx would accept silently, signet refuses. */
    rc = publish(bus, "parent/children", sigx_signals[SIGX_SIGNAL_CHILD].payload, &child_msg);
    printf("-> %s\n", signet_strerror(rc));
    rc = publish(bus, "parent/chipmunk", sigx_signals[SIGX_SIGNAL_CHILD].payload, &child_msg);
    printf("-> %s\n", signet_strerror(rc));

    signet_bus_destroy(bus);
    return 0;
}
