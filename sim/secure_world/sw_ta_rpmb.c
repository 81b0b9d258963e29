// SPDX-License-Identifier: BSD-2-Clause
/*
 * The RPMB TA (SMCSIM_TA_RPMB_UUID, sw_ta.h): authenticated block reads
 * and writes on the eMMC RPMB partition that tee-supplicant serves, with
 * RPC RPMB as OP-TEE's core/tee/tee_rpmb_fs.c uses it (rpmb.h formats):
 *
 *  1. the client: one RPC RPMB per request, in application shm from RPC
 *     SHM_ALLOC APPL: the request at offset 0, the response after it; the
 *     response is copied into secure memory once and checked there
 *  2. checking a response, in OP-TEE's order: op_result (key not
 *     programmed -> ITEM_NOT_FOUND, another failure -> GENERIC), msg_type
 *     and address (-> GENERIC), write counter advanced by one on a write
 *     (-> SECURITY), nonce (-> SECURITY), MAC (-> SECURITY)
 *  3. first use, per world: GET_DEV_INFO; the key derived from the world's
 *     hardware-unique key and the CID; a write-counter read with a nonce,
 *     which also proves the key; if the device says the key is not
 *     programmed, program it and read the counter again
 *  4. the commands: WRITE in chunks of the reliable-write count, READ in
 *     one request
 *
 * Unlike OP-TEE, a failed write is not retried (OP-TEE retries ten times
 * and then declares RPMB dead with TEE_ERROR_COMMUNICATION): the error is
 * returned at once and the counter read again before the next write, so a
 * test sees each refusal. The hardware-unique key is a constant of the
 * simulator, not a secret: the model is of the protocol, not of the
 * cryptographic strength.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/rpmb.h>
#include <smcsim/sha256.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

#define PT(a, b, c, d) SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_##a, \
	SMCSIM_TA_PARAM_##b, SMCSIM_TA_PARAM_##c, SMCSIM_TA_PARAM_##d)

/* The world's hardware-unique key: a constant of the simulator. */
static const uint8_t sw_rpmb_huk[32] = "smcsim hardware unique key v1..";

/**
 * struct sw_rpmb - the world's RPMB client state (OP-TEE's rpmb_ctx)
 * @lock:	serialises RPMB use across secure threads; held over the RPCs
 *		of one command, as OP-TEE holds its RPMB mutex, so that the
 *		write counter and the requests on the device stay in step
 * @dev_info_synced: GET_DEV_INFO was answered; @cid, @nblocks, @rel_wr
 *		and @key are valid
 * @key_verified: a counter read checked out with @key
 * @wr_cnt_synced: @wr_cnt is the device's counter
 * @key:	the authentication key for this device
 * @wr_cnt:	the device's write counter as last verified
 * @nblocks:	blocks on the device
 * @rel_wr:	blocks one write request may carry
 * @nonces:	nonces made so far (the next nonce's input)
 */
struct sw_rpmb {
	struct rt_mutex lock;
	bool dev_info_synced;
	bool key_verified;
	bool wr_cnt_synced;
	uint8_t cid[SMCSIM_RPMB_CID_SIZE];
	uint8_t key[SMCSIM_RPMB_KEY_SIZE];
	uint32_t wr_cnt;
	uint32_t nblocks;
	unsigned int rel_wr;
	uint64_t nonces;
};

/* ---- 1. the client --------------------------------------------------------- */

/**
 * sw_rpmb_invoke() - one RPC RPMB
 * @req:	header and frames, @req_size bytes
 * @rsp:	in: what the response area starts as; out: the response,
 *		copied from shared memory once
 */
