/* lexer.re: the schema lexer; re2c turns it into lexer.c at build time.
 * It reads the whole file from memory (a NUL sentinel follows the last
 * byte), tracks line and byte column, skips // and block comments, decodes
 * strings, and reports lexical errors through diag (see lexer.h for how it
 * avoids cascades). Nothing here recurses or backtracks on input size.
 * Depends on lexer.h, diag.h, arena.h. */
#include "lexer.h"

#include <string.h>

#include "diag.h"

void lexer_init(struct lexer *l, struct arena *a, const char *src, size_t len)
{
    l->arena = a;
    l->src = l->cur = l->line_start = src;
    l->end = src + len;
    l->line = 1;
    l->reported_line = 0;
    l->stopped = false;
}

static struct loc loc_of(const struct lexer *l, const char *p)
{
    struct loc loc = {l->line, (uint32_t)(p - l->line_start) + 1};
    return loc;
}

static void newline(struct lexer *l, const char *after)
{
    l->line++;
    l->line_start = after;
}

static void stop(struct lexer *l)
{
    l->stopped = true;
    l->cur = l->end;
}

/* An invalid byte ends lexing: in binary input every later byte would be
 * another error. */
static void bad_byte(struct lexer *l, const char *p)
{
    diag_error(loc_of(l, p), 1, "invalid byte 0x%02x in schema", (unsigned)(unsigned char)*p);
    stop(l);
}

static bool allowed_text_byte(unsigned char c)
{
    return c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\r' || c == '\v' || c == '\f');
}

/* Skips a comment body; returns false (after reporting) at an invalid byte
 * or an unterminated block comment. */
static bool skip_line_comment(struct lexer *l)
{
    const char *p = l->cur;
    while (p < l->end && *p != '\n') {
        if (!allowed_text_byte((unsigned char)*p)) {
            bad_byte(l, p);
            return false;
        }
        p++;
    }
    l->cur = p;
    return true;
}

static bool skip_block_comment(struct lexer *l, const char *start)
{
    struct loc at = loc_of(l, start);
    const char *p = l->cur;
    for (;;) {
        if (p >= l->end) {
            diag_error(at, 2, "unterminated comment");
            stop(l);
            return false;
        }
        if (*p == '*' && p[1] == '/') {
            l->cur = p + 2;
            return true;
        }
        if (*p == '\n') {
            newline(l, p + 1);
        } else if (!allowed_text_byte((unsigned char)*p)) {
            bad_byte(l, p);
            return false;
        }
        p++;
    }
}

static size_t utf8_seq(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0], cp, min;
    size_t k;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) k = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) k = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) k = 4, min = 0x10000;
    else return 0;
    if ((size_t)(end - s) < k) return 0;
    cp = c & (0x7f >> k);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return k;
}

/* l->cur is just past the opening quote. Strings end at the closing quote;
 * a newline or the end of the file first is an unterminated string. */
static void lex_string(struct lexer *l, struct token *t)
{
    const char *p = l->cur;
    char *buf = NULL;
    size_t n = 0;
    const char *q = p;
    while (q < l->end && *q != '"' && *q != '\n') {
        if (*q == '\\' && q + 1 < l->end && q[1] != '\n')
            q++;
        q++;
    }
    if (q >= l->end || *q != '"') {
        diag_error(t->loc, 1, "missing terminating '\"' character");
        l->cur = q;
        t->kind = TK_INVALID;
        t->len = (size_t)(q - t->text);
        return;
    }
    buf = arena_alloc(l->arena, (size_t)(q - p) + 1);
    bool bad = false;
    while (p < q) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            if (p[1] == '"' || p[1] == '\\') {
                buf[n++] = p[1];
            } else if (!bad) {
                unsigned char e = (unsigned char)p[1];
                if (e >= 0x20 && e < 0x7f)
                    diag_error(loc_of(l, p), 2,
                               "unknown escape sequence '\\%c' in string; only '\\\"' and '\\\\' are allowed",
                               e);
                else
                    diag_error(loc_of(l, p), 2,
                               "unknown escape sequence in string; only '\\\"' and '\\\\' are allowed");
                bad = true;
            }
            p += 2;
            continue;
        }
        size_t k = c >= 0x20 && c != 0x7f ? utf8_seq((const unsigned char *)p,
                                                      (const unsigned char *)q) : 0;
        if (k == 0) {
            if (!bad) {
                if (c == 0)
                    diag_error(loc_of(l, p), 1, "NUL byte in string");
                else if (c < 0x80)
                    diag_error(loc_of(l, p), 1, "control character 0x%02x in string", c);
                else
                    diag_error(loc_of(l, p), 1, "invalid UTF-8 byte 0x%02x in string", c);
            }
            bad = true;
            p++;
            continue;
        }
        memcpy(buf + n, p, k);
        n += k;
        p += k;
    }
    buf[n] = '\0';
    l->cur = q + 1;
    t->kind = TK_STRING;
    t->len = (size_t)(l->cur - t->text);
    t->str = buf;
    t->str_len = n;
    t->bad = bad;
}

/*!re2c
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYCURSOR = "cur";
    re2c:define:YYMARKER = "mar";
    re2c:yyfill:enable = 0;
*/

void lexer_next(struct lexer *l, struct token *t)
{
    const unsigned char *cur, *mar;
    (void)mar;
    for (;;) {
        memset(t, 0, sizeof *t);
        if (l->stopped || diag_stopped()) {
            l->cur = l->end;
            t->kind = TK_EOF;
            t->text = l->end;
            t->loc = loc_of(l, l->end);
            return;
        }
        const char *start = l->cur;
        cur = (const unsigned char *)start;
        t->text = start;
        t->loc = loc_of(l, start);
#define TOKEN(k) do { t->kind = (k); l->cur = (const char *)cur; \
                      t->len = (size_t)(l->cur - start); return; } while (0)
        /*!re2c
            [\x00] {
                if (start == l->end) {
                    l->cur = start;
                    t->kind = TK_EOF;
                    return;
                }
                bad_byte(l, start);
                continue;
            }
            [ \t\r\v\f]+ { l->cur = (const char *)cur; continue; }
            "\n" { l->cur = (const char *)cur; newline(l, l->cur); continue; }
            "//" { l->cur = (const char *)cur; skip_line_comment(l); continue; }
            "/*" { l->cur = (const char *)cur; skip_block_comment(l, start); continue; }
            [A-Za-z_][A-Za-z0-9_]* { TOKEN(TK_IDENT); }
            [0-9][A-Za-z0-9_]* { TOKEN(TK_NUMBER); }
            ["] { l->cur = (const char *)cur; lex_string(l, t); return; }
            ";" { TOKEN(TK_SEMI); }
            "{" { TOKEN(TK_LBRACE); }
            "}" { TOKEN(TK_RBRACE); }
            "(" { TOKEN(TK_LPAREN); }
            ")" { TOKEN(TK_RPAREN); }
            "[" { TOKEN(TK_LBRACKET); }
            "]" { TOKEN(TK_RBRACKET); }
            "," { TOKEN(TK_COMMA); }
            "=" { TOKEN(TK_EQ); }
            "-" { TOKEN(TK_MINUS); }
            [\x21-\x7e] {
                l->cur = (const char *)cur;
                if (l->reported_line != l->line) {
                    l->reported_line = l->line;
                    diag_error(t->loc, 1, "unexpected character '%c'", *start);
                }
                t->kind = TK_INVALID;
                t->len = 1;
                return;
            }
            * { bad_byte(l, start); continue; }
        */
#undef TOKEN
    }
}
