m4_divert(-1)
# source.m4: the generated source <base>.signet.c: layout checks, the
# metadata tables (signet_enum_info, signet_struct_info, the invokers, the
# signal table and the schema, with designated initializers) and the
# connect/send/post functions header.m4 declares; those that header.m4 also
# wraps in type-checking macros are defined with their names in parentheses,
# which the macros do not expand. Calls what signet.h declares and the topic
# matcher of <base>.signet.private.h (private.m4).

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
    .name = "sig4_ns@{_}@sig4_enum(@{$1}@, @{name}@)",
    .count = sig4_enum(@{$1}@, @{value_count}@),
    .names = sig4_e@{}@_names,
    .values = sig4_e@{}@_values,
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
@{{
        .name = "sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@)",
        .type = sig4_signet_type(@{$1}@, @{$2}@, @{$3}@),
        .offset = offsetof($4, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@)),
        .size = sizeof(sig4_field_ctype(@{$1}@, @{$2}@, @{$3}@)),
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@), @{0}@, @{}@,
@{        .array_len = sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@),
}@)m4_dnl
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{enum}@,
@{        .enum_info = &sig4_c_info(@{enum}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{ref}@))_info,
}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{struct}@,
@{        .struct_info = &sig4_c_info(@{struct}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{ref}@))_info,
}@)m4_dnl
    }}@)

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
    .name = "$4",
    .size = sizeof($4),
    .align = _Alignof($4),
    .field_count = $3,
    .fields = sig4_c_info(@{$1}@, @{$2}@)_fields,
};
}@)

# sig4_c_invoke(I)
# ----------------
# The invoker of signal I (signet_signal_info.invoke): calls a receiver
# with a payload taken from a queue, through the receiver's own type; and
# the caller of its typed filters (signet_connect_opts.filter_call).
m4_define(@{sig4_c_invoke}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl

sig4_call(static int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_invoke, @{}@, const signet_recv *r, const signet_event *ev, const void *payload)
{
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{    return ((sig4_s@{}@_fn *)r->fn)(r->ctx, ev, (const sig4_s *)payload);
}@, @{    (void)payload;
    return ((sig4_s@{}@_fn *)r->fn)(r->ctx, ev);
}@)m4_dnl
}

sig4_call(static bool sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_filter_call, @{}@, signet_filter_fn *filter, void *ctx, const signet_event *ev,
          const void *payload)
{
    sig4_s@{}@_filter_fn *typed = (sig4_s@{}@_filter_fn *)(signet_fnptr *)filter;

sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{    return typed(ctx, ev, (const sig4_s *)payload);
}@, @{    (void)payload;
    return typed(ctx, ev);
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

sig4_call(int (sig4_s@{}@_connect), @{}@, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx, const void *sender,
          signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, NULL, out)
}

sig4_call(int (sig4_s@{}@_connect_opts), @{}@, signet_bus *bus, sig4_s@{}@_fn *fn, void *ctx,
          const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, opts, out)
}

sig4_call(void (sig4_s@{}@_filter), @{}@, signet_connect_opts *opts, sig4_s@{}@_filter_fn *filter)
{
    if (!opts)
        return;
    opts->filter = (signet_filter_fn *)(signet_fnptr *)filter; /* called back as its own type */
    opts->filter_call = filter ? sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_filter_call : NULL;
}
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
/* The emission loop (see signet.h), shared by the two send functions. */
sig4_call(static inline int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit, @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
sig4_c_emission(@{$1}@, @{msg}@, @{((sig4_s@{}@_fn *)r->fn)(r->ctx, &em.ev, msg)}@)m4_dnl
}
sig4_if(sig4_signal(@{$1}@, @{retain}@), @{
sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    sig4_s msg;

sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{sig4_c_copy(@{$1}@, sig4_j)}@)m4_dnl
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, &msg);
}

sig4_call(int (sig4_s@{}@_send_msg), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, msg);
}
}@, @{
/* The sends once the arguments are checked and the bus's filter says the
 * signal may have something to do: apart from the test, so that it runs
 * before any frame is set up. */
sig4_call(SIGNET__NOINLINE static int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_busy, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    sig4_s msg;

sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{sig4_c_copy(@{$1}@, sig4_j)}@)m4_dnl
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, &msg);
}

sig4_call(SIGNET__NOINLINE static int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_msg_busy, @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_emit(bus, sender, msg);
}

sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    if (bus == NULL)
        return SIGNET_EINVAL;
sig4_call(@{    if (signet__idle}@, @{)}@, bus, sig4_c_busy(@{$1}@))
        return 0;
sig4_call(@{    }@return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_busy, ;, bus, sender@{}@sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{, sig4_field(@{signal}@, @{$1}@, sig4_j, @{name}@)}@))
}

sig4_call(int (sig4_s@{}@_send_msg), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
    if (bus == NULL || msg == NULL)
        return SIGNET_EINVAL;
sig4_call(@{    if (signet__idle}@, @{)}@, bus, sig4_c_busy(@{$1}@))
        return 0;
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_msg_busy(bus, sender, msg);
}
}@)m4_dnl

