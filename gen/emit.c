/* emit.c: the last stage of signetc. Writes a checked schema (ast.h) whose
 * topics automaton.c analysed as flat m4 facts (facts.h), in the manner of
 * bison's skeleton data:
 *
 *     m4_define(@{sig4_signal(3, name)}@, @{door_changed}@)
 *
 * then has m4.c run the templates (templates/header.m4, private.m4,
 * source.m4, matcher.m4) over them to make <out_dir>/<base>.signet.h,
 * .private.h, .c and .match.re, and writes the depfile. emit_match.c adds the matcher's facts.
 * The ABI and version it generates for are those of the runtime's signet.h.
 * templates/README.md lists every fact. Depends on emit.h, facts.h, m4.h
 * and runtime/include/signet.h.
 */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include "emit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signet.h>

#include "emit_match.h"
#include "facts.h"
#include "m4.h"

#define NOUTPUTS 4
static const char *const templates[NOUTPUTS] = {"header.m4", "private.m4", "source.m4",
                                                "matcher.m4"};
static const char *const suffixes[NOUTPUTS] = {".h", ".private.h", ".c", ".match.re"};

/* ---------------------------------------------------------------------------
 * Writing facts
 */

static const char *kind_name(enum ty_kind k)
{
    static const char *const names[] = {
        [TY_BOOL] = "bool", [TY_I8] = "i8",         [TY_I16] = "i16", [TY_I32] = "i32",
        [TY_I64] = "i64",   [TY_U8] = "u8",         [TY_U16] = "u16", [TY_U32] = "u32",
        [TY_U64] = "u64",   [TY_F32] = "f32",       [TY_F64] = "f64", [TY_STR] = "str",
        [TY_ENUM] = "enum", [TY_STRUCT] = "struct",
    };

    return k < sizeof names / sizeof names[0] && names[k] != NULL ? names[k] : "unresolved";
}

/* Index of a declaration in its kind's table (s->enums or s->structs). */
static size_t enum_index(const struct schema *s, const struct enum_decl *en)
{
    size_t i;

    for (i = 0; i < s->nenums && s->enums[i] != en; i++)
        ;
    return i;
}

static size_t struct_index(const struct schema *s, const struct struct_decl *st)
{
    size_t i;

    for (i = 0; i < s->nstructs && s->structs[i] != st; i++)
        ;
    return i;
}

/* sig4_field(WHO, I, J, ...) for a struct field or a signal parameter. */
static void fields(FILE *f, const struct schema *s, const char *who, size_t i, size_t n,
                   const struct field *fs)
{
    size_t j;

    fact_num(f, (int64_t)n, "%s(%zu, %s_count)", who, i,
             strcmp(who, "signal") == 0 ? "param" : "field");
    for (j = 0; j < n; j++) {
        const struct field *fl = &fs[j];
        const char *type = fl->type.name;

        if (fl->type.kind == TY_ENUM && fl->type.en != NULL)
            type = fl->type.en->name;
        else if (fl->type.kind == TY_STRUCT && fl->type.st != NULL)
            type = fl->type.st->name;
        else if (fl->type.kind < TY_ENUM)
            type = kind_name(fl->type.kind);

        fact(f, fl->name, "field(%s, %zu, %zu, name)", who, i, j);
        fact_num(f, fl->loc.line, "field(%s, %zu, %zu, line)", who, i, j);
        fact(f, kind_name(fl->type.kind), "field(%s, %zu, %zu, kind)", who, i, j);
        fact(f, type, "field(%s, %zu, %zu, type)", who, i, j);
        if (fl->type.kind == TY_ENUM)
            fact_num(f, (int64_t)enum_index(s, fl->type.en), "field(%s, %zu, %zu, ref)", who, i, j);
        else if (fl->type.kind == TY_STRUCT)
            fact_num(f, (int64_t)struct_index(s, fl->type.st), "field(%s, %zu, %zu, ref)", who, i,
                     j);
        fact_num(f, fl->array_len, "field(%s, %zu, %zu, array_len)", who, i, j);
        fact_num(f, fl->number, "field(%s, %zu, %zu, number)", who, i, j);
    }
}

static const char *level_kind_name(enum level_kind k)
{
    switch (k) {
    case LV_LITERAL:
        return "literal";
    case LV_CAPTURE:
        return "capture";
    case LV_PLUS:
        return "plus";
    case LV_HASH:
        return "hash";
    }
    return "unknown";
}

