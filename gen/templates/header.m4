m4_divert(-1)
# header.m4: the generated header <base>.signet.h, the user's API reference
# for one schema: a preamble that says once what every signal's and
# pattern's functions do, the schema's enums and structs, the signal ids,
# per signal (headed by its schema attributes) the payload struct, the
# receiver type, the connect/send/post functions and the accessor for
# pattern subscribers, per pattern its subscribe functions, publish by
# topic string, and for C the macros that make a receiver or payload of the
# wrong type a compile error. The matcher's declarations are in
# <base>.signet.private.h (private.m4). Reads the facts listed in README.md
# through lib.m4's accessors.

# sig4_h_enum(I)
# --------------
# Enum I as a typedef'd C enum; values keep the schema's numbers.
m4_define(@{sig4_h_enum}@,
@{
/* sig4_enum(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_enum(@{$1}@, @{line}@)) */
typedef enum sig4_ns@{_}@sig4_enum(@{$1}@, @{name}@) {
sig4_each(@{sig4_j}@, sig4_enum(@{$1}@, @{value_count}@),
@{    sig4_NS@{_}@sig4_upper(sig4_enum(@{$1}@, @{name}@)@{_}@sig4_enum_value(@{$1}@, sig4_j, @{name}@)) = sig4_enum_value(@{$1}@, sig4_j, @{value}@)m4_ifelse(m4_incr(sig4_j), sig4_enum(@{$1}@, @{value_count}@), @{}@, @{,}@)
}@)m4_dnl
} sig4_ns@{_}@sig4_enum(@{$1}@, @{name}@);
}@)

# sig4_h_fields(WHO, I)
# ---------------------
# The members of struct I or of the payload of signal I, one per line.
m4_define(@{sig4_h_fields}@,
@{sig4_each(@{sig4_j}@, sig4_fact(@{sig4_$1($2, }@m4_ifelse(@{$1}@, @{signal}@, @{param}@, @{field}@)@{_count)}@),
@{    sig4_field_decl(@{$1}@, @{$2}@, sig4_j);
}@)}@)

# sig4_h_struct(I)
# ----------------
# Struct I as a typedef'd C struct.
m4_define(@{sig4_h_struct}@,
@{
/* sig4_struct(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_struct(@{$1}@, @{line}@)) */
typedef struct sig4_ns@{_}@sig4_struct(@{$1}@, @{name}@) {
sig4_h_fields(@{struct}@, @{$1}@)m4_dnl
} sig4_ns@{_}@sig4_struct(@{$1}@, @{name}@);
}@)

# sig4_h_attributes(I)
# --------------------
# Signal I's schema attributes as the schema writes them: its topic, then
# retain (per_sender), queue N, overflow POLICY, export and import when
# given.
m4_define(@{sig4_h_attributes}@,
@{topic "sig4_signal(@{$1}@, @{topic}@)"m4_dnl
sig4_if(sig4_signal(@{$1}@, @{retain}@), @{, retain}@)@{}@m4_dnl
sig4_if(sig4_signal(@{$1}@, @{per_sender}@), @{ per_sender}@)@{}@m4_dnl
sig4_if(sig4_signal(@{$1}@, @{queue}@), @{, queue sig4_signal(@{$1}@, @{queue}@)}@)@{}@m4_dnl
m4_ifelse(sig4_signal(@{$1}@, @{overflow}@), @{default}@, @{}@, @{, overflow sig4_signal(@{$1}@, @{overflow}@)}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{export}@), @{, export}@)@{}@m4_dnl
sig4_if(sig4_signal(@{$1}@, @{import}@), @{, import}@)@{}@}@)

# sig4_h_post_doc(I)
# ------------------
# The one-line comment of signal I's _post(): what is copied (nothing for a
# signal without parameters) and what a full queue does under its
# `overflow` (when it has none, the queue's policy, as the preamble says).
m4_define(@{sig4_h_post_doc}@,
@{/* Posts sig4_signal(@{$1}@, @{name}@): m4_dnl
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{copies the payload into queue messages}@,
        @{queues it (no payload: nothing is copied)}@)@{}@m4_dnl
m4_ifelse(sig4_signal(@{$1}@, @{overflow}@), @{block}@, @{; waits while a queue is full}@,
          sig4_signal(@{$1}@, @{overflow}@), @{drop_oldest}@, @{; a full queue drops its oldest}@,
          sig4_signal(@{$1}@, @{overflow}@), @{drop_newest}@, @{; a full queue refuses it}@)@{}@m4_dnl
. */}@)