sig4_call(int sig4_s@{}@_post, @{}@, signet_bus *bus, const void *sender@{}@sig4_params(@{$1}@))
{
    sig4_s msg;

sig4_c_post_guard(@{$1}@, @{&msg}@)m4_dnl
sig4_each(@{sig4_j}@, sig4_signal(@{$1}@, @{param_count}@), @{sig4_c_copy(@{$1}@, sig4_j)}@)m4_dnl
sig4_c_post(@{$1}@, @{&msg}@)m4_dnl
}

sig4_call(int (sig4_s@{}@_post_msg), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg)
{
sig4_c_post_guard(@{$1}@, @{msg}@)m4_dnl
sig4_c_post(@{$1}@, @{msg}@)m4_dnl
}

sig4_call(int (sig4_s@{}@_post_done), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg,
          signet_done_fn *done, void *ctx)
{
sig4_c_post(@{$1}@, @{msg}@, @{done}@)m4_dnl
}
}@, @{sig4_if(sig4_signal(@{$1}@, @{retain}@), @{
sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender)
{
sig4_c_emission(@{$1}@, @{NULL}@, @{((sig4_s@{}@_fn *)r->fn)(r->ctx, &em.ev)}@)m4_dnl
}
}@, @{
/* The send once the bus is checked and its filter says the signal may
 * have something to do: apart from the test, so that it runs before any
 * frame is set up. */
sig4_call(SIGNET__NOINLINE static int sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_busy, @{}@, signet_bus *bus, const void *sender)
{
sig4_c_emission(@{$1}@, @{NULL}@, @{((sig4_s@{}@_fn *)r->fn)(r->ctx, &em.ev)}@)m4_dnl
}

sig4_call(int sig4_s@{}@_send, @{}@, signet_bus *bus, const void *sender)
{
    if (bus == NULL)
        return SIGNET_EINVAL;
sig4_call(@{    if (signet__idle}@, @{)}@, bus, sig4_c_busy(@{$1}@))
        return 0;
    return sig4_ns@{__}@sig4_signal(@{$1}@, @{name}@)_send_busy(bus, sender);
}
}@)m4_dnl

sig4_call(int sig4_s@{}@_post, @{}@, signet_bus *bus, const void *sender)
{
sig4_c_post_guard(@{$1}@, @{NULL}@)m4_dnl
sig4_c_post(@{$1}@, @{NULL}@)m4_dnl
}

sig4_call(int sig4_s@{}@_post_done, @{}@, signet_bus *bus, const void *sender, signet_done_fn *done,
          void *ctx)
{
sig4_c_post(@{$1}@, @{NULL}@, @{done}@)m4_dnl
}
}@)m4_dnl

sig4_c_send_summary(@{$1}@)m4_dnl

sig4_call(bool sig4_s@{}@_has_receivers, @{}@, const signet_bus *bus, const void *sender)
{
sig4_call(@{    if (bus == NULL || signet__idle}@, @{)}@, bus, sig4_c_busy(@{$1}@))
        return false;
    return signet_has_receivers(bus, sig4_info, sender);
}
m4_popdef(@{sig4_info}@)m4_popdef(@{sig4_s}@)}@)

# sig4_c_equal_field(WHO, I, J)
# -----------------------------
# The statement that returns false when field J of `a` and `b` (WHO I)
# differ: strings by content, structs field by field, arrays element by
# element, everything else with ==.
m4_define(@{sig4_c_equal_field}@,
@{m4_pushdef(@{sig4_f}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_at}@, m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@), @{0}@, @{}@, @{@{[}@i@{]}@}@))m4_dnl
m4_pushdef(@{sig4_in}@, m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@), @{0}@, @{@{    }@}@, @{@{        }@}@))m4_dnl
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@), @{0}@, @{}@,
@{    for (size_t i = 0; i < sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@); i++)
}@)m4_dnl
m4_ifelse(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{str}@,
@{sig4_in@{}@if (!sig4_ns@{__}@str_equal(a->sig4_f@{}@sig4_at, b->sig4_f@{}@sig4_at))}@,
sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), @{struct}@,
@{sig4_in@{}@if (!sig4_c_info(@{struct}@, sig4_field(@{$1}@, @{$2}@, @{$3}@, @{ref}@))_equal(&a->sig4_f@{}@sig4_at, &b->sig4_f@{}@sig4_at))}@,
@{sig4_in@{}@if (a->sig4_f@{}@sig4_at != b->sig4_f@{}@sig4_at)}@)
sig4_in@{    }@return false;
m4_popdef(@{sig4_in}@)m4_popdef(@{sig4_at}@)m4_popdef(@{sig4_f}@)}@)

# sig4_c_equal(WHO, I, COUNT, CTYPE)
# ----------------------------------
# The field-wise equality of struct I or of signal I's payload (COUNT
# fields, C type CTYPE): sig4_c_info(WHO, I)_equal.
m4_define(@{sig4_c_equal}@,
@{
sig4_call(static bool sig4_c_info(@{$1}@, @{$2}@)_equal, @{}@, const void *a_, const void *b_)
{
    const $4 *a = ($4 const *)a_, *b = ($4 const *)b_;

sig4_each(@{sig4_j}@, @{$3}@, @{sig4_c_equal_field(@{$1}@, @{$2}@, sig4_j)}@)m4_dnl
    return true;
}
}@)

