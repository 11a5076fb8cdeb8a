/* parse.c: recursive-descent parser for schema language v1 (docs/design.md,
 * "Schema language").
 *
 *   schema  := 'namespace' IDENT ';' decl*
 *   decl    := enum | struct | signal | pattern | ';'
 *   enum    := 'enum' IDENT '{' [value {',' value} [',']] '}'
 *   value   := IDENT ['=' ['-'] INT]
 *   struct  := 'struct' IDENT '{' {field ';'} '}'
 *   field   := TYPE IDENT ['[' INT ']'] ['=' INT]
 *   signal  := 'signal' IDENT ['(' [field {',' field}] ')'] {attr} ';'
 *   attr    := 'topic' STRING | 'queue' INT | 'overflow' IDENT
 *            | 'retain' ['per_sender'] | 'export' | 'import'
 *   pattern := 'pattern' IDENT STRING ';'
 *
 * The grammar has no nesting, so nothing here recurses on the input. After
 * a syntax error the parser resynchronises: inside a struct or enum body at
 * the next ';' / ',' or the closing '}', at top level at the next ';' or
 * '}' or at a declaration keyword that starts a later line. Errors at a
 * token the lexer already reported (TK_INVALID, end of file after the
 * lexer stopped) are not repeated. The failed declaration's name goes into
 * parsed->broken. A misspelt declaration keyword, signal attribute or
 * overflow policy gets a "did you mean" (suggest.h). Depends on parse.h, lexer.h,
 * diag.h, suggest.h, arena.h. */
#include "parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "lexer.h"
#include "suggest.h"

#define MAX_ARRAY_LEN 65535u
#define MAX_QUEUE_LEN 1048576u
#define MAX_FIELD_NUMBER 65535u

struct parser {
    struct arena *a;
    struct lexer lx;
    struct token tok, prev;
    struct vec decls, enums, structs, signals, patterns, broken;
};

static void next(struct parser *p)
{
    p->prev = p->tok;
    lexer_next(&p->lx, &p->tok);
}

static bool is_kw(const struct token *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == TK_IDENT && t->len == n && memcmp(t->text, kw, n) == 0;
}

static bool is_decl_kw(const struct token *t)
{
    return is_kw(t, "enum") || is_kw(t, "struct") || is_kw(t, "signal") ||
           is_kw(t, "pattern") || is_kw(t, "namespace");
}

/* A declaration keyword on a later line than `line` ends error recovery:
 * it most likely starts the next declaration. */
static bool sync_kw(const struct token *t, uint32_t line)
{
    return is_decl_kw(t) && t->loc.line != line;
}

static char *tok_text(struct parser *p, const struct token *t)
{
    return arena_strndup(p->a, t->text, t->len);
}

/* "'foo'", "string \"a/b\"" or "end of file", shortened when long. */
static const char *describe(struct parser *p, const struct token *t)
{
    if (t->kind == TK_EOF)
        return "end of file";
    if (t->kind == TK_STRING) {
        if (t->str_len > 40)
            return arena_printf(p->a, "string \"%.37s...\"", t->str);
        return arena_printf(p->a, "string \"%s\"", t->str);
    }
    if (t->len > 40)
        return arena_printf(p->a, "'%.37s...'", t->text);
    return arena_printf(p->a, "'%.*s'", (int)t->len, t->text);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const attribute_names[] = {"topic", "queue", "overflow", "retain", "export",
                                              "import"};
static const char *const overflow_names[] = {"block", "drop_newest", "drop_oldest"};
static const char *const decl_names[] = {"enum", "struct", "signal", "pattern", "namespace"};

/* The word of words[0, n) that the current identifier most likely
 * misspells, or NULL. */
static const char *suggest_word(struct parser *p, const char *const *words, size_t n)
{
    struct suggest sg;
    suggest_init(&sg, tok_text(p, &p->tok));
    for (size_t i = 0; i < n; i++)
        suggest_add(&sg, words[i]);
    return suggest_best(&sg);
}

/* Reports "expected <what>, found <token>" at the current token, unless
 * the lexer has already reported the problem there. */
static void syntax(struct parser *p, const char *what)
{
    const struct token *t = &p->tok;
    if (t->kind == TK_INVALID || (t->kind == TK_EOF && p->lx.stopped))
        return;
    struct loc loc = t->loc;
    size_t len = t->len;
    /* A missing punctuator ("expected ';'") or the end of the file: point
     * just after the last token, where the missing text goes. */
    bool punct = what[0] == '\'' && !isalpha((unsigned char)what[1]);
    if (t->kind == TK_EOF || (punct && p->prev.len && t->loc.line != p->prev.loc.line)) {
        if (p->prev.len) {
            loc = p->prev.loc;
            loc.col += (uint32_t)p->prev.len;
        } else {
            loc.line = 1;
            loc.col = 1;
        }
        len = 1;
    }
    diag_error(loc, len, "expected %s, found %s", what, describe(p, t));
}

static void mark_broken(struct parser *p, const char *name, struct loc loc)
{
    if (!name)
        return;
    struct broken_decl *b = vec_push(&p->broken);
    b->name = name;
    b->loc = loc;
}

/* Top-level resynchronisation, see the file comment. */
static void recover_top(struct parser *p)
{
    uint32_t line = p->tok.loc.line;
    for (;;) {
        switch (p->tok.kind) {
        case TK_EOF:
            return;
        case TK_SEMI:
        case TK_RBRACE:
            next(p);
            return;
        default:
            if (sync_kw(&p->tok, line))
                return;
            next(p);
        }
    }
}

/* Parses an unsigned decimal; reports and returns false on other text.
 * Saturates at UINT64_MAX (every caller range-checks). */
static bool number(struct parser *p, const struct token *t, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->text[i];
        if (c < '0' || c > '9') {
            diag_error(t->loc, t->len, "invalid integer %s", describe(p, t));
            return false;
        }
        unsigned d = c - '0';
        x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
    }
    *v = x;
    return true;
}

