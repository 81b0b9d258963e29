// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated eMMC RPMB partition (rpmb.h). Written from the eMMC
 * protocol as tee-supplicant and OP-TEE's tee_rpmb_fs.c use it: a request
 * is a run of frames of one type; the device keeps the answer it owes
 * ("pending") until the host reads it. Checks of an authenticated write
 * come in the standard's order: shape, key programmed, counter expired,
 * MAC, counter, address; a failed one changes nothing but the result.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/rpmb.h>
#include <smcsim/rt.h>
#include <smcsim/sha256.h>

_Static_assert(sizeof(struct smcsim_rpmb_frame) == SMCSIM_RPMB_FRAME_SIZE,
	       "RPMB frame is 512 bytes");
_Static_assert(offsetof(struct smcsim_rpmb_frame, data) ==
	       SMCSIM_RPMB_MAC_OFFSET, "MAC covers data onwards");
_Static_assert(sizeof(struct smcsim_rpmb_dev_info) == 19,
	       "dev info is tee-supplicant's 19 bytes");

#define RPMB_COUNTER_MAX	0xffffffffU

void smcsim_rpmb_mac(const uint8_t key[SMCSIM_RPMB_KEY_SIZE],
		     const struct smcsim_rpmb_frame *frames, size_t n,
		     uint8_t mac[SMCSIM_RPMB_KEY_SIZE])
{
	struct smcsim_hmac_sha256 h;
	size_t i;

	smcsim_hmac_sha256_init(&h, key, SMCSIM_RPMB_KEY_SIZE);
	for (i = 0; i < n; i++)
		smcsim_hmac_sha256_update(&h, frames[i].data,
					  SMCSIM_RPMB_MAC_LEN);
	smcsim_hmac_sha256_final(&h, mac);
}

/**
 * enum rpmb_pending - the answer the device owes
 * @RPMB_PEND_NONE:	nothing to read
 * @RPMB_PEND_WRITE:	a write or key programming happened; its result
 *			is read only after a RESULT_READ request
 * @RPMB_PEND_RESULT:	a result frame (after RESULT_READ)
 * @RPMB_PEND_COUNTER:	the write counter, with the request's nonce
 * @RPMB_PEND_READ:	data blocks, as many as the host reads
 */
enum rpmb_pending {
	RPMB_PEND_NONE,
	RPMB_PEND_WRITE,
	RPMB_PEND_RESULT,
	RPMB_PEND_COUNTER,
	RPMB_PEND_READ,
};

/**
 * struct smcsim_rpmb_dev - the device
 * @lock:	protects everything below; held for a whole request
 * @blocks:	@nblocks * 256 bytes of storage
 * @key:	authentication key, valid once @key_set (never cleared)
 * @counter:	write counter
 * @pend:	the answer owed, with @resp_type, @result, @addr, @count and
 *		@nonce as the request left them
 */
struct smcsim_rpmb_dev {
	struct rt_mutex lock;
	uint8_t *blocks;
	unsigned int nblocks;
	struct smcsim_rpmb_dev_info info;
	uint8_t key[SMCSIM_RPMB_KEY_SIZE];
	bool key_set;
	uint32_t counter;
	enum rpmb_pending pend;
	uint16_t resp_type;
	uint16_t result;
	uint16_t addr;
	uint16_t count;
	uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE];
	struct smcsim_rpmb_dev_stats stats;
};

int smcsim_rpmb_dev_create(const struct smcsim_rpmb_cfg *cfg,
			   struct smcsim_rpmb_dev **out)
{
	static const uint8_t zero[SMCSIM_RPMB_CID_SIZE];
	struct smcsim_rpmb_cfg c = { 0 };
	struct smcsim_rpmb_dev *d;

