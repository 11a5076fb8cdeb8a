/* topic.c: topics and run-time filters (topic.h), and the public
 * signet_topic() and signet_event_topic(). Builds a concrete topic from a
 * signal's template and the payload fields its `{param}` levels capture
 * (signet.h's field tables), and matches filters level by level. Uses only
 * the C library.
 */
#include "topic.h"

#include <string.h>

int signet__filter_check(const char *p, size_t len)
{
    uint32_t levels = 1;

    if (len == 0)
        return SIGNET_EPATTERN;
    if (len > SIGNET_TOPIC_MAX_BYTES)
        return SIGNET_ETOPICLEN;
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i < len && p[i] != '/') {
            if ((p[i] == '+' || p[i] == '#') && !(i == start && (i + 1 == len || p[i + 1] == '/')))
                return SIGNET_EPATTERN; /* a wildcard that is not a whole level */
            if (p[i] == '#' && i + 1 != len)
                return SIGNET_EPATTERN; /* '#' not last */
            continue;
        }
        if (i < len && ++levels > SIGNET_TOPIC_MAX_LEVELS)
            return SIGNET_ETOPICLEN;
        start = i + 1;
    }
    return 0;
}

/* The matching rule. With captures, t is a topic template whose `{param}`
 * levels take any one-level value: then the answer is whether some values
 * of its parameters would make a matching topic. A filter that starts with
 * a wildcard does not match a topic that starts with '$'; '#' matches the
 * rest, the parent level included. */
static bool match_levels(const char *f, const char *t, bool captures)
{
    if ((f[0] == '+' || f[0] == '#') && (f[1] == '/' || f[1] == '\0') && t[0] == '$')
        return false;
    for (;;) {
        if (f[0] == '#')
            return true;
        const char *fe = strchr(f, '/'), *te = strchr(t, '/');
        size_t fl = fe ? (size_t)(fe - f) : strlen(f), tl = te ? (size_t)(te - t) : strlen(t);
        bool any = (fl == 1 && f[0] == '+') ||
                   (captures && tl >= 2 && t[0] == '{' && t[tl - 1] == '}');
        if (!any && (fl != tl || memcmp(f, t, fl) != 0))
            return false;
        if (!fe)
            return !te;
        if (!te)
            return strcmp(fe + 1, "#") == 0;
        f = fe + 1;
        t = te + 1;
    }
}

bool signet__filter_matches(const char *filter, const char *topic)
{
    return match_levels(filter, topic, false);
}

bool signet__filter_may_match(const char *filter, const char *tmpl)
{
    return match_levels(filter, tmpl, true);
}

bool signet__topic_matchable(const signet_signal_info *sig, const char *t)
{
    if (t == sig->topic)
        return true;
    if (t[0] == '\0')
        return false;
    size_t tl = 0, ml = 0;
    for (const char *p = sig->topic; *p; p++)
        tl += *p == '/';
    for (const char *p = t; *p; p++) {
        ml += *p == '/';
        if (*p == '+' || *p == '#')
            return false;
    }
    return tl == ml;
}

const char *signet__topic_for_filters(const signet_signal_info *sig, const void *payload,
                                      char *buf, size_t size)
{
    /* Too long, or empty (a template "{s}" with s = ""; schema patterns
     * skip it too, as the generated matcher rejects it), or a captured str
     * that is not one level: no filter sees it. */
    const char *t = signet_topic(sig, payload, buf, size);
    return t && signet__topic_matchable(sig, t) ? t : NULL;
}

/* Appends n bytes to the topic being built; false when they do not fit. */
static bool topic_put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    if (n >= size - *len)
        return false;
    memcpy(buf + *len, s, n);
    *len += n;
    return true;
}

/* Appends the payload field named name[0, n) (a str or u32 capture). */
static bool topic_put_field(char *buf, size_t size, size_t *len,
                            const signet_struct_info *payload, const void *msg, const char *name,
                            size_t n)
{
    for (uint32_t i = 0; payload && msg && i < payload->field_count; i++) {
        const signet_field_info *f = &payload->fields[i];
        if (strncmp(f->name, name, n) != 0 || f->name[n] != '\0')
            continue;
        const char *at = (const char *)msg + f->offset;
        if (f->type == SIGNET_TYPE_STR) {
            const char *str;
            memcpy(&str, at, sizeof str);
            return str && topic_put(buf, size, len, str, strlen(str));
        }
        if (f->type == SIGNET_TYPE_U32) {
            uint32_t v;
            char digits[10];
            size_t k = sizeof digits;
            memcpy(&v, at, sizeof v);
            do
                digits[--k] = (char)('0' + v % 10);
            while ((v /= 10) != 0);
            return topic_put(buf, size, len, digits + k, sizeof digits - k);
        }
        return false;
    }
    return false;
}

const char *signet_topic(const signet_signal_info *sig, const void *payload, char *buf,
                         size_t size)
{
    const char *tmpl = sig->topic;

    if (!strchr(tmpl, '{'))
        return tmpl;
    if (!buf || size == 0)
        return NULL;
    size_t len = 0;
    for (const char *p = tmpl; *p;) {
        const char *open = strchr(p, '{');
        if (!open) {
            if (!topic_put(buf, size, &len, p, strlen(p)))
                return NULL;
            break;
        }
        const char *close = strchr(open, '}');
        if (!close || !topic_put(buf, size, &len, p, (size_t)(open - p)) ||
            !topic_put_field(buf, size, &len, sig->payload, payload, open + 1,
                             (size_t)(close - open - 1)))
            return NULL;
        p = close + 1;
    }
    buf[len] = '\0';
    return buf;
}

const char *signet_event_topic(const signet_event *ev, char *buf, size_t size)
{
    return signet_topic(ev->signal, ev->payload_, buf, size);
}
