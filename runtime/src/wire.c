/* wire.c: the CBOR (RFC 8949) wire format of exported and imported
 * signals (docs/wire.md): signet_wire_encode() and signet_wire_decode(),
 * driven by the signet_wire_info tables signetc generates next to the
 * metadata. One encoder and one strict decoder serve every schema, so
 * the code that reads bytes from the network is written, tested and
 * fuzzed once. Neither allocates; the decoder never reads past len, never
 * writes past its buffers, and never recurses deeper than
 * SIGNET_WIRE_MAX_DEPTH. Depends on signet.h and utf8.h only. */
#include "signet.h"
#include "utf8.h"

#include <math.h>
#include <string.h>

/* CBOR major types (RFC 8949, 3.1). */
enum { MT_UINT, MT_NINT, MT_BYTES, MT_TEXT, MT_ARRAY, MT_MAP, MT_TAG, MT_SIMPLE };

#define CBOR_FALSE 0xf4u
#define CBOR_TRUE 0xf5u
#define CBOR_NULL 0xf6u
#define CBOR_F16 0xf9u
#define CBOR_F32 0xfau
#define CBOR_F64 0xfbu

/* ---------------------------------------------------------------------------
 * Encoding
 */
struct out {
    uint8_t *p;
    size_t size, len; /* len may pass size: the caller learns the size needed */
};

static void put(struct out *o, const void *src, size_t n)
{
    if (o->len <= o->size && n <= o->size - o->len)
        memcpy(o->p + o->len, src, n);
    o->len += n;
}

