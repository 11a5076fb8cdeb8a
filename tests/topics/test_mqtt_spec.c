/* test_mqtt_spec.c: the MQTT specification's own topic examples (OASIS MQTT
 * 3.1.1 section 4.7), the '$' rule, the topic limits, captures and the
 * build-time tables, against the matcher signetc generated for mqtt.signet.
 * One CTest test per case: test_mqtt_spec <case>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"

#include "mqtt.signet.private.h"

/* Matches topic; checks that the patterns come ascending and, for a signal
 * without captures, that they equal the build-time table. */
static int match(const char *topic, mqtt__match_result *r)
{
    int rc = mqtt__match(topic, strlen(topic), r);

    for (uint32_t i = 1; i < r->npatterns; i++)
        CHECK(r->patterns[i - 1] < r->patterns[i]);
    if (rc >= 0) {
        uint32_t n;
        const uint32_t *p = mqtt__signal_patterns(rc, &n);

        if (p != NULL) {
            CHECK(n == r->npatterns);
            CHECK(n == 0 || memcmp(p, r->patterns, n * sizeof *p) == 0);
        }
    }
    return rc;
}

/* Does pattern p match topic? */
static int matches(const char *topic, int p)
{
    mqtt__match_result r;

    match(topic, &r);
    for (uint32_t i = 0; i < r.npatterns; i++)
        if (r.patterns[i] == (uint32_t)p)
            return 1;
    return 0;
}

static void mqtt_spec_hash_matches_the_parent_and_every_descendant(void)
{
    /* "sport/tennis/player1/#" would receive messages published using these topic names */
    CHECK(matches("sport/tennis/player1", MQTT__PATTERN_PLAYER1_ALL));
    CHECK(matches("sport/tennis/player1/ranking", MQTT__PATTERN_PLAYER1_ALL));
    CHECK(matches("sport/tennis/player1/score/wimbledon", MQTT__PATTERN_PLAYER1_ALL));
    CHECK(!matches("sport/tennis/player2", MQTT__PATTERN_PLAYER1_ALL));
    CHECK(!matches("sport/tennis", MQTT__PATTERN_PLAYER1_ALL));
    /* "sport/#" also matches the singular "sport", since # includes the parent level */
    CHECK(matches("sport", MQTT__PATTERN_SPORT_ALL));
    CHECK(matches("sport/", MQTT__PATTERN_SPORT_ALL));
    CHECK(matches("sport/tennis/player1/score/wimbledon", MQTT__PATTERN_SPORT_ALL));
    CHECK(!matches("sports", MQTT__PATTERN_SPORT_ALL));
    /* "#" matches every topic that does not start with '$' */
    CHECK(matches("sport", MQTT__PATTERN_ALL));
    CHECK(matches("/", MQTT__PATTERN_ALL));
    CHECK(matches("a/b/c/d/e/f", MQTT__PATTERN_ALL));
}

static void mqtt_spec_plus_matches_exactly_one_level(void)
{
    /* "sport/tennis/+" matches "sport/tennis/player1" and "sport/tennis/player2",
     * but not "sport/tennis/player1/ranking" */
    CHECK(matches("sport/tennis/player1", MQTT__PATTERN_TENNIS_ONE));
    CHECK(matches("sport/tennis/player2", MQTT__PATTERN_TENNIS_ONE));
    CHECK(!matches("sport/tennis/player1/ranking", MQTT__PATTERN_TENNIS_ONE));
    /* "sport/+" does not match "sport" but does match "sport/" */
    CHECK(!matches("sport", MQTT__PATTERN_SPORT_ONE));
    CHECK(matches("sport/", MQTT__PATTERN_SPORT_ONE));
    /* "+/tennis/#" is valid and '#' keeps matching the parent */
    CHECK(matches("sport/tennis", MQTT__PATTERN_TENNIS_ANY));
    CHECK(matches("sport/tennis/player1/ranking", MQTT__PATTERN_TENNIS_ANY));
    CHECK(!matches("sport/golf", MQTT__PATTERN_TENNIS_ANY));
}

