/* test_json.c: payloads as JSON text (signet_format_json) through the
 * metadata generated for wire.signet, which has every type. The text goes
 * into heap blocks of exactly the size asked for, so under ASan a write
 * past the buffer fails the test. One case per CTest test. */
#include "wire.signet.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"

/* The JSON text of a payload of signal id, in a buffer of exactly its
 * size (asked for first); NULL when formatting failed. Caller frees. */
static char *json_of(int id, const void *payload)
{
    const signet_struct_info *type = w_signals[id].payload;
    size_t need = 0, len = 0;
    CHECK_EQ(signet_format_json(type, payload, NULL, 0, &need), SIGNET_ENOSPC);
    char *buf = malloc(need + 1);
    int rc = signet_format_json(type, payload, buf, need + 1, &len);
    CHECK_EQ(rc, 0);
    CHECK_EQ(len, need);
    CHECK_EQ(strlen(buf), need);
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

#define CHECK_JSON(id, payload, expected)                                                      \
    do {                                                                                       \
        char *got_ = json_of((id), (payload));                                                 \
        CHECK(got_ && strcmp(got_, (expected)) == 0);                                          \
        if (got_ && strcmp(got_, (expected)) != 0)                                             \
            fprintf(stderr, "  got      %s\n  expected %s\n", got_, (expected));              \
        free(got_);                                                                            \
    } while (0)

static void json_integers_are_exact_at_their_limits(void)
{
    w_ints v = {INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN, UINT8_MAX, UINT16_MAX, UINT32_MAX,
                UINT64_MAX};
    CHECK_JSON(W_SIGNAL_INTS, &v,
               "{\"a\":-128,\"b\":-32768,\"c\":-2147483648,\"d\":-9223372036854775808,"
               "\"e\":255,\"f\":65535,\"g\":4294967295,\"h\":18446744073709551615}");
}

static void json_floats_read_back_and_nonfinite_is_null(void)
{
    w_floats v = {0.1f, 0.1};
    CHECK_JSON(W_SIGNAL_FLOATS, &v, "{\"f\":0.100000001,\"d\":0.10000000000000001}");
    w_floats n = {NAN, -INFINITY};
    CHECK_JSON(W_SIGNAL_FLOATS, &n, "{\"f\":null,\"d\":null}");
}

static void json_bools_and_enums_by_name(void)
{
    w_flags v = {true, false, W_MODE_NEG};
    CHECK_JSON(W_SIGNAL_FLAGS, &v, "{\"yes\":true,\"no\":false,\"m\":\"neg\"}");
    w_flags odd = {false, true, (w_mode)7}; /* a value the schema does not name */
    CHECK_JSON(W_SIGNAL_FLAGS, &odd, "{\"yes\":false,\"no\":true,\"m\":7}");
}

static void json_strings_are_escaped_and_made_utf8(void)
{
    w_text v = {"q\"b\\s\n\x01 \xc3\xa9 \xff!", {NULL, ""}};
    CHECK_JSON(W_SIGNAL_TEXT, &v,
               "{\"s\":\"q\\\"b\\\\s\\u000a\\u0001 \xc3\xa9 \xef\xbf\xbd!\",\"names\":[null,\"\"]}");
}

static void json_arrays_and_nested_structs(void)
{
    w_arrays a = {{1, 2, 3}, {-1, 7}, {0.5, -2}, {W_MODE_OFF, W_MODE_ON}};
    CHECK_JSON(W_SIGNAL_ARRAYS, &a,
               "{\"raw\":[1,2,3],\"v\":[-1,7],\"d\":[0.5,-2],\"m\":[\"off\",\"on\"]}");
    w_nest n = {{{1, "x"}, {{2, NULL}, {-3, "z"}}, 9}};
    CHECK_JSON(W_SIGNAL_NEST, &n,
               "{\"o\":{\"one\":{\"a\":1,\"s\":\"x\"},\"list\":[{\"a\":2,\"s\":null},"
               "{\"a\":-3,\"s\":\"z\"}],\"n\":9}}");
}

static void json_signal_without_parameters_is_an_empty_object(void)
{
    char buf[3];
    size_t len = 0;
    CHECK_EQ(signet_format_json(NULL, NULL, buf, sizeof buf, &len), 0);
    CHECK_EQ(len, 2);
    CHECK(strcmp(buf, "{}") == 0);
}

/* A buffer one byte short gets nothing: never a cut text. */
static void json_text_that_does_not_fit_is_enospc_and_empty(void)
{
    w_text v = {"hello", {"a", "b"}};
    size_t need = 0, len = 0;
    CHECK_EQ(signet_format_json(w_signals[W_SIGNAL_TEXT].payload, &v, NULL, 0, &need),
             SIGNET_ENOSPC);
    char *buf = malloc(need);
    CHECK_EQ(signet_format_json(w_signals[W_SIGNAL_TEXT].payload, &v, buf, need, &len),
             SIGNET_ENOSPC);
    CHECK_EQ(len, need);
    CHECK_EQ(buf[0], '\0');
    free(buf);
    CHECK_EQ(signet_format_json(w_signals[W_SIGNAL_TEXT].payload, NULL, NULL, 0, &len),
             SIGNET_EINVAL);
}

#define CASE(name) {#name, name}
static const struct test_case cases[] = {
    CASE(json_integers_are_exact_at_their_limits),
    CASE(json_floats_read_back_and_nonfinite_is_null),
    CASE(json_bools_and_enums_by_name),
    CASE(json_strings_are_escaped_and_made_utf8),
    CASE(json_arrays_and_nested_structs),
    CASE(json_signal_without_parameters_is_an_empty_object),
    CASE(json_text_that_does_not_fit_is_enospc_and_empty),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
