/* utf8.h: one UTF-8 character at a time (internal), for the wire
 * decoder's strictness and the JSON formatter's escaping. Pure, header
 * only; uses nothing.
 */
#ifndef SIGNET_UTF8_H
#define SIGNET_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the well-formed UTF-8 character at s[0..n)
 * (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), or 0 when
 * s does not start with one. n must be at least 1. */
static inline size_t signet__utf8_char(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t cp, min;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1fu, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0fu, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07u, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

#endif /* SIGNET_UTF8_H */
