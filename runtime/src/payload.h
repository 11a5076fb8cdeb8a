/* payload.h: deep copies of payloads (internal).
 *
 * A payload is a generated struct described by its signet_struct_info; its
 * deep copy is the struct followed by the strings it points to (NULs
 * included), with the copy's pointers aimed at the copied strings. Queued
 * messages and retained values hold such copies. Pure functions over
 * signet.h's tables, implemented in payload.c.
 */
#ifndef SIGNET_PAYLOAD_H
#define SIGNET_PAYLOAD_H

#include "signet.h"

/* Does a payload of type si hold strings (a str field, in it or in a
 * nested struct)? False for NULL (a signal without parameters). */
bool signet__payload_deep(const signet_struct_info *si);

/* Bytes of the strings of the payload (NULs included): what its deep copy
 * needs beyond si->size. */
size_t signet__payload_strings_bytes(const signet_struct_info *si, const void *payload);

/* Bytes of the deep copy: si->size plus its strings; 0 for NULL si. */
size_t signet__payload_bytes(const signet_struct_info *si, const void *payload);

/* Writes the deep copy of payload into dst, signet__payload_bytes() bytes. */
void signet__payload_copy(const signet_struct_info *si, void *dst, const void *payload);

/* Where a second payload may follow the deep copy of payload in one
 * buffer (a queued message's previous payload): aligned as malloc aligns. */
static inline size_t signet__previous_at(const signet_struct_info *si, const void *payload)
{
    return (signet__payload_bytes(si, payload) + 15) & ~(size_t)15;
}

/* Given a plain copy of the struct at copy, appends the strings it points
 * to after it (copy + si->size) and points the copy at them. */
void signet__payload_copy_strings(const signet_struct_info *si, void *copy);

#endif /* SIGNET_PAYLOAD_H */