static uint32_t sw_rpmb_invoke(struct sw_thread *t, const void *req,
			       size_t req_size, void *rsp, size_t rsp_size)
{
	struct optee_msg_param p[2];
	struct sw_rpc_shm shm;
	uint32_t res;

	res = sw_rpc_shm_alloc(t, OPTEE_RPC_SHM_TYPE_APPL, req_size + rsp_size,
			       &shm);
	if (res)
		return res;
	if (sw_mem_write(t->sw, &shm.mem, 0, req, req_size) ||
	    sw_mem_write(t->sw, &shm.mem, req_size, rsp, rsp_size)) {
		res = TEE_ERROR_BAD_STATE;
		goto out;
	}
	sw_rpc_shm_param(&shm, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, 0, req_size,
			 &p[0]);
	sw_rpc_shm_param(&shm, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, req_size,
			 rsp_size, &p[1]);
	res = sw_rpc_cmd(t, OPTEE_RPC_CMD_RPMB, p, 2);
	if (res)
		goto out;
	if (sw_mem_read(t->sw, &shm.mem, req_size, rsp, rsp_size))
		res = TEE_ERROR_BAD_STATE;
out:
	sw_rpc_shm_free(t, &shm);
	return res;
}

/**
 * sw_rpmb_data_req() - DATA_REQ of @req_n frames, @rsp_n frames back
 * @hdr_blocks:	the header's block_count
 */
static uint32_t sw_rpmb_data_req(struct sw_thread *t, uint16_t hdr_blocks,
				 const struct smcsim_rpmb_frame *req,
				 size_t req_n, struct smcsim_rpmb_frame *rsp,
				 size_t rsp_n)
{
	const uint16_t hdr[3] = { SMCSIM_RPMB_CMD_DATA_REQ, 0, hdr_blocks };
	size_t req_size = SMCSIM_RPMB_REQ_HDR_SIZE + req_n * sizeof(*req);
	uint8_t *buf;
	uint32_t res;

	buf = smcsim_zalloc(req_size);
	if (!buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + SMCSIM_RPMB_REQ_HDR_SIZE, req, req_n * sizeof(*req));
	memset(rsp, 0, rsp_n * sizeof(*rsp));
	res = sw_rpmb_invoke(t, buf, req_size, rsp, rsp_n * sizeof(*rsp));
	smcsim_free(buf);
	return res;
}

/* Caller holds r->lock. A nonce nobody can predict from the normal world's
 * side without the key: a hash of the key and a counter. */
static void sw_rpmb_nonce(struct sw_rpmb *r, uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE])
{
	uint8_t d[SMCSIM_SHA256_SIZE];
	uint64_t n = ++r->nonces;

	smcsim_hmac_sha256(r->key, sizeof(r->key), &n, sizeof(n), d);
	memcpy(nonce, d, SMCSIM_RPMB_NONCE_SIZE);
}

/* ---- 2. checking a response ------------------------------------------------ */

/**
 * struct sw_rpmb_expect - what a response must say
 * @type:	its msg_type
 * @addr:	its address, or NULL not to check
 * @nonce:	its nonce, or NULL
 * @wr_cnt:	NULL, or in: the counter before (a write must answer it + 1;
 *		other answers are not compared); out: the answer's counter
 * @mac:	check the MAC over all frames
 */
struct sw_rpmb_expect {
	uint16_t type;
	const uint16_t *addr;
	const uint8_t *nonce;
	uint32_t *wr_cnt;
	bool mac;
};

static uint32_t sw_rpmb_verify(struct sw_thread *t, const struct sw_rpmb *r,
			       const struct smcsim_rpmb_frame *f, size_t n,
			       const struct sw_rpmb_expect *e)
{
	const struct smcsim_rpmb_frame *last = &f[n - 1];
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];
	uint16_t result, type, addr;
	uint32_t cnt;

	result = smcsim_rpmb_get16(last->op_result) & SMCSIM_RPMB_RESULT_MASK;
	type = smcsim_rpmb_get16(last->msg_type);
	addr = smcsim_rpmb_get16(last->address);
	if (result == SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (result != SMCSIM_RPMB_RESULT_OK) {
		sw_log(t->sw, "thread %u: RPMB answered result 0x%x to 0x%x",
		       t->id, result, e->type);
		return TEE_ERROR_GENERIC;
	}
	if (type != e->type || (e->addr && addr != *e->addr))
		return TEE_ERROR_GENERIC;
	if (e->wr_cnt) {
		cnt = smcsim_rpmb_get32(last->write_counter);
		if (e->type == SMCSIM_RPMB_RESP_WRITE_DATA &&
		    cnt != *e->wr_cnt + 1) {
			sw_log(t->sw, "thread %u: RPMB write counter %u, "
			       "expected %u", t->id, cnt, *e->wr_cnt + 1);
			return TEE_ERROR_SECURITY;
		}
		*e->wr_cnt = cnt;
	}
	if (e->nonce &&
	    !smcsim_memeq_ct(e->nonce, last->nonce, SMCSIM_RPMB_NONCE_SIZE)) {
		sw_log(t->sw, "thread %u: RPMB nonce mismatch", t->id);
		return TEE_ERROR_SECURITY;
	}
	if (e->mac) {
		smcsim_rpmb_mac(r->key, f, n, mac);
		if (!smcsim_memeq_ct(mac, last->key_mac, sizeof(mac))) {
			sw_log(t->sw, "thread %u: RPMB MAC mismatch", t->id);
			return TEE_ERROR_SECURITY;
		}
	}
	return TEE_SUCCESS;
}