# sig4_c_equals
# -------------
# The equality functions of the `retain` signals' payloads and of the
# structs they use.
m4_define(@{sig4_c_equals}@,
@{
/* Field-wise payload equality, for `retain` signals (signet_signal_info.equal). */
sig4_if(sig4_schema(@{retain_str}@), @{static bool sig4_ns@{__}@str_equal(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{decl_count}@),
@{m4_ifelse(sig4_decl(sig4_i, @{kind}@), @{struct}@, @{sig4_if(sig4_struct(sig4_decl(sig4_i, @{index}@), @{retained}@),
@{sig4_c_equal(@{struct}@, sig4_decl(sig4_i, @{index}@), sig4_struct(sig4_decl(sig4_i, @{index}@), @{field_count}@), sig4_ns@{_}@sig4_struct(sig4_decl(sig4_i, @{index}@), @{name}@))}@)}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{retain}@), @{sig4_if(sig4_signal(sig4_i, @{param_count}@),
@{sig4_c_equal(@{signal}@, sig4_i, sig4_signal(sig4_i, @{param_count}@), sig4_c_payload_type(sig4_i))}@)}@)}@)m4_dnl
}@)

# sig4_c_wire(WHO, I)
# -------------------
# The signet_wire_info of struct I or of signal I's payload (docs/wire.md):
# the field numbers in field order, the fields on the wire in ascending
# number order, and the wire infos of struct fields.
m4_define(@{sig4_c_wire}@,
@{m4_pushdef(@{sig4_w}@, sig4_c_info(@{$1}@, @{$2}@))m4_dnl
m4_ifelse(@{$1}@, @{signal}@, @{m4_ifelse(sig4_signal(@{$2}@, @{param_count}@), @{0}@, @{
static const signet_wire_info sig4_w@{}@_wire = {.layout = NULL};
}@, @{_$0(@{$1}@, @{$2}@)}@)}@, @{_$0(@{$1}@, @{$2}@)}@)m4_popdef(@{sig4_w}@)}@)
m4_define(@{_sig4_c_wire}@,
@{
static const uint16_t sig4_w@{}@_numbers@{[}@@{]}@ = {sig4_$1(@{$2}@, @{wire_numbers}@)};
sig4_if(sig4_$1(@{$2}@, @{wire_count}@), @{static const uint16_t sig4_w@{}@_order@{[}@@{]}@ = {sig4_$1(@{$2}@, @{wire_order}@)};
}@)m4_dnl
m4_ifelse(sig4_$1(@{$2}@, @{wire_nested}@), @{}@, @{}@, @{static const signet_wire_info *const sig4_w@{}@_nested@{[}@@{]}@ = {
    sig4_$1(@{$2}@, @{wire_nested}@)
};
}@)m4_dnl
static const signet_wire_info sig4_w@{}@_wire = {
    .layout = &sig4_w@{}@_info,
    .count = sig4_$1(@{$2}@, @{wire_count}@),
sig4_if(sig4_$1(@{$2}@, @{wire_count}@), @{    .order = sig4_w@{}@_order,
}@)m4_dnl
    .numbers = sig4_w@{}@_numbers,
m4_ifelse(sig4_$1(@{$2}@, @{wire_nested}@), @{}@, @{}@, @{    .nested = sig4_w@{}@_nested,
}@)m4_dnl
};
}@)

# sig4_c_codec(I)
# ---------------
# Signal I's wire encoder and decoder (export and import signals).
m4_define(@{sig4_c_codec}@,
@{m4_pushdef(@{sig4_s}@, sig4_ns@{_}@sig4_signal(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_w}@, @{&}@sig4_c_info(@{signal}@, @{$1}@)@{_wire}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{
sig4_call(int sig4_s@{}@_encode, @{}@, const sig4_s *msg, uint8_t *buf, size_t size, size_t *len)
{
    return signet_wire_encode(sig4_w, msg, buf, size, len);
}

sig4_call(int sig4_s@{}@_decode, @{}@, const uint8_t *buf, size_t len, sig4_s *out, char *strings,
          size_t strings_size)
{
    return signet_wire_decode(sig4_w, buf, len, out, strings, strings_size);
}
}@, @{
int sig4_s@{}@_encode(uint8_t *buf, size_t size, size_t *len)
{
    return signet_wire_encode(sig4_w, NULL, buf, size, len);
}

int sig4_s@{}@_decode(const uint8_t *buf, size_t len)
{
    return signet_wire_decode(sig4_w, buf, len, NULL, NULL, 0);
}
}@)m4_popdef(@{sig4_w}@)m4_popdef(@{sig4_s}@)}@)

# sig4_c_signal_info(I)
# ---------------------
# Signal I's entry in the signal table; members that would be 0 or NULL
# are left out.
m4_define(@{sig4_c_signal_info}@,
@{m4_pushdef(@{sig4_n}@, sig4_signal(@{$1}@, @{name}@))m4_dnl
    @{[}@sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_n)@{]}@ = {
        .name = "sig4_n",
        .id = sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_n),
        .topic = "sig4_signal(@{$1}@, @{topic}@)",
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{        .payload = &sig4_c_info(@{signal}@, @{$1}@)_info,
}@)m4_dnl
        .schema = &sig4_ns@{_}@schema,
        .invoke = sig4_ns@{__}@sig4_n@{}@_invoke,
