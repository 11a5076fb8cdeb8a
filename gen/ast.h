/* ast.h: the checked schema that every stage of signetc shares.
 *
 * Pipeline: main.c reads the file, lexer.re/parse.c build a struct schema,
 * check.c and topic.c resolve names and validate it (diagnostics through
 * diag.h), automaton.c analyses its topics and builds the matcher, emit.c
 * writes it as m4 facts and runs the templates (m4.c).
 * After check_schema() succeeds every type_ref is resolved, every topic
 * and pattern is split into levels and the topic analysis (automaton.c)
 * has filled the pattern and signal sets; later stages never see an
 * invalid schema.
 * All strings are NUL-terminated and owned by the schema's arena.
 */
#ifndef SIGNETC_AST_H
#define SIGNETC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loc {
    uint32_t line;   /* 1-based */
    uint32_t col;    /* 1-based, in bytes */
};

enum ty_kind {
    TY_BOOL, TY_I8, TY_I16, TY_I32, TY_I64, TY_U8, TY_U16, TY_U32, TY_U64,
    TY_F32, TY_F64, TY_STR,
    TY_ENUM, TY_STRUCT,
    TY_UNRESOLVED     /* only between parsing and checking */
};

struct enum_decl;
struct struct_decl;
struct matcher;

struct type_ref {
    enum ty_kind kind;
    const char *name;                /* as written, for diagnostics */
    struct loc loc;
    const struct enum_decl *en;      /* TY_ENUM */
    const struct struct_decl *st;    /* TY_STRUCT */
};

/* A struct field or a signal parameter. */
struct field {
    const char *name;
    struct loc loc;
    struct type_ref type;
    uint32_t array_len;              /* 0: scalar; N: T name[N] */
    uint32_t number;                 /* wire field number: `= n`, or the previous one + 1 */
    struct loc number_loc;           /* of an explicit `= n`; line 0 when implicit */
    size_t number_len;               /* length of its digits, for diagnostics */
};

struct enum_value {
    const char *name;
    struct loc loc;
    int64_t value;
};

struct enum_decl {
    const char *name;
    struct loc loc;
    size_t nvalues;
    struct enum_value *values;
};

struct struct_decl {
    const char *name;
    struct loc loc;
    size_t nfields;
    struct field *fields;
};

enum level_kind {
    LV_LITERAL,      /* text */
    LV_CAPTURE,      /* {param}: param indexes the signal's params */
    LV_PLUS,         /* + (patterns only) */
    LV_HASH          /* # (patterns only, last level) */
};

struct level {
    enum level_kind kind;
    const char *text;                /* LV_LITERAL: the level (may be ""); LV_CAPTURE: param name */
    size_t param;                    /* LV_CAPTURE */
};

struct topic {
    const char *text;                /* as written, without quotes */
    struct loc loc;                  /* of the opening quote */
    size_t nlevels;
    struct level *levels;
};

enum overflow { OVERFLOW_DEFAULT, OVERFLOW_BLOCK, OVERFLOW_DROP_NEWEST, OVERFLOW_DROP_OLDEST };

struct signal_decl {
    const char *name;
    struct loc loc;
    size_t nparams;
    struct field *params;            /* become the payload struct <ns>_<name> */
    struct topic topic;              /* defaults to the signal's name */
    bool topic_explicit;
    uint32_t queue_len;              /* `queue N`, 0 when absent */
    enum overflow overflow;          /* `overflow ...` */
    bool retain;                     /* `retain` */
    bool retain_per_sender;          /* `retain per_sender`: a value per topic and sender */
    bool export_;                    /* `export`: sent to the wire */
    bool import_;                    /* `import`: received from the wire */
    /* automaton.c, signals without captures only: the patterns that match
     * the (constant) topic, ascending. */
    size_t npatterns;
    size_t *patterns;
};

struct pattern_decl {
    const char *name;
    struct loc loc;
    struct topic topic;
    /* automaton.c: the signals whose topics it can match, ascending, and
     * the signal whose receiver type its subscription uses (every matched
     * signal has the same parameters), or -1 for a generic subscription. */
    size_t nsignals;
    size_t *signals;
    long typed_as;
};

enum decl_kind { DECL_ENUM, DECL_STRUCT, DECL_SIGNAL, DECL_PATTERN };

/* Declarations in source order. Types must be declared before use, so this
 * order is also a valid C declaration order. */
struct decl {
    enum decl_kind kind;
    union {
        struct enum_decl *en;
        struct struct_decl *st;
        struct signal_decl *sig;
        struct pattern_decl *pat;
    } u;
};

struct schema {
    const char *path;                /* as given on the command line */
    const char *source;              /* its last path component, used in output */
    const char *ns;
    struct loc ns_loc;
    size_t ndecls;
    struct decl *decls;
    /* The same declarations by kind, in source order. */
    size_t nenums, nstructs, nsignals, npatterns;
    struct enum_decl **enums;
    struct struct_decl **structs;
    struct signal_decl **signals;
    struct pattern_decl **patterns;
    const struct matcher *matcher;   /* automaton.c, before emitting */
};

#endif /* SIGNETC_AST_H */
