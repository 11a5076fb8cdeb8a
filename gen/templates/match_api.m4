# match_api.m4: the declarations of the topic matcher that header.m4 puts
# in <base>.signet.h, in a section for the runtime and generated code
# (matcher.m4 defines them). Read by header.m4 with m4_include, under its
# m4_divert(-1); uses the sig4_matcher, sig4_pattern and sig4_signal facts
# of README.md.

# sig4_h_match_api
# ----------------
# Limits, result codes, pattern ids and the matcher's functions and tables.
m4_define(@{sig4_h_match_api}@,
@{m4_pushdef(@{sig4_MP}@, sig4_NS@{__}@)m4_pushdef(@{sig4_mp}@, sig4_ns@{__}@)m4_dnl

/* ---- For the runtime and generated code, not for applications ----------
 * The topic matcher of sig4_schema(@{source}@), defined in sig4_schema(@{base}@).signet.match.c
 * (see docs/topics.md). Names with a double underscore may change with any
 * version of signet. */

/* Topic limits (PRODUCT.md section 3). */
#define sig4_MP@{}@TOPIC_MAX_BYTES 1024
#define sig4_MP@{}@TOPIC_MAX_LEVELS 64

/* What sig4_mp@{}@match() returns for a topic that is not a signal's. */
enum {
    sig4_MP@{}@TOPIC_UNKNOWN = -1,  /* well-formed, but no signal has this topic */
    sig4_MP@{}@TOPIC_EMPTY = -2,    /* the empty topic */
    sig4_MP@{}@TOPIC_WILDCARD = -3, /* a level holds '+' or '#': a pattern, not a topic */
    sig4_MP@{}@TOPIC_TOO_LONG = -4, /* more than sig4_MP@{}@TOPIC_MAX_BYTES bytes */
    sig4_MP@{}@TOPIC_TOO_DEEP = -5, /* more than sig4_MP@{}@TOPIC_MAX_LEVELS levels */
    sig4_MP@{}@TOPIC_NUL = -6       /* a NUL byte inside */
};

/* Pattern ids: each pattern's index in sig4_mp@{}@patterns[]. */
enum {
sig4_each(@{sig4_i}@, sig4_schema(@{pattern_count}@),
@{    sig4_MP@{}@PATTERN_@{}@sig4_upper(sig4_pattern(sig4_i, @{name}@)) = sig4_i,
}@)m4_dnl
    sig4_MP@{}@NPATTERNS = sig4_schema(@{pattern_count}@),
    sig4_MP@{}@CAPTURE_MAX = sig4_matcher(@{capture_max}@) /* captures of one signal, at most */
};

/* A captured level of a matched topic. */
typedef struct sig4_mp@{}@capture {
    uint32_t param;   /* the captured parameter's index in the payload */
    uint32_t u32;     /* its value, for a u32 parameter */
    const char *text; /* the level in the topic (not NUL-terminated) */
    size_t len;       /* its length in bytes */
} sig4_mp@{}@capture;

/* What sig4_mp@{}@match() found. */
typedef struct sig4_mp@{}@match_result {
    const uint32_t *patterns; /* ids of the patterns that match, ascending */
    uint32_t npatterns;
    uint32_t ncaptures;       /* the signal's captured levels, in level order */
    sig4_mp@{}@capture captures[sig4_MP@{}@CAPTURE_MAX];
m4_ifelse(sig4_matcher(@{kind}@), @{trie}@,
@{    uint32_t buf[sig4_if(sig4_schema(@{pattern_count}@), @{sig4_MP@{}@NPATTERNS}@, @{1}@)]; /* patterns points here */
}@)m4_dnl
} sig4_mp@{}@match_result;

/* Matches a concrete topic (len bytes, not necessarily NUL-terminated)
 * against every pattern and signal topic of the schema in one pass.
 * Returns the id of the signal whose topic it is, with the captured levels
 * in out->captures, or a negative sig4_MP@{}@TOPIC_* code. out->patterns
 * lists the patterns that match the topic either way (none when it is
 * malformed); it points into constant tables or into *out. Safe from any
 * thread; allocates nothing. */
sig4_call(int sig4_mp@{}@match, ;, const char *topic, size_t len, sig4_mp@{}@match_result *out)

/* The patterns that match the topic of signal `signal`, computed by
 * signetc: *n ids, ascending. NULL with *n = 0 for a signal whose topic has
 * captures (match its concrete topic instead) and for an unknown id. */
sig4_call(const uint32_t *sig4_mp@{}@signal_patterns, ;, int signal, uint32_t *n)
sig4_if(sig4_schema(@{pattern_count}@), @{
/* A pattern as signetc analysed it. */
typedef struct sig4_mp@{}@pattern_info {
    const char *name;
    const char *filter;       /* as written in the schema */
    int typed_as;             /* signal whose receiver type subscribers get, -1: generic */
    uint32_t nsignals;        /* the signals whose topics it can match, ascending */
    const uint32_t *signals;
} sig4_mp@{}@pattern_info;

/* One entry per pattern, indexed by pattern id. */
extern const sig4_mp@{}@pattern_info sig4_mp@{}@patterns@{[}@sig4_MP@{}@NPATTERNS@{]}@;
}@)m4_dnl
m4_popdef(@{sig4_mp}@)m4_popdef(@{sig4_MP}@)}@)
