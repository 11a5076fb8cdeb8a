m4_divert(-1)
# lib.m4: macros shared by signet's templates.
#
# signetc runs `m4 -P lib.m4 - TEMPLATE.m4` with the schema's facts on
# standard input (see README.md for every fact). m4 -P names the builtins
# m4_*, so C's index( and len( survive; our own macros are sig4_*. Quotes
# are @{ and }@, which never occur in C; signetc escapes '@' in every string
# it hands over. Comments (#) stay on while this file and the facts are read
# and each template turns them off (m4_changecom()) before its C text, so
# #include and #define are plain text there. This file leaves output
# diverted away (m4_divert(-1)); a template turns it on for its C text.

m4_changequote(@{,}@)

# sig4_fatal(MESSAGE)
# -------------------
# Print "signetc: TEMPLATE:LINE: MESSAGE" on stderr and exit 1.
m4_define(@{sig4_fatal}@,
@{m4_errprint(@{signetc: }@m4_patsubst(m4___file__, @{^.*/}@)@{:}@m4___line__@{: $1
}@)m4_m4exit(@{1}@)}@)

# sig4_fact(KEY)
# --------------
# The value of the fact KEY, exactly as signetc wrote it (not rescanned for
# macros or $ references). A fatal error when signetc did not define KEY.
m4_define(@{sig4_fact}@,
@{m4_ifdef(@{$1}@, @{m4_defn(@{$1}@)}@, @{sig4_fatal(@{undefined fact $1}@)}@)}@)

# Accessors, one per family of facts (README.md lists the FIELDs).
#
# sig4_schema(FIELD)                 the schema as a whole
# sig4_decl(I, FIELD)                declaration I in source order
# sig4_enum(I, FIELD)                enum I
# sig4_enum_value(I, J, FIELD)       value J of enum I
# sig4_struct(I, FIELD)              struct I
# sig4_signal(I, FIELD)              signal I (its id)
# sig4_pattern(I, FIELD)             pattern I
# sig4_field(WHO, I, J, FIELD)       field J of `struct I` or parameter J of `signal I`
# sig4_level(WHO, I, K, FIELD)       topic level K of `signal I` or `pattern I`
# sig4_matcher(FIELD)                the topic matcher (scalars and tables)
# sig4_atom(I, FIELD)                literal atom I of the matcher's lexer
m4_define(@{sig4_schema}@, @{sig4_fact(@{sig4_schema($1)}@)}@)
m4_define(@{sig4_decl}@, @{sig4_fact(@{sig4_decl($1, $2)}@)}@)
m4_define(@{sig4_enum}@, @{sig4_fact(@{sig4_enum($1, $2)}@)}@)
m4_define(@{sig4_enum_value}@, @{sig4_fact(@{sig4_enum_value($1, $2, $3)}@)}@)
m4_define(@{sig4_struct}@, @{sig4_fact(@{sig4_struct($1, $2)}@)}@)
m4_define(@{sig4_signal}@, @{sig4_fact(@{sig4_signal($1, $2)}@)}@)
m4_define(@{sig4_pattern}@, @{sig4_fact(@{sig4_pattern($1, $2)}@)}@)
m4_define(@{sig4_field}@, @{sig4_fact(@{sig4_field($1, $2, $3, $4)}@)}@)
m4_define(@{sig4_level}@, @{sig4_fact(@{sig4_level($1, $2, $3, $4)}@)}@)
m4_define(@{sig4_matcher}@, @{sig4_fact(@{sig4_matcher($1)}@)}@)
m4_define(@{sig4_atom}@, @{sig4_fact(@{sig4_atom($1, $2)}@)}@)

# sig4_for(VAR, FROM, TO, TEXT)
# -----------------------------
# TEXT once for each VAR = FROM, FROM+1, ..., TO; nothing when TO < FROM.
# VAR is a macro inside TEXT (quote TEXT).
m4_define(@{sig4_for}@,
@{m4_ifelse(m4_eval(@{($2) <= ($3)}@), @{1}@,
@{m4_pushdef(@{$1}@)_$0(@{$1}@, m4_eval(@{$2}@), m4_eval(@{$3}@), @{$4}@)m4_popdef(@{$1}@)}@)}@)
m4_define(@{_sig4_for}@,
@{m4_define(@{$1}@, @{$2}@)$4@{}@m4_ifelse(@{$2}@, @{$3}@, @{}@,
@{$0(@{$1}@, m4_incr(@{$2}@), @{$3}@, @{$4}@)}@)}@)

