/* facts.c: writes m4 facts (facts.h) for the templates: a key made with
 * printf and a value that is already safe, a number, a string escaped
 * into the body of a C string literal that m4 and a C comment leave alone,
 * or a numeric table as rows of a C initializer.
 * Depends on facts.h, m4.h (prefix and quotes) and the C library. */
#include "facts.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "m4.h"

/* The start of a fact, up to its value: m4_define(@{sig4_KEY}@, @{ */
static void vfact_begin(FILE *f, const char *fmt, va_list ap)
{
    fputs("m4_define(" M4_LQUOTE M4_PREFIX, f);
    vfprintf(f, fmt, ap);
    fputs(M4_RQUOTE ", " M4_LQUOTE, f);
}

/* m4_define(@{sig4_KEY}@, @{VALUE}@), KEY from fmt and ap. */
static void vfact(FILE *f, const char *value, const char *fmt, va_list ap)
{
    vfact_begin(f, fmt, ap);
    fprintf(f, "%s" M4_RQUOTE ")\n", value);
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

void fact_rows(FILE *f, const int64_t *v, size_t n, size_t group, const char *fmt, ...)
{
    size_t col = 4;
    va_list ap;

    va_start(ap, fmt);
    vfact_begin(f, fmt, ap);
    va_end(ap);
    fputs("    ", f);
    if (n == 0) {
        fputs(group > 1 ? "{0}," : "0,", f);
        fputs(M4_RQUOTE ")\n", f);
        return;
    }
    for (size_t i = 0; i < n; i += group) {
        char item[256];
        size_t len = 0;

        if (group > 1)
            item[len++] = '{';
        for (size_t k = 0; k < group; k++)
            len += (size_t)snprintf(item + len, sizeof item - len, "%s%" PRId64, k ? ", " : "",
                                    v[i + k]);
        if (group > 1)
            item[len++] = '}';
        item[len++] = ',';
        item[len] = '\0';
        if (i > 0 && col + 1 + len > 100) {
            fputs("\n    ", f);
            col = 4;
        } else if (i > 0) {
            fputc(' ', f);
            col++;
        }
        fputs(item, f);
        col += len;
    }
    fputs(M4_RQUOTE ")\n", f);
}