/* Parses the name after a keyword; reports "expected <what>". */
static const char *name_tok(struct parser *p, const char *what, struct loc *loc)
{
    if (p->tok.kind != TK_IDENT) {
        syntax(p, what);
        return NULL;
    }
    const char *name = tok_text(p, &p->tok);
    *loc = p->tok.loc;
    next(p);
    return name;
}

static enum ty_kind scalar_kind(const char *name)
{
    static const char *const names[] = {"bool", "i8",  "i16", "i32", "i64", "u8",
                                        "u16",  "u32", "u64", "f32", "f64", "str"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return (enum ty_kind)i;
    return TY_UNRESOLVED;
}

/* field := TYPE IDENT ['[' INT ']'] ['=' INT]; `what` is "field" or
 * "parameter". `*next_number` is the number an implicit field gets; it is
 * advanced past this field's. */
static bool parse_field(struct parser *p, struct field *f, const char *what,
                        uint64_t *next_number)
{
    if (p->tok.kind != TK_IDENT) {
        syntax(p, "type name");
        return false;
    }
    f->type.name = tok_text(p, &p->tok);
    f->type.loc = p->tok.loc;
    f->type.kind = scalar_kind(f->type.name);
    next(p);
    f->name = name_tok(p, arena_printf(p->a, "%s name after type '%s'", what, f->type.name),
                       &f->loc);
    if (!f->name)
        return false;
    if (p->tok.kind == TK_LBRACKET) {
        next(p);
        if (p->tok.kind != TK_NUMBER) {
            syntax(p, "array length");
            return false;
        }
        uint64_t n;
        if (number(p, &p->tok, &n)) {
            if (n < 1 || n > MAX_ARRAY_LEN)
                diag_error(p->tok.loc, p->tok.len,
                           "array length of '%s' must be between 1 and %u, found %.*s", f->name,
                           MAX_ARRAY_LEN, (int)p->tok.len, p->tok.text);
            else
                f->array_len = (uint32_t)n;
        }
        if (!f->array_len)
            f->array_len = 1; /* keep going as if valid; the error is reported */
        next(p);
        if (p->tok.kind != TK_RBRACKET) {
            syntax(p, "']' after array length");
            return false;
        }
        next(p);
    }
    uint64_t n = *next_number;
    if (p->tok.kind == TK_EQ) {
        next(p);
        if (p->tok.kind != TK_NUMBER) {
            syntax(p, arena_printf(p->a, "field number after '=' of '%s'", f->name));
            return false;
        }
        f->number_loc = p->tok.loc;
        f->number_len = p->tok.len;
        if (number(p, &p->tok, &n) && (n < 1 || n > MAX_FIELD_NUMBER)) {
            diag_error(p->tok.loc, p->tok.len,
                       "field number of '%s' must be between 1 and %u, found %.*s", f->name,
                       MAX_FIELD_NUMBER, (int)p->tok.len, p->tok.text);
            n = 1; /* keep going; the error is reported */
        }
        next(p);
    } else if (n > MAX_FIELD_NUMBER) {
        diag_error(f->loc, strlen(f->name),
                   "'%s' would get field number %" PRIu64 ", over the largest, %u; give it a "
                   "smaller one with '= n'",
                   f->name, n, MAX_FIELD_NUMBER);
        n = 1;
    }
    f->number = (uint32_t)n;
    *next_number = n + 1;
    return true;
}

static void add_decl(struct parser *p, enum decl_kind kind, void *d)
{
    struct decl *dl = vec_push(&p->decls);
    dl->kind = kind;
    switch (kind) {
    case DECL_ENUM:
        dl->u.en = d;
        *(struct enum_decl **)vec_push(&p->enums) = d;
        break;
    case DECL_STRUCT:
        dl->u.st = d;
        *(struct struct_decl **)vec_push(&p->structs) = d;
        break;
    case DECL_SIGNAL:
        dl->u.sig = d;
        *(struct signal_decl **)vec_push(&p->signals) = d;
        break;
    case DECL_PATTERN:
        dl->u.pat = d;
        *(struct pattern_decl **)vec_push(&p->patterns) = d;
        break;
    }
}

/* `enum NAME {` or `struct NAME {` (the keyword is the current token):
 * reads the name and the brace. False after reporting a syntax error and
 * skipping to the next declaration. */
static bool open_block(struct parser *p, const char *kind, const char **name, struct loc *loc)
{
    next(p);
    *name = name_tok(p, arena_printf(p->a, "%s name", kind), loc);
    if (!*name) {
        recover_top(p);
        return false;
    }
    if (p->tok.kind != TK_LBRACE) {
        syntax(p, arena_printf(p->a, "'{' after %s name '%s'", kind, *name));
        mark_broken(p, *name, *loc);
        recover_top(p);
        return false;
    }
    next(p);
    return true;
}

static void parse_enum(struct parser *p)
{
    struct enum_decl *e = arena_alloc(p->a, sizeof *e);
    if (!open_block(p, "enum", &e->name, &e->loc))
        return;
    struct vec values;
    vec_init(&values, sizeof(struct enum_value));
    bool bad = false;
    int64_t next_value = 0;
    for (;;) {
        if (p->tok.kind == TK_RBRACE) {
            next(p);
            break;
        }
        bool ok = false;
        uint32_t line = p->tok.loc.line;
        if (p->tok.kind == TK_IDENT && !sync_kw(&p->tok, p->prev.loc.line)) {
            struct enum_value *v = vec_push(&values);
            v->name = tok_text(p, &p->tok);
            v->loc = p->tok.loc;
            next(p);
            v->value = next_value;
            ok = true;
            if (p->tok.kind == TK_EQ) {
                next(p);
                bool neg = p->tok.kind == TK_MINUS;
                if (neg)
                    next(p);
                uint64_t n;
                if (p->tok.kind != TK_NUMBER) {
                    syntax(p, "integer after '='");
                    ok = false;
                } else if (number(p, &p->tok, &n)) {
                    if (neg ? n > (uint64_t)INT32_MAX + 1 : n > INT32_MAX)
                        diag_error(p->tok.loc, p->tok.len,
                                   "value %s%.*s of enum value '%s' does not fit in a C int",
                                   neg ? "-" : "", (int)p->tok.len, p->tok.text, v->name);
                    else
                        v->value = neg ? -(int64_t)n : (int64_t)n;
                    next(p);
                } else {
                    next(p);
                }
            } else if (next_value > INT32_MAX) {
                diag_error(v->loc, strlen(v->name),
                           "enum value '%s' would be %" PRId64 ", which does not fit in a C int",
                           v->name, next_value);
            }
            next_value = v->value + 1;
            if (ok) {
                if (p->tok.kind == TK_COMMA) {
                    next(p);
                    continue;
                }
                if (p->tok.kind == TK_RBRACE) {
                    next(p);
                    break;
                }
                syntax(p, arena_printf(p->a, "',' or '}' after enum value '%s'", v->name));
                ok = false;
            }
        } else {
            syntax(p, p->tok.kind == TK_EOF || sync_kw(&p->tok, p->prev.loc.line)
                          ? arena_printf(p->a, "'}' at end of enum '%s'", e->name)
                          : "enum value name");
        }
        /* Resynchronise inside the body. */
        bad = true;
        bool end = false;
        for (;;) {
            if (p->tok.kind == TK_COMMA) {
                next(p);
                break;
            }
            if (p->tok.kind == TK_RBRACE || p->tok.kind == TK_SEMI) {
                next(p);
                end = true;
                break;
            }
            if (p->tok.kind == TK_EOF || sync_kw(&p->tok, line)) {
                end = true;
                break;
            }
            next(p);
        }
        if (end)
            break;
    }
    e->values = vec_finish(&values, p->a, &e->nvalues);
    if (bad)
        mark_broken(p, e->name, e->loc);
    else
        add_decl(p, DECL_ENUM, e);
}

static void parse_struct(struct parser *p)
{
    struct struct_decl *st = arena_alloc(p->a, sizeof *st);
    if (!open_block(p, "struct", &st->name, &st->loc))
        return;
    struct vec fields;
    vec_init(&fields, sizeof(struct field));
    bool bad = false;
    uint64_t next_number = 1;
    for (;;) {
        if (p->tok.kind == TK_RBRACE) {
            next(p);
            break;
        }
        if (p->tok.kind == TK_EOF || sync_kw(&p->tok, p->prev.loc.line)) {
            syntax(p, arena_printf(p->a, "'}' at end of struct '%s'", st->name));
            bad = true;
            break;
        }
        uint32_t line = p->tok.loc.line;
        struct field *f = vec_push(&fields);
        if (parse_field(p, f, "field", &next_number)) {
            if (p->tok.kind == TK_SEMI) {
                next(p);
                continue;
            }
            syntax(p, arena_printf(p->a, "';' after field '%s'", f->name));
        }
        /* Resynchronise at the next field. */
        bad = true;
        bool end = false;
        for (;;) {
            if (p->tok.kind == TK_SEMI) {
                next(p);
                break;
            }
            if (p->tok.kind == TK_RBRACE) {
                next(p);
                end = true;
                break;
            }
            if (p->tok.kind == TK_EOF || sync_kw(&p->tok, line)) {
                end = true;
                break;
            }
            next(p);
        }
        if (end)
            break;
    }
    st->fields = vec_finish(&fields, p->a, &st->nfields);
    if (bad)
        mark_broken(p, st->name, st->loc);
    else
        add_decl(p, DECL_STRUCT, st);
}

/* Reports a repeated signal attribute; returns true when it is one. */
static bool dup_attr(struct parser *p, struct loc *first, const char *name)
{
    if (first->line) {
        diag_error(p->tok.loc, p->tok.len, "duplicate '%s' attribute", name);
        diag_note(*first, strlen(name), "first '%s' attribute is here", name);
        return true;
    }
    *first = p->tok.loc;
    return false;
}

static void parse_signal(struct parser *p)
{
    next(p);
    struct signal_decl *s = arena_alloc(p->a, sizeof *s);
    s->name = name_tok(p, "signal name", &s->loc);
    if (!s->name) {
        recover_top(p);
        return;
    }
    bool bad = false;
    if (p->tok.kind == TK_LPAREN) {
        next(p);
        struct vec params;
        vec_init(&params, sizeof(struct field));
        uint64_t next_number = 1;
        if (p->tok.kind == TK_RPAREN) {
            next(p);
        } else {
            for (;;) {
                struct field *f = vec_push(&params);
                if (!parse_field(p, f, "parameter", &next_number)) {
                    bad = true;
                    break;
                }
                if (p->tok.kind == TK_COMMA) {
                    next(p);
                    continue;
                }
                if (p->tok.kind == TK_RPAREN) {
                    next(p);
                    break;
                }
                syntax(p, arena_printf(p->a, "',' or ')' after parameter '%s'", f->name));
                bad = true;
                break;
            }
        }
        s->params = vec_finish(&params, p->a, &s->nparams);
        if (bad) {
            mark_broken(p, s->name, s->loc);
            recover_top(p);
            return;
        }
    }
    struct loc at_topic = {0, 0}, at_queue = {0, 0}, at_overflow = {0, 0}, at_retain = {0, 0};
    struct loc at_export = {0, 0}, at_import = {0, 0};
    for (;;) {
        if (is_kw(&p->tok, "topic")) {
            bool dup = dup_attr(p, &at_topic, "topic");
            next(p);
            if (p->tok.kind != TK_STRING) {
                syntax(p, "topic string after 'topic'");
                bad = true;
                break;
            }
            if (p->tok.bad)
                bad = true; /* reported by the lexer */
            if (!dup) {
                s->topic.text = p->tok.str;
                s->topic.loc = p->tok.loc;
                s->topic_explicit = true;
            }
            next(p);
        } else if (is_kw(&p->tok, "queue")) {
            bool dup = dup_attr(p, &at_queue, "queue");
            next(p);
            if (p->tok.kind != TK_NUMBER) {
                syntax(p, "queue length after 'queue'");
                bad = true;
                break;
            }
            uint64_t n;
            if (number(p, &p->tok, &n)) {
                if (n < 1 || n > MAX_QUEUE_LEN)
                    diag_error(p->tok.loc, p->tok.len,
                               "queue length must be between 1 and %u, found %.*s", MAX_QUEUE_LEN,
                               (int)p->tok.len, p->tok.text);
                else if (!dup)
                    s->queue_len = (uint32_t)n;
            }
            next(p);
        } else if (is_kw(&p->tok, "overflow")) {
            bool dup = dup_attr(p, &at_overflow, "overflow");
            next(p);
            if (p->tok.kind != TK_IDENT) {
                syntax(p, "overflow policy after 'overflow'");
                bad = true;
                break;
            }
            enum overflow o = OVERFLOW_DEFAULT;
            const char *hint;
            if (is_kw(&p->tok, "block"))
                o = OVERFLOW_BLOCK;
            else if (is_kw(&p->tok, "drop_newest"))
                o = OVERFLOW_DROP_NEWEST;
            else if (is_kw(&p->tok, "drop_oldest"))
                o = OVERFLOW_DROP_OLDEST;
            else if ((hint = suggest_word(p, overflow_names, COUNT(overflow_names))))
                diag_error(p->tok.loc, p->tok.len,
                           "unknown overflow policy %s; did you mean '%s'?",
                           describe(p, &p->tok), hint);
            else
                diag_error(p->tok.loc, p->tok.len,
                           "unknown overflow policy %s; expected 'block', 'drop_newest' or "
                           "'drop_oldest'",
                           describe(p, &p->tok));
            if (!dup)
                s->overflow = o;
            next(p);
        } else if (is_kw(&p->tok, "retain")) {
            dup_attr(p, &at_retain, "retain");
            s->retain = true;
            next(p);
            if (is_kw(&p->tok, "per_sender")) {
                s->retain_per_sender = true;
                next(p);
            }
        } else if (is_kw(&p->tok, "per_sender")) {
            diag_error(p->tok.loc, p->tok.len,
                       "'per_sender' qualifies 'retain'; write 'retain per_sender'");
            next(p);
        } else if (is_kw(&p->tok, "export")) {
            dup_attr(p, &at_export, "export");
            s->export_ = true;
            next(p);
        } else if (is_kw(&p->tok, "import")) {
            dup_attr(p, &at_import, "import");
            s->import_ = true;
            next(p);
        } else {
            break;
        }
    }
    if (!bad && p->tok.kind != TK_SEMI) {
        const char *hint = NULL;
        if (p->tok.kind == TK_IDENT && !sync_kw(&p->tok, p->prev.loc.line) &&
            (hint = suggest_word(p, attribute_names, COUNT(attribute_names))))
            diag_error(p->tok.loc, p->tok.len, "unknown signal attribute %s; did you mean '%s'?",
                       describe(p, &p->tok), hint);
        else if (p->tok.kind == TK_IDENT && !sync_kw(&p->tok, p->prev.loc.line))
            diag_error(p->tok.loc, p->tok.len,
                       "unknown signal attribute %s; expected 'topic', 'queue', 'overflow', "
                       "'retain', 'export', 'import' or ';'",
                       describe(p, &p->tok));
        else
            syntax(p, "';' after signal declaration");
        mark_broken(p, s->name, s->loc);
        recover_top(p);
        return;
    }
    if (bad) {
        mark_broken(p, s->name, s->loc);
        if (p->tok.kind == TK_SEMI)
            next(p);
        else
            recover_top(p);
        return;
    }
    next(p);
    if (!s->topic_explicit) {
        s->topic.text = s->name;
        s->topic.loc = s->loc;
    }
    add_decl(p, DECL_SIGNAL, s);
}

static void parse_pattern(struct parser *p)
{
    next(p);
    struct pattern_decl *pt = arena_alloc(p->a, sizeof *pt);
    pt->name = name_tok(p, "pattern name", &pt->loc);
    if (!pt->name) {
        recover_top(p);
        return;
    }
    if (p->tok.kind != TK_STRING) {
        syntax(p, arena_printf(p->a, "pattern string after pattern name '%s'", pt->name));
        mark_broken(p, pt->name, pt->loc);
        recover_top(p);
        return;
    }
    bool bad = p->tok.bad;
    pt->topic.text = p->tok.str;
    pt->topic.loc = p->tok.loc;
    next(p);
    if (p->tok.kind != TK_SEMI) {
        syntax(p, "';' after pattern declaration");
        mark_broken(p, pt->name, pt->loc);
        recover_top(p);
        return;
    }
    next(p);
    if (bad)
        mark_broken(p, pt->name, pt->loc);
    else
        add_decl(p, DECL_PATTERN, pt);
}

static void parse_namespace(struct parser *p, struct schema *s)
{
    struct token kw = p->tok;
    next(p);
    struct loc loc;
    const char *name = name_tok(p, "namespace name after 'namespace'", &loc);
    if (!name) {
        recover_top(p);
        return;
    }
    if (s->ns) {
        diag_error(kw.loc, kw.len, "namespace declared twice");
        diag_note(s->ns_loc, strlen(s->ns), "first namespace declaration is here");
    } else {
        s->ns = name;
        s->ns_loc = loc;
    }
    if (p->tok.kind != TK_SEMI) {
        syntax(p, "';' after namespace declaration");
        recover_top(p);
        return;
    }
    next(p);
}

unsigned parse_schema(struct arena *a, const char *path, const char *src, size_t len,
                      struct parsed *out)
{
    unsigned errors_before = diag_error_count();
    struct parser p;
    memset(&p, 0, sizeof p);
    p.a = a;
    vec_init(&p.decls, sizeof(struct decl));
    vec_init(&p.enums, sizeof(struct enum_decl *));
    vec_init(&p.structs, sizeof(struct struct_decl *));
    vec_init(&p.signals, sizeof(struct signal_decl *));
    vec_init(&p.patterns, sizeof(struct pattern_decl *));
    vec_init(&p.broken, sizeof(struct broken_decl));
    lexer_init(&p.lx, a, src, len);
    memset(out, 0, sizeof *out);
    struct schema *s = &out->schema;
    s->path = path;
    const char *slash = strrchr(path, '/');
    s->source = slash ? slash + 1 : path;

