// SPDX-License-Identifier: BSD-2-Clause
/*
 * UUID conversions between the TEE_UUID layout and RFC 4122 octets.
 */
#include <stdio.h>
#include <string.h>

#include <smcsim/uuid.h>

void smcsim_uuid_to_octets(const struct smcsim_uuid *u, uint8_t *o)
{
	o[0] = (uint8_t)(u->time_low >> 24);
	o[1] = (uint8_t)(u->time_low >> 16);
	o[2] = (uint8_t)(u->time_low >> 8);
	o[3] = (uint8_t)u->time_low;
	o[4] = (uint8_t)(u->time_mid >> 8);
	o[5] = (uint8_t)u->time_mid;
	o[6] = (uint8_t)(u->time_hi_and_version >> 8);
	o[7] = (uint8_t)u->time_hi_and_version;
	memcpy(o + 8, u->clock_seq_and_node, 8);
}

void smcsim_uuid_from_octets(struct smcsim_uuid *u, const uint8_t *o)
{
	u->time_low = (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 |
		      (uint32_t)o[2] << 8 | o[3];
	u->time_mid = (uint16_t)(o[4] << 8 | o[5]);
	u->time_hi_and_version = (uint16_t)(o[6] << 8 | o[7]);
	memcpy(u->clock_seq_and_node, o + 8, 8);
}

bool smcsim_uuid_equal(const struct smcsim_uuid *a, const struct smcsim_uuid *b)
{
	return a->time_low == b->time_low && a->time_mid == b->time_mid &&
	       a->time_hi_and_version == b->time_hi_and_version &&
	       !memcmp(a->clock_seq_and_node, b->clock_seq_and_node, 8);
}

void smcsim_uuid_to_str(const struct smcsim_uuid *u, char *buf)
{
	snprintf(buf, SMCSIM_UUID_STR_LEN,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u->time_low, u->time_mid, u->time_hi_and_version,
		 u->clock_seq_and_node[0], u->clock_seq_and_node[1],
		 u->clock_seq_and_node[2], u->clock_seq_and_node[3],
		 u->clock_seq_and_node[4], u->clock_seq_and_node[5],
		 u->clock_seq_and_node[6], u->clock_seq_and_node[7]);
}
