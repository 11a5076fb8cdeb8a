m4_divert(-1)
# source.m4: the generated source <base>.signet.c: layout checks, the
# metadata tables (signet_enum_info, signet_struct_info, the invokers, the
# signal table and the schema) and the connect/send/post functions header.m4
# declares. Calls only what signet.h declares.

# sig4_c_payload_type(I)
# ----------------------
# The C type of signal I's payload struct.
m4_define(@{sig4_c_payload_type}@, @{sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@)}@)

# sig4_c_info(WHO, I)
# -------------------
# The name of the file-local metadata of struct I or of signal I's payload,
# with a suffix: sig4_c_info(struct, 0)_fields. The double underscore keeps
# these apart from every generated public name.
m4_define(@{sig4_c_info}@, @{sig4_ns@{__}@sig4_$1(@{$2}@, @{name}@)}@)

# sig4_c_enum_table(I)
# --------------------
# The value names and numbers of enum I and its signet_enum_info.
m4_define(@{sig4_c_enum_table}@,
@{m4_pushdef(@{sig4_e}@, sig4_ns@{__}@sig4_enum(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_E}@, sig4_NS@{_}@sig4_upper(sig4_enum(@{$1}@, @{name}@)))m4_dnl

/* sig4_enum(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_enum(@{$1}@, @{line}@)) */
static const char *const sig4_e@{}@_names[] = {
sig4_each(@{sig4_j}@, sig4_enum(@{$1}@, @{value_count}@),
@{    "sig4_enum_value(@{$1}@, sig4_j, @{name}@)",
}@)m4_dnl
};
static const int64_t sig4_e@{}@_values[] = {
sig4_each(@{sig4_j}@, sig4_enum(@{$1}@, @{value_count}@),
@{    sig4_E@{_}@sig4_upper(sig4_enum_value(@{$1}@, sig4_j, @{name}@)),
}@)m4_dnl
};
static const signet_enum_info sig4_e@{}@_info = {
    "sig4_ns@{_}@sig4_enum(@{$1}@, @{name}@)", sig4_enum(@{$1}@, @{value_count}@), sig4_e@{}@_names, sig4_e@{}@_values
};
m4_popdef(@{sig4_E}@)m4_popdef(@{sig4_e}@)}@)

# sig4_c_enum(I)
# --------------
# The metadata of enum I, when a signal's payload uses it (unused static
# tables would draw warnings).
m4_define(@{sig4_c_enum}@, @{sig4_if(sig4_enum(@{$1}@, @{used}@), @{sig4_c_enum_table(@{$1}@)}@)}@)

# sig4_c_struct(I)
# ----------------
# The metadata of struct I, when a signal's payload uses it.
m4_define(@{sig4_c_struct}@,
@{sig4_if(sig4_struct(@{$1}@, @{used}@), @{
/* sig4_struct(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_struct(@{$1}@, @{line}@)) */
sig4_c_struct_table(@{struct}@, @{$1}@, sig4_struct(@{$1}@, @{field_count}@),
                    sig4_ns@{_}@sig4_struct(@{$1}@, @{name}@))}@)}@)

# sig4_c_field_info(WHO, I, J, CTYPE)
# -----------------------------------
# The signet_field_info of field J of WHO I, a member of the C struct CTYPE.
m4_define(@{sig4_c_field_info}@,
@{{ "sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@)", sig4_signet_type(@{$1}@, @{$2}@, @{$3}@), m4_dnl
offsetof($4, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@)), m4_dnl
sizeof(sig4_field_ctype(@{$1}@, @{$2}@, @{$3}@)), m4_dnl
sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@), m4_dnl
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{enum}@,
@{&sig4_c_info(@{enum}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{ref}@))_info}@, @{NULL}@), m4_dnl
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{struct}@,
@{&sig4_c_info(@{struct}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{ref}@))_info}@, @{NULL}@) }}@)

