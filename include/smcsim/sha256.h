/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small and portable, for
 * the RPMB model: both the simulated eMMC device and the secure world's
 * RPMB client MAC their frames with HMAC-SHA256 as the eMMC standard asks.
 * libmd (linked on hosts for SHA-1) has SHA-256 too, though no HMAC; but
 * the RPMB model is also in the bare-metal image, which has no libmd
 * (picolibc only; libmd is library code, not a header that -idirafter
 * could lend as it does bitstring.h). One portable copy here serves every
 * target, rather than libmd on hosts and this on bare metal with only one
 * of them tested per build. Tests check it against the FIPS 180-2 and
 * RFC 4231 vectors. Not hardened against side channels: a simulator's MAC.
 */
#ifndef SMCSIM_SHA256_H
#define SMCSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SMCSIM_SHA256_SIZE	32
#define SMCSIM_SHA256_BLOCK	64

/**
 * struct smcsim_sha256 - a hash in progress
 * @h:		chaining state
 * @len:	bytes hashed so far
 * @buf:	a partial block
 * @fill:	bytes in @buf
 */
struct smcsim_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[SMCSIM_SHA256_BLOCK];
	size_t fill;
};

void smcsim_sha256_init(struct smcsim_sha256 *c);
void smcsim_sha256_update(struct smcsim_sha256 *c, const void *data, size_t len);
/** smcsim_sha256_final() - write the digest; @c must be re-initialised to reuse */
void smcsim_sha256_final(struct smcsim_sha256 *c,
			 uint8_t out[SMCSIM_SHA256_SIZE]);
/** smcsim_sha256() - one-shot digest of @len bytes */
void smcsim_sha256(const void *data, size_t len,
		   uint8_t out[SMCSIM_SHA256_SIZE]);

/**
 * struct smcsim_hmac_sha256 - an HMAC in progress
 * @inner:	hash of (key ^ ipad) || message
 * @okey:	key ^ opad, for the outer hash
 */
struct smcsim_hmac_sha256 {
	struct smcsim_sha256 inner;
	uint8_t okey[SMCSIM_SHA256_BLOCK];
};

/** smcsim_hmac_sha256_init() - keys longer than a block are hashed first */
void smcsim_hmac_sha256_init(struct smcsim_hmac_sha256 *c, const void *key,
			     size_t key_len);
void smcsim_hmac_sha256_update(struct smcsim_hmac_sha256 *c, const void *data,
			       size_t len);
void smcsim_hmac_sha256_final(struct smcsim_hmac_sha256 *c,
			      uint8_t out[SMCSIM_SHA256_SIZE]);
/** smcsim_hmac_sha256() - one-shot MAC */
void smcsim_hmac_sha256(const void *key, size_t key_len, const void *data,
			size_t len, uint8_t out[SMCSIM_SHA256_SIZE]);

/**
 * smcsim_memeq_ct() - compare @len bytes in time that does not depend on
 * where they differ (for MACs and nonces). Return: 1 if equal, else 0.
 */
int smcsim_memeq_ct(const void *a, const void *b, size_t len);

#endif /* SMCSIM_SHA256_H */