sig4_if(sig4_signal(@{$1}@, @{queue}@), @{        .queue_len = sig4_signal(@{$1}@, @{queue}@),
}@)m4_dnl
m4_ifelse(sig4_signal(@{$1}@, @{overflow}@), @{default}@, @{}@, @{        .overflow = SIGNET_OVERFLOW_@{}@sig4_upper(sig4_signal(@{$1}@, @{overflow}@)),
}@)m4_dnl
m4_ifelse(sig4_signal(@{$1}@, @{flags}@), @{0}@, @{}@, @{        .flags = sig4_signal(@{$1}@, @{flags}@),
}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{link_count}@), @{        .links = sig4_ns@{__}@links + sig4_signal(@{$1}@, @{link_off}@),
        .nlinks = sig4_signal(@{$1}@, @{link_count}@),
}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{retain}@), @{sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{        .equal = sig4_c_info(@{signal}@, @{$1}@)_equal,
}@)}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{wire}@), @{        .wire = &sig4_c_info(@{signal}@, @{$1}@)_wire,
}@)m4_dnl
    },
m4_popdef(@{sig4_n}@)}@)

# sig4_c_pattern_info(I)
# ----------------------
# Pattern I's entry in the pattern table: a typed pattern invokes its
# subscribers as the signal it is typed as, a generic one as signet_fn.
m4_define(@{sig4_c_pattern_info}@,
@{m4_pushdef(@{sig4_t}@, sig4_pattern(@{$1}@, @{typed_as}@))m4_dnl
    @{[}@sig4_NS@{__}@PATTERN_@{}@sig4_upper(sig4_pattern(@{$1}@, @{name}@))@{]}@ = {
        .name = "sig4_pattern(@{$1}@, @{name}@)",
        .id = sig4_NS@{_}@SIGNAL_COUNT + sig4_NS@{__}@PATTERN_@{}@sig4_upper(sig4_pattern(@{$1}@, @{name}@)),
        .topic = "sig4_pattern(@{$1}@, @{topic}@)",
m4_ifelse(sig4_t, @{-1}@, @{        .schema = &sig4_ns@{_}@schema,
        .invoke = signet_invoke_generic,
}@, @{sig4_if(sig4_signal(sig4_t, @{param_count}@), @{        .payload = &sig4_c_info(@{signal}@, sig4_t)_info,
}@)m4_dnl
        .schema = &sig4_ns@{_}@schema,
        .invoke = sig4_ns@{__}@sig4_signal(sig4_t, @{name}@)_invoke,
}@)m4_dnl
        .flags = SIGNET_SIGNAL_PATTERN,
sig4_if(sig4_pattern(@{$1}@, @{signal_count}@), @{        .links = sig4_ns@{__}@links + sig4_pattern(@{$1}@, @{link_off}@),
        .nlinks = sig4_pattern(@{$1}@, @{signal_count}@),
}@)m4_dnl
    },
m4_popdef(@{sig4_t}@)}@)

# sig4_c_links(I)
# ---------------
# The pattern ids that can match signal I, as `pointer, count` arguments.
m4_define(@{sig4_c_links}@,
@{sig4_ns@{__}@links + sig4_signal(@{$1}@, @{link_off}@), sig4_signal(@{$1}@, @{link_count}@)}@)

# sig4_c_busy(I)
# --------------
# The word and the bit of signal I in the bus's filter (signet.h's
# signet__bus_head), as `word, bit` arguments.
m4_define(@{sig4_c_busy}@,
@{SIGNET__BUSY_WORD(sig4_NS@{__}@HASH, sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@))), SIGNET__BUSY_BIT(sig4_NS@{__}@HASH)}@)

# sig4_c_word(I)
# --------------
# The word of signal I in the bus's filter.
m4_define(@{sig4_c_word}@,
@{SIGNET__BUSY_WORD(sig4_NS@{__}@HASH, sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@)))}@)