# sig4_each(VAR, COUNT, TEXT)
# ---------------------------
# TEXT for VAR = 0 .. COUNT-1.
m4_define(@{sig4_each}@, @{sig4_for(@{$1}@, @{0}@, m4_eval(@{$2 - 1}@), @{$3}@)}@)

# sig4_if(COND, THEN, [ELSE])
# ---------------------------
# THEN when the number COND is not 0, else ELSE.
m4_define(@{sig4_if}@, @{m4_ifelse(m4_eval(@{$1}@), @{0}@, @{$3}@, @{$2}@)}@)

# sig4_upper(TEXT)
# ----------------
# TEXT in upper case (identifiers only).
m4_define(@{sig4_upper}@, @{m4_translit(@{$1}@, @{a-z}@, @{A-Z}@)}@)

# sig4_spaces(N)
# --------------
# N spaces.
m4_define(@{sig4_spaces}@, @{m4_format(@{%*s}@, @{$1}@, @{}@)}@)

# sig4_ns, sig4_NS
# ----------------
# The namespace, the C prefix of every generated name, as is and in upper case.
m4_define(@{sig4_ns}@, @{sig4_schema(@{ns}@)}@)
m4_define(@{sig4_NS}@, @{sig4_upper(sig4_schema(@{ns}@))}@)

# sig4_ctype(KIND, TYPE)
# ----------------------
# The C type of a field of kind KIND and schema type TYPE (sig4_field's
# kind and type).
m4_define(@{sig4_ctype}@,
@{m4_ifelse(@{$1}@, @{enum}@, @{sig4_ns@{_}@$2}@,
            @{$1}@, @{struct}@, @{sig4_ns@{_}@$2}@,
            @{m4_ifdef(@{sig4_ctype_$1}@, @{m4_indir(@{sig4_ctype_$1}@)}@,
                       @{sig4_fatal(@{unknown type kind $1}@)}@)}@)}@)
m4_define(@{sig4_ctype_bool}@, @{bool}@)
m4_define(@{sig4_ctype_i8}@, @{int8_t}@)
m4_define(@{sig4_ctype_i16}@, @{int16_t}@)
m4_define(@{sig4_ctype_i32}@, @{int32_t}@)
m4_define(@{sig4_ctype_i64}@, @{int64_t}@)
m4_define(@{sig4_ctype_u8}@, @{uint8_t}@)
m4_define(@{sig4_ctype_u16}@, @{uint16_t}@)
m4_define(@{sig4_ctype_u32}@, @{uint32_t}@)
m4_define(@{sig4_ctype_u64}@, @{uint64_t}@)
m4_define(@{sig4_ctype_f32}@, @{float}@)
m4_define(@{sig4_ctype_f64}@, @{double}@)
m4_define(@{sig4_ctype_str}@, @{const char *}@)

# sig4_field_ctype(WHO, I, J)
# ---------------------------
# The C type of one element of field J of WHO I.
m4_define(@{sig4_field_ctype}@,
@{sig4_ctype(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@), sig4_field(@{$1}@, @{$2}@, @{$3}@, @{type}@))}@)

# sig4_field_decl(WHO, I, J, [PREFIX])
# ------------------------------------
# The C declaration of field J of WHO I, its name prefixed with PREFIX:
# "uint32_t sensor", "const char *unit", "uint8_t raw[4]".
m4_define(@{sig4_field_decl}@,
@{_$0(sig4_field_ctype(@{$1}@, @{$2}@, @{$3}@), @{$4}@sig4_field(@{$1}@, @{$2}@, @{$3}@, @{name}@),
      sig4_field(@{$1}@, @{$2}@, @{$3}@, @{array_len}@))}@)
