/* payload.c: deep copies of payloads (payload.h), walking the field
 * tables of signet.h: strings, arrays of them and nested structs. Uses only
 * the C library.
 */
#include "payload.h"

#include <string.h>

bool signet__payload_deep(const signet_struct_info *si)
{
    for (uint32_t i = 0; si && i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        if (f->type == SIGNET_TYPE_STR ||
            (f->type == SIGNET_TYPE_STRUCT && signet__payload_deep(f->struct_info)))
            return true;
    }
    return false;
}

static size_t strings_size(const signet_struct_info *si, const unsigned char *p)
{
    size_t n = 0;

    for (uint32_t i = 0; i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        uint32_t count = f->array_len ? f->array_len : 1;
        for (uint32_t k = 0; k < count; k++) {
            const unsigned char *at = p + f->offset + (size_t)k * f->size;
            if (f->type == SIGNET_TYPE_STR) {
                const char *s;
                memcpy(&s, at, sizeof s);
                if (s)
                    n += strlen(s) + 1;
            } else if (f->type == SIGNET_TYPE_STRUCT) {
                n += strings_size(f->struct_info, at);
            }
        }
    }
    return n;
}

/* Copies the strings the struct at p (a copy) points to into *tail and
 * points it at the copies. */
static void copy_strings(const signet_struct_info *si, unsigned char *p, unsigned char **tail)
{
    for (uint32_t i = 0; i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        uint32_t count = f->array_len ? f->array_len : 1;
        for (uint32_t k = 0; k < count; k++) {
            unsigned char *at = p + f->offset + (size_t)k * f->size;
            if (f->type == SIGNET_TYPE_STR) {
                const char *s;
                memcpy(&s, at, sizeof s);
                if (!s)
                    continue;
                size_t n = strlen(s) + 1;
                memcpy(*tail, s, n);
                s = (const char *)*tail;
                memcpy(at, &s, sizeof s);
                *tail += n;
            } else if (f->type == SIGNET_TYPE_STRUCT) {
                copy_strings(f->struct_info, at, tail);
            }
        }
    }
}

size_t signet__payload_strings_bytes(const signet_struct_info *si, const void *payload)
{
    return strings_size(si, payload);
}

size_t signet__payload_bytes(const signet_struct_info *si, const void *payload)
{
    return si ? si->size + strings_size(si, payload) : 0;
}

void signet__payload_copy_strings(const signet_struct_info *si, void *copy)
{
    unsigned char *tail = (unsigned char *)copy + si->size;
    copy_strings(si, copy, &tail);
}

void signet__payload_copy(const signet_struct_info *si, void *dst, const void *payload)
{
    memcpy(dst, payload, si->size);
    signet__payload_copy_strings(si, dst);
}
