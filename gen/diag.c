/* diag.c: collects and prints diagnostics for diag.h, and holds the
 * warning registry. The source excerpt uses gcc's gutter ("    4 | text",
 * "      |   ^~~").
 * Bytes that would garble a terminal or a golden file (control characters,
 * invalid UTF-8) are echoed as '?'; tabs are kept, and copied into the
 * caret line so the caret stays aligned. Lines longer than EXCERPT_MAX are
 * shown as a window around the column. Depends on diag.h and the C library. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_MAX 160     /* longest source line echoed whole */
#define WINDOW_BEFORE 60    /* bytes shown before the column in a long line */

static const struct {
    const char *name;
    const char *doc;
} registry[DIAG_NWARNINGS] = {
#define DIAG_ROW(id, name, doc) [id] = {name, doc},
    DIAG_WARNINGS(DIAG_ROW)
#undef DIAG_ROW
};

/* One error or warning with its notes, printed at diag_flush() in source
 * order, so the two passes (parse, check) read as one. */
struct group {
    uint32_t line, col;
    size_t seq;
    char *text;
    size_t len, cap;
};

static struct {
    struct group *groups;
    size_t ngroups, capgroups;
    const char *path;
    const char *src;
    size_t len;
    uint32_t *line_start;            /* built on the first excerpt */
    uint32_t nlines;
    bool enabled[DIAG_NWARNINGS];
    bool as_error[DIAG_NWARNINGS];
    bool all_errors;                 /* -Werror */
    bool all_set[DIAG_NWARNINGS];    /* -Werror=x / -Wno-error=x seen */
    unsigned errors;
    bool stopped;
    bool last_shown;                 /* did the last error/warning print? */
    FILE *out;                       /* diag_fini() prints here */
    bool quiet;                      /* diag_set_output(NULL) */
} d;

static void set_defaults(void);

void diag_set_source(const char *path, const char *src, size_t len)
{
    set_defaults();
    d.path = path;
    d.src = src;
    d.len = len;
    d.errors = 0;
    d.stopped = false;
    d.last_shown = false;
}

void diag_set_output(FILE *out)
{
    d.out = out;
    d.quiet = out == NULL;
}

static void oom(void)
{
    fputs("signetc: out of memory\n", stderr);
    exit(1);
}

static void bwrite(const void *p, size_t n)
{
    struct group *g = &d.groups[d.ngroups - 1];
    if (g->len + n + 1 > g->cap) {
        size_t cap = g->cap ? g->cap : 256;
        while (cap < g->len + n + 1)
            cap *= 2;
        char *t = realloc(g->text, cap);
        if (!t)
            oom();
        g->text = t;
        g->cap = cap;
    }
    memcpy(g->text + g->len, p, n);
    g->len += n;
}

static void bputc(int c)
{
    char ch = (char)c;
    bwrite(&ch, 1);
}

DIAG_PRINTF(1, 0)
static void bvprintf(const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof small) {
        bwrite(small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big)
            oom();
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        bwrite(big, (size_t)n);
        free(big);
    }
    va_end(ap2);
}

DIAG_PRINTF(1, 2)
static void bprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bvprintf(fmt, ap);
    va_end(ap);
}

static void new_group(struct loc loc)
{
    if (d.ngroups == d.capgroups) {
        size_t cap = d.capgroups ? d.capgroups * 2 : 16;
        struct group *g = realloc(d.groups, cap * sizeof *g);
        if (!g)
            oom();
        d.groups = g;
        d.capgroups = cap;
    }
    struct group *g = &d.groups[d.ngroups];
    memset(g, 0, sizeof *g);
    g->line = loc.line;
    g->col = loc.col;
    g->seq = d.ngroups++;
}