# sig4_h_signal(I)
# ----------------
# The API of signal I, under a heading with its schema attributes: payload
# struct (when it has parameters), receiver type, connect, send, post,
# has_receivers and the accessor for pattern subscribers, one line each
# (the preamble says the rest).
m4_define(@{sig4_h_signal}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_n}@, sig4_signal(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_info}@, @{&}@sig4_ns@{_}@signals@{[}@sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@))@{]}@)m4_dnl

/* ---- sig4_n (sig4_schema(@{source}@):sig4_signal(@{$1}@, @{line}@)): sig4_h_attributes(@{$1}@) */
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The payload of sig4_n. */
typedef struct sig4_s {
sig4_h_fields(@{signal}@, @{$1}@)m4_dnl
} sig4_s;

/* A receiver of sig4_n. */
sig4_call(typedef int sig4_s@{}@_fn, ;, void *ctx, const signet_event *ev, const sig4_s *msg)
/* A filter of a connection to sig4_n: false skips its receiver. */
sig4_call(typedef bool sig4_s@{}@_filter_fn, ;, void *ctx, const signet_event *ev, const sig4_s *msg)
}@, @{
/* A receiver of sig4_n, which has no payload. */
sig4_call(typedef int sig4_s@{}@_fn, ;, void *ctx, const signet_event *ev)
/* A filter of a connection to sig4_n: false skips its receiver. */
sig4_call(typedef bool sig4_s@{}@_filter_fn, ;, void *ctx, const signet_event *ev)
}@)m4_dnl

/* Connects fn to sig4_n, for sender or SIGNET_ANY. */
sig4_call(SIGNET_NODISCARD int sig4_s@{}@_connect, ;, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx,
          const void *sender, signet_conn *out)
/* sig4_s@{}@_connect() with options (may be NULL). */
sig4_call(SIGNET_NODISCARD int sig4_s@{}@_connect_opts, ;, signet_bus *bus, sig4_s@{}@_fn *fn,
          void *ctx, const void *sender, const signet_connect_opts *opts, signet_conn *out)
/* Puts a typed filter in opts (NULL: none), for sig4_s@{}@_connect_opts(). */
sig4_call(void sig4_s@{}@_filter, ;, signet_connect_opts *opts, sig4_s@{}@_filter_fn *filter)

/* Sends sig4_n: runs its receivers now, on this thread. */
sig4_call(int sig4_s@{}@_send, ;, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{/* sig4_s@{}@_send() with the payload in a struct. */
sig4_call(int sig4_s@{}@_send_msg, ;, signet_bus *bus, const void *sender, const sig4_s *msg)
/* sig4_s@{}@_send_msg(), writing what the receivers returned to *out. */
sig4_call(int sig4_s@{}@_send_summary, ;, signet_bus *bus, const void *sender, const sig4_s *msg,
          signet_summary *out)
/* sig4_s@{}@_send_summary() that waits up to timeout_ms for the queued receivers too. */
sig4_call(int sig4_s@{}@_call, ;, signet_bus *bus, const void *sender, const sig4_s *msg,
          uint32_t timeout_ms, signet_summary *out)
}@, @{/* sig4_s@{}@_send(), writing what the receivers returned to *out. */
sig4_call(int sig4_s@{}@_send_summary, ;, signet_bus *bus, const void *sender, signet_summary *out)
/* sig4_s@{}@_send_summary() that waits up to timeout_ms for the queued receivers too. */
sig4_call(int sig4_s@{}@_call, ;, signet_bus *bus, const void *sender, uint32_t timeout_ms,
          signet_summary *out)
}@)m4_dnl

sig4_h_post_doc(@{$1}@)
sig4_call(int sig4_s@{}@_post, ;, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{/* sig4_s@{}@_post() with the payload in a struct. */
sig4_call(int sig4_s@{}@_post_msg, ;, signet_bus *bus, const void *sender, const sig4_s *msg)
/* sig4_s@{}@_post_msg() calling done(ctx, ...) once every message has run. */
sig4_call(int sig4_s@{}@_post_done, ;, signet_bus *bus, const void *sender, const sig4_s *msg,
          signet_done_fn *done, void *ctx)
}@, @{/* sig4_s@{}@_post() calling done(ctx, ...) once every message has run. */
sig4_call(int sig4_s@{}@_post_done, ;, signet_bus *bus, const void *sender, signet_done_fn *done,
          void *ctx)
}@)m4_dnl