m4_define(@{_sig4_field_decl}@,
@{$1@{}@m4_ifelse(m4_substr(@{$1}@, m4_decr(m4_len(@{$1}@))), @{*}@, @{}@, @{ }@)$2@{}@m4_ifelse(@{$3}@, @{0}@, @{}@, @{[$3]}@)}@)

# sig4_signet_type(WHO, I, J)
# ---------------------------
# The signet_type constant of field J of WHO I: SIGNET_TYPE_U32, ...
m4_define(@{sig4_signet_type}@,
@{SIGNET_TYPE_@{}@sig4_upper(sig4_field(@{$1}@, @{$2}@, @{$3}@, @{kind}@))}@)

# sig4_call(HEAD, TAIL, ARG...)
# -----------------------------
# HEAD(ARG, ARG, ...)TAIL as C: a prototype, a definition's first line or a
# call. The ARGs stay on HEAD's line while they fit in 100 columns;
# otherwise the list breaks before the ARG that does not fit and goes on
# aligned under the first ARG.
m4_define(@{sig4_call}@,
@{$1(_$0(m4_len(@{$1(}@), m4_len(@{$1(}@), @{$2}@, m4_shift(m4_shift($@))))$2}@)
# _sig4_call(INDENT, COLUMN, TAIL, ARG, [NEXT...])
m4_define(@{_sig4_call}@,
@{$4@{}@m4_ifelse(@{$#}@, @{4}@, @{}@,
@{m4_ifelse(m4_eval(@{$2 + }@m4_len(@{$4}@)@{ + 2 + }@m4_len(@{$5}@)@{ + }@m4_ifelse(@{$#}@, @{5}@, m4_len(@{$3}@), @{1}@)@{ > 100}@), @{1}@,
@{@{,
}@sig4_spaces(@{$1}@)$0(@{$1}@, @{$1}@, @{$3}@, m4_shift(m4_shift(m4_shift(m4_shift($@)))))}@,
@{@{, }@$0(@{$1}@, m4_eval(@{$2 + 2 + }@m4_len(@{$4}@)), @{$3}@, m4_shift(m4_shift(m4_shift(m4_shift($@)))))}@)}@)}@)

# sig4_arg(TEXT)
# --------------
# TEXT, expanded, as one argument of the macro being called: use it where a
# computed argument may come from a loop (see sig4_params).
m4_define(@{sig4_arg}@, @{@{$1}@}@)

# sig4_params(I, [PREFIX])
# ------------------------
# The parameters of signal I as further arguments of sig4_call, each led by
# a comma: "sig4_call(HEAD, TAIL, @{signet_bus *bus}@sig4_params(3))".
# Struct parameters are passed by pointer to const, arrays as const arrays,
# everything else by value. PREFIX goes before every parameter name.
m4_define(@{sig4_params}@,
@{sig4_each(@{sig4_p}@, sig4_signal(@{$1}@, @{param_count}@),
@{, sig4_arg(sig4_param_decl(@{$1}@, sig4_p, @{$2}@))}@)}@)

# sig4_param_decl(I, J, [PREFIX])
# -------------------------------
# The declaration of parameter J of signal I in a _send parameter list:
# struct parameters by pointer to const, arrays as arrays of const.
m4_define(@{sig4_param_decl}@,
@{m4_ifelse(sig4_field(@{signal}@, @{$1}@, @{$2}@, @{array_len}@), @{0}@,
@{m4_ifelse(sig4_field(@{signal}@, @{$1}@, @{$2}@, @{kind}@), @{struct}@,
@{const sig4_field_ctype(@{signal}@, @{$1}@, @{$2}@) *@{$3}@sig4_field(@{signal}@, @{$1}@, @{$2}@, @{name}@)}@,
@{sig4_field_decl(@{signal}@, @{$1}@, @{$2}@, @{$3}@)}@)}@,
sig4_field(@{signal}@, @{$1}@, @{$2}@, @{kind}@), @{str}@,
@{const char *const @{$3}@sig4_field(@{signal}@, @{$1}@, @{$2}@, @{name}@)[sig4_field(@{signal}@, @{$1}@, @{$2}@, @{array_len}@)]}@,
@{const sig4_field_decl(@{signal}@, @{$1}@, @{$2}@, @{$3}@)}@)}@)