static int by_loc(const void *x, const void *y)
{
    const struct group *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void announce_stop(void)
{
    d.stopped = true;
}

void diag_fini(void)
{
    FILE *out = d.quiet ? NULL : d.out ? d.out : stderr;
    if (d.ngroups)
        qsort(d.groups, d.ngroups, sizeof *d.groups, by_loc);
    for (size_t i = 0; i < d.ngroups; i++) {
        if (out)
            fwrite(d.groups[i].text, 1, d.groups[i].len, out);
        free(d.groups[i].text);
    }
    free(d.groups);
    d.groups = NULL;
    d.ngroups = d.capgroups = 0;
    if (out && d.errors >= DIAG_MAX_ERRORS)
        fprintf(out, "%s: fatal error: too many errors (%d), stopping\n", d.path,
                DIAG_MAX_ERRORS);
    if (out)
        fflush(out);
    free(d.line_start);
    d.line_start = NULL;
    d.nlines = 0;
}

static int find_warning(const char *name)
{
    for (int i = 0; i < DIAG_NWARNINGS; i++)
        if (strcmp(registry[i].name, name) == 0)
            return i;
    return -1;
}

/* Every warning starts enabled; options then apply in command-line order,
 * so "-Wno-x -Wx" ends enabled. */
static bool defaults_done;

static void set_defaults(void)
{
    if (defaults_done)
        return;
    defaults_done = true;
    for (int i = 0; i < DIAG_NWARNINGS; i++)
        d.enabled[i] = true;
}

bool diag_option(const char *opt)
{
    set_defaults();
    if (strcmp(opt, "error") == 0) {
        d.all_errors = true;
        return true;
    }
    if (strcmp(opt, "no-error") == 0) {
        d.all_errors = false;
        return true;
    }
    bool neg = strncmp(opt, "no-", 3) == 0;
    const char *name = neg ? opt + 3 : opt;
    bool err = strncmp(name, "error=", 6) == 0;
    if (err)
        name += 6;
    int w = find_warning(name);
    if (w < 0)
        return false;
    if (err) {
        d.as_error[w] = !neg;
        d.all_set[w] = true;
        if (!neg)
            d.enabled[w] = true;
    } else {
        d.enabled[w] = !neg;
    }
    return true;
}

void diag_list_warnings(FILE *out)
{
    for (int i = 0; i < DIAG_NWARNINGS; i++)
        fprintf(out, "  -W%-24s %s\n", registry[i].name, registry[i].doc);
}

unsigned diag_error_count(void) { return d.errors; }
bool diag_stopped(void) { return d.errors >= DIAG_MAX_ERRORS; }

static void build_lines(void)
{
    if (d.line_start || !d.src)
        return;
    size_t n = 1;
    for (size_t i = 0; i < d.len; i++)
        n += d.src[i] == '\n';
    d.line_start = malloc((n + 1) * sizeof *d.line_start);
    if (!d.line_start)
        oom();
    uint32_t k = 0;
    d.line_start[k++] = 0;
    for (size_t i = 0; i < d.len; i++)
        if (d.src[i] == '\n')
            d.line_start[k++] = (uint32_t)(i + 1);
    d.line_start[k] = (uint32_t)d.len + 1;  /* sentinel: one past a virtual '\n' */
    d.nlines = k;
}

const char *diag_line(uint32_t line, size_t *len)
{
    build_lines();
    if (!d.line_start || d.len == 0 || line == 0 || line > d.nlines)
        return NULL;
    uint32_t b = d.line_start[line - 1];
    uint32_t e = d.line_start[line] - 1;     /* the '\n' (or end of file) */
    if (b >= d.len && line > 1)
        return NULL;                         /* after a final newline */
    if (e > b && d.src[e - 1] == '\r')
        e--;
    *len = e - b;
    return d.src + b;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) k = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) k = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) k = 4, min = 0x10000;
    else return 0;
    if (k > n)
        return 0;
    unsigned cp = c & (0x7f >> k);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* Echoes text[b, e) and builds the matching caret padding for the bytes
 * before `col0` and the underline for [col0, col0 + ulen). */
