/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UUIDs: GlobalPlatform's TEE_UUID layout, and its RFC 4122 octet form
 * (time_low, time_mid, time_hi_and_version big-endian, then clock_seq and
 * node), which is how a UUID travels in optee_msg params and in Linux's
 * client API.
 */
#ifndef SMCSIM_UUID_H
#define SMCSIM_UUID_H

#include <stdbool.h>
#include <stdint.h>

struct smcsim_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq_and_node[8];
};

/* @o: 16 bytes (a pointer, not uint8_t[16]: GCC 12 misreads array
 * parameters through inlined struct members under -fsanitize=thread) */
void smcsim_uuid_to_octets(const struct smcsim_uuid *u, uint8_t *o);
void smcsim_uuid_from_octets(struct smcsim_uuid *u, const uint8_t *o);
bool smcsim_uuid_equal(const struct smcsim_uuid *a, const struct smcsim_uuid *b);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and its NUL */
#define SMCSIM_UUID_STR_LEN	37

/* @buf: SMCSIM_UUID_STR_LEN bytes; receives @u in lower-case hex. */
void smcsim_uuid_to_str(const struct smcsim_uuid *u, char *buf);

#endif /* SMCSIM_UUID_H */