/* True when sending sig4_n from sender would call a receiver. */
sig4_call(bool sig4_s@{}@_has_receivers, ;, const signet_bus *bus, const void *sender)
/* The connections of sig4_n, in rank order: see signet_connections(). */
sig4_call(static inline int sig4_s@{}@_connections, @{}@, signet_bus *bus, signet_conn_info *out, size_t cap)
{
    return signet_connections(bus, sig4_info, out, cap);
}
sig4_if(sig4_signal(@{$1}@, @{wire}@), @{sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The payload as a wire message (docs/wire.md) in buf[0..size), its length
 * in *len: 0, or SIGNET_ENOSPC (*len says how much is needed). */
sig4_call(int sig4_s@{}@_encode, ;, const sig4_s *msg, uint8_t *buf, size_t size, size_t *len)
/* A wire message into *out; its strings go to strings[0..strings_size):
 * 0 or a negative SIGNET_E* code, with *out all zero (signet_wire_decode). */
sig4_call(int sig4_s@{}@_decode, ;, const uint8_t *buf, size_t len, sig4_s *out, char *strings,
          size_t strings_size)
}@, @{
/* The (empty) wire message of sig4_n (docs/wire.md): an empty map. */
int sig4_s@{}@_encode(uint8_t *buf, size_t size, size_t *len);
/* Checks a wire message of sig4_n: 0 or a negative SIGNET_E* code. */
int sig4_s@{}@_decode(const uint8_t *buf, size_t len);
}@)}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The payload of ev when ev is an emission of sig4_n, else NULL. */
sig4_call(static inline const sig4_s *sig4_s@{}@_of, @{}@, const signet_event *ev, const void *payload)
{
    if (ev->signal != sig4_info)
        return NULL;
    return (const sig4_s *)payload;
}
}@, @{
/* True when ev is an emission of sig4_n. */
static inline bool sig4_s@{}@_is(const signet_event *ev)
{
    return ev->signal == sig4_info;
}
}@)m4_popdef(@{sig4_info}@)m4_popdef(@{sig4_n}@)m4_popdef(@{sig4_s}@)}@)

# sig4_h_pattern(I)
# -----------------
# The subscribe functions of pattern I, under a heading with its filter and
# the receiver type its subscribers get.
m4_define(@{sig4_h_pattern}@,
@{m4_pushdef(@{sig4_p}@, sig4_ns@{_}@sig4_pattern(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_t}@, m4_ifelse(sig4_pattern(@{$1}@, @{typed_as}@), @{-1}@, @{signet_fn}@,
@{sig4_ns@{_}@sig4_signal(sig4_pattern(@{$1}@, @{typed_as}@), @{name}@)_fn}@))m4_dnl

/* ---- pattern sig4_pattern(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_pattern(@{$1}@, @{line}@)): "sig4_pattern(@{$1}@, @{topic}@)"
m4_ifelse(sig4_pattern(@{$1}@, @{typed_as}@), @{-1}@,
@{ * Generic: its signals have different payloads; subscribers are signet_fn
 * and read the payload with sig4_ns@{_}@<signal>_of(ev, payload). */
}@, @{ * Typed: every signal it can match has the payload of sig4_signal(sig4_pattern(@{$1}@, @{typed_as}@), @{name}@). */
}@)m4_dnl

/* Subscribes fn to every signal whose topic sig4_pattern(@{$1}@, @{name}@) matches. */
sig4_call(SIGNET_NODISCARD int sig4_p@{}@_subscribe, ;, signet_bus *bus, sig4_t *fn, void *ctx,
          const void *sender, signet_conn *out)
/* sig4_p@{}@_subscribe() with options (may be NULL). */
sig4_call(SIGNET_NODISCARD int sig4_p@{}@_subscribe_opts, ;, signet_bus *bus, sig4_t *fn,
          void *ctx, const void *sender, const signet_connect_opts *opts, signet_conn *out)
m4_popdef(@{sig4_t}@)m4_popdef(@{sig4_p}@)}@)