    next(&p);
    if (is_kw(&p.tok, "namespace")) {
        parse_namespace(&p, s);
    } else {
        syntax(&p, "'namespace' at the start of the schema");
        if (!is_decl_kw(&p.tok))
            recover_top(&p);
    }
    while (p.tok.kind != TK_EOF) {
        if (p.tok.kind == TK_SEMI)
            next(&p); /* an empty declaration, e.g. after "}" */
        else if (is_kw(&p.tok, "enum"))
            parse_enum(&p);
        else if (is_kw(&p.tok, "struct"))
            parse_struct(&p);
        else if (is_kw(&p.tok, "signal"))
            parse_signal(&p);
        else if (is_kw(&p.tok, "pattern"))
            parse_pattern(&p);
        else if (is_kw(&p.tok, "namespace"))
            parse_namespace(&p, s);
        else if (p.tok.kind == TK_INVALID)
            next(&p); /* reported by the lexer; the rest of the line may be fine */
        else {
            const char *hint = p.tok.kind == TK_IDENT
                                   ? suggest_word(&p, decl_names, COUNT(decl_names))
                                   : NULL;
            if (hint)
                diag_error(p.tok.loc, p.tok.len,
                           "expected 'enum', 'struct', 'signal' or 'pattern', found %s; did you "
                           "mean '%s'?",
                           describe(&p, &p.tok), hint);
            else
                syntax(&p, "'enum', 'struct', 'signal' or 'pattern'");
            next(&p);
            recover_top(&p);
        }
    }
    s->decls = vec_finish(&p.decls, a, &s->ndecls);
    s->enums = vec_finish(&p.enums, a, &s->nenums);
    s->structs = vec_finish(&p.structs, a, &s->nstructs);
    s->signals = vec_finish(&p.signals, a, &s->nsignals);
    s->patterns = vec_finish(&p.patterns, a, &s->npatterns);
    out->broken = vec_finish(&p.broken, a, &out->nbroken);
    return diag_error_count() - errors_before;
}