# sig4_c_emission(I, PAYLOAD, CALL)
# ---------------------------------
# The body of signal I's emission: begin with PAYLOAD, CALL each claimed
# receiver (leaving on SIGNET_STOP), then the pattern subscribers, then end.
# A signal that is not `retain` begins with signet__emit_start(), which
# runs the common state without a call (its send functions have tested the
# bus's filter first), and walks the first run of receivers, the runtime
# the others (signet__emit_start() says when); a `retain` one always keeps
# its value, through signet_emit_begin(), and walks every run with
# signet_emit_next(). sig4_info is the signal's signet_signal_info.
m4_define(@{sig4_c_emission}@,
@{    signet_emission em;
sig4_if(sig4_signal(@{$1}@, @{retain}@), @{    int ran = 0;
sig4_call(@{    }@int rc = signet_emit_begin, ;, &em, bus, sig4_info, sender, $2)

    if (rc < 0)
        return rc;
    for (const signet_recv *r = em.begin, *end = em.end;
         r != end || signet_emit_next(&em, &r, &end); r++) {
}@, @{    const signet_recv *r, *end;
    int ran = 0;

sig4_call(@{    }@signet__emit_start, ;, &em, bus, sig4_info, sig4_c_word(@{$1}@), sender, $2, &r, &end)
    for (; r != end; r++) {
}@)m4_dnl
        if (!signet_emit_claim(&em, r))
            continue;
        ran++;
        if (signet_emit_stop(&em, $3))
            break;
    }
sig4_c_patterns(@{$1}@)m4_dnl
sig4_if(sig4_signal(@{$1}@, @{retain}@), @{    return signet_emit_end(&em, ran);
}@, @{    return signet__emit_finish(&em, ran);
}@)m4_dnl
}@)

# sig4_c_send_summary(I)
# ----------------------
# Signal I's _send_summary() and _call(): the emission of the send
# functions, its receivers run by signet_emit_run(), which records what
# each returned; _call() begins and ends it with signet_call_begin() and
# signet_call_end(), which waits for the queued receivers.
m4_define(@{sig4_c_send_summary}@,
@{m4_pushdef(@{sig4_m}@, sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{msg}@, @{NULL}@))m4_dnl
sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{m4_dnl
sig4_call(int (sig4_s@{}@_send_summary), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg,
          signet_summary *out)
}@, @{m4_dnl
sig4_call(int sig4_s@{}@_send_summary, @{}@, signet_bus *bus, const void *sender, signet_summary *out)
}@)m4_dnl
{
    signet_emission em;

    if (out == NULL)
        return SIGNET_EINVAL;
sig4_call(@{    }@int rc = signet_emit_begin, ;, &em, bus, sig4_info, sender, sig4_m)
    if (rc < 0)
        return rc;
    signet_emit_summarize(&em, out);
sig4_c_run_summarized(@{$1}@, @{signet_emit_end(&em, ran)}@)m4_dnl
}

sig4_if(sig4_signal(@{$1}@, @{param_count}@), @{m4_dnl
sig4_call(int (sig4_s@{}@_call), @{}@, signet_bus *bus, const void *sender, const sig4_s *msg,
          uint32_t timeout_ms, signet_summary *out)
}@, @{m4_dnl
sig4_call(int sig4_s@{}@_call, @{}@, signet_bus *bus, const void *sender, uint32_t timeout_ms,
          signet_summary *out)
}@)m4_dnl
{
    signet_emission em;
sig4_call(@{    }@int rc = signet_call_begin, ;, &em, bus, sig4_info, sender, sig4_m, out)

    if (rc < 0)
        return rc;
sig4_c_run_summarized(@{$1}@, @{signet_call_end(&em, ran, timeout_ms)}@)m4_dnl
}
m4_popdef(@{sig4_m}@)}@)

# sig4_c_run_summarized(I, END)
# -----------------------------
# The rest of a summarized emission of signal I: its receivers, its
# pattern subscribers, then `return END;`.
m4_define(@{sig4_c_run_summarized}@,
@{    int ran = signet_emit_run(&em);
sig4_c_patterns(@{$1}@)m4_dnl
    return $2;
}@)

# sig4_c_patterns(I)
# ------------------
# After the receivers of signal I, when a schema pattern can match it: the
# subscribers of the patterns matching its topic, known at build time
# without captures, matched otherwise (signet_emit_patterns then runs the
# run-time patterns too; for other signals signet_emit_end does).
m4_define(@{sig4_c_patterns}@,
@{sig4_if(sig4_signal(@{$1}@, @{link_count}@), @{    if (signet_emit_has_patterns(&em))
sig4_if(sig4_signal(@{$1}@, @{capture_count}@),
@{        ran += sig4_ns@{__}@emit_matched(&em, sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@)));
}@, @{        ran += signet_emit_patterns(&em, sig4_c_links(@{$1}@));
}@)}@)}@)

# sig4_c_plain_post(I, YES, NO)
# -----------------------------
# YES when signal I's plain posts go through signet__post_plain() (no
# schema pattern can match it and it is not `retain`), else NO.
m4_define(@{sig4_c_plain_post}@,
@{sig4_if(sig4_signal(@{$1}@, @{link_count}@), @{$3}@,
@{sig4_if(sig4_signal(@{$1}@, @{retain}@), @{$3}@, @{$2}@)}@)}@)

# sig4_c_post_guard(I, MSG)
# -------------------------
# What a plain post of signal I (MSG the payload pointer) checks before it
# copies anything, when it goes through signet__post_plain(): the
# arguments, then the bus's filter, as a send does.
m4_define(@{sig4_c_post_guard}@,
@{sig4_c_plain_post(@{$1}@, @{m4_ifelse(@{$2}@, @{msg}@, @{    if (bus == NULL || msg == NULL)}@,
@{    if (bus == NULL)}@)
        return SIGNET_EINVAL;
sig4_call(@{    if (signet__idle}@, @{)}@, bus, sig4_c_busy(@{$1}@))
        return 0;
}@)}@)