	if (cfg)
		c = *cfg;
	if (!c.size_mult)
		c.size_mult = 1;
	if (!c.rel_wr_sec_c)
		c.rel_wr_sec_c = 1;
	/* A 16-bit block address reaches 16 MiB: 128 units. */
	if (c.size_mult > 128 || c.rel_wr_sec_c > 255)
		return -EINVAL;
	if (!memcmp(c.cid, zero, sizeof(zero)))
		memcpy(c.cid, "SMCSIM-RPMB-0001", SMCSIM_RPMB_CID_SIZE);
	d = smcsim_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->nblocks = c.size_mult * (SMCSIM_RPMB_SIZE_UNIT / SMCSIM_RPMB_DATA_SIZE);
	d->blocks = smcsim_calloc(d->nblocks, SMCSIM_RPMB_DATA_SIZE);
	if (!d->blocks) {
		smcsim_free(d);
		return -ENOMEM;
	}
	memcpy(d->info.cid, c.cid, SMCSIM_RPMB_CID_SIZE);
	d->info.rpmb_size_mult = (uint8_t)c.size_mult;
	d->info.rel_wr_sec_c = (uint8_t)c.rel_wr_sec_c;
	d->info.ret_code = SMCSIM_RPMB_DEV_INFO_OK;
	d->counter = c.write_counter;
	rt_mutex_init(&d->lock);
	*out = d;
	return 0;
}

void smcsim_rpmb_dev_destroy(struct smcsim_rpmb_dev *d)
{
	if (!d)
		return;
	rt_mutex_destroy(&d->lock);
	smcsim_free(d->blocks);
	smcsim_free(d);
}

void smcsim_rpmb_dev_get_info(struct smcsim_rpmb_dev *d,
			      struct smcsim_rpmb_dev_info *info)
{
	*info = d->info;	/* constant after creation */
}

unsigned int smcsim_rpmb_dev_blocks(struct smcsim_rpmb_dev *d)
{
	return d->nblocks;
}

/* Caller holds d->lock. Owe a result frame after RESULT_READ. */
static void rpmb_owe_write(struct smcsim_rpmb_dev *d, uint16_t type,
			   uint16_t result)
{
	d->pend = RPMB_PEND_WRITE;
	d->resp_type = type;
	d->result = result;
}

static uint16_t rpmb_expired(const struct smcsim_rpmb_dev *d)
{
	return d->counter == RPMB_COUNTER_MAX ?
	       SMCSIM_RPMB_RESULT_COUNTER_EXPIRED : 0;
}

/* Caller holds d->lock. An authenticated write of @n frames. */
static uint16_t rpmb_write_data(struct smcsim_rpmb_dev *d,
				const struct smcsim_rpmb_frame *req, size_t n)
{
	const struct smcsim_rpmb_frame *last = &req[n - 1];
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];
	uint16_t addr = smcsim_rpmb_get16(last->address);
	size_t i;

	d->addr = addr;
	d->count = smcsim_rpmb_get16(last->block_count);
	if (d->count != n || n > 2U * d->info.rel_wr_sec_c)
		return SMCSIM_RPMB_RESULT_GENERAL_FAILURE;
	if (!d->key_set)
		return SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED;
	if (d->counter == RPMB_COUNTER_MAX)
		return SMCSIM_RPMB_RESULT_WRITE_FAILURE |
		       SMCSIM_RPMB_RESULT_COUNTER_EXPIRED;
	smcsim_rpmb_mac(d->key, req, n, mac);
	if (!smcsim_memeq_ct(mac, last->key_mac, sizeof(mac)))
		return SMCSIM_RPMB_RESULT_AUTH_FAILURE;
	if (smcsim_rpmb_get32(last->write_counter) != d->counter)
		return SMCSIM_RPMB_RESULT_COUNTER_FAILURE;
	if ((size_t)addr + n > d->nblocks)
		return SMCSIM_RPMB_RESULT_ADDRESS_FAILURE;
	for (i = 0; i < n; i++)
		memcpy(d->blocks + ((size_t)addr + i) * SMCSIM_RPMB_DATA_SIZE,
		       req[i].data, SMCSIM_RPMB_DATA_SIZE);
	d->counter++;
	d->stats.writes++;
	return SMCSIM_RPMB_RESULT_OK | rpmb_expired(d);
}