# sig4_h_checks_signal(I), sig4_h_checks_pattern(I)
# -------------------------------------------------
# The type-checking macros of signal I's connect and _msg functions, and of
# pattern I's subscribe functions (sig4_h_checks says why).
m4_define(@{sig4_h_checks_signal}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl
#define sig4_s@{}@_connect(bus, fn, ...) \
    sig4_s@{}@_connect(bus, sig4_NS@{__}@TYPED(fn, sig4_s@{}@_fn *), __VA_ARGS__)
#define sig4_s@{}@_connect_opts(bus, fn, ...) \
    sig4_s@{}@_connect_opts(bus, sig4_NS@{__}@TYPED(fn, sig4_s@{}@_fn *), __VA_ARGS__)
#define sig4_s@{}@_filter(opts, filter) \
    sig4_s@{}@_filter(opts, sig4_NS@{__}@TYPED(filter, sig4_s@{}@_filter_fn *))
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{m4_dnl
#define sig4_s@{}@_send_msg(bus, sender, msg) \
    sig4_s@{}@_send_msg(bus, sender, sig4_NS@{__}@TYPED_MSG(msg, sig4_s))
#define sig4_s@{}@_send_summary(bus, sender, msg, out) \
    sig4_s@{}@_send_summary(bus, sender, sig4_NS@{__}@TYPED_MSG(msg, sig4_s), out)
#define sig4_s@{}@_post_msg(bus, sender, msg) \
    sig4_s@{}@_post_msg(bus, sender, sig4_NS@{__}@TYPED_MSG(msg, sig4_s))
#define sig4_s@{}@_post_done(bus, sender, msg, done, ctx) \
    sig4_s@{}@_post_done(bus, sender, sig4_NS@{__}@TYPED_MSG(msg, sig4_s), done, ctx)
#define sig4_s@{}@_call(bus, sender, msg, timeout_ms, out) \
    sig4_s@{}@_call(bus, sender, sig4_NS@{__}@TYPED_MSG(msg, sig4_s), timeout_ms, out)
}@)m4_popdef(@{sig4_s}@)}@)
m4_define(@{sig4_h_checks_pattern}@,
@{m4_pushdef(@{sig4_p}@, sig4_ns@{_}@sig4_pattern(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_t}@, m4_ifelse(sig4_pattern(@{$1}@, @{typed_as}@), @{-1}@, @{signet_fn}@,
@{sig4_ns@{_}@sig4_signal(sig4_pattern(@{$1}@, @{typed_as}@), @{name}@)_fn}@))m4_dnl
#define sig4_p@{}@_subscribe(bus, fn, ...) \
    sig4_p@{}@_subscribe(bus, sig4_NS@{__}@TYPED(fn, sig4_t *), __VA_ARGS__)
#define sig4_p@{}@_subscribe_opts(bus, fn, ...) \
    sig4_p@{}@_subscribe_opts(bus, sig4_NS@{__}@TYPED(fn, sig4_t *), __VA_ARGS__)
m4_popdef(@{sig4_t}@)m4_popdef(@{sig4_p}@)}@)

# sig4_h_checks
# -------------
# Type checks for C: passing a receiver of another type or another
# signal's payload struct is only a warning there (C++ refuses both
# conversions itself), so each function that takes one is wrapped in a
# macro of its own name whose _Generic has no association for a wrong type.
m4_define(@{sig4_h_checks}@,
@{
/* ---- Type checks ---------------------------------------------------------
 * In C, a receiver of another type, or the payload struct of another
 * signal, passed to the functions above would only be a warning; these
 * macros make it a compile error. NULL still compiles (the functions
 * return SIGNET_EINVAL). The functions stay callable by address. */
#ifndef __cplusplus
/* x when it has type T or is NULL; any other type is a compile error. */
#define sig4_NS@{__}@TYPED(x, T) _Generic((x), T: (x), void *: (x))
/* x when it points to T (const or not) or is NULL; else a compile error. */
#define sig4_NS@{__}@TYPED_MSG(x, T) _Generic((x), T *: (x), const T *: (x), void *: (x))
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_h_checks_signal(sig4_i)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{pattern_count}@), @{sig4_h_checks_pattern(sig4_i)}@)m4_dnl
#endif
}@)