# sig4_c_post(I, MSG, [DONE])
# ---------------------------
# The body of signal I's post functions, MSG the payload pointer, after
# sig4_c_post_guard(); with DONE, of its _post_done(), whose done and ctx
# go to signet_post_done().
m4_define(@{sig4_c_post}@,
@{sig4_if(sig4_signal(@{$1}@, @{link_count}@), @{sig4_if(sig4_signal(@{$1}@, @{capture_count}@),
@{sig4_call(@{    }@return sig4_ns@{__}@post_matched, ;, bus, sender, $2, sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(@{$1}@, @{name}@)),
          m4_ifelse(@{$3}@, @{}@, @{NULL, NULL}@, @{done, ctx}@))
}@, @{m4_ifelse(@{$3}@, @{}@, @{sig4_call(@{    }@return signet_post_patterns, ;, bus, sig4_info, sender, $2, sig4_c_links(@{$1}@))}@,
@{sig4_call(@{    }@return signet_post_done, ;, bus, sig4_info, sender, $2, sig4_c_links(@{$1}@), done, ctx)}@)
}@)}@, @{m4_ifelse(@{$3}@, @{}@, @{sig4_c_plain_post(@{$1}@,
@{sig4_call(@{    }@return signet__post_plain, ;, bus, sig4_info, sig4_c_word(@{$1}@), sender, $2,
          m4_ifelse(@{$2}@, @{NULL}@, @{0}@, @{$2}@, @{msg}@, @{sizeof *msg}@, @{sizeof msg}@))}@,
@{sig4_call(@{    }@return signet_post, ;, bus, sig4_info, sender, $2)}@)}@,
@{sig4_call(@{    }@return signet_post_done, ;, bus, sig4_info, sender, $2, NULL, 0, done, ctx)}@)
}@)}@)

# sig4_c_pattern_type(I)
# ----------------------
# The receiver type of pattern I's subscribers.
m4_define(@{sig4_c_pattern_type}@,
@{m4_ifelse(sig4_pattern(@{$1}@, @{typed_as}@), @{-1}@, @{signet_fn}@,
@{sig4_ns@{_}@sig4_signal(sig4_pattern(@{$1}@, @{typed_as}@), @{name}@)_fn}@)}@)

# sig4_c_pattern(I)
# -----------------
# The subscribe functions of pattern I.
m4_define(@{sig4_c_pattern}@,
@{m4_pushdef(@{sig4_p}@, sig4_ns@{_}@sig4_pattern(@{$1}@, @{name}@))m4_dnl
m4_pushdef(@{sig4_info}@, @{&}@sig4_ns@{__}@pattern_infos@{[}@sig4_NS@{__}@PATTERN_@{}@sig4_upper(sig4_pattern(@{$1}@, @{name}@))@{]}@)m4_dnl

/* pattern sig4_pattern(@{$1}@, @{name}@) (sig4_schema(@{source}@):sig4_pattern(@{$1}@, @{line}@)) */

sig4_call(int (sig4_p@{}@_subscribe), @{}@, signet_bus *bus, sig4_c_pattern_type(@{$1}@) *fn, void *ctx,
          const void *sender, signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, NULL, out)
}

sig4_call(int (sig4_p@{}@_subscribe_opts), @{}@, signet_bus *bus, sig4_c_pattern_type(@{$1}@) *fn,
          void *ctx, const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
sig4_call(@{    }@return signet_connect, ;, bus, sig4_info, (signet_fnptr *)fn, ctx, sender, opts, out)
}
m4_popdef(@{sig4_info}@)m4_popdef(@{sig4_p}@)}@)

# sig4_c_publish
# --------------
# sig4_ns_resolve(), sig4_ns_publish() and sig4_ns_publish_post(): a topic
# string to its signal's id, or to the signal with its captures filled from
# the topic's levels, sent or posted with the signal's functions; one
# helper, sig4_ns__resolved(), maps the matcher's refusals to error codes. The capture loop holds a branch only for each kind of
# capture (u32, str) that some signal has: a branch the schema cannot take
# would still be compiled, and gcc's -Wstringop-overflow sees a str pointer
# stored into a payload union smaller than one.
m4_define(@{sig4_c_publish}@,
@{
/* Any payload of the schema, for sig4_ns@{_}@publish(). */
union sig4_ns@{__}@any_payload {
    char none;
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_if(sig4_signal(sig4_i, @{param_count}@),
@{    sig4_c_payload_type(sig4_i) s_@{}@sig4_signal(sig4_i, @{name}@);
}@)}@)m4_dnl
};

/* The signal id sig4_ns@{__}@match() returned, or the SIGNET_E* code of
 * the topic it refused: what sig4_ns@{_}@resolve() returns. */
static int sig4_ns@{__}@resolved(int signal)
{
    switch (signal) {
    case sig4_NS@{__}@TOPIC_UNKNOWN:
        return SIGNET_ENOTOPIC;
    case sig4_NS@{__}@TOPIC_EMPTY:
    case sig4_NS@{__}@TOPIC_WILDCARD:
        return SIGNET_EBADTOPIC;
    case sig4_NS@{__}@TOPIC_TOO_LONG:
    case sig4_NS@{__}@TOPIC_TOO_DEEP:
        return SIGNET_ETOPICLEN;
    case sig4_NS@{__}@TOPIC_NUL:
        return SIGNET_ENUL;
    default:
        return signal;
    }
}

