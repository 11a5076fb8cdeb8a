/* check.c: the checking stage (docs/design.md, "Schema language"). Checks
 * that the schema file's name can name the generated files, then walks the
 * parsed schema in source order: validates every identifier (length, C/C++ keywords, names
 * reserved by signet or by the generated API), finds duplicate names with
 * hash tables (top-level names share the C namespace <ns>_<name>; enum
 * constants <NS>_<ENUM>_<VALUE> are compared after upper-casing), resolves
 * type names against types declared earlier, then hands topics and
 * patterns to topic.c and, when all of that passed, has automaton.c
 * analyse the topics, from which topic.c warns about unmatched patterns.
 * Names of declarations that failed to parse are known (parsed->broken),
 * so their uses stay quiet; an unknown type gets a "did you mean" from
 * suggest.h. Depends on check.h, parse.h, ast.h, diag.h, strmap.h,
 * suggest.h, arena.h, topic.h, automaton.h. */
#include "check.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "automaton.h"
#include "diag.h"
#include "strmap.h"
#include "suggest.h"
#include "topic.h"

#define MAX_IDENT 64
/* Fields of one struct, parameters of one signal: C11's minimum translation
 * limit for the members of one struct (a signal's parameters become one). */
#define MAX_FIELDS 1023
/* Levels of structs inside structs: later stages and the runtime walk
 * nested structs recursively. */
#define MAX_NESTING 64
/* Bytes of one struct or payload, laid out for a 64-bit target (an upper
 * bound elsewhere): sends build the payload on the caller's stack, and a
 * post copies it into one queue slot. */
#define MAX_PAYLOAD_BYTES (1u << 20)

/* clang-format off */
static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
    "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
    "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local",
    /* C23 */
    "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert",
    "thread_local", "true", "typeof", "typeof_unqual", "_BitInt", "_Decimal32",
    "_Decimal64", "_Decimal128",
};
static const char *const cxx_keywords[] = {
    "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t", "char16_t",
    "char32_t", "class", "co_await", "co_return", "co_yield", "compl", "concept",
    "const_cast", "consteval", "constinit", "decltype", "delete", "dynamic_cast",
    "explicit", "export", "friend", "mutable", "namespace", "new", "noexcept", "not",
    "not_eq", "operator", "or", "or_eq", "private", "protected", "public",
    "reinterpret_cast", "requires", "static_cast", "template", "this", "throw", "try",
    "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
};
/* Suffixes the generated API appends to a declaration's name. */
static const char *const reserved_suffixes[] = {
    "_fn", "_connect", "_connect_opts", "_send", "_send_msg", "_post", "_post_msg",
    "_has_receivers", "_subscribe", "_subscribe_opts", "_of", "_is", "_info", "_encode", "_decode",
    "_filter", "_connections", "_send_summary", "_call", "_post_done",
};
/* Names the generated API uses itself, as <ns>_<name>. */
static const char *const reserved_names[] = {"schema", "signals", "signal", "publish",
                                             "publish_post", "resolve"};
/* Parameters and locals of every generated send/post function. */
static const char *const reserved_params[] = {"bus", "sender", "msg"};
/* Prefixes of the m4 macros the templates expand (m4 -P builtins and the
 * facts emit.c writes): such a name could be expanded inside the output. */
static const char *const template_prefixes[] = {"m4_", "sig4_"};
/* Standard C names that are macros (or become macros with gcc's GNU
 * dialects), which would break a generated field or parameter. */
static const char *const c_macro_names[] = {
    "NULL", "EOF", "BUFSIZ", "FILENAME_MAX", "FOPEN_MAX", "TMP_MAX", "RAND_MAX",
    "MB_CUR_MAX", "CLOCKS_PER_SEC", "errno", "assert", "offsetof", "complex",
    "imaginary", "I", "noreturn", "setjmp", "va_arg", "va_start", "va_end", "va_copy",
    "stdin", "stdout", "stderr", "linux", "unix", "i386",
};
/* Prefixes the C standard reserves for macros of its headers (limits.h,
 * stdint.h, errno.h, signal.h, inttypes.h, fenv.h, locale.h, stdatomic.h,
 * float.h, stdio.h, stdlib.h, time.h). */