/* Caller holds d->lock. */
static int rpmb_write_locked(struct smcsim_rpmb_dev *d,
			     const struct smcsim_rpmb_frame *req, size_t n)
{
	uint16_t type;
	size_t i;

	if (!n)
		return -EINVAL;
	type = smcsim_rpmb_get16(req[0].msg_type);
	for (i = 1; i < n; i++)
		if (smcsim_rpmb_get16(req[i].msg_type) != type)
			return -EINVAL;

	switch (type) {
	case SMCSIM_RPMB_REQ_KEY_PROGRAM:
		if (n != 1 || d->key_set) {
			rpmb_owe_write(d, SMCSIM_RPMB_RESP_KEY_PROGRAM,
				       SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
			break;
		}
		memcpy(d->key, req[0].key_mac, SMCSIM_RPMB_KEY_SIZE);
		d->key_set = true;
		d->addr = 0;
		d->count = 0;
		rpmb_owe_write(d, SMCSIM_RPMB_RESP_KEY_PROGRAM,
			       SMCSIM_RPMB_RESULT_OK);
		break;
	case SMCSIM_RPMB_REQ_WRITE_DATA:
		rpmb_owe_write(d, SMCSIM_RPMB_RESP_WRITE_DATA,
			       rpmb_write_data(d, req, n));
		break;
	case SMCSIM_RPMB_REQ_RESULT_READ:
		/* A result read with no write before it: a general failure. */
		if (n != 1 || d->pend != RPMB_PEND_WRITE)
			rpmb_owe_write(d, 0, SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
		d->pend = RPMB_PEND_RESULT;
		break;
	case SMCSIM_RPMB_REQ_WRITE_COUNTER:
	case SMCSIM_RPMB_REQ_READ_DATA:
		d->pend = type == SMCSIM_RPMB_REQ_READ_DATA ? RPMB_PEND_READ :
							     RPMB_PEND_COUNTER;
		d->resp_type = (uint16_t)(type << 8);
		memcpy(d->nonce, req[0].nonce, sizeof(d->nonce));
		d->addr = smcsim_rpmb_get16(req[0].address);
		d->result = n != 1 ? SMCSIM_RPMB_RESULT_GENERAL_FAILURE :
			    !d->key_set ?
				SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED :
				SMCSIM_RPMB_RESULT_OK;
		break;
	default:
		rpmb_owe_write(d, 0, SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
		d->pend = RPMB_PEND_RESULT;
		break;
	}
	return 0;
}

/* Caller holds d->lock. */
static int rpmb_read_locked(struct smcsim_rpmb_dev *d,
			    struct smcsim_rpmb_frame *rsp, size_t n)
{
	uint16_t result = d->result;
	size_t i;

	if (!n || d->pend == RPMB_PEND_NONE || d->pend == RPMB_PEND_WRITE ||
	    (d->pend != RPMB_PEND_READ && n != 1))
		return -EINVAL;
	memset(rsp, 0, n * sizeof(*rsp));
	if (d->pend == RPMB_PEND_READ && result == SMCSIM_RPMB_RESULT_OK &&
	    (size_t)d->addr + n > d->nblocks)
		result = SMCSIM_RPMB_RESULT_ADDRESS_FAILURE;
	if (d->pend != RPMB_PEND_RESULT)
		result |= rpmb_expired(d);
	for (i = 0; i < n; i++) {
		struct smcsim_rpmb_frame *f = &rsp[i];

		smcsim_rpmb_put16(f->msg_type, d->resp_type);
		smcsim_rpmb_put16(f->op_result, result);
		smcsim_rpmb_put16(f->address, d->addr);
		if (d->pend == RPMB_PEND_READ) {
			smcsim_rpmb_put16(f->block_count, (uint16_t)n);
			memcpy(f->nonce, d->nonce, sizeof(d->nonce));
			if (!(result & SMCSIM_RPMB_RESULT_MASK))
				memcpy(f->data, d->blocks + ((size_t)d->addr + i) *
				       SMCSIM_RPMB_DATA_SIZE,
				       SMCSIM_RPMB_DATA_SIZE);
		} else if (d->pend == RPMB_PEND_COUNTER) {
			memcpy(f->nonce, d->nonce, sizeof(d->nonce));
			smcsim_rpmb_put32(f->write_counter, d->counter);
		} else {
			smcsim_rpmb_put16(f->block_count, d->count);
			smcsim_rpmb_put32(f->write_counter, d->counter);
		}
	}
	/* Every answer but key programming's carries a MAC, once keyed. */
	if (d->key_set && d->resp_type != SMCSIM_RPMB_RESP_KEY_PROGRAM)
		smcsim_rpmb_mac(d->key, rsp, n, rsp[n - 1].key_mac);
	if (d->pend == RPMB_PEND_READ && !(result & SMCSIM_RPMB_RESULT_MASK))
		d->stats.reads++;
	if (result & SMCSIM_RPMB_RESULT_MASK)
		d->stats.failures++;
	d->stats.last_result = result;
	d->pend = RPMB_PEND_NONE;
	return 0;
}

int smcsim_rpmb_dev_write_frames(struct smcsim_rpmb_dev *d,
				 const struct smcsim_rpmb_frame *req, size_t n)
{
	int rc;

	rt_mutex_lock(&d->lock);
	rc = rpmb_write_locked(d, req, n);
	rt_mutex_unlock(&d->lock);
	return rc;
}

int smcsim_rpmb_dev_read_frames(struct smcsim_rpmb_dev *d,
				struct smcsim_rpmb_frame *rsp, size_t n)
{
	int rc;

	rt_mutex_lock(&d->lock);
	rc = rpmb_read_locked(d, rsp, n);
	rt_mutex_unlock(&d->lock);
	return rc;
}

int smcsim_rpmb_dev_data_req(struct smcsim_rpmb_dev *d,
			     const struct smcsim_rpmb_frame *req, size_t req_n,
			     struct smcsim_rpmb_frame *rsp, size_t rsp_n)
{
	struct smcsim_rpmb_frame result_read;
	uint16_t type;
	int rc = -EINVAL;

	if (!req_n || !rsp_n)
		return -EINVAL;
	type = smcsim_rpmb_get16(req[0].msg_type);
	rt_mutex_lock(&d->lock);
	switch (type) {
	case SMCSIM_RPMB_REQ_KEY_PROGRAM:
	case SMCSIM_RPMB_REQ_WRITE_DATA:
		if (rsp_n != 1)
			break;
		rc = rpmb_write_locked(d, req, req_n);
		if (rc)
			break;
		memset(&result_read, 0, sizeof(result_read));
		smcsim_rpmb_put16(result_read.msg_type,
				  SMCSIM_RPMB_REQ_RESULT_READ);
		rc = rpmb_write_locked(d, &result_read, 1);
		if (!rc)
			rc = rpmb_read_locked(d, rsp, 1);
		break;
	case SMCSIM_RPMB_REQ_WRITE_COUNTER:
	case SMCSIM_RPMB_REQ_READ_DATA:
		if (req_n != 1 ||
		    (type == SMCSIM_RPMB_REQ_WRITE_COUNTER && rsp_n != 1))
			break;
		rc = rpmb_write_locked(d, req, req_n);
		if (!rc)
			rc = rpmb_read_locked(d, rsp, rsp_n);
		break;
	default:
		break;
	}
	rt_mutex_unlock(&d->lock);
	return rc;
}

void smcsim_rpmb_dev_get_stats(struct smcsim_rpmb_dev *d,
			       struct smcsim_rpmb_dev_stats *st)
{
	rt_mutex_lock(&d->lock);
	*st = d->stats;
	st->write_counter = d->counter;
	st->key_programmed = d->key_set;
	rt_mutex_unlock(&d->lock);
}

int smcsim_rpmb_dev_peek(struct smcsim_rpmb_dev *d, unsigned int addr,
			 uint8_t out[SMCSIM_RPMB_DATA_SIZE])
{
	if (addr >= d->nblocks)
		return -ERANGE;
	rt_mutex_lock(&d->lock);
	memcpy(out, d->blocks + (size_t)addr * SMCSIM_RPMB_DATA_SIZE,
	       SMCSIM_RPMB_DATA_SIZE);
	rt_mutex_unlock(&d->lock);
	return 0;
}
