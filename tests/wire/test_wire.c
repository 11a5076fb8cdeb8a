/* test_wire.c: the wire format (docs/wire.md) through the encoders and
 * decoders generated for wire.signet. Inputs and outputs live in heap
 * blocks of exactly their size, so under ASan a read or write past any
 * buffer fails the test. */
#include "wire.signet.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"

/* A heap copy of the bytes written in hex ("a1 01 02"; spaces ignored). */
static uint8_t *hex(const char *text, size_t *len)
{
    size_t n = 0;
    uint8_t *buf = malloc(strlen(text) / 2 + 1);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ' ')
            continue;
        unsigned v;
        sscanf(p, "%2x", &v);
        buf[n++] = (uint8_t)v;
        p++;
    }
    *len = n;
    return buf;
}

static char *to_hex(const uint8_t *b, size_t n)
{
    static char out[4096];
    for (size_t i = 0; i < n && i < sizeof out / 2 - 1; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    out[n < sizeof out / 2 - 1 ? 2 * n : 0] = '\0';
    return out;
}

/* Encodes with an exactly sized buffer (asking for the size first). */
#define ENCODE(sig, msg, bytes, n)                                                             \
    do {                                                                                       \
        size_t need_ = 0;                                                                      \
        CHECK_EQ(w_##sig##_encode((msg), NULL, 0, &need_), SIGNET_ENOSPC);                     \
        (bytes) = malloc(need_ ? need_ : 1);                                                   \
        CHECK_EQ(w_##sig##_encode((msg), (bytes), need_, &(n)), 0);                            \
        CHECK_EQ((n), need_);                                                                  \
    } while (0)

/* Decodes hex into a heap payload with an exactly sized strings buffer
 * of `room` bytes; returns the code, the payload in *out (a copy). */
#define DECODE_HEX(sig, text, room, out, rc)                                                   \
    do {                                                                                       \
        size_t n_;                                                                             \
        uint8_t *b_ = hex((text), &n_);                                                        \
        w_##sig *o_ = malloc(sizeof *o_);                                                      \
        char *s_ = malloc((room) ? (room) : 1);                                                \
        memset(o_, 0xa5, sizeof *o_);                                                          \
        (rc) = w_##sig##_decode(b_, n_, o_, s_, (room));                                       \
        memcpy(&(out), o_, sizeof *o_);                                                        \
        free(o_);                                                                              \
        free(b_);                                                                              \
        strings_keep = s_;                                                                     \
    } while (0)

static char *strings_keep; /* the last DECODE_HEX's strings: freed by the next case's end */

static void wire_round_trip_ints_at_their_limits(void)
{
    w_ints cases[] = {
        {INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN, 0, 0, 0, 0},
        {INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX, UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX},
        {-1, -24, -25, -256, 23, 24, 255, 256},
        {0, 0, 65536, 4294967296LL, 1, 65535, 65536, 4294967296ULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *b;
        size_t n;
        w_ints out;
        ENCODE(ints, &cases[i], b, n);
        CHECK_EQ(w_ints_decode(b, n, &out, NULL, 0), 0);
        CHECK(memcmp(&out, &cases[i], sizeof out) == 0);
        free(b);
    }
}

static void wire_round_trip_floats_nan_and_inf_at_their_width(void)
{
    w_floats cases[] = {
        {0.0f, 0.0},      {-0.0f, -0.0},         {INFINITY, -INFINITY}, {-INFINITY, INFINITY},
        {NAN, NAN},       {FLT_MAX, 1e308}, {1e-45f, 5e-324},      {0.1f, 0.1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *b;
        size_t n;
        w_floats out;
        ENCODE(floats, &cases[i], b, n);
        CHECK_EQ(n, 1 + 2 + 4 + 2 + 8); /* each at its width: fa and fb heads */
        CHECK_EQ(b[2], 0xfa);
        CHECK_EQ(b[8], 0xfb);
        CHECK_EQ(w_floats_decode(b, n, &out, NULL, 0), 0);
        /* Bit for bit: NaN, -0.0 and the infinities included. */
        CHECK(memcmp(&out.f, &cases[i].f, sizeof out.f) == 0);
        CHECK(memcmp(&out.d, &cases[i].d, sizeof out.d) == 0);
        free(b);
    }
}

static void wire_round_trip_bool_and_enums(void)
{
    w_flags cases[] = {{true, false, W_MODE_ON}, {false, true, W_MODE_NEG}, {true, true, W_MODE_OFF}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *b;
        size_t n;
        w_flags out;
        ENCODE(flags, &cases[i], b, n);
        CHECK_EQ(w_flags_decode(b, n, &out, NULL, 0), 0);
        CHECK_EQ(out.yes, cases[i].yes);
        CHECK_EQ(out.no, cases[i].no);
        CHECK_EQ(out.m, cases[i].m);
        free(b);
    }
}

static void wire_round_trip_utf8_strings_and_null(void)
{
    w_text in = {"grüße, 東京, 🙂", {"", NULL}};
    uint8_t *b;
    size_t n;
    ENCODE(text, &in, b, n);
    size_t room = strlen(in.s) + 1 + 1;
    char *strings = malloc(room);
    w_text out;
    CHECK_EQ(w_text_decode(b, n, &out, strings, room), 0);
    CHECK(out.s != NULL && strcmp(out.s, in.s) == 0);
    CHECK(out.names[0] != NULL && strcmp(out.names[0], "") == 0);
    CHECK(out.names[1] == NULL);
    CHECK(out.s >= strings && out.s < strings + room);
    free(strings);
    free(b);
}

static void wire_round_trip_arrays(void)
{
    w_arrays in = {{0, 127, 255}, {INT32_MIN, INT32_MAX}, {-1.5, 1e300}, {W_MODE_NEG, W_MODE_ON}};
    uint8_t *b;
    size_t n;
    w_arrays out;
    ENCODE(arrays, &in, b, n);
    CHECK_EQ(w_arrays_decode(b, n, &out, NULL, 0), 0);
    CHECK(memcmp(out.raw, in.raw, sizeof in.raw) == 0);
    CHECK(memcmp(out.v, in.v, sizeof in.v) == 0);
    CHECK(out.d[0] == in.d[0] && out.d[1] == in.d[1]);
    CHECK(out.m[0] == in.m[0] && out.m[1] == in.m[1]);
    free(b);
}

static void wire_round_trip_nested_structs(void)
{
    w_nest in = {{{-7, "one"}, {{1, "a"}, {-128, NULL}}, 65535}};
    uint8_t *b;
    size_t n;
    ENCODE(nest, &in, b, n);
    char strings[16];
    w_nest out;
    CHECK_EQ(w_nest_decode(b, n, &out, strings, sizeof strings), 0);
    CHECK_EQ(out.o.one.a, -7);
    CHECK(strcmp(out.o.one.s, "one") == 0);
    CHECK_EQ(out.o.list[0].a, 1);
    CHECK(strcmp(out.o.list[0].s, "a") == 0);
    CHECK_EQ(out.o.list[1].a, -128);
    CHECK(out.o.list[1].s == NULL);
    CHECK_EQ(out.o.n, 65535);
    free(b);
}

static void wire_round_trip_empty_signal(void)
{
    uint8_t b[1];
    size_t n = 0;
    CHECK_EQ(w_empty_encode(b, sizeof b, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(b[0], 0xa0);
    CHECK_EQ(w_empty_decode(b, n), 0);
    /* A newer writer may have given it fields: skipped. */
    size_t m;
    uint8_t *newer = hex("a1 01 63 6e 65 77", &m);
    CHECK_EQ(w_empty_decode(newer, m), 0);
    free(newer);
    CHECK_EQ(w_empty_decode(b, 0), SIGNET_EDECODE);
}

/* The format, pinned: these bytes are what docs/wire.md specifies. */
static void wire_golden_bytes_are_pinned(void)
{
    uint8_t buf[128];
    size_t n;

    w_ints ints = {INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN, UINT8_MAX, UINT16_MAX, UINT32_MAX,
                   UINT64_MAX};
    CHECK_EQ(w_ints_encode(&ints, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a801387f02397fff033a7fffffff043b7fffffffffffffff0518ff0619ffff07"
                                 "1affffffff081bffffffffffffffff") == 0);

    w_ints small = {0, -1, 23, -24, 24, 255, 256, 65536};
    CHECK_EQ(w_ints_encode(&small, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a801000220031704370518180618ff07190100081a00010000") == 0);

    w_flags flags = {true, false, W_MODE_NEG};
    CHECK_EQ(w_flags_encode(&flags, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a301f502f40321") == 0);

    w_floats floats = {1.0f, -2.5};
    CHECK_EQ(w_floats_encode(&floats, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a201fa3f80000002fbc004000000000000") == 0);

    w_text text = {"é", {"a", NULL}};
    CHECK_EQ(w_text_encode(&text, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a20162c3a902826161f6") == 0);

    w_nest nest = {{{1, "x"}, {{2, ""}, {3, "y"}}, 4}};
    CHECK_EQ(w_nest_encode(&nest, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a101a301a201010261780282a2010202"
                                 "60a2010302617905" "04") == 0);
}

static void wire_map_keys_ascend_by_field_number(void)
{
    uint8_t buf[16];
    size_t n;
    w_numbered msg = {.x = 1, .y = 2}; /* x = 10, y = 2: y goes first */
    CHECK_EQ(w_numbered_encode(&msg, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a202020a01") == 0);
    w_numbered out;
    CHECK_EQ(w_numbered_decode(buf, n, &out, NULL, 0), 0);
    CHECK_EQ(out.x, 1);
    CHECK_EQ(out.y, 2);
    /* Any key order is read. */
    size_t m;
    uint8_t *b = hex("a2 0a 05 02 06", &m);
    CHECK_EQ(w_numbered_decode(b, m, &out, NULL, 0), 0);
    CHECK_EQ(out.x, 5);
    CHECK_EQ(out.y, 6);
    free(b);
}

static void wire_captured_parameters_travel_in_the_topic(void)
{
    uint8_t buf[32];
    size_t n;
    w_temp msg = {"kitchen", 7, 21.5};
    CHECK_EQ(w_temp_encode(&msg, buf, sizeof buf, &n), 0);
    CHECK(strcmp(to_hex(buf, n), "a103fb4035800000000000") == 0);
    w_temp out;
    CHECK_EQ(w_temp_decode(buf, n, &out, NULL, 0), 0);
    CHECK(out.room == NULL);
    CHECK_EQ(out.sensor, 0);
    CHECK(out.celsius == 21.5);
}

static void wire_old_reader_skips_a_new_key(void)
{
    uint8_t *b;
    size_t n;
    w_v2 newer = {7, UINT64_MAX, "kept"};
    ENCODE(v2, &newer, b, n);
    char strings[5];
    w_v1 old;
    CHECK_EQ(w_v1_decode(b, n, &old, strings, sizeof strings), 0);
    CHECK_EQ(old.a, 7);
    CHECK(strcmp(old.b, "kept") == 0);
    free(b);
    /* Unknown keys of every kind, nested ones too, are skipped. */
    size_t m;
    uint8_t *u = hex("a4 01 07 09 82 a1 00 f6 c1 1a 5f 00 00 00 0b 43 01 02 03 02 61 7a", &m);
    CHECK_EQ(w_v1_decode(u, m, &old, strings, sizeof strings), 0);
    CHECK_EQ(old.a, 7);
    CHECK(strcmp(old.b, "z") == 0);
    free(u);
}

static void wire_missing_key_reads_zero(void)
{
    uint8_t *b;
    size_t n;
    w_v1 older = {9, "x"};
    ENCODE(v1, &older, b, n);
    char strings[2];
    w_v2 out;
    memset(&out, 0xa5, sizeof out);
    CHECK_EQ(w_v2_decode(b, n, &out, strings, sizeof strings), 0);
    CHECK_EQ(out.a, 9);
    CHECK_EQ(out.added, 0);
    CHECK(strcmp(out.b, "x") == 0);
    free(b);
    size_t m;
    uint8_t *none = hex("a0", &m);
    CHECK_EQ(w_v2_decode(none, m, &out, NULL, 0), 0);
    CHECK_EQ(out.a, 0);
    CHECK_EQ(out.added, 0);
    CHECK(out.b == NULL);
    free(none);
}

static void wire_narrower_floats_are_accepted(void)
{
    w_floats out;
    int rc;
    /* f16 1.0 and -inf, and an f64 field given an f32 */
    DECODE_HEX(floats, "a2 01 f9 3c 00 02 f9 fc 00", 0, out, rc);
    CHECK_EQ(rc, 0);
    CHECK(out.f == 1.0f);
    CHECK(isinf(out.d) && out.d < 0);
    free(strings_keep);
    DECODE_HEX(floats, "a2 01 f9 00 01 02 fa 3f c0 00 00", 0, out, rc);
    CHECK_EQ(rc, 0);
    CHECK(out.f == ldexpf(1.0f, -24));
    CHECK(out.d == 1.5);
    free(strings_keep);
    /* An f32 field takes a double that is exactly a float. */
    DECODE_HEX(floats, "a1 01 fb 3f f8 00 00 00 00 00 00", 0, out, rc);
    CHECK_EQ(rc, 0);
    CHECK(out.f == 1.5f);
    free(strings_keep);
}

static void wire_encode_buffer_too_small_is_enospc(void)
{
    w_text msg = {"hello", {"a", "b"}};
    size_t need = 0;
    CHECK_EQ(w_text_encode(&msg, NULL, 0, &need), SIGNET_ENOSPC);
    for (size_t size = 0; size < need; size++) {
        uint8_t *buf = malloc(size ? size : 1);
        size_t n = 0;
        CHECK_EQ(w_text_encode(&msg, buf, size, &n), SIGNET_ENOSPC);
        CHECK_EQ(n, need);
        free(buf);
    }
    CHECK_EQ(w_text_encode(NULL, NULL, 0, &need), SIGNET_EINVAL);
}

/* Every prefix of a valid message is refused, reading nothing past it. */
static void wire_decode_truncated_is_edecode(void)
{
    w_nest in = {{{-7, "one"}, {{1, "a"}, {-128, "bc"}}, 300}};
    uint8_t *b;
    size_t n;
    ENCODE(nest, &in, b, n);
    for (size_t k = 0; k < n; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, b, k);
        char strings[16];
        w_nest out;
        CHECK_EQ(w_nest_decode(cut, k, &out, strings, sizeof strings), SIGNET_EDECODE);
        free(cut);
    }
    free(b);
}

static void wire_decode_huge_length_is_edecode(void)
{
    static const char *const cases[] = {
        "a1 01 7b ff ff ff ff ff ff ff ff 61",  /* text of 2^64-1 bytes */
        "a1 01 7a 00 01 00 00 61",              /* text of 65536 bytes, one there */
        "bb 00 00 00 01 00 00 00 00 01 02",     /* 2^32 pairs */
        "a2 09 9b ff ff ff ff ff ff ff ff 01 02", /* unknown key: an array of 2^64-1 */
        "a2 09 5a ff ff ff ff 01 02",           /* unknown key: bytes of 2^32-1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        w_text out;
        int rc;
        DECODE_HEX(text, cases[i], 8, out, rc);
        CHECK_EQ(rc, SIGNET_EDECODE);
        free(strings_keep);
    }
}

static void wire_decode_malformed_heads_are_edecode(void)
{
    static const char *const cases[] = {
        "bf 01 00 ff",      /* indefinite-length map */
        "a1 01 7f 61 61 ff", /* indefinite-length text */
        "a1 01 18 05",      /* 5 in two bytes: not the shortest head */
        "a1 01 19 00 ff",   /* 255 in three bytes */
        "a1 18 01 05",      /* a key not in its shortest head */
        "a1 01 1c",         /* reserved additional information */
        "a2 09 f8 10 01 05", /* a simple value in two bytes below 32 */
        "",                 /* nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        w_ints out;
        int rc;
        DECODE_HEX(ints, cases[i], 0, out, rc);
        CHECK_EQ(rc, SIGNET_EDECODE);
        free(strings_keep);
    }
}

static void wire_decode_trailing_bytes_are_edecode(void)
{
    w_ints out;
    int rc;
    DECODE_HEX(ints, "a1 01 05 00", 0, out, rc);
    CHECK_EQ(rc, SIGNET_EDECODE);
    free(strings_keep);
    DECODE_HEX(ints, "a0 a0", 0, out, rc);
    CHECK_EQ(rc, SIGNET_EDECODE);
    free(strings_keep);
}

static void wire_decode_wrong_type_is_ewiretype(void)
{
    static const struct {
        const char *hex;
    } ints[] = {
        {"80"},                /* not a map */
        {"a1 61 61 05"},       /* a text key */
        {"a1 01 61 61"},       /* text for an i8 */
        {"a1 01 f5"},          /* true for an i8 */
        {"a1 05 fa 3f 80 00 00"}, /* a float for a u8 */
        {"a1 01 c1 05"},       /* a tagged value */
        {"a1 01 81 05"},       /* an array for a scalar */
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        w_ints out;
        int rc;
        DECODE_HEX(ints, ints[i].hex, 0, out, rc);
        CHECK_EQ(rc, SIGNET_EWIRETYPE);
        free(strings_keep);
    }
    w_flags f;
    int rc;
    DECODE_HEX(flags, "a1 01 01", 0, f, rc); /* 1 for a bool */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    DECODE_HEX(flags, "a1 01 f6", 0, f, rc); /* null for a bool */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    DECODE_HEX(flags, "a1 03 f4", 0, f, rc); /* false for an enum */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    w_floats fl;
    DECODE_HEX(floats, "a1 01 01", 0, fl, rc); /* an integer for a float */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    w_text t;
    DECODE_HEX(text, "a1 01 41 61", 4, t, rc); /* bytes for a str */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    w_nest ne;
    DECODE_HEX(nest, "a1 01 80", 4, ne, rc); /* an array for a struct */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
}

static void wire_decode_wrong_array_length_is_ewiretype(void)
{
    w_arrays out;
    int rc;
    DECODE_HEX(arrays, "a1 01 82 01 02", 0, out, rc); /* u8 raw[3] given 2 */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    DECODE_HEX(arrays, "a1 01 84 01 02 03 04", 0, out, rc); /* given 4 */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
    DECODE_HEX(arrays, "a1 01 01", 0, out, rc); /* a scalar */
    CHECK_EQ(rc, SIGNET_EWIRETYPE);
    free(strings_keep);
}

static void wire_decode_int_out_of_range_is_erange(void)
{
    static const char *const cases[] = {
        "a1 01 18 80",                   /* i8 128 */
        "a1 01 38 80",                   /* i8 -129 */
        "a1 02 19 80 00",                /* i16 32768 */
        "a1 03 3a 80 00 00 00",          /* i32 -2^31 - 1 */
        "a1 04 1b 80 00 00 00 00 00 00 00", /* i64 2^63 */
        "a1 04 3b 80 00 00 00 00 00 00 00", /* i64 -2^63 - 1 */
        "a1 05 19 01 00",                /* u8 256 */
        "a1 06 1a 00 01 00 00",          /* u16 65536 */
        "a1 07 1b 00 00 00 01 00 00 00 00", /* u32 2^32 */
        "a1 08 20",                      /* u64 -1 */
        "a1 05 20",                      /* u8 -1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        w_ints out;
        int rc;
        DECODE_HEX(ints, cases[i], 0, out, rc);
        CHECK_EQ(rc, SIGNET_ERANGE);
        free(strings_keep);
    }
    w_flags f;
    int rc;
    DECODE_HEX(flags, "a1 03 1a 80 00 00 00", 0, f, rc); /* an enum over a C int */
    CHECK_EQ(rc, SIGNET_ERANGE);
    free(strings_keep);
    w_floats fl;
    DECODE_HEX(floats, "a1 01 fb 3f b9 99 99 99 99 99 9a", 0, fl, rc); /* 0.1 for an f32 */
    CHECK_EQ(rc, SIGNET_ERANGE);
    free(strings_keep);
}

static void wire_decode_invalid_utf8_or_nul_is_eutf8(void)
{
    static const char *const cases[] = {
        "a1 01 62 c0 80",          /* overlong NUL */
        "a1 01 63 e0 80 80",       /* overlong */
        "a1 01 63 ed a0 80",       /* a surrogate */
        "a1 01 64 f4 90 80 80",    /* over U+10FFFF */
        "a1 01 62 c3 28",          /* a bad continuation */
        "a1 01 61 80",             /* a lone continuation */
        "a1 01 62 e2 82",          /* cut in a character */
        "a1 01 61 ff",             /* never in UTF-8 */
        "a1 01 63 61 00 62",       /* a NUL byte */
        "a1 02 82 61 61 61 fe",    /* in an array */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        w_text out;
        int rc;
        DECODE_HEX(text, cases[i], 16, out, rc);
        CHECK_EQ(rc, SIGNET_EUTF8);
        free(strings_keep);
    }
}

static void wire_decode_duplicate_key_is_edupkey(void)
{
    w_ints out;
    int rc;
    DECODE_HEX(ints, "a2 01 05 01 05", 0, out, rc);
    CHECK_EQ(rc, SIGNET_EDUPKEY);
    free(strings_keep);
    w_nest ne;
    DECODE_HEX(nest, "a1 01 a2 05 01 05 02", 0, ne, rc); /* in a nested map */
    CHECK_EQ(rc, SIGNET_EDUPKEY);
    free(strings_keep);
    DECODE_HEX(ints, "a3 01 05 18 63 01 18 63 02", 0, out, rc); /* key 99, unknown, twice */
    CHECK_EQ(rc, SIGNET_EDUPKEY);
    free(strings_keep);
}

/* 16 unknown keys are skipped; a 17th is refused. */
static void wire_decode_too_many_unknown_keys_is_edecode(void)
{
    char text[256];
    w_ints out;
    int rc;
    for (int n = 16; n <= 17; n++) {
        int at = snprintf(text, sizeof text, "%02x", 0xa0 + n);
        for (int k = 0; k < n; k++)
            at += snprintf(text + at, sizeof text - (size_t)at, " 18 %02x 00", 100 + k);
        DECODE_HEX(ints, text, 0, out, rc);
        CHECK_EQ(rc, n == 16 ? 0 : SIGNET_EDECODE);
        free(strings_keep);
    }
}

static void wire_decode_deep_nesting_is_edepth(void)
{
    /* An unknown key whose value is 1000 nested arrays. */
    size_t depth = 1000, n = 2 + depth + 1;
    uint8_t *b = malloc(n);
    b[0] = 0xa1;
    b[1] = 0x09;
    memset(b + 2, 0x81, depth);
    b[n - 1] = 0x00;
    w_ints out;
    CHECK_EQ(w_ints_decode(b, n, &out, NULL, 0), SIGNET_EDEPTH);
    /* Tags count too. */
    memset(b + 2, 0xc1, depth);
    CHECK_EQ(w_ints_decode(b, n, &out, NULL, 0), SIGNET_EDEPTH);
    /* Within the bound, skipped. */
    b[0] = 0xa1;
    b[1] = 0x09;
    memset(b + 2, 0x81, 100);
    b[102] = 0x00;
    CHECK_EQ(w_ints_decode(b, 103, &out, NULL, 0), 0);
    free(b);
}

static void wire_decode_strings_too_small_is_enospc(void)
{
    w_text in = {"abc", {"de", "f"}};
    uint8_t *b;
    size_t n;
    ENCODE(text, &in, b, n);
    size_t need = 4 + 3 + 2;
    for (size_t room = 0; room <= need; room++) {
        char *strings = malloc(room ? room : 1);
        w_text out;
        int rc = w_text_decode(b, n, &out, room ? strings : NULL, room);
        CHECK_EQ(rc, room < need ? SIGNET_ENOSPC : 0);
        if (rc == 0)
            CHECK(strcmp(out.s, "abc") == 0 && strcmp(out.names[0], "de") == 0 &&
                  strcmp(out.names[1], "f") == 0);
        free(strings);
    }
    free(b);
}

static void wire_decode_error_leaves_output_zero(void)
{
    w_ints out, zero;
    int rc;
    memset(&zero, 0, sizeof zero);
    /* Fields 1 and 2 are valid, 3 is out of range. */
    DECODE_HEX(ints, "a3 01 05 02 06 03 1b 00 00 00 01 00 00 00 00", 0, out, rc);
    CHECK_EQ(rc, SIGNET_ERANGE);
    CHECK(memcmp(&out, &zero, sizeof out) == 0);
    free(strings_keep);
    CHECK_EQ(w_ints_decode(NULL, 1, &out, NULL, 0), SIGNET_EINVAL);
    CHECK_EQ(w_ints_decode((const uint8_t *)"\xa0", 1, NULL, NULL, 0), SIGNET_EINVAL);
}

#define CASE(name)                                                                             \
    {                                                                                          \
#name, name                                                                            \
    }
static const struct test_case cases[] = {
    CASE(wire_round_trip_ints_at_their_limits),
    CASE(wire_round_trip_floats_nan_and_inf_at_their_width),
    CASE(wire_round_trip_bool_and_enums),
    CASE(wire_round_trip_utf8_strings_and_null),
    CASE(wire_round_trip_arrays),
    CASE(wire_round_trip_nested_structs),
    CASE(wire_round_trip_empty_signal),
    CASE(wire_golden_bytes_are_pinned),
    CASE(wire_map_keys_ascend_by_field_number),
    CASE(wire_captured_parameters_travel_in_the_topic),
    CASE(wire_old_reader_skips_a_new_key),
    CASE(wire_missing_key_reads_zero),
    CASE(wire_narrower_floats_are_accepted),
    CASE(wire_encode_buffer_too_small_is_enospc),
    CASE(wire_decode_truncated_is_edecode),
    CASE(wire_decode_huge_length_is_edecode),
    CASE(wire_decode_malformed_heads_are_edecode),
    CASE(wire_decode_trailing_bytes_are_edecode),
    CASE(wire_decode_wrong_type_is_ewiretype),
    CASE(wire_decode_wrong_array_length_is_ewiretype),
    CASE(wire_decode_int_out_of_range_is_erange),
    CASE(wire_decode_invalid_utf8_or_nul_is_eutf8),
    CASE(wire_decode_duplicate_key_is_edupkey),
    CASE(wire_decode_too_many_unknown_keys_is_edecode),
    CASE(wire_decode_deep_nesting_is_edepth),
    CASE(wire_decode_strings_too_small_is_enospc),
    CASE(wire_decode_error_leaves_output_zero),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
