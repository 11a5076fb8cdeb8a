/* json.c: any payload as JSON text (signet_format_json), walking the
 * metadata tables of signet.h, for taps, logs and tools that know a signal
 * only by its signet_signal_info. Bounded and never cut: the text goes
 * into the caller's buffer whole or not at all, and the length it needs
 * is reported either way. Allocates nothing. Uses utf8.h and the C
 * library.
 */
#include "signet.h"
#include "utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Where the text goes: bytes past size are counted, not written. */
struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
    char tmp[40];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(o, tmp, n > 0 ? (size_t)n : 0);
}

/* A JSON string (RFC 8259, 7): '"' and '\\' escaped, control characters
 * as \u00XX, each byte that is not part of well-formed UTF-8 as U+FFFD. */
static void put_string(struct out *o, const char *str)
{
    const uint8_t *s = (const uint8_t *)str;
    size_t n = strlen(str);

    put(o, "\"", 1);
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(o, esc, 2);
            i++;
        } else if (c < 0x20) {
            putf(o, "\\u%04x", c);
            i++;
        } else {
            size_t len = signet__utf8_char(s + i, n - i);
            if (len)
                put(o, str + i, len);
            else
                put(o, "\xef\xbf\xbd", 3);
            i += len ? len : 1;
        }
    }
    put(o, "\"", 1);
}

static void put_float(struct out *o, double v, int digits)
{
    if (!isfinite(v))
        puts_(o, "null"); /* JSON has no NaN or infinity */
    else
        putf(o, "%.*g", digits, v);
}

static void put_struct(struct out *o, const signet_struct_info *si, const unsigned char *p);

static void put_value(struct out *o, const signet_field_info *f, const unsigned char *p)
{
    switch (f->type) {
    case SIGNET_TYPE_BOOL:
        puts_(o, *(const bool *)p ? "true" : "false");
        break;
    case SIGNET_TYPE_I8:
        putf(o, "%d", *(const int8_t *)p);
        break;
    case SIGNET_TYPE_I16:
        putf(o, "%d", *(const int16_t *)p);
        break;
    case SIGNET_TYPE_I32:
        putf(o, "%" PRId32, *(const int32_t *)p);
        break;
    case SIGNET_TYPE_I64:
        putf(o, "%" PRId64, *(const int64_t *)p);
        break;
    case SIGNET_TYPE_U8:
        putf(o, "%u", *(const uint8_t *)p);
        break;
    case SIGNET_TYPE_U16:
        putf(o, "%u", *(const uint16_t *)p);
        break;
    case SIGNET_TYPE_U32:
        putf(o, "%" PRIu32, *(const uint32_t *)p);
        break;
    case SIGNET_TYPE_U64:
        putf(o, "%" PRIu64, *(const uint64_t *)p);
        break;
    case SIGNET_TYPE_F32:
        put_float(o, *(const float *)p, 9); /* enough to read the same float back */
        break;
    case SIGNET_TYPE_F64:
        put_float(o, *(const double *)p, 17);
        break;
    case SIGNET_TYPE_STR: {
        const char *s;
        memcpy(&s, p, sizeof s);
        if (s)
            put_string(o, s);
        else
            puts_(o, "null");
        break;
    }
    case SIGNET_TYPE_ENUM: {
        int v;
        memcpy(&v, p, sizeof v);
        const signet_enum_info *e = f->enum_info;
        for (uint32_t i = 0; e && i < e->count; i++)
            if (e->values[i] == v) {
                put_string(o, e->names[i]);
                return;
            }
        putf(o, "%d", v); /* a value the schema does not name */
        break;
    }
    case SIGNET_TYPE_STRUCT:
        put_struct(o, f->struct_info, p);
        break;
    }
}

static void put_struct(struct out *o, const signet_struct_info *si, const unsigned char *p)
{
    put(o, "{", 1);
    for (uint32_t i = 0; si && i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        if (i)
            put(o, ",", 1);
        put_string(o, f->name);
        put(o, ":", 1);
        const unsigned char *at = p + f->offset;
        if (!f->array_len) {
            put_value(o, f, at);
            continue;
        }
        put(o, "[", 1);
        for (uint32_t k = 0; k < f->array_len; k++) {
            if (k)
                put(o, ",", 1);
            put_value(o, f, at + (size_t)k * f->size);
        }
        put(o, "]", 1);
    }
    put(o, "}", 1);
}

int signet_format_json(const signet_struct_info *type, const void *payload, char *buf,
                       size_t size, size_t *len)
{
    if ((type && !payload) || (size && !buf))
        return SIGNET_EINVAL;
    struct out o = {buf, size, 0};
    put_struct(&o, type, payload);
    if (len)
        *len = o.len;
    if (o.len >= size) {
        if (size)
            buf[0] = '\0'; /* never a cut text */
        return SIGNET_ENOSPC;
    }
    buf[o.len] = '\0';
    return 0;
}
