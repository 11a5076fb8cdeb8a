/* facts.c: writes m4 facts (facts.h) for the templates: a key made with
 * printf and a value that is already safe, a number, or a string escaped
 * into the body of a C string literal that m4 and a C comment leave alone.
 * Depends on facts.h, m4.h (prefix and quotes) and the C library. */
#include "facts.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "m4.h"

/* m4_define(@{sig4_KEY}@, @{VALUE}@), KEY from fmt and ap. */
static void vfact(FILE *f, const char *value, const char *fmt, va_list ap)
{
    fputs("m4_define(" M4_LQUOTE M4_PREFIX, f);
    vfprintf(f, fmt, ap);
    fprintf(f, M4_RQUOTE ", " M4_LQUOTE "%s" M4_RQUOTE ")\n", value);
}

void fact(FILE *f, const char *value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfact(f, value, fmt, ap);
    va_end(ap);
}

void fact_num(FILE *f, int64_t value, const char *fmt, ...)
{
    char num[32];
    va_list ap;

    snprintf(num, sizeof num, "%" PRId64, value);
    va_start(ap, fmt);
    vfact(f, num, fmt, ap);
    va_end(ap);
}

/* Does s[0, i) end with word, which starts an identifier there? */
static bool ends_with_prefix(const char *s, size_t i, const char *word)
{
    size_t n = strlen(word);

    if (i < n || strncmp(s + i - n, word, n) != 0)
        return false;
    return i == n || !(isalnum((unsigned char)s[i - n - 1]) || s[i - n - 1] == '_');
}

/* The body of a C string literal for s, safe in m4 quotes and in a C comment:
 * '"', '\\', '@' (part of every m4 quote), '?' before '?' (trigraphs),
 * "/" + "*" and "*" + "/" (comments), the '_' of "m4_" and "sig4_" (which
 * would look like an unexpanded template macro) and every byte outside
 * printable ASCII become 3-digit octal escapes. Returns a malloc'd string. */
static char *c_escape(const char *s)
{
    size_t n = strlen(s), i, o = 0;
    char *e = malloc(4 * n + 1);

    if (e == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool esc = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '@' ||
                   (c == '?' && s[i + 1] == '?') || (c == '*' && i > 0 && s[i - 1] == '/') ||
                   (c == '/' && i > 0 && s[i - 1] == '*') ||
                   (c == '_' && (ends_with_prefix(s, i, "m4") || ends_with_prefix(s, i, "sig4")));

        if (esc)
            o += (size_t)sprintf(e + o, "\\%03o", c);
        else
            e[o++] = (char)c;
    }
    e[o] = '\0';
    return e;
}

void fact_str(FILE *f, const char *value, const char *fmt, ...)
{
    char *e = c_escape(value);
    va_list ap;

    va_start(ap, fmt);
    vfact(f, e, fmt, ap);
    va_end(ap);
    free(e);
}