# sig4_c_struct_table(WHO, I, COUNT, CTYPE)
# -----------------------------------------
# The field table and signet_struct_info of struct I or of signal I's
# payload (COUNT fields), whose C type is CTYPE.
m4_define(@{sig4_c_struct_table}@,
@{static const signet_field_info sig4_c_info(@{$1}@, @{$2}@)_fields[] = {
sig4_each(@{sig4_j}@, @{$3}@,
@{    sig4_c_field_info(@{$1}@, @{$2}@, sig4_j, @{$4}@),
}@)m4_dnl
};
static const signet_struct_info sig4_c_info(@{$1}@, @{$2}@)_info = {
    "$4", sizeof($4), _Alignof($4), $3, sig4_c_info(@{$1}@, @{$2}@)_fields
};
}@)

# sig4_c_invoke(I)
# ----------------
# The invoker of signal I (signet_signal_info.invoke): calls a receiver
# with a payload taken from a queue, through the receiver's own type.
m4_define(@{sig4_c_invoke}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl

sig4_call(static int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_invoke, @{}@, const signet_recv *r, const signet_event *ev, const void *payload)
{
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{    return ((sig4_s@{}@_fn *)r->fn)(r->ctx, ev, (const sig4_s *)payload);
}@, @{    (void)payload;
    return ((sig4_s@{}@_fn *)r->fn)(r->ctx, ev);
}@)m4_dnl
}
m4_popdef(@{sig4_s}@)}@)

# sig4_c_signal(I)
# ----------------
# The functions of signal I.
m4_define(@{sig4_c_signal}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_info}@, @{&}@sig4_ns@{_}@signals@{[}@sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@))@{]}@)m4_dnl

/* sig4_signal(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_signal(@{$1}@, @{line}@)) */

sig4_call(int sig4_s@{}@_connect, @{}@, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx, const void *sender,
          signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, NULL, out)
}

sig4_call(int sig4_s@{}@_connect_opts, @{}@, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx,
          const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, opts, out)
}
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The emission loop (see signet.h), shared by the two send functions. */
sig4_call(static inline int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit, @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
    signet_emission em;
    int ran = 0;
sig4_call(@{    }@int rc = signet_emit_begin, ;, &em, bus, sig4_info, sender, msg)

    if (rc < 0)
        return rc;
    for (const signet_recv *r = em.begin, *end = em.end; r != end; r++) {
        if (!signet_emit_claim(&em, r))
            continue;
        ran++;
        if (signet_emit_stop(&em, ((sig4_s@{}@_fn *)r->fn)(r->ctx, &em.ev, msg)))
            break;
    }
    return signet_emit_end(&em, ran);
}

sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    sig4_s msg;

sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{sig4_c_copy(@{$1}@, sig4_j)}@)m4_dnl
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, &msg);
}

sig4_call(int sig4_s@{}@_send_msg, @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, msg);
}

sig4_call(int sig4_s@{}@_post, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    sig4_s msg;

sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{sig4_c_copy(@{$1}@, sig4_j)}@)m4_dnl
sig4_call(@{    }@return signet_post, ;, bus, sig4_info, sender, &msg)
}

sig4_call(int sig4_s@{}@_post_msg, @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
sig4_call(@{    }@return signet_post, ;, bus, sig4_info, sender, msg)
}
}@, @{
sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender)
{
    signet_emission em;
    int ran = 0;
sig4_call(@{    }@int rc = signet_emit_begin, ;, &em, bus, sig4_info, sender, NULL)

    if (rc < 0)
        return rc;
    for (const signet_recv *r = em.begin, *end = em.end; r != end; r++) {
        if (!signet_emit_claim(&em, r))
            continue;
        ran++;
        if (signet_emit_stop(&em, ((sig4_s@{}@_fn *)r->fn)(r->ctx, &em.ev)))
            break;
    }
    return signet_emit_end(&em, ran);
}

sig4_call(int sig4_s@{}@_post, @{}@, signet_bus *bus, const void *sender)
{
sig4_call(@{    }@return signet_post, ;, bus, sig4_info, sender, NULL)
}
}@)m4_dnl

sig4_call(bool sig4_s@{}@_has_receivers, @{}@, const signet_bus *bus, const void *sender)
{
    return signet_has_receivers(bus, sig4_info, sender);
}
m4_popdef(@{sig4_info}@)m4_popdef(@{sig4_s}@)}@)