# sig4_h_preamble
# ---------------
# What the functions of every signal and pattern do, said once.
m4_define(@{sig4_h_preamble}@,
@{/* The C API of the schema sig4_schema(@{source}@) (docs/design.md, "Generated API"):
sig4_if(sig4_schema(@{signal_count}@), @{ * its types, its signals and the functions below.
 *
 * Each signal comes with its payload struct and these functions, named
 * sig4_ns@{_}@<signal>_<function>, one line each where it is declared:
 *
 * _fn: the receiver type. A receiver returns 0, SIGNET_STOP to end the
 *   emission (later receivers are not called), or a negative error code
 *   (counted by the bus and passed to its error hook; the emission goes
 *   on). The payload and what it points to are valid only during the call.
 * _connect(): connects fn(ctx, ...) and writes the handle to *out. fn runs
 *   for emissions from sender only, or from every sender when sender is
 *   SIGNET_ANY. Returns 0, SIGNET_EXISTING when the same (fn, ctx, sender)
 *   is already connected (*out gets that handle), SIGNET_EXISTING_OPTS
 *   when it is, with other options (not applied), or a negative error
 *   code: see signet_connect(). _connect_opts() also takes options: a
 *   priority, flags, a queue and a filter.
 * _filter_fn, _filter(): a connection's filter (sigx's filter(sub_id,
 *   publisher, msg)) and the call that puts a typed one in
 *   signet_connect_opts. The filter gets the receiver's ctx, the event
 *   (ev->conn: the connection, ev->sender) and the payload; it runs just
 *   before the receiver would, on the thread that would run it (for a
 *   queued connection, the one dispatching its queue), and false skips
 *   the receiver for that emission, which does not count it as ran.
 *   Connections without a filter pay nothing for it. The handle disconnects
 *   (signet_disconnect()) and blocks: signet_block() keeps the receiver
 *   from running, in its place, until as many signet_unblock() calls.
 * _send(): sends the signal from sender (NULL: anonymously). Its receivers
 *   run on this thread, in order, before it returns; queued connections
 *   get it through their queues. Returns how many receivers ran, or a
 *   negative error code: see signet_emit_end().
 * _post(): posts the signal from sender: the payload, strings and arrays
 *   included, is copied into one message per queue, and the receivers run
 *   later on the threads that dispatch those queues (direct receivers: the
 *   bus's default queue). A full queue does what the signal's `overflow`
 *   says, else what the queue's own policy says (docs/design.md, "Queued
 *   delivery"). Returns how many messages were queued, or a negative error
 *   code: see signet_post(). Allocates nothing.
 * _send_msg(), _post_msg(): the same with the payload in a struct.
 * _send_summary(): _send_msg() (_send() for a signal without payload)
 *   that also fills a signet_summary: how many ran, which failed with what,
 *   which one stopped the emission, how many messages were queued, and
 *   optionally each one's return value. Plain sends do not pay for it.
 * _call(): _send_summary() that then waits, up to timeout_ms
 *   (SIGNET_WAIT_FOREVER: no limit), until the queued receivers have run
 *   too, on whatever threads dispatch their queues, and adds what they
 *   returned. Returns how many ran in all, SIGNET_ETIMEDOUT, or why a
 *   message did not run; inside a receiver, with queued receivers to wait
 *   for, SIGNET_EDEADLK before anything runs: see signet_call_end().
 * _post_done(): _post_msg() (_post()) with a completion: done(ctx,
 *   summary, status) runs exactly once, after the last receiver of every
 *   message the post made, or with the reason one never will: see
 *   signet_done_fn and signet_post_done().
 * _has_receivers(): whether sending from sender would call a receiver.
 * _connections(): a copy of the signal's connections (handle, fn, ctx,
 *   sender, priority, flags, queue, blocks, filter) into the caller's
 *   array, in rank order, taken under the bus lock: any thread.
 * _of(), _is(): for pattern subscribers (the schema's patterns and
 *   run-time ones), the payload of an event that is the signal, else NULL;
 *   for a signal without payload, whether the event is the signal.
sig4_if(sig4_schema(@{pattern_count}@), @{ *
 * Each pattern comes with _subscribe() and _subscribe_opts(): they
 * subscribe fn to every signal whose topic the pattern matches. fn runs
 * after the signal's own receivers, with the same sender, order, error and
 * SIGNET_STOP rules, ev->pattern names the pattern, and they return as
 * _connect() does.
}@)m4_dnl
 *
 * Topics and patterns: docs/design.md, "Topics and matching", and
 * docs/topics.md. */
}@, @{ * its enums and structs. */
}@)}@)

