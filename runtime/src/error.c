/* error.c: signet_strerror(), generated from SIGNET_ERRNO_MAP in signet.h. */
#include "signet.h"

const char *signet_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
#define SIGNET__ERRNO_CASE(name, value, text)                                                  \
    case SIGNET_##name:                                                                        \
        return text;
        SIGNET_ERRNO_MAP(SIGNET__ERRNO_CASE)
#undef SIGNET__ERRNO_CASE
    default:
        return "unknown error";
    }
}