# sig4_c_copy(I, J)
# -----------------
# The statement that copies parameter J of signal I into `msg`: arrays with
# memcpy, struct parameters (passed by pointer) by value, others by value.
m4_define(@{sig4_c_copy}@,
@{m4_pushdef(@{sig4_f}@, sig4_field(@{signal}@, @{$1}@, @{$2}@, @{name}@))m4_dnl
m4_ifelse(sig4_field(@{signal}@, @{$1}@, @{$2}@, @{array_len}@), @{0}@,
@{m4_ifelse(sig4_field(@{signal}@, @{$1}@, @{$2}@, @{kind}@), @{struct}@,
@{    msg.sig4_f = *sig4_f;
}@, @{    msg.sig4_f = sig4_f;
}@)}@, @{    memcpy(msg.sig4_f, sig4_f, sizeof msg.sig4_f);
}@)m4_popdef(@{sig4_f}@)}@)

m4_changecom()m4_divert(0)m4_dnl
/* Generated by signetc sig4_schema(version) from sig4_schema(source). DO NOT EDIT. */
#include "sig4_schema(base).signet.h"

#include <stddef.h>
#include <string.h>

/* Layout: the metadata below describes enums as int32_t and sizes and
 * offsets as uint32_t (see signet.h). */
sig4_each(@{sig4_i}@, sig4_schema(@{enum_count}@),
@{_Static_assert(sizeof(sig4_ns@{_}@sig4_enum(sig4_i, @{name}@)) == sizeof(int32_t),
               "sig4_ns@{_}@sig4_enum(sig4_i, @{name}@) must have the size of int32_t");
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{struct_count}@),
@{_Static_assert(sizeof(sig4_ns@{_}@sig4_struct(sig4_i, @{name}@)) <= UINT32_MAX,
               "sig4_ns@{_}@sig4_struct(sig4_i, @{name}@) is too large for signet_struct_info");
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{param_count}@), @{_Static_assert(sizeof(sig4_c_payload_type(sig4_i)) <= UINT32_MAX,
               "sig4_c_payload_type(sig4_i) is too large for signet_struct_info");
}@)}@)m4_dnl

/* clang-format off */
sig4_each(@{sig4_i}@, sig4_schema(@{decl_count}@),
@{m4_ifelse(sig4_decl(sig4_i, @{kind}@), @{enum}@, @{sig4_c_enum(sig4_decl(sig4_i, @{index}@))}@,
            sig4_decl(sig4_i, @{kind}@), @{struct}@, @{sig4_c_struct(sig4_decl(sig4_i, @{index}@))}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{param_count}@), @{
/* The payload of sig4_signal(sig4_i, @{name}@) (sig4_schema(@{source}@):sig4_signal(sig4_i, @{line}@)) */
sig4_c_struct_table(@{signal}@, sig4_i, sig4_signal(sig4_i, @{param_count}@), sig4_c_payload_type(sig4_i))}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_c_invoke(sig4_i)}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{
const signet_signal_info sig4_ns@{_}@signals@{[}@sig4_NS@{_}@SIGNAL_COUNT@{]}@ = {
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{    { "sig4_signal(sig4_i, @{name}@)", sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(sig4_i, @{name}@)), "sig4_signal(sig4_i, @{topic}@)", m4_dnl
sig4_if(sig4_signal(sig4_i, @{param_count}@), @{&sig4_c_info(@{signal}@, sig4_i)_info}@, @{NULL}@), &sig4_ns@{_}@schema,
      sig4_ns@{__}@sig4_signal(sig4_i, @{name}@)_invoke, sig4_signal(sig4_i, @{queue}@), SIGNET_OVERFLOW_@{}@sig4_upper(sig4_signal(sig4_i, @{overflow}@)) },
}@)m4_dnl
};
}@)m4_dnl

const signet_schema_info sig4_ns@{_}@schema = {
    SIGNET_ABI, "sig4_ns", "sig4_schema(@{source}@)", sig4_NS@{_}@SIGNAL_COUNT, m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{sig4_ns@{_}@signals}@, @{NULL}@)
};
/* clang-format on */
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_c_signal(sig4_i)}@)m4_dnl