sig4_call(int sig4_ns@{_}@resolve, @{}@, const char *topic, size_t len)
{
    sig4_ns@{__}@match_result res;

    if (!topic)
        return SIGNET_EINVAL;
    return sig4_ns@{__}@resolved(sig4_ns@{__}@match(topic, len, &res));
}

sig4_call(static int sig4_ns@{__}@publish, @{}@, signet_bus *bus, const void *sender, const char *topic, size_t len,
          const signet_struct_info *type, const void *payload, bool post)
{
    sig4_ns@{__}@match_result res;
    union sig4_ns@{__}@any_payload msg;
sig4_if(sig4_matcher(@{capture_str_count}@), @{    char text@{[}@sig4_NS@{__}@TOPIC_MAX_BYTES + sig4_NS@{__}@CAPTURE_MAX@{]}@; /* the captured str levels */
    char *at = text;
}@)m4_dnl
    int signal;

    if (!bus)
        return SIGNET_EINVAL;
    signal = sig4_ns@{__}@resolved(sig4_ns@{__}@match(topic ? topic : "", topic ? len : 0, &res));
    if (signal < 0)
        return signal;
    const signet_signal_info *sig = &sig4_ns@{_}@signals@{[}@signal@{]}@;
    if (type != sig->payload)
        return SIGNET_ETYPE;
    if (type && !payload)
        return SIGNET_EINVAL;
    if (type)
        memcpy(&msg, payload, type->size);
sig4_if(sig4_matcher(@{capture_count}@), @{    for (uint32_t i = 0; i < res.ncaptures; i++) {
        const sig4_ns@{__}@capture *c = &res.captures@{[}@i@{]}@;
        const signet_field_info *f = &type->fields@{[}@c->param@{]}@;
        char *field = (char *)&msg + f->offset;
sig4_if(sig4_matcher(@{capture_u32_count}@) && sig4_matcher(@{capture_str_count}@),
@{        if (f->type == SIGNET_TYPE_U32) {
            memcpy(field, &c->u32, sizeof c->u32);
        } else {
            const char *str = at;
            memcpy(at, c->text, c->len);
            at@{[}@c->len@{]}@ = '\0';
            at += c->len + 1;
            memcpy(field, &str, sizeof str);
        }
}@, @{sig4_if(sig4_matcher(@{capture_u32_count}@),
@{        memcpy(field, &c->u32, sizeof c->u32);
}@, @{        const char *str = at;
        memcpy(at, c->text, c->len);
        at@{[}@c->len@{]}@ = '\0';
        at += c->len + 1;
        memcpy(field, &str, sizeof str);
}@)}@)m4_dnl
    }
}@)m4_dnl
    switch (signal) {
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{    case sig4_NS@{_}@SIGNAL_@{}@sig4_upper(sig4_signal(sig4_i, @{name}@)):
sig4_if(sig4_signal(sig4_i, @{param_count}@), @{        return post ? sig4_ns@{_}@sig4_signal(sig4_i, @{name}@)_post_msg(bus, sender, &msg.s_@{}@sig4_signal(sig4_i, @{name}@))
                    : sig4_ns@{_}@sig4_signal(sig4_i, @{name}@)_send_msg(bus, sender, &msg.s_@{}@sig4_signal(sig4_i, @{name}@));
}@, @{        return post ? sig4_ns@{_}@sig4_signal(sig4_i, @{name}@)_post(bus, sender) : sig4_ns@{_}@sig4_signal(sig4_i, @{name}@)_send(bus, sender);
}@)}@)m4_dnl
    default:
        return SIGNET_ENOTOPIC;
    }
}

sig4_call(int sig4_ns@{_}@publish, @{}@, signet_bus *bus, const void *sender, const char *topic, size_t len,
          const signet_struct_info *type, const void *payload)
{
    return sig4_ns@{__}@publish(bus, sender, topic, len, type, payload, false);
}

sig4_call(int sig4_ns@{_}@publish_post, @{}@, signet_bus *bus, const void *sender, const char *topic, size_t len,
          const signet_struct_info *type, const void *payload)
{
    return sig4_ns@{__}@publish(bus, sender, topic, len, type, payload, true);
}
}@)

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
/* What sig4_schema(base).signet.h declares: the schema's metadata tables
 * (signet.h's signet_*_info) and the functions of its signals and
 * patterns, built on the runtime's signet_connect(), signet_emit_*() and
 * signet_post*() and on the topic matcher of sig4_schema(base).signet.private.h. */
#include "sig4_schema(base).signet.private.h"

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

/* The schema's place in a bus's filter of busy signals (signet.h's
 * signet__schema_hash() of its namespace). */
#define sig4_NS@{__}@HASH sig4_schema(@{hash}@)u

