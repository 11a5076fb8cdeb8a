/* main.c: the signetc command line and pipeline driver. Reads the schema
 * file whole, then runs the stages in order: parse (parse.c, lexer.re),
 * check (check.c, topic.c, and the topic analysis of automaton.c) and,
 * unless --check, build the topic matcher (automaton.c) and emit (emit.c,
 * emit_match.c, which run the m4 templates through m4.c). Diagnostics go
 * to stderr through diag.c; exit status 0 on success, 1 on any error
 * (warnings count under -Werror), 2 on bad usage. Depends on ast.h,
 * parse.h, check.h, automaton.h, emit.h, diag.h, arena.h and
 * runtime/include/signet.h (for the version). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <signet.h>

#include "arena.h"
#include "ast.h"
#include "automaton.h"
#include "check.h"
#include "diag.h"
#include "emit.h"
#include "parse.h"

#define MAX_SCHEMA_BYTES (64u << 20) /* 64 MiB: far above any real schema */

static void usage(FILE *out)
{
    fputs("usage: signetc [options] FILE.signet\n"
          "\n"
          "Compiles a signet schema. From FILE.signet it writes into DIR:\n"
          "  FILE.signet.h          the API: payload structs, connect, send, post\n"
          "  FILE.signet.private.h  the topic matcher's declarations (generated code only)\n"
          "  FILE.signet.c          the functions and the metadata tables\n"
          "  FILE.signet.match.re   the topic matcher, which re2c (3.0 or later) compiles:\n"
          "                           re2c -W -i -o FILE.signet.match.c FILE.signet.match.re\n"
          "Compile FILE.signet.c and FILE.signet.match.c and link them with libsignet;\n"
          "signet_generate() in CMake does all of this (man signetc, docs/cmake.md).\n"
          "\n"
          "options:\n"
          "  -o DIR             write the generated files into DIR (default: .)\n"
          "  --check            parse and check only; write nothing\n"
          "  -Werror            treat warnings as errors\n"
          "  -Werror=NAME       treat warning NAME as an error\n"
          "  -WNAME, -Wno-NAME  enable or silence warning NAME\n"
          "  --depfile FILE     also write a Makefile depfile for the outputs\n"
          "  --templates DIR    read the m4 templates from DIR\n"
          "  --trace-m4 FILE    also write the m4 facts handed to the templates\n"
          "  --version          print the version and exit\n"
          "  --help             print this help and exit\n"
          "\n"
          "warnings:\n",
          out);
    diag_list_warnings(out);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fputs("signetc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    usage(stderr);
    return 2;
}

/* Reads the whole file plus a NUL sentinel; reports and returns NULL on
 * failure. */
static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "signetc: cannot open '%s': %s\n", path, strerror(EISDIR));
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "signetc: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fputs("signetc: out of memory\n", stderr);
            fclose(f);
            return NULL;
        }
        if (n > MAX_SCHEMA_BYTES) {
            fprintf(stderr, "signetc: cannot read '%s': larger than 64 MiB\n", path);
            free(buf);
            fclose(f);
            return NULL;
        }
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        size_t k = fread(buf + n, 1, cap - 1 - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "signetc: cannot read '%s': %s\n", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    struct emit_opts opts = {.out_dir = ".", .argv0 = argv[0]};
    const char *input = NULL;
    bool check_only = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **value = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("signetc %s\n", SIGNET_VERSION_STRING);
            return 0;
        } else if (strcmp(a, "--check") == 0) {
            check_only = true;
        } else if (strcmp(a, "-o") == 0) {
            value = &opts.out_dir;
        } else if (strcmp(a, "--depfile") == 0) {
            value = &opts.depfile;
        } else if (strcmp(a, "--templates") == 0) {
            value = &opts.template_dir;
        } else if (strcmp(a, "--trace-m4") == 0) {
            value = &opts.trace_m4;
        } else if (strncmp(a, "-W", 2) == 0) {
            if (!diag_option(a + 2))
                return bad_usage("unknown warning option '%s'", a);
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !input && i + 2 == argc) {
            input = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return bad_usage("unknown option '%s'", a);
        } else if (input) {
            return bad_usage("more than one input file ('%s')", a);
        } else {
            input = a;
        }
        if (value) {
            if (i + 1 >= argc)
                return bad_usage("option '%s' needs an argument", a);
            *value = argv[++i];
        }
    }
    if (!input)
        return bad_usage("%s", "no input file");

    size_t len;
    char *src = read_file(input, &len);
    if (!src)
        return 1;

    struct arena arena = {0};
    struct parsed parsed;
    diag_set_source(input, src, len);
    parse_schema(&arena, input, src, len, &parsed);
    bool ok = !diag_stopped() && check_schema(&arena, &parsed);
    diag_fini();
    int rc = ok ? 0 : 1;
    if (ok && !check_only) {
        automaton_build(&arena, &parsed.schema, 0);
        rc = emit_schema(&parsed.schema, &opts) ? 1 : 0;
    }
    arena_free(&arena);
    free(src);
    return rc;
}