static void mqtt_spec_empty_first_level_is_a_level(void)
{
    /* "+/+" and "/+" match "/finance"; "+" does not */
    CHECK(matches("/finance", MQTT__PATTERN_PLUS_PLUS));
    CHECK(matches("/finance", MQTT__PATTERN_SLASH_PLUS));
    CHECK(!matches("/finance", MQTT__PATTERN_PLUS));
    CHECK(matches("finance", MQTT__PATTERN_PLUS));
    CHECK(!matches("finance", MQTT__PATTERN_SLASH_PLUS));
    /* "/" is two empty levels */
    CHECK(matches("/", MQTT__PATTERN_PLUS_PLUS));
    CHECK(matches("/", MQTT__PATTERN_SLASH_PLUS));
    CHECK(!matches("/", MQTT__PATTERN_PLUS));
}

static void mqtt_spec_dollar_topics_escape_leading_wildcards(void)
{
    /* "#" and "+/monitor/Clients" do not receive "$SYS/monitor/Clients" */
    CHECK(!matches("$SYS/monitor/Clients", MQTT__PATTERN_ALL));
    CHECK(!matches("$SYS/monitor/Clients", MQTT__PATTERN_MONITOR));
    CHECK(matches("house/monitor/Clients", MQTT__PATTERN_MONITOR));
    /* "$SYS/#" and "$SYS/monitor/+" do */
    CHECK(matches("$SYS/monitor/Clients", MQTT__PATTERN_SYS_ALL));
    CHECK(matches("$SYS/monitor/Clients", MQTT__PATTERN_SYS_MONITOR));
    CHECK(matches("$SYS", MQTT__PATTERN_SYS_ALL));
    /* only the first level counts */
    CHECK(matches("house/$SYS", MQTT__PATTERN_ALL));
    CHECK(matches("house/$SYS", MQTT__PATTERN_PLUS_PLUS));
    CHECK(!matches("$x", MQTT__PATTERN_PLUS));
}

