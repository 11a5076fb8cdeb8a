m4_divert(-1)
# header.m4: the generated header <base>.signet.h, the user's API reference
# for one schema: its enums and structs, signal ids, and per signal the
# payload struct, the receiver type and the connect/send functions. Reads
# the facts listed in README.md through lib.m4's accessors.

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

# sig4_h_signal(I)
# ----------------
# The API of signal I: payload struct (when it has parameters), receiver
# type, connect, send, post and has_receivers.
m4_define(@{sig4_h_signal}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_n}@, sig4_signal(@{$1}@, @{name}@))m4_dnl

/* sig4_n (sig4_schema(@{source}@):sig4_signal(@{$1}@, @{line}@)): topic "sig4_signal(@{$1}@, @{topic}@)" */
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The payload of sig4_n: its parameters, in order. */
typedef struct sig4_s {
sig4_h_fields(@{signal}@, @{$1}@)m4_dnl
} sig4_s;

/* A receiver of sig4_n.
 * Returns 0, SIGNET_STOP to end the emission (later receivers are not
 * called), or a negative error code (counted by the bus and passed to its
 * error hook; the emission goes on). msg and what it points to are valid
 * only during the call. */
sig4_call(typedef int sig4_s@{}@_fn, ;, void *ctx, const signet_event *ev, const sig4_s *msg)
}@, @{
/* A receiver of sig4_n, which has no payload.
 * Returns 0, SIGNET_STOP to end the emission (later receivers are not
 * called), or a negative error code (counted by the bus and passed to its
 * error hook; the emission goes on). */
sig4_call(typedef int sig4_s@{}@_fn, ;, void *ctx, const signet_event *ev)
}@)m4_dnl

/* Connects fn(ctx, ...) to sig4_n and writes the handle to *out.
 * fn runs for emissions from sender only, or from every sender when sender
 * is SIGNET_ANY. Returns 0, SIGNET_EXISTING when the same (fn, ctx, sender)
 * is already connected (*out gets that handle), or a negative error code:
 * see signet_connect(). */
sig4_call(SIGNET_NODISCARD int sig4_s@{}@_connect, ;, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx,
          const void *sender, signet_conn *out)

/* sig4_s@{}@_connect() with options:
 * opts (may be NULL) gives a priority and flags. */
sig4_call(SIGNET_NODISCARD int sig4_s@{}@_connect_opts, ;, signet_bus *bus, sig4_s@{}@_fn *fn,
          void *ctx, const void *sender, const signet_connect_opts *opts, signet_conn *out)

/* Sends sig4_n from sender (NULL: anonymously): its receivers run on
 * this thread, in order, before it returns; queued connections get it
 * through their queues. Returns how many receivers ran, or a negative error
 * code (see signet_emit_end()). */
sig4_call(int sig4_s@{}@_send, ;, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* sig4_s@{}@_send() with the payload in a struct. */
sig4_call(int sig4_s@{}@_send_msg, ;, signet_bus *bus, const void *sender, const sig4_s *msg)
}@)m4_dnl

/* Posts sig4_n from sender: the payload is copied (strings too) into a
 * queue message and the call returns at once; the receivers run later on
 * the threads that dispatch their queues (direct receivers: the bus's
 * default queue). Returns how many messages were queued, or a negative
 * error code: see signet_post(). Allocates nothing. */
sig4_call(int sig4_s@{}@_post, ;, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* sig4_s@{}@_post() with the payload in a struct. */
sig4_call(int sig4_s@{}@_post_msg, ;, signet_bus *bus, const void *sender, const sig4_s *msg)
}@)m4_dnl

/* True when sending sig4_n from sender would call a receiver. */
sig4_call(bool sig4_s@{}@_has_receivers, ;, const signet_bus *bus, const void *sender)
m4_popdef(@{sig4_n}@)m4_popdef(@{sig4_s}@)}@)

# The topic matcher's declarations: sig4_h_match_api.
m4_include(m4_patsubst(m4___file__, @{/[^/]*$}@, @{/match_api.m4}@))

m4_changecom()m4_divert(0)m4_dnl
/* Generated by signetc sig4_schema(version) from sig4_schema(source). DO NOT EDIT. */
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
sig4_h_match_api()m4_dnl

#ifdef __cplusplus
}
#endif

#endif /* sig4_schema(guard) */