/* clang-format off */
sig4_if(sig4_matcher(@{link_count}@), @{
/* Links (signet_signal_info.links): per signal the patterns that can match
 * it, then per pattern the signals it can match. */
static const uint32_t sig4_ns@{__}@links@{[}@@{]}@ = {
sig4_matcher(@{links}@)
};
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{decl_count}@),
@{m4_ifelse(sig4_decl(sig4_i, @{kind}@), @{enum}@, @{sig4_c_enum(sig4_decl(sig4_i, @{index}@))}@,
            sig4_decl(sig4_i, @{kind}@), @{struct}@, @{sig4_c_struct(sig4_decl(sig4_i, @{index}@))}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{param_count}@), @{
/* The payload of sig4_signal(sig4_i, @{name}@) (sig4_schema(@{source}@):sig4_signal(sig4_i, @{line}@)) */
sig4_c_struct_table(@{signal}@, sig4_i, sig4_signal(sig4_i, @{param_count}@), sig4_c_payload_type(sig4_i))}@)}@)m4_dnl
sig4_if(sig4_schema(@{wire_count}@), @{
/* Wire formats (signet_wire_info, docs/wire.md) of the export and import
 * signals' payloads and of the structs in them. */
sig4_each(@{sig4_i}@, sig4_schema(@{struct_count}@),
@{sig4_if(sig4_struct(sig4_i, @{wire}@), @{sig4_c_wire(@{struct}@, sig4_i)}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{wire}@), @{sig4_c_wire(@{signal}@, sig4_i)}@)}@)m4_dnl
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_c_invoke(sig4_i)}@)m4_dnl
sig4_if(sig4_schema(@{retain_count}@), @{sig4_c_equals()}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{
const signet_signal_info sig4_ns@{_}@signals@{[}@sig4_NS@{_}@SIGNAL_COUNT@{]}@ = {
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_c_signal_info(sig4_i)}@)m4_dnl
};
}@)m4_dnl
sig4_if(sig4_schema(@{pattern_count}@), @{
/* The patterns, described like signals: a subscription is a connection. */
static const signet_signal_info sig4_ns@{__}@pattern_infos@{[}@sig4_NS@{__}@NPATTERNS@{]}@ = {
sig4_each(@{sig4_i}@, sig4_schema(@{pattern_count}@), @{sig4_c_pattern_info(sig4_i)}@)m4_dnl
};
}@)m4_dnl

const signet_schema_info sig4_ns@{_}@schema = {
    .abi = SIGNET_ABI,
    .ns = "sig4_ns",
    .source = "sig4_schema(@{source}@)",
    .signal_count = sig4_NS@{_}@SIGNAL_COUNT,
sig4_if(sig4_schema(@{signal_count}@), @{    .signals = sig4_ns@{_}@signals,
}@)m4_dnl
    .pattern_count = sig4_NS@{__}@NPATTERNS,
sig4_if(sig4_schema(@{pattern_count}@), @{    .patterns = sig4_ns@{__}@pattern_infos,
}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{    .resolve = sig4_ns@{_}@resolve,
    .publish_post = sig4_ns@{_}@publish_post,
    .publish = sig4_ns@{_}@publish,
}@)m4_dnl
};
/* clang-format on */
sig4_if(sig4_matcher(@{matched_signal_count}@), @{
/* Signals with captures: the subscribers of the patterns matching the
 * concrete topic. A captured str that is not one level (it holds '/', '+'
 * or '#', or makes the topic too long) reaches no pattern. */
static int sig4_ns@{__}@emit_matched(signet_emission *em, int signal)
{
    char topic@{[}@sig4_NS@{__}@TOPIC_MAX_BYTES + 1@{]}@;
    sig4_ns@{__}@match_result res;
    const char *t = signet_event_topic(&em->ev, topic, sizeof topic);

    if (!t || sig4_ns@{__}@match(t, strlen(t), &res) != signal)
        return signet_emit_patterns(em, NULL, 0);
    return signet_emit_patterns(em, res.patterns, res.npatterns);
}

/* A post of a signal with captures; with done (not NULL), its completion. */
static int sig4_ns@{__}@post_matched(signet_bus *bus, const void *sender, const void *msg, int signal,
                                  signet_done_fn *done, void *ctx)
{
    const signet_signal_info *sig = &sig4_ns@{_}@signals@{[}@signal@{]}@;
    char topic@{[}@sig4_NS@{__}@TOPIC_MAX_BYTES + 1@{]}@;
    sig4_ns@{__}@match_result res;
    const char *t;

    if (!signet_has_pattern_subscribers(bus, sig) ||
        !(t = signet_topic(sig, msg, topic, sizeof topic)) ||
        sig4_ns@{__}@match(t, strlen(t), &res) != signal)
        return done ? signet_post_done(bus, sig, sender, msg, NULL, 0, done, ctx)
                    : signet_post(bus, sig, sender, msg);
    return signet_post_done(bus, sig, sender, msg, res.patterns, res.npatterns, done, ctx);
}
}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@), @{sig4_c_signal(sig4_i)}@)m4_dnl
sig4_if(sig4_schema(@{wire_count}@), @{
/* Wire encoders and decoders: signet_wire_encode() and signet_wire_decode()
 * with each signal's wire format. */
sig4_each(@{sig4_i}@, sig4_schema(@{signal_count}@),
@{sig4_if(sig4_signal(sig4_i, @{wire}@), @{sig4_c_codec(sig4_i)}@)}@)}@)m4_dnl
sig4_each(@{sig4_i}@, sig4_schema(@{pattern_count}@), @{sig4_c_pattern(sig4_i)}@)m4_dnl
sig4_if(sig4_schema(@{signal_count}@), @{sig4_c_publish()}@)m4_dnl