static void topic(FILE *f, const char *who, size_t i, const struct topic *t)
{
    size_t k;

    fact_str(f, t->text, "%s(%zu, topic)", who, i);
    fact_num(f, (int64_t)t->nlevels, "%s(%zu, level_count)", who, i);
    for (k = 0; k < t->nlevels; k++) {
        const struct level *lv = &t->levels[k];

        fact(f, level_kind_name(lv->kind), "level(%s, %zu, %zu, kind)", who, i, k);
        if (lv->kind == LV_LITERAL || lv->kind == LV_CAPTURE)
            fact_str(f, lv->text, "level(%s, %zu, %zu, text)", who, i, k);
        if (lv->kind == LV_CAPTURE)
            fact_num(f, (int64_t)lv->param, "level(%s, %zu, %zu, param)", who, i, k);
    }
}

static const char *overflow_name(enum overflow o)
{
    switch (o) {
    case OVERFLOW_DEFAULT:
        return "default";
    case OVERFLOW_BLOCK:
        return "block";
    case OVERFLOW_DROP_NEWEST:
        return "drop_newest";
    case OVERFLOW_DROP_OLDEST:
        return "drop_oldest";
    }
    return "default";
}

/* Index of a declaration within its kind, found by pointer. */
static size_t decl_index(const struct schema *s, const struct decl *d)
{
    size_t i;

    switch (d->kind) {
    case DECL_ENUM:
        return enum_index(s, d->u.en);
    case DECL_STRUCT:
        return struct_index(s, d->u.st);
    case DECL_SIGNAL:
        for (i = 0; i < s->nsignals && s->signals[i] != d->u.sig; i++)
            ;
        return i;
    case DECL_PATTERN:
        for (i = 0; i < s->npatterns && s->patterns[i] != d->u.pat; i++)
            ;
        return i;
    }
    return 0;
}

/* Marks the enums and structs that the fields reach, directly or through
 * other structs. Types are declared before use, so there are no cycles. */
static void mark_used(const struct schema *s, size_t n, const struct field *fs, bool *enum_used,
                      bool *struct_used)
{
    size_t j, k;

    for (j = 0; j < n; j++) {
        const struct type_ref *t = &fs[j].type;

        if (t->kind == TY_ENUM && (k = enum_index(s, t->en)) < s->nenums) {
            enum_used[k] = true;
        } else if (t->kind == TY_STRUCT && (k = struct_index(s, t->st)) < s->nstructs &&
                   !struct_used[k]) {
            struct_used[k] = true;
            mark_used(s, t->st->nfields, t->st->fields, enum_used, struct_used);
        }
    }
}

/* Do the fields hold a str, directly or through structs? */
static bool has_str(size_t n, const struct field *fs)
{
    for (size_t j = 0; j < n; j++)
        if (fs[j].type.kind == TY_STR ||
            (fs[j].type.kind == TY_STRUCT && has_str(fs[j].type.st->nfields, fs[j].type.st->fields)))
            return true;
    return false;
}

/* The wire facts of a struct or a signal's payload (docs/wire.md): its
 * field numbers in field order, the indices of the fields on the wire in
 * ascending number order (captured parameters travel in the topic and are
 * left out), and, when a field is a struct, each field's nested wire info. */
