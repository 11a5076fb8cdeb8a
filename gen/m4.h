/* m4.h: the m4 driver of signetc (m4.c). emit.c has the facts written
 * (facts.c, with the prefix and quotes below); these functions find the
 * templates and turn facts plus one template into an output file. Depends on a GNU m4 at run time ($M4, or m4 from PATH).
 */
#ifndef SIGNETC_M4_H
#define SIGNETC_M4_H

#include <stdio.h>

/* The macro prefix and the quotes the templates use (see templates/lib.m4).
 * Facts are written with the same quotes; any of these strings left in an
 * output file means a template bug. */
#define M4_PREFIX "sig4_"
#define M4_LQUOTE "@{"
#define M4_RQUOTE "}@"

/* Finds the template directory: given (from --templates) if non-NULL, else
 * $SIGNET_TEMPLATE_DIR, else <dir of the executable>/../share/signet/templates
 * (the executable from /proc/self/exe, else argv0). A directory counts only
 * if it holds lib.m4. Returns a malloc'd path, or NULL after printing an
 * error to stderr. */
char *m4_template_dir(const char *given, const char *argv0);

/* Runs `m4 -P <dir>/lib.m4 - <dir>/<tmpl>` with the facts on standard input
 * (facts is rewound first) and writes the result to out_path. The output
 * goes to a temporary file next to out_path that is renamed over it only on
 * success, so a failure never leaves a half-written file. Fails (message on
 * stderr naming the template, return 1) when m4 cannot be run, exits
 * non-zero, or leaves a template macro or quote in the output. Returns 0 on
 * success. */
int m4_expand(const char *dir, const char *tmpl, FILE *facts, const char *out_path);

#endif /* SIGNETC_M4_H */