static void excerpt(uint32_t line, uint32_t col, size_t ulen)
{
    size_t n;
    const unsigned char *text = (const unsigned char *)diag_line(line, &n);
    if (!text)
        return;
    size_t c0 = col ? col - 1 : 0;
    if (c0 > n)
        c0 = n;
    size_t b = 0, e = n;
    bool pre = false, post = false;
    if (n > EXCERPT_MAX) {
        if (c0 > WINDOW_BEFORE) {
            b = c0 - WINDOW_BEFORE;
            while (b < c0 && (text[b] & 0xc0) == 0x80)
                b++;
            pre = true;
        }
        e = b + EXCERPT_MAX;
        if (e < n) {
            while (e > c0 && (text[e] & 0xc0) == 0x80)
                e--;
            post = true;
        } else {
            e = n;
        }
    }
    if (ulen == 0)
        ulen = 1;
    if (c0 + ulen > e)
        ulen = e > c0 ? e - c0 : 1;

    char gutter[16];
    int w = snprintf(gutter, sizeof gutter, "%5u", (unsigned)line);
    bprintf("%s | %s", gutter, pre ? "..." : "");
    char *pad = malloc(e - b + 8);
    char *under = malloc(ulen + 8);
    if (!pad || !under)
        oom();
    size_t np = 0, nu = 0;
    for (size_t i = b; i < e;) {
        size_t k = utf8_len(text + i, e - i);
        unsigned c = text[i];
        bool in_pad = i < c0, in_under = i >= c0 && i < c0 + ulen;
        if (c == '\t') {
            bputc('\t');
            k = 1;
            if (in_pad) pad[np++] = '\t';
            if (in_under) { under[nu] = nu ? '~' : '^'; nu++; }
        } else if (k == 0 || c < 0x20 || c == 0x7f) {
            bputc('?');
            k = 1;
            if (in_pad) pad[np++] = ' ';
            if (in_under) { under[nu] = nu ? '~' : '^'; nu++; }
        } else {
            bwrite(text + i, k);
            if (in_pad) pad[np++] = ' ';
            if (in_under) { under[nu] = nu ? '~' : '^'; nu++; }
        }
        i += k;
    }
    if (nu == 0)
        under[nu++] = '^';
    bprintf("%s\n%*s | %s%.*s%.*s\n", post ? "..." : "", w, "", pre ? "   " : "",
            (int)np, pad, (int)nu, under);
    free(pad);
    free(under);
}

static void emit(const char *kind, struct loc loc, size_t len, const char *flag,
                 const char *fmt, va_list ap)
{
    if (strcmp(kind, "note") != 0)
        new_group(loc);
    if (loc.line)
        bprintf("%s:%u:%u: %s: ", d.path, (unsigned)loc.line, (unsigned)loc.col, kind);
    else
        bprintf("%s: %s: ", d.path, kind);
    bvprintf(fmt, ap);
    if (flag)
        bprintf(" %s", flag);
    bputc('\n');
    if (loc.line)
        excerpt(loc.line, loc.col, len);
}


void diag_error(struct loc loc, size_t len, const char *fmt, ...)
{
    d.last_shown = false;
    if (d.errors >= DIAG_MAX_ERRORS) {
        announce_stop();
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    emit("error", loc, len, NULL, fmt, ap);
    va_end(ap);
    d.last_shown = true;
    d.errors++;
}

void diag_warning(enum diag_warning w, struct loc loc, size_t len, const char *fmt, ...)
{
    set_defaults();
    d.last_shown = false;
    if (!d.enabled[w])
        return;
    if (d.errors >= DIAG_MAX_ERRORS) {
        announce_stop();
        return;
    }
    bool err = d.all_set[w] ? d.as_error[w] : d.all_errors;
    char flag[64];
    snprintf(flag, sizeof flag, "[-W%s%s]", err ? "error=" : "", registry[w].name);
    va_list ap;
    va_start(ap, fmt);
    emit(err ? "error" : "warning", loc, len, flag, fmt, ap);
    va_end(ap);
    d.last_shown = true;
    if (err)
        d.errors++;
}

void diag_note(struct loc loc, size_t len, const char *fmt, ...)
{
    if (!d.last_shown)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("note", loc, len, NULL, fmt, ap);
    va_end(ap);
}
