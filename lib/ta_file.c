// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TA file format of sw_ta.h: what a test or a demo writes for
 * tee-supplicant to serve with RPC LOAD_TA, and the checksum the secure
 * world verifies. Both worlds use it, so it lives in lib/.
 */
#include <endian.h>
#include <stddef.h>
#include <string.h>

#include <smcsim/sw_ta.h>

_Static_assert(sizeof(struct smcsim_ta_file_hdr) == 64,
	       "TA file header layout");
_Static_assert(offsetof(struct smcsim_ta_file_hdr, checksum) == 56,
	       "TA file header layout");

uint32_t smcsim_ta_file_checksum(const struct smcsim_ta_file_hdr *h)
{
	struct smcsim_ta_file_hdr c = *h;
	const uint8_t *p = (const uint8_t *)&c;
	uint32_t x = 2166136261U;	/* FNV-1a 32 offset basis */
	size_t i;

	c.checksum = 0;
	for (i = 0; i < sizeof(c); i++) {
		x ^= p[i];
		x *= 16777619U;		/* FNV prime */
	}
	return x;
}

size_t smcsim_ta_file_build(void *buf, size_t len, const struct smcsim_uuid *uuid,
			    const char *program, uint32_t flags,
			    uint32_t payload_size)
{
	struct smcsim_ta_file_hdr h;
	size_t need = sizeof(h) + payload_size;

	if (!program || !*program ||
	    strlen(program) >= SMCSIM_TA_FILE_PROGRAM_LEN)
		return 0;
	if (!buf)
		return need;
	if (len < need)
		return 0;
	memset(&h, 0, sizeof(h));
	h.magic = htole32(SMCSIM_TA_FILE_MAGIC);
	h.version = htole16(SMCSIM_TA_FILE_VERSION);
	h.hdr_size = htole16((uint16_t)sizeof(h));
	smcsim_uuid_to_octets(uuid, h.uuid);
	memcpy(h.program, program, strlen(program));
	h.flags = htole32(flags);
	h.payload_size = htole32(payload_size);
	h.checksum = htole32(smcsim_ta_file_checksum(&h));
	memcpy(buf, &h, sizeof(h));
	memset((uint8_t *)buf + sizeof(h), 0, payload_size);
	return need;
}