/* ---- 3. first use ---------------------------------------------------------- */

static uint32_t sw_rpmb_get_dev_info(struct sw_thread *t, struct sw_rpmb *r)
{
	const uint16_t hdr[3] = { SMCSIM_RPMB_CMD_GET_DEV_INFO, 0, 0 };
	struct smcsim_rpmb_dev_info info = {
		.ret_code = SMCSIM_RPMB_DEV_INFO_ERROR,
	};
	struct smcsim_hmac_sha256 h;
	uint32_t res;

	res = sw_rpmb_invoke(t, hdr, sizeof(hdr), &info, sizeof(info));
	if (res)
		return res;
	if (info.ret_code != SMCSIM_RPMB_DEV_INFO_OK || !info.rpmb_size_mult ||
	    info.rpmb_size_mult > 128)
		return TEE_ERROR_GENERIC;
	memcpy(r->cid, info.cid, sizeof(r->cid));
	r->nblocks = info.rpmb_size_mult *
		     (SMCSIM_RPMB_SIZE_UNIT / SMCSIM_RPMB_DATA_SIZE);
	r->rel_wr = info.rel_wr_sec_c ? 2U * info.rel_wr_sec_c : 1;
	if (r->rel_wr > SMCSIM_TA_RPMB_MAX_BLOCKS)
		r->rel_wr = SMCSIM_TA_RPMB_MAX_BLOCKS;
	/* The device's key: the world's secret bound to this card. */
	smcsim_hmac_sha256_init(&h, sw_rpmb_huk, sizeof(sw_rpmb_huk));
	smcsim_hmac_sha256_update(&h, "smcsim rpmb key", 15);
	smcsim_hmac_sha256_update(&h, r->cid, sizeof(r->cid));
	smcsim_hmac_sha256_final(&h, r->key);
	r->dev_info_synced = true;
	return TEE_SUCCESS;
}

/* Caller holds r->lock. A counter read: verifies the key too. */
static uint32_t sw_rpmb_read_wr_cnt(struct sw_thread *t, struct sw_rpmb *r)
{
	struct smcsim_rpmb_frame req, rsp;
	uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE];
	uint32_t cnt = 0, res;
	const struct sw_rpmb_expect e = {
		.type = SMCSIM_RPMB_RESP_WRITE_COUNTER,
		.nonce = nonce, .wr_cnt = &cnt, .mac = true,
	};

	memset(&req, 0, sizeof(req));
	sw_rpmb_nonce(r, nonce);
	memcpy(req.nonce, nonce, sizeof(nonce));
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_WRITE_COUNTER);
	res = sw_rpmb_data_req(t, 0, &req, 1, &rsp, 1);
	if (!res)
		res = sw_rpmb_verify(t, r, &rsp, 1, &e);
	if (res)
		return res;
	r->wr_cnt = cnt;
	r->wr_cnt_synced = true;
	r->key_verified = true;
	return TEE_SUCCESS;
}

/* Caller holds r->lock. */
static uint32_t sw_rpmb_program_key(struct sw_thread *t, struct sw_rpmb *r)
{
	const struct sw_rpmb_expect e = { .type = SMCSIM_RPMB_RESP_KEY_PROGRAM };
	struct smcsim_rpmb_frame req, rsp;
	uint32_t res;

	memset(&req, 0, sizeof(req));
	memcpy(req.key_mac, r->key, sizeof(r->key));
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_KEY_PROGRAM);
	res = sw_rpmb_data_req(t, 0, &req, 1, &rsp, 1);
	memset(&req, 0, sizeof(req));
	return res ? res : sw_rpmb_verify(t, r, &rsp, 1, &e);
}

