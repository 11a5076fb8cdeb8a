/* arena.h: bump allocation for signetc's front end. Every string, AST node
 * and table of one run lives in one arena and is freed at once by
 * arena_free(); nothing is freed piecemeal. Depends on arena.c only.
 * Allocation failure prints a message and exits (signetc is a short-lived
 * command-line program, and a half-built schema is of no use). */
#ifndef SIGNETC_ARENA_H
#define SIGNETC_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t size);           /* zeroed, aligned */
void *arena_dup(struct arena *a, const void *p, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void arena_free(struct arena *a);

/* A growable array kept in malloc'd memory while it grows; vec_finish()
 * copies it into the arena and releases the temporary buffer. */
struct vec {
    void *data;
    size_t len, cap, elem;
};

void vec_init(struct vec *v, size_t elem);
void *vec_push(struct vec *v);                             /* zeroed slot */
void *vec_finish(struct vec *v, struct arena *a, size_t *len);
void vec_free(struct vec *v);

#endif /* SIGNETC_ARENA_H */