static void wire_facts(FILE *f, const struct schema *s, const char *who, size_t i, size_t n,
                       const struct field *fs, const struct topic *topic)
{
    char *text = NULL;
    size_t len = 0, j, k, count = 0;
    size_t *order = calloc(n + 1, sizeof *order);
    FILE *m = open_memstream(&text, &len);
    bool nested = false;

    if (order == NULL || m == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    for (j = 0; j < n; j++)
        fprintf(m, "%s%" PRIu32, j == 0 ? "" : j % 16 ? ", " : ",\n    ", fs[j].number);
    fclose(m);
    fact(f, text, "%s(%zu, wire_numbers)", who, i);
    free(text);

    for (j = 0; j < n; j++) {
        bool captured = false;

        for (k = 0; topic != NULL && k < topic->nlevels; k++)
            captured |= topic->levels[k].kind == LV_CAPTURE && topic->levels[k].param == j;
        if (captured)
            continue;
        for (k = count++; k > 0 && fs[order[k - 1]].number > fs[j].number; k--)
            order[k] = order[k - 1];
        order[k] = j;
    }
    m = open_memstream(&text, &len);
    if (m == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    for (j = 0; j < count; j++)
        fprintf(m, "%s%zu", j == 0 ? "" : j % 16 ? ", " : ",\n    ", order[j]);
    fclose(m);
    fact(f, text, "%s(%zu, wire_order)", who, i);
    free(text);
    free(order);
    fact_num(f, (int64_t)count, "%s(%zu, wire_count)", who, i);

    for (j = 0; j < n; j++)
        nested |= fs[j].type.kind == TY_STRUCT;
    m = open_memstream(&text, &len);
    if (m == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    for (j = 0; nested && j < n; j++) {
        fputs(j == 0 ? "" : j % 4 ? ", " : ",\n    ", m);
        if (fs[j].type.kind == TY_STRUCT)
            fprintf(m, "&%s__%s_wire", s->ns, fs[j].type.st->name);
        else
            fputs("NULL", m);
    }
    fclose(m);
    fact(f, text, "%s(%zu, wire_nested)", who, i);
    free(text);
}

/* signet_signal_info.flags of a signal, as C: "0" or "SIGNET_SIGNAL_A | ...". */
static const char *signal_flags(const struct signal_decl *sg)
{
    static char buf[128];
    bool captures = false;
    size_t i;

    for (i = 0; i < sg->topic.nlevels; i++)
        captures |= sg->topic.levels[i].kind == LV_CAPTURE;
    buf[0] = '\0';
    if (captures)
        strcat(buf, " | SIGNET_SIGNAL_CAPTURES");
    if (sg->retain)
        strcat(buf, " | SIGNET_SIGNAL_RETAIN");
    if (sg->retain_per_sender)
        strcat(buf, " | SIGNET_SIGNAL_PER_SENDER");
    if (sg->export_)
        strcat(buf, " | SIGNET_SIGNAL_EXPORT");
    if (sg->import_)
        strcat(buf, " | SIGNET_SIGNAL_IMPORT");
    return buf[0] != '\0' ? buf + 3 : "0";
}

static void write_facts(FILE *f, const struct schema *s, const char *base)
{
    static const char *const decl_kinds[] = {"enum", "struct", "signal", "pattern"};
    char guard[256];
    size_t i, j, n = 0;
    bool *enum_used, *struct_used, *enum_retained, *struct_retained, *enum_wire, *struct_wire;

    fprintf(f,
            "# Facts about %s for signet's templates (see templates/README.md).\n"
            "# Written by signetc " SIGNET_VERSION_STRING "; read after lib.m4, which sets the "
            "quotes " M4_LQUOTE " " M4_RQUOTE ".\n",
            s->source);

    for (i = 0; base[i] != '\0' && n + 1 < sizeof guard - sizeof "_SIGNET_H"; i++) {
        char c = base[i];

        if (i == 0 && c >= '0' && c <= '9')
            guard[n++] = '_';
        guard[n++] = c >= 'a' && c <= 'z'                               ? (char)(c - 'a' + 'A')
                     : (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c
                                                                        : '_';
    }
    strcpy(guard + n, "_SIGNET_H");

    enum_used = calloc(s->nenums + 1, sizeof *enum_used);
    struct_used = calloc(s->nstructs + 1, sizeof *struct_used);
    enum_retained = calloc(s->nenums + 1, sizeof *enum_retained);
    struct_retained = calloc(s->nstructs + 1, sizeof *struct_retained);
    enum_wire = calloc(s->nenums + 1, sizeof *enum_wire);
    struct_wire = calloc(s->nstructs + 1, sizeof *struct_wire);
    if (enum_used == NULL || struct_used == NULL || enum_retained == NULL ||
        struct_retained == NULL || enum_wire == NULL || struct_wire == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    for (i = 0; i < s->nsignals; i++)
        mark_used(s, s->signals[i]->nparams, s->signals[i]->params, enum_used, struct_used);
    for (i = 0; i < s->nsignals; i++)
        if (s->signals[i]->retain)
            mark_used(s, s->signals[i]->nparams, s->signals[i]->params, enum_retained,
                      struct_retained);
    for (i = 0; i < s->nsignals; i++)
        if (s->signals[i]->export_ || s->signals[i]->import_)
            mark_used(s, s->signals[i]->nparams, s->signals[i]->params, enum_wire, struct_wire);

    fputs("\n# The schema\n", f);
    fact(f, SIGNET_VERSION_STRING, "schema(version)");
    fact_num(f, SIGNET_ABI, "schema(abi)");
    fact(f, s->ns, "schema(ns)");
    fact_num(f, signet__schema_hash(s->ns), "schema(hash)");
    fact_str(f, s->source, "schema(source)");
    fact_str(f, base, "schema(base)");
    fact(f, guard, "schema(guard)");
    fact_num(f, (int64_t)s->ndecls, "schema(decl_count)");
    fact_num(f, (int64_t)s->nenums, "schema(enum_count)");
    fact_num(f, (int64_t)s->nstructs, "schema(struct_count)");
    fact_num(f, (int64_t)s->nsignals, "schema(signal_count)");
    fact_num(f, (int64_t)s->npatterns, "schema(pattern_count)");
    size_t nretain = 0;
    for (size_t k = 0; k < s->nsignals; k++)
        nretain += s->signals[k]->retain != 0;
    fact_num(f, (int64_t)nretain, "schema(retain_count)");
    bool retain_str = false;
    for (size_t k = 0; k < s->nsignals; k++)
        retain_str |= s->signals[k]->retain && has_str(s->signals[k]->nparams, s->signals[k]->params);
    fact_num(f, retain_str, "schema(retain_str)");
    size_t nwire = 0;
    for (size_t k = 0; k < s->nsignals; k++)
        nwire += s->signals[k]->export_ || s->signals[k]->import_;
    fact_num(f, (int64_t)nwire, "schema(wire_count)");

    fputs("\n# Declarations in source order\n", f);
    for (i = 0; i < s->ndecls; i++) {
        fact(f, decl_kinds[s->decls[i].kind], "decl(%zu, kind)", i);
        fact_num(f, (int64_t)decl_index(s, &s->decls[i]), "decl(%zu, index)", i);
    }

    for (i = 0; i < s->nenums; i++) {
        const struct enum_decl *en = s->enums[i];

        fprintf(f, "\n# enum %s\n", en->name);
        fact(f, en->name, "enum(%zu, name)", i);
        fact_num(f, en->loc.line, "enum(%zu, line)", i);
        fact_num(f, enum_used[i], "enum(%zu, used)", i);
        fact_num(f, (int64_t)en->nvalues, "enum(%zu, value_count)", i);
        for (j = 0; j < en->nvalues; j++) {
            fact(f, en->values[j].name, "enum_value(%zu, %zu, name)", i, j);
            fact_num(f, en->values[j].loc.line, "enum_value(%zu, %zu, line)", i, j);
            fact_num(f, en->values[j].value, "enum_value(%zu, %zu, value)", i, j);
        }
    }

    for (i = 0; i < s->nstructs; i++) {
        const struct struct_decl *st = s->structs[i];

        fprintf(f, "\n# struct %s\n", st->name);
        fact(f, st->name, "struct(%zu, name)", i);
        fact_num(f, st->loc.line, "struct(%zu, line)", i);
        fact_num(f, struct_used[i], "struct(%zu, used)", i);
        fact_num(f, struct_retained[i], "struct(%zu, retained)", i);
        fact_num(f, struct_wire[i], "struct(%zu, wire)", i);
        fields(f, s, "struct", i, st->nfields, st->fields);
        if (struct_wire[i])
            wire_facts(f, s, "struct", i, st->nfields, st->fields, NULL);
    }

    for (i = 0; i < s->nsignals; i++) {
        const struct signal_decl *sg = s->signals[i];

        fprintf(f, "\n# signal %s\n", sg->name);
        fact(f, sg->name, "signal(%zu, name)", i);
        fact_num(f, sg->loc.line, "signal(%zu, line)", i);
        fact_num(f, sg->topic_explicit, "signal(%zu, topic_explicit)", i);
        topic(f, "signal", i, &sg->topic);
        fact_num(f, sg->queue_len, "signal(%zu, queue)", i);
        fact(f, overflow_name(sg->overflow), "signal(%zu, overflow)", i);
        fact_num(f, sg->retain, "signal(%zu, retain)", i);
        fact_num(f, sg->retain_per_sender, "signal(%zu, per_sender)", i);
        fact_num(f, sg->export_, "signal(%zu, export)", i);
        fact_num(f, sg->import_, "signal(%zu, import)", i);
        fact(f, signal_flags(sg), "signal(%zu, flags)", i);
        fact_num(f, sg->export_ || sg->import_, "signal(%zu, wire)", i);
        fields(f, s, "signal", i, sg->nparams, sg->params);
        if (sg->export_ || sg->import_)
            wire_facts(f, s, "signal", i, sg->nparams, sg->params, &sg->topic);
    }

    for (i = 0; i < s->npatterns; i++) {
        const struct pattern_decl *p = s->patterns[i];

        fprintf(f, "\n# pattern %s\n", p->name);
        fact(f, p->name, "pattern(%zu, name)", i);
        fact_num(f, p->loc.line, "pattern(%zu, line)", i);
        topic(f, "pattern", i, &p->topic);
    }
    emit_match_facts(f, s);
    free(enum_used);
    free(struct_used);
    free(enum_retained);
    free(struct_retained);
    free(enum_wire);
    free(struct_wire);
}

/* ---------------------------------------------------------------------------
 * Driver
 */

/* Writes one path to a depfile, escaping what make would misread. */
static void dep_path(FILE *f, const char *p)
{
    for (; *p != '\0'; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\')
            fputc('\\', f);
        else if (*p == '$')
            fputc('$', f);
        fputc(*p, f);
    }
}

/* <each output>: <schema> <dir>/<each template used> */
static int write_depfile(const char *path, char *const outs[NOUTPUTS], const char *schema,
                         const char *dir)
{
    static const char *const used[] = {"lib.m4", "header.m4", "private.m4", "source.m4",
                                       "matcher.m4"};
    FILE *f = fopen(path, "w");
    size_t i;

    if (f == NULL) {
        fprintf(stderr, "signetc: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (i = 0; i < NOUTPUTS; i++) {
        dep_path(f, outs[i]);
        fputc(i + 1 < NOUTPUTS ? ' ' : ':', f);
    }
    fputc(' ', f);
    dep_path(f, schema);
    for (i = 0; i < sizeof used / sizeof used[0]; i++) {
        fputc(' ', f);
        dep_path(f, dir);
        fputc('/', f);
        dep_path(f, used[i]);
    }
    fputc('\n', f);
    if (fclose(f) != 0) {
        fprintf(stderr, "signetc: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int emit_schema(const struct schema *s, const struct emit_opts *o)
{
    const char *out_dir = o->out_dir != NULL ? o->out_dir : ".";
    size_t blen = strlen(s->source);
    char *base = NULL, *dir = NULL, *outs[NOUTPUTS] = {NULL};
    FILE *facts = NULL;
    int rc = 1;
    size_t i;

    if (blen > 7 && strcmp(s->source + blen - 7, ".signet") == 0)
        blen -= 7;
    base = strndup(s->source, blen);
    if (base == NULL)
        goto oom;
    for (i = 0; i < NOUTPUTS; i++) {
        outs[i] = malloc(strlen(out_dir) + 1 + blen + sizeof ".signet" + strlen(suffixes[i]));
        if (outs[i] == NULL)
            goto oom;
        sprintf(outs[i], "%s/%s.signet%s", out_dir, base, suffixes[i]);
    }

    dir = m4_template_dir(o->template_dir, o->argv0);
    if (dir == NULL)
        goto done;

    facts = tmpfile();
    if (facts == NULL) {
        fprintf(stderr, "signetc: cannot create a temporary file: %s\n", strerror(errno));
        goto done;
    }
    write_facts(facts, s, base);
    if (fflush(facts) != 0 || ferror(facts)) {
        fprintf(stderr, "signetc: cannot write the m4 facts: %s\n", strerror(errno));
        goto done;
    }

    if (o->trace_m4 != NULL) {
        FILE *t = fopen(o->trace_m4, "w");
        char buf[8192];
        size_t n;

        if (t == NULL) {
            fprintf(stderr, "signetc: cannot write %s: %s\n", o->trace_m4, strerror(errno));
            goto done;
        }
        rewind(facts);
        while ((n = fread(buf, 1, sizeof buf, facts)) > 0)
            fwrite(buf, 1, n, t);
        if (fclose(t) != 0) {
            fprintf(stderr, "signetc: cannot write %s: %s\n", o->trace_m4, strerror(errno));
            goto done;
        }
    }

    for (i = 0; i < NOUTPUTS; i++)
        if (m4_expand(dir, templates[i], facts, outs[i]) != 0)
            goto done;

    if (o->depfile != NULL && write_depfile(o->depfile, outs, s->path, dir) != 0)
        goto done;
    rc = 0;
    goto done;

oom:
    fprintf(stderr, "signetc: out of memory\n");
done:
    if (facts != NULL)
        fclose(facts);
    free(dir);
    for (i = 0; i < NOUTPUTS; i++)
        free(outs[i]);
    free(base);
    return rc;
}