/* A head in its shortest form (RFC 8949, 4.2.1). */
static void put_head(struct out *o, unsigned major, uint64_t v)
{
    uint8_t b[9];
    size_t n;

    if (v < 24) {
        b[0] = (uint8_t)(major << 5 | v);
        n = 1;
    } else if (v <= UINT8_MAX) {
        b[0] = (uint8_t)(major << 5 | 24);
        n = 2;
    } else if (v <= UINT16_MAX) {
        b[0] = (uint8_t)(major << 5 | 25);
        n = 3;
    } else if (v <= UINT32_MAX) {
        b[0] = (uint8_t)(major << 5 | 26);
        n = 5;
    } else {
        b[0] = (uint8_t)(major << 5 | 27);
        n = 9;
    }
    for (size_t i = 1; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    put(o, b, n);
}

static void put_byte(struct out *o, uint8_t b)
{
    put(o, &b, 1);
}

static uint64_t load_uint(const unsigned char *p, uint32_t size)
{
    switch (size) {
    case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static int64_t load_int(const unsigned char *p, uint32_t size)
{
    switch (size) {
    case 1: { int8_t v; memcpy(&v, p, 1); return v; }
    case 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p, 4); return v; }
    default: { int64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void put_int(struct out *o, int64_t v)
{
    if (v >= 0)
        put_head(o, MT_UINT, (uint64_t)v);
    else
        put_head(o, MT_NINT, (uint64_t)(-(v + 1)));
}

static void encode_struct(struct out *o, const signet_wire_info *w, const unsigned char *msg);

static void encode_value(struct out *o, const signet_field_info *f, const signet_wire_info *nested,
                         const unsigned char *p)
{
    switch (f->type) {
    case SIGNET_TYPE_BOOL: {
        bool b;
        memcpy(&b, p, sizeof b);
        put_byte(o, b ? CBOR_TRUE : CBOR_FALSE);
        break;
    }
    case SIGNET_TYPE_I8:
    case SIGNET_TYPE_I16:
    case SIGNET_TYPE_I32:
    case SIGNET_TYPE_I64:
    case SIGNET_TYPE_ENUM:
        put_int(o, load_int(p, f->size));
        break;
    case SIGNET_TYPE_U8:
    case SIGNET_TYPE_U16:
    case SIGNET_TYPE_U32:
    case SIGNET_TYPE_U64:
        put_head(o, MT_UINT, load_uint(p, f->size));
        break;
    case SIGNET_TYPE_F32: {
        float v;
        uint32_t bits;
        memcpy(&v, p, sizeof v);
        memcpy(&bits, &v, sizeof bits);
        uint8_t b[5] = {CBOR_F32, (uint8_t)(bits >> 24), (uint8_t)(bits >> 16),
                        (uint8_t)(bits >> 8), (uint8_t)bits};
        put(o, b, sizeof b);
        break;
    }
    case SIGNET_TYPE_F64: {
        double v;
        uint64_t bits;
        memcpy(&v, p, sizeof v);
        memcpy(&bits, &v, sizeof bits);
        uint8_t b[9] = {CBOR_F64};
        for (int i = 0; i < 8; i++)
            b[1 + i] = (uint8_t)(bits >> (8 * (7 - i)));
        put(o, b, sizeof b);
        break;
    }
    case SIGNET_TYPE_STR: {
        const char *s;
        memcpy(&s, p, sizeof s);
        if (s == NULL) {
            put_byte(o, CBOR_NULL);
        } else {
            size_t n = strlen(s);
            put_head(o, MT_TEXT, n);
            put(o, s, n);
        }
        break;
    }
    case SIGNET_TYPE_STRUCT:
        encode_struct(o, nested, p);
        break;
    }
}

static void encode_struct(struct out *o, const signet_wire_info *w, const unsigned char *msg)
{
    put_head(o, MT_MAP, w->count);
    for (uint32_t k = 0; k < w->count; k++) {
        uint32_t i = w->order[k];
        const signet_field_info *f = &w->layout->fields[i];
        const signet_wire_info *nested = w->nested ? w->nested[i] : NULL;
        const unsigned char *p = msg + f->offset;

        put_head(o, MT_UINT, w->numbers[i]);
        if (f->array_len == 0) {
            encode_value(o, f, nested, p);
            continue;
        }
        put_head(o, MT_ARRAY, f->array_len);
        for (uint32_t j = 0; j < f->array_len; j++)
            encode_value(o, f, nested, p + (size_t)j * f->size);
    }
}

int signet_wire_encode(const signet_wire_info *w, const void *msg, uint8_t *buf, size_t size,
                       size_t *len)
{
    if (w == NULL || (msg == NULL && w->count != 0) || (buf == NULL && size != 0))
        return SIGNET_EINVAL;
    struct out o = {buf, size, 0};
    encode_struct(&o, w, msg);
    if (len != NULL)
        *len = o.len;
    return o.len <= size ? 0 : SIGNET_ENOSPC;
}

/* ---------------------------------------------------------------------------
 * Decoding
 */
struct in {
    const uint8_t *p, *end;
    char *strings;
    size_t strings_size, strings_used;
};

struct head {
    unsigned major;
    unsigned info;   /* the low 5 bits of the initial byte */
    uint64_t value;  /* the argument; for MT_SIMPLE floats, their bits */
};

/* Reads one head. Only definite lengths; a non-shortest argument is
 * refused (deterministic encoding is the only encoding). */
static int get_head(struct in *in, struct head *h)
{
    if (in->p == in->end)
        return SIGNET_EDECODE;
    uint8_t ib = *in->p++;
    h->major = ib >> 5;
    h->info = ib & 0x1f;
    if (h->info < 24) {
        h->value = h->info;
        return 0;
    }
    if (h->info > 27)
        return SIGNET_EDECODE; /* reserved, or an indefinite length */
    size_t n = (size_t)1 << (h->info - 24);
    if ((size_t)(in->end - in->p) < n)
        return SIGNET_EDECODE;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | in->p[i];
    in->p += n;
    h->value = v;
    if (h->major == MT_SIMPLE)
        return h->info == 24 && v < 32 ? SIGNET_EDECODE : 0;
    static const uint64_t least[] = {24, 0x100, 0x10000, 0x100000000};
    return v < least[h->info - 24] ? SIGNET_EDECODE : 0;
}

/* Skips one data item whose head was just read (an unknown key's value).
 * depth counts the enclosing maps and arrays. */
static int skip_item(struct in *in, const struct head *h, unsigned depth)
{
    switch (h->major) {
    case MT_UINT:
    case MT_NINT:
    case MT_SIMPLE:
        return 0;
    case MT_BYTES:
    case MT_TEXT:
        if (h->value > (uint64_t)(in->end - in->p))
            return SIGNET_EDECODE;
        in->p += h->value;
        return 0;
    case MT_TAG: {
        if (depth >= SIGNET_WIRE_MAX_DEPTH)
            return SIGNET_EDEPTH;
        struct head inner;
        int rc = get_head(in, &inner);
        return rc < 0 ? rc : skip_item(in, &inner, depth + 1);
    }
    default: { /* MT_ARRAY, MT_MAP */
        if (depth >= SIGNET_WIRE_MAX_DEPTH)
            return SIGNET_EDEPTH;
        /* Every item takes at least one byte: a count over what is left is
         * a truncated or hostile message, refused before any loop. */
        uint64_t left = (uint64_t)(in->end - in->p);
        uint64_t items = h->value;
        if (items > (h->major == MT_MAP ? left / 2 : left))
            return SIGNET_EDECODE;
        if (h->major == MT_MAP)
            items *= 2;
        for (uint64_t i = 0; i < items; i++) {
            struct head inner;
            int rc = get_head(in, &inner);
            if (rc == 0)
                rc = skip_item(in, &inner, depth + 1);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    }
}

/* Well-formed UTF-8 (utf8.h) without NUL bytes, which a C string cannot
 * hold. */
static bool valid_text(const uint8_t *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len)
        if (s[i] == 0 || (len = signet__utf8_char(s + i, n - i)) == 0)
            return false;
    return true;
}

/* The value of an IEEE half-precision float (RFC 8949, Appendix D). */
static double half_to_double(uint16_t h)
{
    int exp = (h >> 10) & 0x1f;
    double mant = h & 0x3ff;
    double v = exp == 0 ? ldexp(mant, -24) : exp != 31 ? ldexp(mant + 1024, exp - 25)
               : mant == 0 ? INFINITY : NAN;
    return h & 0x8000 ? -v : v;
}

static void store_uint(unsigned char *p, uint32_t size, uint64_t v)
{
    switch (size) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static void store_int(unsigned char *p, uint32_t size, int64_t v)
{
    switch (size) {
    case 1: { int8_t x = (int8_t)v; memcpy(p, &x, 1); break; }
    case 2: { int16_t x = (int16_t)v; memcpy(p, &x, 2); break; }
    case 4: { int32_t x = (int32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static int decode_struct(struct in *in, const signet_wire_info *w, unsigned char *out,
                         unsigned depth, const struct head *h);

static int decode_value(struct in *in, const signet_field_info *f, const signet_wire_info *nested,
                        unsigned char *p, unsigned depth)
{
    struct head h;
    int rc = get_head(in, &h);
    if (rc < 0)
        return rc;
    switch (f->type) {
    case SIGNET_TYPE_BOOL: {
        if (h.major != MT_SIMPLE || (h.value != 20 && h.value != 21) || h.info >= 24)
            return SIGNET_EWIRETYPE;
        bool b = h.value == 21;
        memcpy(p, &b, sizeof b);
        return 0;
    }
    case SIGNET_TYPE_I8:
    case SIGNET_TYPE_I16:
    case SIGNET_TYPE_I32:
    case SIGNET_TYPE_I64:
    case SIGNET_TYPE_ENUM: {
        if (h.major != MT_UINT && h.major != MT_NINT)
            return SIGNET_EWIRETYPE;
        uint32_t bits = f->type == SIGNET_TYPE_ENUM ? 32 : 8 * f->size;
        uint64_t max = (UINT64_C(1) << (bits - 1)) - 1; /* the most negative is -max - 1 */
        if (h.value > max)
            return SIGNET_ERANGE;
        store_int(p, f->size, h.major == MT_UINT ? (int64_t)h.value : -(int64_t)h.value - 1);
        return 0;
    }
    case SIGNET_TYPE_U8:
    case SIGNET_TYPE_U16:
    case SIGNET_TYPE_U32:
    case SIGNET_TYPE_U64:
        if (h.major == MT_NINT)
            return SIGNET_ERANGE;
        if (h.major != MT_UINT)
            return SIGNET_EWIRETYPE;
        if (f->size < 8 && h.value >> (8 * f->size) != 0)
            return SIGNET_ERANGE;
        store_uint(p, f->size, h.value);
        return 0;
    case SIGNET_TYPE_F32:
    case SIGNET_TYPE_F64: {
        /* A float of the field's width or narrower; an f32 field also takes
         * a double that is exactly a float (or a NaN), as languages without
         * single precision write. */
        double d;
        if (h.major != MT_SIMPLE || h.info < 25)
            return SIGNET_EWIRETYPE;
        if (h.info == 25) {
            d = half_to_double((uint16_t)h.value);
        } else if (h.info == 26) {
            uint32_t bits = (uint32_t)h.value;
            float v;
            memcpy(&v, &bits, sizeof v);
            if (f->type == SIGNET_TYPE_F32) {
                memcpy(p, &v, sizeof v);
                return 0;
            }
            d = v;
        } else {
            memcpy(&d, &h.value, sizeof d);
            if (f->type == SIGNET_TYPE_F32 && !isnan(d) && (double)(float)d != d)
                return SIGNET_ERANGE;
        }
        if (f->type == SIGNET_TYPE_F32) {
            float v = (float)d;
            memcpy(p, &v, sizeof v);
        } else {
            memcpy(p, &d, sizeof d);
        }
        return 0;
    }
    case SIGNET_TYPE_STR: {
        const char *s = NULL;
        if (h.major == MT_SIMPLE && h.info < 24 && h.value == 22) {
            memcpy(p, &s, sizeof s);
            return 0;
        }
        if (h.major != MT_TEXT)
            return SIGNET_EWIRETYPE;
        if (h.value > (uint64_t)(in->end - in->p))
            return SIGNET_EDECODE;
        size_t n = (size_t)h.value;
        if (!valid_text(in->p, n))
            return SIGNET_EUTF8;
        if (n >= in->strings_size - in->strings_used)
            return SIGNET_ENOSPC;
        char *dst = in->strings + in->strings_used;
        memcpy(dst, in->p, n);
        dst[n] = '\0';
        in->strings_used += n + 1;
        in->p += n;
        s = dst;
        memcpy(p, &s, sizeof s);
        return 0;
    }
    case SIGNET_TYPE_STRUCT:
        return decode_struct(in, nested, p, depth + 1, &h);
    }
    return SIGNET_EWIRETYPE;
}

/* The field with wire number `number`, or -1. w->order is sorted by
 * number: a binary search. */
static long find_field(const signet_wire_info *w, uint64_t number)
{
    uint32_t lo = 0, hi = w->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint16_t n = w->numbers[w->order[mid]];
        if (n == number)
            return (long)mid;
        if (n < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* A map whose head h was just read, into the struct at out. */
static int decode_struct(struct in *in, const signet_wire_info *w, unsigned char *out,
                         unsigned depth, const struct head *hp)
{
    struct head h = *hp;
    int rc;
    if (h.major != MT_MAP)
        return SIGNET_EWIRETYPE;
    if (depth >= SIGNET_WIRE_MAX_DEPTH)
        return SIGNET_EDEPTH;
    if (h.value > (uint64_t)(in->end - in->p) / 2)
        return SIGNET_EDECODE;
    /* Which fields this map has set: one bit per position in w->order,
     * in chunks, so that a duplicate key is refused whatever the count. */
    uint64_t seen[(SIGNET_WIRE_MAX_FIELDS + 63) / 64] = {0};
    /* The keys it has that w does not know, to refuse those twice too. */
    uint64_t unknown[SIGNET_WIRE_MAX_UNKNOWN];
    unsigned nunknown = 0;
    for (uint64_t k = 0; k < h.value; k++) {
        struct head key;
        if ((rc = get_head(in, &key)) < 0)
            return rc;
        if (key.major != MT_UINT)
            return SIGNET_EWIRETYPE;
        long at = find_field(w, key.value);
        if (at < 0) {
            /* Unknown: a newer writer's field, or a captured parameter's
             * (which travels in the topic). Skipped, once. */
            for (unsigned u = 0; u < nunknown; u++)
                if (unknown[u] == key.value)
                    return SIGNET_EDUPKEY;
            if (nunknown == SIGNET_WIRE_MAX_UNKNOWN)
                return SIGNET_EDECODE;
            unknown[nunknown++] = key.value;
            struct head v;
            if ((rc = get_head(in, &v)) < 0 || (rc = skip_item(in, &v, depth + 1)) < 0)
                return rc;
            continue;
        }
        if (seen[at / 64] >> (at % 64) & 1)
            return SIGNET_EDUPKEY;
        seen[at / 64] |= UINT64_C(1) << (at % 64);
        uint32_t i = w->order[at];
        const signet_field_info *f = &w->layout->fields[i];
        const signet_wire_info *nested = w->nested ? w->nested[i] : NULL;
        unsigned char *p = out + f->offset;
        if (f->array_len == 0) {
            rc = decode_value(in, f, nested, p, depth);
        } else {
            struct head a;
            if ((rc = get_head(in, &a)) < 0)
                return rc;
            if (a.major != MT_ARRAY || a.value != f->array_len)
                return SIGNET_EWIRETYPE;
            for (uint32_t j = 0; j < f->array_len && rc == 0; j++)
                rc = decode_value(in, f, nested, p + (size_t)j * f->size, depth + 1);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int signet_wire_decode(const signet_wire_info *w, const uint8_t *buf, size_t len, void *out,
                       char *strings, size_t strings_size)
{
    if (w == NULL || (buf == NULL && len != 0) || (out == NULL && w->count != 0) ||
        (strings == NULL && strings_size != 0) || w->count > SIGNET_WIRE_MAX_FIELDS)
        return SIGNET_EINVAL;
    struct in in = {buf, buf + len, strings, strings_size, 0};
    if (w->layout != NULL)
        memset(out, 0, w->layout->size);
    struct head h;
    int rc = get_head(&in, &h);
    if (rc == 0)
        rc = decode_struct(&in, w, out, 0, &h);
    if (rc == 0 && in.p != in.end)
        rc = SIGNET_EDECODE; /* trailing bytes */
    if (rc < 0 && w->layout != NULL)
        memset(out, 0, w->layout->size); /* never half a message */
    return rc;
}