static void mqtt_spec_topics_are_case_sensitive(void)
{
    mqtt__match_result r;

    CHECK(match("Accounts", &r) == MQTT_SIGNAL_ACCOUNTS);
    CHECK(matches("Accounts", MQTT__PATTERN_ACCOUNTS_EXACT));
    CHECK(match("ACCOUNTS", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(!matches("ACCOUNTS", MQTT__PATTERN_ACCOUNTS_EXACT));
    CHECK(!matches("accounts", MQTT__PATTERN_ACCOUNTS_EXACT));
}

static void topic_resolves_its_signal(void)
{
    mqtt__match_result r;

    CHECK(match("sport", &r) == MQTT_SIGNAL_SPORT);
    CHECK(match("sport/", &r) == MQTT_SIGNAL_SPORT_EMPTY);
    CHECK(match("/finance", &r) == MQTT_SIGNAL_FINANCE);
    CHECK(match("finance", &r) == MQTT_SIGNAL_FINANCE_PLAIN);
    CHECK(match("/", &r) == MQTT_SIGNAL_SLASH);
    CHECK(match("$SYS/monitor/Clients", &r) == MQTT_SIGNAL_CLIENTS);
    CHECK(match("sport/tennis/player1/score/wimbledon", &r) == MQTT_SIGNAL_WIMBLEDON);
    CHECK(match("sport/tennis/player3", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(r.npatterns == 4); /* sport_all, tennis_one, tennis_any, all */
    CHECK(match("sport/tennis/player1/score", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("//", &r) == MQTT__TOPIC_UNKNOWN);
}

static void topic_captures_give_typed_values_and_spans(void)
{
    mqtt__match_result r;
    const char *t = "sensors/kitchen/7/temp";

    CHECK(mqtt__match(t, strlen(t), &r) == MQTT_SIGNAL_READING);
    CHECK(r.ncaptures == 2);
    CHECK(r.captures[0].param == 0 && r.captures[0].text == t + 8 && r.captures[0].len == 7);
    CHECK(r.captures[1].param == 1 && r.captures[1].u32 == 7);
    CHECK(r.captures[1].text == t + 16 && r.captures[1].len == 1);
    CHECK(r.npatterns == 3);
    CHECK(matches(t, MQTT__PATTERN_KITCHEN) && matches(t, MQTT__PATTERN_SENSOR7));
    CHECK(mqtt__signal_patterns(MQTT_SIGNAL_READING, &(uint32_t){0}) == NULL);

    /* str captures take any level: empty, '$'-prefixed, digits */
    CHECK(match("sensors//0/temp", &r) == MQTT_SIGNAL_READING && r.captures[0].len == 0);
    CHECK(r.captures[1].u32 == 0);
    CHECK(match("sensors/$x/4294967295/temp", &r) == MQTT_SIGNAL_READING);
    CHECK(r.captures[1].u32 == 4294967295u && r.captures[0].len == 2);
    CHECK(match("sensors/7/7/temp", &r) == MQTT_SIGNAL_READING && r.npatterns == 2);
}

static void topic_u32_levels_are_canonical_decimals(void)
{
    mqtt__match_result r;

    CHECK(match("sensors/x/007/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/00/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/4294967296/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/99999999999/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/-1/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/7a/temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x//temp", &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(match("sensors/x/1000000000/temp", &r) == MQTT_SIGNAL_READING);
    CHECK(r.captures[1].u32 == 1000000000u);
    /* patterns do not care: '+' takes any level */
    CHECK(matches("sensors/x/007/temp", MQTT__PATTERN_ALL));
}

static void topic_malformed_is_rejected_with_its_reason(void)
{
    mqtt__match_result r;
    char big[MQTT__TOPIC_MAX_BYTES + 2];

    CHECK(mqtt__match("", 0, &r) == MQTT__TOPIC_EMPTY && r.npatterns == 0);
    CHECK(match("sport/+", &r) == MQTT__TOPIC_WILDCARD && r.npatterns == 0);
    CHECK(match("sport/#", &r) == MQTT__TOPIC_WILDCARD);
    CHECK(match("sp#rt", &r) == MQTT__TOPIC_WILDCARD);
    CHECK(match("$SYS+/x", &r) == MQTT__TOPIC_WILDCARD);
    CHECK(mqtt__match("sport\0x", 7, &r) == MQTT__TOPIC_NUL);
    memset(big, 'a', sizeof big);
    CHECK(mqtt__match(big, MQTT__TOPIC_MAX_BYTES + 1, &r) == MQTT__TOPIC_TOO_LONG);
    CHECK(mqtt__match(big, MQTT__TOPIC_MAX_BYTES, &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(r.npatterns == 2); /* plus, all */
    memset(big, '/', MQTT__TOPIC_MAX_LEVELS);
    CHECK(mqtt__match(big, MQTT__TOPIC_MAX_LEVELS, &r) == MQTT__TOPIC_TOO_DEEP);
    CHECK(mqtt__match(big, MQTT__TOPIC_MAX_LEVELS - 1, &r) == MQTT__TOPIC_UNKNOWN);
    CHECK(r.npatterns == 1); /* all */
    /* the length counts, not a NUL: "sport/tennis" cut to "sport" */
    CHECK(mqtt__match("sport/tennis", 5, &r) == MQTT_SIGNAL_SPORT);
}

/* A topic holding a NUL byte is refused as such wherever the NUL is, even
 * when a level before it (a wildcard, one level too many) is wrong too. */
static void topic_nul_comes_before_every_other_fault(void)
{
    mqtt__match_result r;
    char deep[MQTT__TOPIC_MAX_LEVELS + 2];

    CHECK(mqtt__match("\0", 1, &r) == MQTT__TOPIC_NUL && r.npatterns == 0);
    CHECK(mqtt__match("sport\0", 6, &r) == MQTT__TOPIC_NUL);
    CHECK(mqtt__match("sport/\0/x", 9, &r) == MQTT__TOPIC_NUL);
    CHECK(mqtt__match("sport/tennis\0", 13, &r) == MQTT__TOPIC_NUL && r.npatterns == 0);
    CHECK(mqtt__match("sport/+/\0", 9, &r) == MQTT__TOPIC_NUL);
    CHECK(mqtt__match("#\0", 2, &r) == MQTT__TOPIC_NUL);
    CHECK(mqtt__match("sport/+/x", 9, &r) == MQTT__TOPIC_WILDCARD); /* the same without it */
    memset(deep, '/', sizeof deep);
    deep[sizeof deep - 1] = '\0';
    CHECK(mqtt__match(deep, sizeof deep, &r) == MQTT__TOPIC_NUL);
    CHECK(mqtt__match(deep, sizeof deep - 1, &r) == MQTT__TOPIC_TOO_DEEP);
}

static void signal_without_captures_has_build_time_patterns(void)
{
    uint32_t n;
    const uint32_t *p = mqtt__signal_patterns(MQTT_SIGNAL_SPORT, &n);

    CHECK(p != NULL && n == 3);
    CHECK(p[0] == MQTT__PATTERN_SPORT_ALL && p[1] == MQTT__PATTERN_PLUS &&
          p[2] == MQTT__PATTERN_ALL);
    p = mqtt__signal_patterns(MQTT_SIGNAL_CLIENTS, &n);
    CHECK(p != NULL && n == 2);
    CHECK(p[0] == MQTT__PATTERN_SYS_ALL && p[1] == MQTT__PATTERN_SYS_MONITOR);
    CHECK(mqtt__signal_patterns(-1, &n) == NULL && n == 0);
    CHECK(mqtt__signal_patterns(MQTT_SIGNAL_COUNT, &n) == NULL && n == 0);
    /* every signal's table equals what matching its topic gives */
    for (int s = 0; s < MQTT_SIGNAL_COUNT; s++) {
        mqtt__match_result r;

        if (mqtt__signal_patterns(s, &n) != NULL)
            CHECK(match(mqtt_signals[s].topic, &r) == s);
    }
}

static void pattern_info_gives_signals_and_receiver_type(void)
{
    const mqtt__pattern_info *p = &mqtt__patterns[MQTT__PATTERN_SPORT_ONE];

    CHECK(strcmp(p->name, "sport_one") == 0 && strcmp(p->filter, "sport/+") == 0);
    CHECK(p->nsignals == 1 && p->signals[0] == MQTT_SIGNAL_SPORT_EMPTY);
    CHECK(p->typed_as == MQTT_SIGNAL_SPORT_EMPTY);
    p = &mqtt__patterns[MQTT__PATTERN_KITCHEN];
    CHECK(p->nsignals == 1 && p->typed_as == MQTT_SIGNAL_READING);
    /* signals without payload share one receiver type */
    p = &mqtt__patterns[MQTT__PATTERN_PLAYER1_ALL];
    CHECK(p->nsignals == 3 && p->typed_as == MQTT_SIGNAL_PLAYER1);
    /* '#' reaches payloads of different types: generic */
    p = &mqtt__patterns[MQTT__PATTERN_ALL];
    CHECK(p->typed_as == -1 && p->nsignals == MQTT_SIGNAL_COUNT - 1); /* not $SYS */
    p = &mqtt__patterns[MQTT__PATTERN_MONITOR];
    CHECK(p->nsignals == 1 && p->signals[0] == MQTT_SIGNAL_HOUSE_CLIENTS);
}

static const struct test_case cases[] = {
#define CASE(f)                                                                                    \
    {                                                                                              \
#f, f                                                                                      \
    }
    CASE(mqtt_spec_hash_matches_the_parent_and_every_descendant),
    CASE(mqtt_spec_plus_matches_exactly_one_level),
    CASE(mqtt_spec_empty_first_level_is_a_level),
    CASE(mqtt_spec_dollar_topics_escape_leading_wildcards),
    CASE(mqtt_spec_topics_are_case_sensitive),
    CASE(topic_resolves_its_signal),
    CASE(topic_captures_give_typed_values_and_spans),
    CASE(topic_u32_levels_are_canonical_decimals),
    CASE(topic_malformed_is_rejected_with_its_reason),
    CASE(topic_nul_comes_before_every_other_fault),
    CASE(signal_without_captures_has_build_time_patterns),
    CASE(pattern_info_gives_signals_and_receiver_type),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
