/* topic_trie.h: a run-time trie of MQTT topic filters, walked level by
 * level with '+' and '#' branches: how brokers and libraries that take
 * their patterns at run time match (NATS's sublist, RabbitMQ's topic
 * exchange, mosquitto's subscription tree). bench_topics measures it next
 * to signet's generated matcher and the reference per-pattern loop.
 * Depends on nothing but the C library. */
#ifndef BENCH_TOPIC_TRIE_H
#define BENCH_TOPIC_TRIE_H

#include <stddef.h>
#include <stdint.h>

typedef struct topic_trie topic_trie;

/* An empty trie, or NULL when out of memory. */
topic_trie *topic_trie_create(void);
void topic_trie_destroy(topic_trie *t);

/* Adds the MQTT filter `filter` (levels separated by '/', '+' for one
 * level, '#' last for the rest) under `id`: 0, or -1 when out of memory. */
int topic_trie_insert(topic_trie *t, const char *filter, uint32_t id);

/* Matches the concrete topic (len bytes, no wildcards): stores the ids of
 * the matching filters, at most `max`, in `ids` and returns how many match
 * (which may exceed max), or -1 for a topic deeper than 64 levels. A
 * filter starting with a wildcard does not match a topic starting with
 * '$' (MQTT 4.7.2). */
int topic_trie_match(const topic_trie *t, const char *topic, size_t len, uint32_t *ids,
                     size_t max);

#endif
