// SPDX-License-Identifier: BSD-2-Clause
/*
 * Client identities for the USER and GROUP logins (after Linux's
 * tee_session_calc_client_uuid()): the UUID the TEE is told is a
 * name-based (SHA-1, version 5) UUID of "uid=<hex>" or "gid=<hex>" in
 * Linux's namespace. Only a host with processes has these logins: this
 * file is left out of the bare-metal build, whose C library has no SHA-1
 * (libmd) and which has no users or groups.
 */
#include <errno.h>
#include <sha1.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>

/* Linux's namespace for client UUIDs (a random UUIDv4), RFC 4122 order. */
static const uint8_t tee_client_uuid_ns[16] = {
	0x58, 0xac, 0x9c, 0xa0, 0x20, 0x86, 0x46, 0x83,
	0xa1, 0xb8, 0xec, 0x4b, 0xc0, 0x8e, 0x01, 0xb6,
};

/* RFC 4122 section 4.3, name-based with SHA-1 (version 5). */
static void tee_uuid_v5(uint8_t *uuid, const char *name, size_t len)
{
	uint8_t hash[SHA1_DIGEST_LENGTH];
	SHA1_CTX sha;

	SHA1Init(&sha);
	SHA1Update(&sha, tee_client_uuid_ns, sizeof(tee_client_uuid_ns));
	SHA1Update(&sha, (const uint8_t *)name, len);
	SHA1Final(hash, &sha);
	memcpy(uuid, hash, 16);
	uuid[6] = (uint8_t)((hash[6] & 0x0f) | 0x50);
	uuid[8] = (uint8_t)((hash[8] & 0x3f) | 0x80);
}

int tee_session_calc_client_uuid(uint8_t *uuid, uint32_t method,
				 const uint8_t *data, uint32_t euid,
				 const uint32_t *gids, size_t ngids)
{
	char name[32];
	uint32_t gid;
	size_t i;
	int len;

	switch (method) {
	case TEE_IOCTL_LOGIN_PUBLIC:
	case TEE_IOCTL_LOGIN_REE_KERNEL:
		memset(uuid, 0, 16);
		return 0;
	case TEE_IOCTL_LOGIN_USER:
		len = snprintf(name, sizeof(name), "uid=%x", euid);
		break;
	case TEE_IOCTL_LOGIN_GROUP:
		memcpy(&gid, data, sizeof(gid));
		/* (gid_t)-1 is no group; otherwise it must be one of ours. */
		if (gid == UINT32_MAX)
			return -EPERM;
		for (i = 0; i < ngids && gids[i] != gid; i++)
			;
		if (i == ngids)
			return -EPERM;
		len = snprintf(name, sizeof(name), "gid=%x", gid);
		break;
	default:
		return -EINVAL;
	}
	tee_uuid_v5(uuid, name, (size_t)len);
	return 0;
}
