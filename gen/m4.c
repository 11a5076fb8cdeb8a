/* m4.c: runs GNU m4 over signet's templates. Finds the template directory,
 * spawns `m4 -P lib.m4 - TEMPLATE.m4` with the facts from emit.c on its
 * standard input, writes the output through a temporary file that is renamed
 * into place only when m4 succeeded and the output holds no unexpanded
 * template macro. Depends on m4.h and POSIX (posix_spawnp, mkstemp).
 */
#define _GNU_SOURCE /* environ */
#include "m4.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + 1 + nb + 1);

    if (s == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    memcpy(s, a, na);
    s[na] = '/';
    memcpy(s + na + 1, b, nb + 1);
    return s;
}

/* True when dir holds lib.m4. */
static bool has_templates(const char *dir)
{
    char *lib = join(dir, "lib.m4");
    bool ok = access(lib, R_OK) == 0;

    free(lib);
    return ok;
}

/* <dir of exe>/../share/signet/templates, or NULL. */
static char *beside(const char *exe)
{
    const char *slash = strrchr(exe, '/');
    char *dir, *t;

    if (slash == NULL)
        return NULL;
    dir = strndup(exe, (size_t)(slash - exe));
    if (dir == NULL)
        return NULL;
    t = join(dir, "../share/signet/templates");
    free(dir);
    if (!has_templates(t)) {
        free(t);
        return NULL;
    }
    return t;
}

char *m4_template_dir(const char *given, const char *argv0)
{
    const char *env = getenv("SIGNET_TEMPLATE_DIR");
    char exe[PATH_MAX];
    ssize_t n;
    char *t;

    if (given != NULL || (env != NULL && *env != '\0')) {
        const char *dir = given != NULL ? given : env;

        if (has_templates(dir))
            return strdup(dir);
        fprintf(stderr,
                "signetc: cannot find templates in '%s' (no lib.m4 there); "
                "pass --templates DIR\n",
                dir);
        return NULL;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if ((t = beside(exe)) != NULL)
            return t;
    }
    if (argv0 != NULL && (t = beside(argv0)) != NULL)
        return t;
    fprintf(stderr, "signetc: cannot find templates; pass --templates DIR\n");
    return NULL;
}

/* Looks for a template macro, an m4 builtin or a quote string left in the
 * output. Returns its 1-based line, or 0 when the text is clean; *what gets
 * the offending text (at most 40 bytes, NUL-terminated). */
static unsigned long leftover(const char *text, size_t len, char what[41])
{
    static const char *const marks[] = {M4_PREFIX, "m4_", M4_LQUOTE, M4_RQUOTE};
    unsigned long line = 1;
    size_t i, k;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            line++;
            continue;
        }
        for (k = 0; k < sizeof marks / sizeof marks[0]; k++) {
            size_t m = strlen(marks[k]), end = i;
            bool ident = k < 2;

            if (len - i < m || memcmp(text + i, marks[k], m) != 0)
                continue;
            /* A macro name only counts at the start of a C identifier. */
            if (ident && i > 0 &&
                (text[i - 1] == '_' || (text[i - 1] >= '0' && text[i - 1] <= '9') ||
                 ((text[i - 1] | 0x20) >= 'a' && (text[i - 1] | 0x20) <= 'z')))
                continue;
            while (end < len && end - i < 40 && text[end] != '\n' && text[end] != ' ')
                end++;
            memcpy(what, text + i, end - i);
            what[end - i] = '\0';
            return line;
        }
    }
    return 0;
}

/* Reads the whole of fd from its start. Returns a malloc'd buffer or NULL. */
static char *slurp(int fd, size_t *len)
{
    struct stat st;
    char *buf;
    size_t got = 0;

    if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0)
        return NULL;
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        return NULL;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n <= 0) {
            free(buf);
            return NULL;
        }
        got += (size_t)n;
    }
    *len = got;
    return buf;
}

int m4_expand(const char *dir, const char *tmpl, FILE *facts, const char *out_path)
{
    const char *m4 = getenv("M4");
    char *lib = join(dir, "lib.m4"), *skel = join(dir, tmpl);
    /* mkstemp() template: out_path ".tmp" and six 'X's it replaces. */
    static const char tmp_suffix[] = ".tmp" "\x58\x58\x58\x58\x58\x58";
    char *tmp = malloc(strlen(out_path) + sizeof tmp_suffix);
    char *argv[6];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int out = -1, status, err, rc = 1;
    bool made = false;
    char *text = NULL;
    size_t len = 0;
    unsigned long line;
    char what[41];

    if (tmp == NULL) {
        fprintf(stderr, "signetc: out of memory\n");
        exit(1);
    }
    if (m4 == NULL || *m4 == '\0')
        m4 = "m4";
    argv[0] = (char *)m4;
    argv[1] = (char *)"-P";
    argv[2] = lib;
    argv[3] = (char *)"-";
    argv[4] = skel;
    argv[5] = NULL;

    sprintf(tmp, "%s%s", out_path, tmp_suffix);
    out = mkstemp(tmp);
    if (out < 0) {
        fprintf(stderr, "signetc: cannot create %s: %s\n", out_path, strerror(errno));
        goto done;
    }
    made = true;
    if (fflush(facts) != 0 || fseek(facts, 0, SEEK_SET) != 0) {
        fprintf(stderr, "signetc: cannot rewind the m4 facts: %s\n", strerror(errno));
        goto done;
    }

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(facts), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
    err = posix_spawnp(&pid, m4, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) {
        fprintf(stderr, "signetc: cannot run %s: %s (set M4 to a GNU m4)\n", m4, strerror(err));
        goto done;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "signetc: waiting for %s: %s\n", m4, strerror(errno));
            goto done;
        }
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "signetc: %s: %s was killed by signal %d\n", tmpl, m4, WTERMSIG(status));
        goto done;
    }
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "signetc: %s: %s failed (exit status %d)\n", tmpl, m4, WEXITSTATUS(status));
        goto done;
    }

    text = slurp(out, &len);
    if (text == NULL) {
        fprintf(stderr, "signetc: cannot read back %s: %s\n", tmp, strerror(errno));
        goto done;
    }
    if ((line = leftover(text, len, what)) != 0) {
        fprintf(stderr,
                "signetc: %s: unexpanded template macro or quote '%s' in line %lu of "
                "the output\n",
                tmpl, what, line);
        goto done;
    }
    if (close(out) != 0) {
        out = -1;
        fprintf(stderr, "signetc: cannot write %s: %s\n", out_path, strerror(errno));
        goto done;
    }
    out = -1;
    /* mkstemp made it 0600; give the output the usual permissions. */
    {
        mode_t mask = umask(0);

        umask(mask);
        chmod(tmp, 0666 & ~mask);
    }
    if (rename(tmp, out_path) != 0) {
        fprintf(stderr, "signetc: cannot write %s: %s\n", out_path, strerror(errno));
        goto done;
    }
    rc = 0;

done:
    if (out >= 0)
        close(out);
    if (rc != 0 && made)
        unlink(tmp);
    free(text);
    free(tmp);
    free(lib);
    free(skel);
    return rc;
}
