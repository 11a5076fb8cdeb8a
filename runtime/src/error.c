/* error.c: signet_strerror(): the error codes from SIGNET_ERRNO_MAP in
 * signet.h, and the positive results beside them. */
#include "signet.h"

const char *signet_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
    case SIGNET_STOP:
        return "a receiver stopped the emission";
    case SIGNET_NOMATCH:
        return "subscribed, but the filter can match no topic";
    case SIGNET_EXISTING:
        return "already connected";
    case SIGNET_EXISTING_OPTS:
        return "already connected, with other options (not applied)";
    case SIGNET_REPLAY_SKIPPED:
        return "connected; the replay skipped values";
#define SIGNET__ERRNO_CASE(name, value, text)                                                  \
    case SIGNET_##name:                                                                        \
        return text;
        SIGNET_ERRNO_MAP(SIGNET__ERRNO_CASE)
#undef SIGNET__ERRNO_CASE
    default:
        return "unknown error";
    }
}
