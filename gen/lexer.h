/* lexer.h: tokens of the schema language (docs/design.md, "Schema
 * language") and the lexer interface. The lexer (lexer.re, compiled by
 * re2c) skips blanks and comments, decodes string literals (only \" and \\
 * escapes) and reports lexical errors itself, so the parser never repeats
 * them: a stray character yields TK_INVALID (reported once per line), and
 * an invalid byte (control character, NUL, non-ASCII outside comments and
 * strings) or an unterminated block comment ends lexing: every later token
 * is TK_EOF and lexer.stopped is set. Keywords are ordinary TK_IDENT
 * tokens; the parser recognises them by text. Depends on ast.h, arena.h,
 * diag.h. */
#ifndef SIGNETC_LEXER_H
#define SIGNETC_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"

enum tk {
    TK_EOF,
    TK_INVALID,      /* already reported */
    TK_IDENT,        /* [A-Za-z_][A-Za-z0-9_]* */
    TK_NUMBER,       /* [0-9][A-Za-z0-9_]*: the parser validates digits */
    TK_STRING,       /* "..." decoded into str */
    TK_SEMI, TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET,
    TK_COMMA, TK_EQ, TK_MINUS
};

struct token {
    enum tk kind;
    const char *text;                /* into the source */
    size_t len;                      /* bytes of source text */
    struct loc loc;
    const char *str;                 /* TK_STRING: decoded, NUL-terminated */
    size_t str_len;
    bool bad;                        /* TK_STRING: an error was reported in it */
};

struct lexer {
    struct arena *arena;
    const char *src, *cur, *end;     /* *end == '\0' */
    const char *line_start;
    uint32_t line;
    uint32_t reported_line;          /* last line with a stray-character error */
    bool stopped;
};

void lexer_init(struct lexer *l, struct arena *a, const char *src, size_t len);
void lexer_next(struct lexer *l, struct token *t);

#endif /* SIGNETC_LEXER_H */
