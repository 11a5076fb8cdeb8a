/* fuzz_decode.c: the wire decoder (signet_wire_decode in runtime/src/wire.c,
 * docs/wire.md) on arbitrary bytes, through the generated decoders of
 * schemas/kitchen_sink.signet, whose export and import signals hold every
 * type: each scalar, arrays of each, enums, nested structs, captures and a
 * signal without parameters. Checks that
 *  - every input is decoded or refused with one of the documented codes,
 *    never read past (the input is a heap block of exactly its size);
 *  - a refused input leaves the payload all zero;
 *  - a strings buffer of the input's length is always enough (the bound
 *    docs/wire.md promises), and one byte less than what the strings use
 *    is SIGNET_ENOSPC;
 *  - what decodes re-encodes, and decoding that gives the same bytes
 *    again (encoding is deterministic and decoding loses nothing of it).
 * Input: the first byte picks the signal, the rest is the message.
 * Depends on the generated kitchen_sink.signet.h and signet.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kitchen_sink.signet.h"

#define REQUIRE(cond)                                                                          \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_decode: %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static bool documented(int rc)
{
    return rc == 0 || rc == SIGNET_EDECODE || rc == SIGNET_EWIRETYPE || rc == SIGNET_ERANGE ||
           rc == SIGNET_EUTF8 || rc == SIGNET_EDUPKEY || rc == SIGNET_EDEPTH ||
           rc == SIGNET_ENOSPC;
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* Bytes the decoded strings use, counted from where they point. */
static size_t used(const char *strings, size_t size, const void *payload, size_t payload_size)
{
    size_t end = 0;
    const unsigned char *p = payload;
    for (size_t off = 0; off + sizeof(char *) <= payload_size; off += sizeof(char *)) {
        const char *s;
        memcpy(&s, p + off, sizeof s);
        if (s != NULL && s >= strings && s < strings + size) {
            size_t e = (size_t)(s - strings) + strlen(s) + 1;
            end = e > end ? e : end;
        }
    }
    return end;
}

#define FUZZ_SIGNAL(sig)                                                                       \
    static void fuzz_##sig(const uint8_t *msg, size_t len)                                     \
    {                                                                                          \
        ks_##sig *out = malloc(sizeof *out);                                                   \
        char *strings = malloc(len ? len : 1);                                                 \
        int rc = ks_##sig##_decode(msg, len, out, strings, len);                               \
        REQUIRE(documented(rc) && rc != SIGNET_ENOSPC);                                        \
        if (rc < 0) {                                                                          \
            REQUIRE(all_zero(out, sizeof *out));                                               \
        } else {                                                                               \
            size_t need = used(strings, len, out, sizeof *out);                                \
            if (need > 0) {                                                                    \
                char *tight = malloc(need - 1 ? need - 1 : 1);                                 \
                ks_##sig *o2 = malloc(sizeof *o2);                                             \
                REQUIRE(ks_##sig##_decode(msg, len, o2, tight, need - 1) == SIGNET_ENOSPC);    \
                free(o2);                                                                      \
                free(tight);                                                                   \
            }                                                                                  \
            size_t n1 = 0, n2 = 0;                                                             \
            REQUIRE(ks_##sig##_encode(out, NULL, 0, &n1) == SIGNET_ENOSPC);                    \
            uint8_t *e1 = malloc(n1), *e2 = malloc(n1);                                        \
            REQUIRE(ks_##sig##_encode(out, e1, n1, &n1) == 0);                                 \
            ks_##sig *back = malloc(sizeof *back);                                             \
            char *s2 = malloc(n1);                                                             \
            REQUIRE(ks_##sig##_decode(e1, n1, back, s2, n1) == 0);                             \
            REQUIRE(ks_##sig##_encode(back, e2, n1, &n2) == 0);                                \
            REQUIRE(n1 == n2 && memcmp(e1, e2, n1) == 0);                                      \
            free(s2);                                                                          \
            free(back);                                                                        \
            free(e2);                                                                          \
            free(e1);                                                                          \
        }                                                                                      \
        free(strings);                                                                         \
        free(out);                                                                             \
    }
FUZZ_SIGNAL(every)
FUZZ_SIGNAL(shapes)
FUZZ_SIGNAL(odd)

static void fuzz_ping(const uint8_t *msg, size_t len)
{
    int rc = ks_ping_decode(msg, len);
    REQUIRE(documented(rc) && rc != SIGNET_ENOSPC);
    if (rc == 0) {
        uint8_t b[1];
        size_t n;
        REQUIRE(ks_ping_encode(b, sizeof b, &n) == 0 && n == 1 && b[0] == 0xa0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* An exact copy, so that reading one byte past the message is caught. */
    size_t len = size - 1;
    uint8_t *msg = malloc(len ? len : 1);
    memcpy(msg, data + 1, len);
    switch (data[0] % 4) {
    case 0:
        fuzz_every(msg, len);
        break;
    case 1:
        fuzz_shapes(msg, len);
        break;
    case 2:
        fuzz_odd(msg, len);
        break;
    default:
        fuzz_ping(msg, len);
        break;
    }
    free(msg);
    return 0;
}
