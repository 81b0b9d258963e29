// SPDX-License-Identifier: BSD-2-Clause
/*
 * SHA-256 and HMAC-SHA256 (sha256.h), written from FIPS 180-4 section 6.2
 * and RFC 2104: a 64-byte block buffer in front of the compression
 * function, big-endian length padding at the end.
 */
#include <string.h>

#include <smcsim/sha256.h>

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			(w[i - 15] >> 3)) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			(w[i - 2] >> 10));
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

void smcsim_sha256_init(struct smcsim_sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

void smcsim_sha256_update(struct smcsim_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	c->len += len;
	while (len) {
		if (!c->fill && len >= SMCSIM_SHA256_BLOCK) {
			sha256_block(c->h, p);
			p += SMCSIM_SHA256_BLOCK;
			len -= SMCSIM_SHA256_BLOCK;
			continue;
		}
		n = SMCSIM_SHA256_BLOCK - c->fill;
		if (n > len)
			n = len;
		memcpy(c->buf + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == SMCSIM_SHA256_BLOCK) {
			sha256_block(c->h, c->buf);
			c->fill = 0;
		}
	}
}

void smcsim_sha256_final(struct smcsim_sha256 *c,
			 uint8_t out[SMCSIM_SHA256_SIZE])
{
	uint64_t bits = c->len * 8;
	unsigned int i;

	c->buf[c->fill++] = 0x80;
	if (c->fill > SMCSIM_SHA256_BLOCK - 8) {
		memset(c->buf + c->fill, 0, SMCSIM_SHA256_BLOCK - c->fill);
		sha256_block(c->h, c->buf);
		c->fill = 0;
	}
	memset(c->buf + c->fill, 0, SMCSIM_SHA256_BLOCK - 8 - c->fill);
	for (i = 0; i < 8; i++)
		c->buf[SMCSIM_SHA256_BLOCK - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha256_block(c->h, c->buf);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void smcsim_sha256(const void *data, size_t len,
		   uint8_t out[SMCSIM_SHA256_SIZE])
{
	struct smcsim_sha256 c;

	smcsim_sha256_init(&c);
	smcsim_sha256_update(&c, data, len);
	smcsim_sha256_final(&c, out);
}

void smcsim_hmac_sha256_init(struct smcsim_hmac_sha256 *c, const void *key,
			     size_t key_len)
{
	uint8_t k[SMCSIM_SHA256_BLOCK] = { 0 }, ikey[SMCSIM_SHA256_BLOCK];
	unsigned int i;

	if (key_len > SMCSIM_SHA256_BLOCK)
		smcsim_sha256(key, key_len, k);
	else if (key_len)
		memcpy(k, key, key_len);
	for (i = 0; i < SMCSIM_SHA256_BLOCK; i++) {
		ikey[i] = k[i] ^ 0x36;
		c->okey[i] = k[i] ^ 0x5c;
	}
	smcsim_sha256_init(&c->inner);
	smcsim_sha256_update(&c->inner, ikey, sizeof(ikey));
}

void smcsim_hmac_sha256_update(struct smcsim_hmac_sha256 *c, const void *data,
			       size_t len)
{
	smcsim_sha256_update(&c->inner, data, len);
}

void smcsim_hmac_sha256_final(struct smcsim_hmac_sha256 *c,
			      uint8_t out[SMCSIM_SHA256_SIZE])
{
	uint8_t ihash[SMCSIM_SHA256_SIZE];
	struct smcsim_sha256 outer;

	smcsim_sha256_final(&c->inner, ihash);
	smcsim_sha256_init(&outer);
	smcsim_sha256_update(&outer, c->okey, sizeof(c->okey));
	smcsim_sha256_update(&outer, ihash, sizeof(ihash));
	smcsim_sha256_final(&outer, out);
}

void smcsim_hmac_sha256(const void *key, size_t key_len, const void *data,
			size_t len, uint8_t out[SMCSIM_SHA256_SIZE])
{
	struct smcsim_hmac_sha256 c;

	smcsim_hmac_sha256_init(&c, key, key_len);
	smcsim_hmac_sha256_update(&c, data, len);
	smcsim_hmac_sha256_final(&c, out);
}

int smcsim_memeq_ct(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