/* Caller holds r->lock. OP-TEE's tee_rpmb_init(). */
static uint32_t sw_rpmb_init(struct sw_thread *t, struct sw_rpmb *r)
{
	uint32_t res;

	if (!r->dev_info_synced) {
		res = sw_rpmb_get_dev_info(t, r);
		if (res)
			return res;
	}
	if (r->wr_cnt_synced && r->key_verified)
		return TEE_SUCCESS;
	res = sw_rpmb_read_wr_cnt(t, r);
	if (res == TEE_ERROR_ITEM_NOT_FOUND && !r->key_verified) {
		sw_log(t->sw, "thread %u: RPMB key not programmed: programming",
		       t->id);
		res = sw_rpmb_program_key(t, r);
		if (!res)
			res = sw_rpmb_read_wr_cnt(t, r);
	}
	return res;
}

/* ---- 4. the commands ------------------------------------------------------- */

/* Caller holds r->lock. Blocks @addr.. from @data, @n <= r->rel_wr. */
static uint32_t sw_rpmb_write_req(struct sw_thread *t, struct sw_rpmb *r,
				  uint16_t addr, const uint8_t *data, size_t n,
				  struct smcsim_rpmb_frame *req)
{
	struct smcsim_rpmb_frame rsp;
	uint32_t cnt = r->wr_cnt, res;
	const struct sw_rpmb_expect e = {
		.type = SMCSIM_RPMB_RESP_WRITE_DATA,
		.addr = &addr, .wr_cnt = &cnt, .mac = true,
	};
	size_t i;

	memset(req, 0, n * sizeof(*req));
	for (i = 0; i < n; i++) {
		memcpy(req[i].data, data + i * SMCSIM_RPMB_DATA_SIZE,
		       SMCSIM_RPMB_DATA_SIZE);
		smcsim_rpmb_put32(req[i].write_counter, r->wr_cnt);
		smcsim_rpmb_put16(req[i].address, addr);
		smcsim_rpmb_put16(req[i].block_count, (uint16_t)n);
		smcsim_rpmb_put16(req[i].msg_type, SMCSIM_RPMB_REQ_WRITE_DATA);
	}
	smcsim_rpmb_mac(r->key, req, n, req[n - 1].key_mac);
	res = sw_rpmb_data_req(t, (uint16_t)n, req, n, &rsp, 1);
	if (!res)
		res = sw_rpmb_verify(t, r, &rsp, 1, &e);
	if (res) {
		/* Whether the device wrote is unknown: read it again first. */
		r->wr_cnt_synced = false;
		return res;
	}
	r->wr_cnt = cnt;
	return TEE_SUCCESS;
}