static const char *const c_macro_prefixes[] = {
    "INT_", "UINT_", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32",
    "UINT64", "INTPTR_", "UINTPTR_", "INTMAX_", "UINTMAX_", "SIZE_", "PTRDIFF_",
    "SIG_ATOMIC_", "WCHAR_", "WINT_", "CHAR_", "SCHAR_", "UCHAR_", "SHRT_", "USHRT_",
    "LONG_", "ULONG_", "LLONG_", "ULLONG_", "FLT_", "DBL_", "LDBL_", "LC_", "SIG",
    "PRI", "SCN", "FE_", "ATOMIC_", "TIME_", "EXIT_", "SEEK_", "L_tmpnam",
};
/* Standard typedef names a generated <ns>_<name> must not become. */
static const char *const c_typedef_names[] = {
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
    "uint64_t", "int_least8_t", "int_least16_t", "int_least32_t", "int_least64_t",
    "uint_least8_t", "uint_least16_t", "uint_least32_t", "uint_least64_t",
    "int_fast8_t", "int_fast16_t", "int_fast32_t", "int_fast64_t", "uint_fast8_t",
    "uint_fast16_t", "uint_fast32_t", "uint_fast64_t", "intptr_t", "uintptr_t",
    "intmax_t", "uintmax_t", "size_t", "ssize_t", "ptrdiff_t", "wchar_t", "wint_t",
    "char16_t", "char32_t", "max_align_t", "off_t", "time_t", "clock_t", "pid_t",
    "va_list", "sig_atomic_t", "fpos_t", "div_t", "ldiv_t", "lldiv_t", "mbstate_t",
};
static const char *const scalar_names[] = {
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "str",
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum role { R_NAMESPACE, R_ENUM, R_STRUCT, R_SIGNAL, R_PATTERN, R_FIELD, R_PARAM, R_VALUE };

static const char *const role_names[] = {
    [R_NAMESPACE] = "namespace", [R_ENUM] = "enum",   [R_STRUCT] = "struct",
    [R_SIGNAL] = "signal",       [R_PATTERN] = "pattern", [R_FIELD] = "field",
    [R_PARAM] = "parameter",     [R_VALUE] = "enum value",
};

/* Where a top-level name was first declared. */
struct entry {
    enum role role;
    size_t index;                    /* in schema->decls */
    struct loc loc;
    const void *decl;
    /* structs: their layout and nesting depth (check_layout); over_limit:
     * the struct, or one it holds, was reported over a limit */
    uint64_t size;
    uint32_t align, depth;
    bool over_limit;
};

struct checker {
    struct arena *a;
    struct schema *s;
    struct strmap keywords;          /* keyword -> "C" or "C++" */
    struct strmap names;             /* top-level name -> struct entry */
    struct strmap broken;            /* names of declarations that failed to parse */
    struct strmap constants;         /* upper-cased ENUM_VALUE -> struct constant */
};

/* An upper-case generated constant: an enum value (en, v), a signal id
 * (sig), or neither for the names the generator reserves itself. */
struct constant {
    const struct enum_decl *en;
    const struct enum_value *v;
    const struct signal_decl *sig;
    const struct pattern_decl *pat;
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The schema file's last path component names the generated files, their
 * #include lines and the strings that cite it: it may hold only letters,
 * digits and '_', '-', '.', '+', and no word starting with a template
 * prefix (the generated code would read as template macros). Reported
 * without a line: the file as a whole. */
static void check_file_name(const char *name)
{
    static const struct loc whole_file = {0, 0};
    bool plain = *name != '\0';

    for (const char *p = name; *p != '\0'; p++)
        plain &= isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.' || *p == '+';
    if (!plain) {
        diag_error(whole_file, 0,
                   "a schema file name may only contain letters, digits and '_', '-', '.', '+' "
                   "(it names the generated files)");
        return;
    }
    for (const char *p = name; *p != '\0'; p++) {
        bool word = p == name || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        for (size_t i = 0; word && i < COUNT(template_prefixes); i++)
            if (strncmp(p, template_prefixes[i], strlen(template_prefixes[i])) == 0) {
                diag_error(whole_file, 0,
                           "a schema file name may not contain a word starting with '%s' (the "
                           "generated code would read as template macros)",
                           template_prefixes[i]);
                return;
            }
    }
}

/* Validates one declared identifier; reports the first problem. */
static bool check_name(struct checker *c, const char *name, struct loc loc, enum role role)
{
    size_t len = strlen(name);
    const char *what = role_names[role];
    if (len > MAX_IDENT) {
        diag_error(loc, len, "%s name '%.*s...' is longer than %d characters", what, 24, name,
                   MAX_IDENT);
        return false;
    }
    if (role == R_NAMESPACE) {
        bool ok = name[0] >= 'a' && name[0] <= 'z';
        for (size_t i = 1; ok && i < len; i++)
            ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                 name[i] == '_';
        if (!ok) {
            diag_error(loc, len, "namespace '%s' must match [a-z][a-z0-9_]*", name);
            return false;
        }
    }
    const char *lang = strmap_get(&c->keywords, name);
    if (lang && role != R_VALUE) {
        diag_error(loc, len, "'%s' is a %s keyword and cannot be a %s name", name, lang, what);
        return false;
    }
    if (strncmp(name, "signet", 6) == 0 && role != R_VALUE) {
        diag_error(loc, len, "%s name '%s' is reserved: names starting with 'signet' belong to "
                             "the runtime",
                   what, name);
        return false;
    }
    for (size_t i = 0; i < COUNT(template_prefixes); i++)
        if (strncmp(name, template_prefixes[i], strlen(template_prefixes[i])) == 0) {
            diag_error(loc, len, "%s name '%s' is reserved: names starting with '%s' belong to "
                                 "the code templates",
                       what, name, template_prefixes[i]);
            return false;
        }
    if (name[0] == '_' || strstr(name, "__")) {
        diag_error(loc, len, "%s name '%s' is reserved: names must not start with '_' or "
                             "contain '__'",
                   what, name);
        return false;
    }
    if (role == R_NAMESPACE && name[len - 1] == '_') {
        diag_error(loc, len, "namespace '%s' must not end with '_' (generated names would "
                             "contain '__')",
                   name);
        return false;
    }
    if (role >= R_ENUM && role <= R_PATTERN) {
        for (size_t i = 0; i < COUNT(reserved_suffixes); i++)
            if (ends_with(name, reserved_suffixes[i])) {
                diag_error(loc, len, "%s name '%s' is reserved: the generated API appends '%s' "
                                     "to names",
                           what, name, reserved_suffixes[i]);
                return false;
            }
        if (in_list(name, reserved_names, COUNT(reserved_names))) {
            diag_error(loc, len, "%s name '%s' is reserved: it would clash with the generated "
                                 "'%s_%s'",
                       what, name, c->s->ns ? c->s->ns : "<namespace>", name);
            return false;
        }
    }
    if ((role == R_ENUM || role == R_STRUCT) &&
        in_list(name, scalar_names, COUNT(scalar_names))) {
        diag_error(loc, len, "%s name '%s' is a built-in type name", what, name);
        return false;
    }
    if (role == R_FIELD || role == R_PARAM) {
        bool macro = in_list(name, c_macro_names, COUNT(c_macro_names)) ||
                     (name[0] == 'E' && (isupper((unsigned char)name[1]) ||
                                         isdigit((unsigned char)name[1])));
        for (size_t i = 0; !macro && i < COUNT(c_macro_prefixes); i++)
            macro = strncmp(name, c_macro_prefixes[i], strlen(c_macro_prefixes[i])) == 0;
        if (macro) {
            diag_error(loc, len, "%s name '%s' is reserved: it is, or may be, a macro of the C "
                                 "standard library",
                       what, name);
            return false;
        }
    }
    if (role >= R_ENUM && role <= R_PATTERN && c->s->ns) {
        char full[2 * MAX_IDENT + 2];
        snprintf(full, sizeof full, "%s_%s", c->s->ns, name);
        if (in_list(full, c_typedef_names, COUNT(c_typedef_names))) {
            diag_error(loc, len, "%s name '%s' is reserved: with namespace '%s' it would "
                                 "generate the standard type name '%s'",
                       what, name, c->s->ns, full);
            return false;
        }
    }
    if (role == R_PARAM && in_list(name, reserved_params, COUNT(reserved_params))) {
        diag_error(loc, len, "parameter name '%s' is reserved: the generated functions have a "
                             "'%s' of their own",
                   name, name);
        return false;
    }
    return true;
}

static void decl_info(const struct decl *d, enum role *role, const char **name, struct loc *loc,
                      const void **p)
{
    switch (d->kind) {
    default: /* DECL_ENUM; the default tells the compiler every path sets all outputs */
        *role = R_ENUM, *name = d->u.en->name, *loc = d->u.en->loc, *p = d->u.en;
        break;
    case DECL_STRUCT:
        *role = R_STRUCT, *name = d->u.st->name, *loc = d->u.st->loc, *p = d->u.st;
        break;
    case DECL_SIGNAL:
        *role = R_SIGNAL, *name = d->u.sig->name, *loc = d->u.sig->loc, *p = d->u.sig;
        break;
    case DECL_PATTERN:
        *role = R_PATTERN, *name = d->u.pat->name, *loc = d->u.pat->loc, *p = d->u.pat;
        break;
    }
}

static char *upper(struct arena *a, const char *s)
{
    char *u = arena_strndup(a, s, strlen(s));
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/* The type that an unknown type name used by declaration `index` most
 * likely meant: the built-in type another language's name stands for, else
 * the closest built-in, enum or struct declared before it (suggest.h). */
static const char *suggest_type(const struct checker *c, const char *name, size_t index)
{
    const char *alias = suggest_builtin_alias(name);
    if (alias)
        return alias;
    struct suggest sg;
    suggest_init(&sg, name);
    for (size_t i = 0; i < COUNT(scalar_names); i++)
        suggest_add(&sg, scalar_names[i]);
    for (size_t i = 0; i < index && i < c->s->ndecls; i++) {
        const struct decl *d = &c->s->decls[i];
        if (d->kind == DECL_ENUM)
            suggest_add(&sg, d->u.en->name);
        else if (d->kind == DECL_STRUCT)
            suggest_add(&sg, d->u.st->name);
    }
    return suggest_best(&sg);
}

/* Resolves a type used by declaration `index` (self: the struct being
 * declared, or NULL). */
static void resolve(struct checker *c, struct type_ref *t, size_t index, const char *self)
{
    if (t->kind != TY_UNRESOLVED)
        return;
    size_t len = strlen(t->name);
    const struct entry *e = strmap_get(&c->names, t->name);
    if (e && e->index < index) {
        if (e->role == R_ENUM) {
            t->kind = TY_ENUM;
            t->en = e->decl;
        } else if (e->role == R_STRUCT) {
            t->kind = TY_STRUCT;
            t->st = e->decl;
        } else {
            diag_error(t->loc, len, "'%s' is a %s, not a type", t->name, role_names[e->role]);
            diag_note(e->loc, len, "%s '%s' is declared here", role_names[e->role], t->name);
        }
        return;
    }
    if (strmap_get(&c->broken, t->name))
        return; /* its declaration failed to parse and was reported */
    if (self && strcmp(self, t->name) == 0) {
        diag_error(t->loc, len, "struct '%s' cannot contain itself", t->name);
        return;
    }
    const char *hint = e || diag_stopped() ? NULL : suggest_type(c, t->name, index);
    if (hint)
        diag_error(t->loc, len, "unknown type '%s'; did you mean '%s'?", t->name, hint);
    else
        diag_error(t->loc, len, "unknown type '%s'", t->name);
    if (e && (e->role == R_ENUM || e->role == R_STRUCT))
        diag_note(e->loc, len, "'%s' is declared here, after its use; declare types before "
                               "using them",
                  t->name);
}

/* Reports the second of two fields with one wire field number. n is small
 * (at most MAX_FIELDS + a few), so the quadratic scan stays cheap. */
static void check_numbers(const struct field *f, size_t n, const char *owner_kind,
                          const char *owner)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            if (f[i].number != f[j].number)
                continue;
            struct loc at = f[i].number_loc.line ? f[i].number_loc : f[i].loc;
            size_t len = f[i].number_loc.line ? f[i].number_len : strlen(f[i].name);
            diag_error(at, len, "field number %" PRIu32 " of '%s' is already used by '%s' in %s '%s'",
                       f[i].number, f[i].name, f[j].name, owner_kind, owner);
            struct loc pat = f[j].number_loc.line ? f[j].number_loc : f[j].loc;
            size_t plen = f[j].number_loc.line ? f[j].number_len : strlen(f[j].name);
            diag_note(pat, plen, "'%s' has field number %" PRIu32 " here%s", f[j].name,
                      f[j].number, f[j].number_loc.line ? "" : " (implicitly)");
            break;
        }
}

/* Fields of a struct or parameters of a signal: names, duplicates, types,
 * field numbers. */
static void check_fields(struct checker *c, struct field *f, size_t n, size_t index,
                         const char *owner_kind, const char *owner, enum role role,
                         const char *self)
{
    struct strmap seen;
    strmap_init(&seen, c->a);
    if (n > MAX_FIELDS)
        diag_error(f[MAX_FIELDS].loc, strlen(f[MAX_FIELDS].name),
                   "%s '%s' has %zu %ss; at most %d are allowed", owner_kind, owner, n,
                   role_names[role], MAX_FIELDS);
    for (size_t i = 0; i < n; i++) {
        resolve(c, &f[i].type, index, self);
        check_name(c, f[i].name, f[i].loc, role);
        const struct field *prev = strmap_put(&seen, f[i].name, &f[i]);
        if (prev != &f[i]) {
            diag_error(f[i].loc, strlen(f[i].name), "duplicate %s '%s' in %s '%s'",
                       role_names[role], f[i].name, owner_kind, owner);
            diag_note(prev->loc, strlen(prev->name), "previous definition of '%s' is here",
                      prev->name);
        }
    }
    if (n <= MAX_FIELDS)
        check_numbers(f, n, owner_kind, owner);
}

/* Size and alignment of a scalar on a 64-bit target (str is a pointer;
 * enums are int-sized, their values fit an int). */
static uint32_t scalar_size(enum ty_kind k)
{
    switch (k) {
    case TY_BOOL:
    case TY_I8:
    case TY_U8:
        return 1;
    case TY_I16:
    case TY_U16:
        return 2;
    case TY_I32:
    case TY_U32:
    case TY_F32:
    case TY_ENUM:
        return 4;
    default:
        return 8;
    }
}

/* Lays out a struct's fields (e: its entry) or a signal's parameters (e is
 * NULL) as C does on a 64-bit target and measures how deeply structs nest
 * in them. A struct over a limit is reported once; the structs and signals
 * holding it stay quiet. */
static void check_layout(struct checker *c, const struct field *f, size_t n, const char *owner,
                         struct loc loc, struct entry *e)
{
    uint64_t size = 0;
    uint32_t align = 1, depth = 0;
    bool over_limit = false;

    for (size_t i = 0; i < n; i++) {
        uint64_t fsize;
        uint32_t falign;
        if (f[i].type.kind == TY_UNRESOLVED) {
            continue;
        } else if (f[i].type.kind == TY_STRUCT) {
            const struct entry *t = strmap_get(&c->names, f[i].type.st->name);
            fsize = t->size;
            falign = t->align ? t->align : 1;
            depth = t->depth > depth ? t->depth : depth;
            over_limit |= t->over_limit;
        } else {
            fsize = falign = scalar_size(f[i].type.kind);
        }
        size =
            (size + falign - 1) / falign * falign + fsize * (f[i].array_len ? f[i].array_len : 1);
        align = falign > align ? falign : align;
    }
    size = (size + align - 1) / align * align;
    depth++;
    if (over_limit) {
        /* reported where the struct it holds was declared */
    } else if (e && depth > MAX_NESTING) {
        diag_error(loc, strlen(owner),
                   "struct '%s' nests structs %u levels deep; at most %d are allowed", owner, depth,
                   MAX_NESTING);
        over_limit = true;
    } else if (size > MAX_PAYLOAD_BYTES) {
        if (e)
            diag_error(loc, strlen(owner),
                       "struct '%s' is %llu bytes on a 64-bit target; at most %u are allowed",
                       owner, (unsigned long long)size, MAX_PAYLOAD_BYTES);
        else
            diag_error(loc, strlen(owner),
                       "the payload of signal '%s' is %llu bytes on a 64-bit target; at most %u "
                       "are allowed",
                       owner, (unsigned long long)size, MAX_PAYLOAD_BYTES);
        over_limit = true;
    }
    if (e) {
        e->size = size;
        e->align = align;
        e->depth = depth;
        e->over_limit = over_limit;
    }
}

/* Pattern ids <NS>__PATTERN_<NAME> must differ after upper-casing too. Their
 * keys start with '_', which no enum or signal key can. */
static void check_pattern_id(struct checker *c, const struct pattern_decl *pt)
{
    char *key = upper(c->a, arena_printf(c->a, "_PATTERN_%s", pt->name));
    struct constant *k = arena_alloc(c->a, sizeof *k);
    k->en = NULL;
    k->v = NULL;
    k->sig = NULL;
    k->pat = pt;
    const struct constant *prev = strmap_put(&c->constants, key, k);
    if (prev == k)
        return;
    size_t len = strlen(pt->name);
    const char *ns = c->s->ns ? upper(c->a, c->s->ns) : "<NS>";
    diag_error(pt->loc, len, "pattern '%s' collides with pattern '%s': both ids become '%s_%s'",
               pt->name, prev->pat->name, ns, key);
    diag_note(prev->pat->loc, strlen(prev->pat->name), "previous definition of '%s' is here",
              prev->pat->name);
}

/* The signal id <NS>_SIGNAL_<NAME> shares the upper-case namespace of the
 * enum constants <NS>_<ENUM>_<VALUE> (and of <NS>_SIGNAL_COUNT). */
static void check_signal_id(struct checker *c, const struct signal_decl *sg)
{
    char *key = upper(c->a, arena_printf(c->a, "SIGNAL_%s", sg->name));
    struct constant *k = arena_alloc(c->a, sizeof *k);
    k->en = NULL;
    k->v = NULL;
    k->sig = sg;
    k->pat = NULL;
    const struct constant *prev = strmap_put(&c->constants, key, k);
    if (prev == k)
        return;
    const char *ns = c->s->ns ? upper(c->a, c->s->ns) : NULL;
    const char *full = ns ? arena_printf(c->a, "%s_%s", ns, key) : key;
    size_t len = strlen(sg->name);
    if (prev->sig) {
        diag_error(sg->loc, len, "signal '%s' collides with signal '%s': both ids become '%s'",
                   sg->name, prev->sig->name, full);
        diag_note(prev->sig->loc, strlen(prev->sig->name), "previous definition of '%s' is here",
                  prev->sig->name);
    } else if (prev->en) {
        diag_error(sg->loc, len,
                   "signal '%s' collides with value '%s' of enum '%s': both become '%s'",
                   sg->name, prev->v->name, prev->en->name, full);
        diag_note(prev->v->loc, strlen(prev->v->name), "previous definition of '%s' is here",
                  prev->v->name);
    } else {
        diag_error(sg->loc, len, "signal name '%s' is reserved: '%s' is the generated signal "
                                 "count",
                   sg->name, full);
    }
}

static void check_enum(struct checker *c, const struct enum_decl *e)
{
    if (e->nvalues == 0)
        diag_error(e->loc, strlen(e->name), "enum '%s' has no values", e->name);
    const char *ns = c->s->ns ? upper(c->a, c->s->ns) : NULL;
    for (size_t i = 0; i < e->nvalues; i++) {
        const struct enum_value *v = &e->values[i];
        if (!check_name(c, v->name, v->loc, R_VALUE))
            continue;
        char *key = upper(c->a, arena_printf(c->a, "%s_%s", e->name, v->name));
        struct constant *k = arena_alloc(c->a, sizeof *k);
        k->en = e;
        k->v = v;
        k->sig = NULL;
        k->pat = NULL;
        const struct constant *prev = strmap_put(&c->constants, key, k);
        if (prev == k)
            continue;
        const char *full = ns ? arena_printf(c->a, "%s_%s", ns, key) : key;
        size_t len = strlen(v->name);
        if (prev->sig)
            diag_error(v->loc, len,
                       "enum value '%s' of enum '%s' collides with signal '%s': both become '%s'",
                       v->name, e->name, prev->sig->name, full);
        else if (!prev->en)
            diag_error(v->loc, len, "enum value '%s' of enum '%s' is reserved: '%s' is the "
                                    "generated signal count",
                       v->name, e->name, full);
        else if (prev->en == e && strcmp(prev->v->name, v->name) == 0)
            diag_error(v->loc, len, "duplicate enum value '%s' in enum '%s'", v->name, e->name);
        else if (prev->en == e)
            diag_error(v->loc, len, "enum value '%s' collides with '%s': both become '%s'",
                       v->name, prev->v->name, full);
        else
            diag_error(v->loc, len,
                       "enum value '%s' of enum '%s' collides with value '%s' of enum '%s': "
                       "both become '%s'",
                       v->name, e->name, prev->v->name, prev->en->name, full);
        if (prev->sig)
            diag_note(prev->sig->loc, strlen(prev->sig->name),
                      "previous definition of '%s' is here", prev->sig->name);
        else if (prev->en)
            diag_note(prev->v->loc, strlen(prev->v->name), "previous definition of '%s' is here",
                      prev->v->name);
    }
}

bool check_schema(struct arena *a, struct parsed *p)
{
    struct checker c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.s = &p->schema;
    struct schema *s = c.s;
    strmap_init(&c.keywords, a);
    strmap_init(&c.names, a);
    strmap_init(&c.broken, a);
    strmap_init(&c.constants, a);
    for (size_t i = 0; i < COUNT(c_keywords); i++)
        strmap_put(&c.keywords, c_keywords[i], "C");
    for (size_t i = 0; i < COUNT(cxx_keywords); i++)
        strmap_put(&c.keywords, cxx_keywords[i], "C++");
    for (size_t i = 0; i < p->nbroken; i++)
        strmap_put(&c.broken, p->broken[i].name, &p->broken[i]);
    static const struct constant signal_count = {NULL, NULL, NULL, NULL};
    strmap_put(&c.constants, "SIGNAL_COUNT", (void *)&signal_count);

    if (s->source)
        check_file_name(s->source);
    if (s->ns)
        check_name(&c, s->ns, s->ns_loc, R_NAMESPACE);

    /* Top-level names, first definition wins. A duplicate's topic is not
     * checked for overlaps: the duplicate is the error. */
    bool *dup = s->ndecls ? calloc(s->ndecls, sizeof *dup) : NULL;
    for (size_t i = 0; i < s->ndecls; i++) {
        enum role role;
        const char *name;
        struct loc loc;
        const void *d;
        decl_info(&s->decls[i], &role, &name, &loc, &d);
        check_name(&c, name, loc, role);
        struct entry *e = arena_alloc(a, sizeof *e);
        e->role = role;
        e->index = i;
        e->loc = loc;
        e->decl = d;
        const struct entry *prev = strmap_put(&c.names, name, e);
        if (prev == e)
            continue;
        dup[i] = true;
        size_t len = strlen(name);
        if (prev->role == role)
            diag_error(loc, len, "redefinition of %s '%s'", role_names[role], name);
        else
            diag_error(loc, len,
                       "%s '%s' has the same name as %s '%s'; enums, structs, signals and "
                       "patterns share one namespace",
                       role_names[role], name, role_names[prev->role], name);
        diag_note(prev->loc, len, "previous definition of '%s' is here", name);
    }

    bool *topic_ok = s->nsignals ? calloc(s->nsignals, sizeof *topic_ok) : NULL;
    size_t nsig = 0;
    for (size_t i = 0; i < s->ndecls && !diag_stopped(); i++) {
        struct decl *d = &s->decls[i];
        switch (d->kind) {
        case DECL_ENUM:
            check_enum(&c, d->u.en);
            break;
        case DECL_STRUCT: {
            struct struct_decl *st = d->u.st;
            if (st->nfields == 0)
                diag_error(st->loc, strlen(st->name), "struct '%s' has no fields", st->name);
            check_fields(&c, st->fields, st->nfields, i, "struct", st->name, R_FIELD, st->name);
            if (!dup[i])
                check_layout(&c, st->fields, st->nfields, st->name, st->loc,
                             strmap_get(&c.names, st->name));
            break;
        }
        case DECL_SIGNAL: {
            struct signal_decl *sg = d->u.sig;
            if (!dup[i])
                check_signal_id(&c, sg);
            check_fields(&c, sg->params, sg->nparams, i, "signal", sg->name, R_PARAM, NULL);
            check_layout(&c, sg->params, sg->nparams, sg->name, sg->loc, NULL);
            bool ok = topic_split(a, &sg->topic, sg);
            topic_ok[nsig++] = ok && !dup[i];
            break;
        }
        case DECL_PATTERN: {
            struct pattern_decl *pt = d->u.pat;
            if (!dup[i])
                check_pattern_id(&c, pt);
            topic_split(a, &pt->topic, NULL);
            break;
        }
        }
    }
    if (!diag_stopped())
        topic_check_overlaps(a, s, topic_ok);
    free(dup);
    free(topic_ok);
    if (diag_error_count() != 0)
        return false;
    automaton_analyse(a, s);
    topic_warn_unmatched(s);
    return diag_error_count() == 0; /* -Werror makes the warnings errors */
}