m4_changecom()m4_divert(0)m4_dnl
/* Generated by signetc sig4_schema(version) from sig4_schema(source). DO NOT EDIT. */
sig4_h_preamble()m4_dnl
#ifndef sig4_schema(guard)
#define sig4_schema(guard)

#include <signet.h>

#if SIGNET_ABI != sig4_schema(abi)
#error "sig4_schema(base).signet.h was generated for signet ABI sig4_schema(abi); regenerate it with the signetc of this signet"
#endif

#ifdef __cplusplus
extern "C" {
#endif
sig4_each(@{sig4_i}@, sig4_schema(@{decl_count}@),
@{m4_ifelse(sig4_decl(sig4_i, @{kind}@), @{enum}@, @{sig4_h_enum(sig4_decl(sig4_i, @{index}@))}@,
            sig4_decl(sig4_i, @{kind}@), @{struct}@, @{sig4_h_struct(sig4_decl(sig4_i, @{index}@))}@)}@)m4_dnl

/* Signal ids: each signal's index in sig4_ns@{_}@signals[]. */
enum {
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{    sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(sig4_i, @{name}@)) = sig4_i,
}@)m4_dnl
    sig4_NS@{_}@SIGNAL_COUNT = sig4_schema(@{signal_count}@)
};

/* The schema's metadata, for generic tools: see signet_schema_info. */
extern const signet_schema_info sig4_ns@{_}@schema;
sig4_if(sig4_schema(@{signal_count}@), @{
/* One entry per signal, indexed by sig4_NS@{_}@SIGNAL_*. */
extern const signet_signal_info sig4_ns@{_}@signals[sig4_NS@{_}@SIGNAL_COUNT];
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_h_signal(sig4_i)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{pattern_count}@), @{sig4_h_pattern(sig4_i)}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{
/* ---- Publishing by topic string, for bridges and tools ------------------
 * sig4_ns@{_}@resolve() finds the signal whose topic template the concrete
 * topic (len bytes, not necessarily NUL-terminated) matches, with the
 * matcher sends use (a level captured by a u32 parameter must be canonical
 * decimal), and returns its id, sig4_NS@{_}@SIGNAL_*, or SIGNET_ENOTOPIC (no
 * signal has this topic), SIGNET_EBADTOPIC (empty, or a wildcard level),
 * SIGNET_ETOPICLEN (over SIGNET_TOPIC_MAX_BYTES bytes or
 * SIGNET_TOPIC_MAX_LEVELS levels), SIGNET_ENUL (a NUL byte inside) or
 * SIGNET_EINVAL (topic is NULL). It needs no bus and allocates nothing;
 * sig4_ns@{_}@signals@{[}@id@{]}@ then describes the payload (.payload, .wire).
 * sig4_ns@{_}@publish() resolves topic the same way (a NULL topic is the
 * empty one), fills the signal's captured parameters from the topic's
 * levels (a u32 parsed, a str copied into a bounded buffer on the stack)
 * and sends it like its _send_msg(). payload is the signal's payload
 * struct (captured members are ignored) and type its layout,
 * sig4_ns@{_}@signals@{[}@id@{]}@.payload (NULL and NULL for a signal without
 * parameters). Returns how many receivers ran, or the topic's error code
 * above, SIGNET_ETYPE (type is not the signal's) or SIGNET_EINVAL; on an
 * error nothing is sent. Allocates nothing. sig4_ns@{_}@publish_post() posts
 * instead, like the signal's _post_msg(): the payload and the captured
 * levels are copied into queue messages; it returns how many messages were
 * queued, or the error codes above, or those of signet_post(). */
sig4_call(int sig4_ns@{_}@resolve, ;, const char *topic, size_t len)
sig4_call(int sig4_ns@{_}@publish, ;, signet_bus *bus, const void *sender, const char *topic, size_t len,
          const signet_struct_info *type, const void *payload)
sig4_call(int sig4_ns@{_}@publish_post, ;, signet_bus *bus, const void *sender, const char *topic,
          size_t len, const signet_struct_info *type, const void *payload)
}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@) + sig4_schema(@{pattern_count}@), @{sig4_h_checks()}@)m4_dnl

#ifdef __cplusplus
}
#endif

#endif /* sig4_schema(guard) */