static uint32_t sw_rpmb_check_args(const union smcsim_ta_param p[4],
				   size_t *nblocks)
{
	size_t size = p[1].memref.size;

	if (!p[1].memref.buffer || !size || size % SMCSIM_RPMB_DATA_SIZE ||
	    size > SMCSIM_TA_RPMB_MAX_BLOCKS * SMCSIM_RPMB_DATA_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	*nblocks = size / SMCSIM_RPMB_DATA_SIZE;
	return TEE_SUCCESS;
}

/*
 * What a read and a write start with: the arguments checked, the lock
 * taken, the device set up, the range inside it. Return: TEE result; on
 * error the lock is not held.
 */
static uint32_t sw_rpmb_begin(struct sw_thread *t, struct sw_rpmb *r,
			      const union smcsim_ta_param p[4], size_t *nblocks)
{
	uint32_t addr = p[0].value.a, res;

	res = sw_rpmb_check_args(p, nblocks);
	if (res)
		return res;
	rt_mutex_lock(&r->lock);
	res = sw_rpmb_init(t, r);
	if (!res && (addr >= r->nblocks || *nblocks > r->nblocks - addr))
		res = TEE_ERROR_BAD_PARAMETERS;
	if (res)
		rt_mutex_unlock(&r->lock);
	return res;
}

static uint32_t sw_rpmb_write(struct sw_thread *t, struct sw_rpmb *r,
			      const union smcsim_ta_param p[4])
{
	struct smcsim_rpmb_frame *req = NULL;
	const uint8_t *data = p[1].memref.buffer;
	uint32_t addr = p[0].value.a, res;
	size_t nblocks, done, n;

	res = sw_rpmb_begin(t, r, p, &nblocks);
	if (res)
		return res;
	req = smcsim_calloc(r->rel_wr, sizeof(*req));
	if (!req) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	for (done = 0; done < nblocks && !res; done += n) {
		n = nblocks - done < r->rel_wr ? nblocks - done : r->rel_wr;
		res = sw_rpmb_write_req(t, r, (uint16_t)(addr + done),
					data + done * SMCSIM_RPMB_DATA_SIZE, n,
					req);
	}
out:
	rt_mutex_unlock(&r->lock);
	smcsim_free(req);
	return res;
}

static uint32_t sw_rpmb_read(struct sw_thread *t, struct sw_rpmb *r,
			     union smcsim_ta_param p[4])
{
	struct smcsim_rpmb_frame req, *rsp = NULL;
	uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE];
	uint32_t addr = p[0].value.a, res;
	uint16_t a16 = (uint16_t)addr;
	const struct sw_rpmb_expect e = {
		.type = SMCSIM_RPMB_RESP_READ_DATA,
		.addr = &a16, .nonce = nonce, .mac = true,
	};
	size_t nblocks, i;

	res = sw_rpmb_begin(t, r, p, &nblocks);
	if (res)
		return res;
	rsp = smcsim_calloc(nblocks, sizeof(*rsp));
	if (!rsp) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	sw_rpmb_nonce(r, nonce);
	memcpy(req.nonce, nonce, sizeof(nonce));
	smcsim_rpmb_put16(req.address, a16);
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	res = sw_rpmb_data_req(t, (uint16_t)nblocks, &req, 1, rsp, nblocks);
	if (!res)
		res = sw_rpmb_verify(t, r, rsp, nblocks, &e);
	if (res)
		goto out;
	/* Only verified bytes reach the caller. */
	for (i = 0; i < nblocks; i++)
		memcpy((uint8_t *)p[1].memref.buffer + i * SMCSIM_RPMB_DATA_SIZE,
		       rsp[i].data, SMCSIM_RPMB_DATA_SIZE);
out:
	rt_mutex_unlock(&r->lock);
	smcsim_free(rsp);
	return res;
}

static uint32_t rpmb_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			    uint32_t pt, union smcsim_ta_param p[4])
{
	struct sw_rpmb *r = smcsim_ta_priv(s);

	if (!s->t)
		return TEE_ERROR_COMMUNICATION;
	switch (cmd) {
	case SMCSIM_TA_RPMB_CMD_WRITE:
		if (pt != PT(VALUE_INPUT, MEMREF_INPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return sw_rpmb_write(s->t, r, p);
	case SMCSIM_TA_RPMB_CMD_READ:
		if (pt != PT(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return sw_rpmb_read(s->t, r, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops rpmb_ops = {
	.invoke = rpmb_invoke,
};

int sw_ta_rpmb_register(struct smcsim_sw *sw)
{
	struct smcsim_ta_desc desc = {
		.uuid = SMCSIM_TA_RPMB_UUID,
		.name = "rpmb",
		.ops = &rpmb_ops,
	};
	struct sw_rpmb *r;
	int rc;

	r = smcsim_zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	rt_mutex_init(&r->lock);
	desc.priv = r;
	rc = smcsim_sw_register_ta(sw, &desc);
	if (rc) {
		rt_mutex_destroy(&r->lock);
		smcsim_free(r);
		return rc;
	}
	sw->rpmb = r;
	return 0;
}

void sw_ta_rpmb_fini(struct smcsim_sw *sw)
{
	struct sw_rpmb *r = sw->rpmb;

	if (!r)
		return;
	rt_mutex_destroy(&r->lock);
	memset(r->key, 0, sizeof(r->key));
	smcsim_free(r);
	sw->rpmb = NULL;
}
