// SPDX-License-Identifier: BSD-2-Clause
/*
 * End-to-end tests of RPMB: the RPMB TA in the simulated secure world
 * reading and writing the simulated eMMC RPMB device (rpmb.h) through RPC
 * RPMB, the driver's supplicant queue and the tee-supplicant stand-in, in
 * application shared memory. The first use programs the key; the write
 * counter advances per request; a normal world that tampers with response
 * MACs or replays an old write frame is caught (TEE_ERROR_SECURITY, or the
 * device's COUNTER_FAILURE surfaced as TEE_ERROR_GENERIC) and the stored
 * data stays as it was; no supplicant or no device fails promptly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/rpmb.h>
#include <smcsim/supplicant.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define BLK	SMCSIM_RPMB_DATA_SIZE

static const struct smcsim_uuid rpmb_uuid = SMCSIM_TA_RPMB_UUID;

struct fixture {
	struct tb tb;
	struct smcsim_rpmb_dev *dev;
	struct tee_context *ctx;
	struct smcsim_supp *supp;
	uint32_t session;
};

/* What the hooks do; set by a test before the call it concerns. */
struct tamper {
	uint16_t corrupt_type;	/* flip a MAC byte of responses of this type */
	unsigned int corrupted;
	bool replay;		/* replace the next write request by @saved */
	bool have_saved;
	unsigned int replayed;
	struct smcsim_rpmb_frame saved;
};

static int setup_threads(void **state, unsigned int threads)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = threads };

	assert_non_null(f);
	tb_start(&f->tb, &o);
	assert_int_equal(smcsim_rpmb_dev_create(NULL, &f->dev), 0);
	f->ctx = tb_open_ctx(&f->tb);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_threads(state, 0);
}

/*
 * One secure thread more than callers: while every caller's thread is
 * suspended in RPC (one holding the RPMB lock in SHM_ALLOC, the others
 * waiting for the lock), the supplicant's shm registration is a yielding
 * call that needs a free thread. With as many callers as threads that
 * deadlocks, in Linux + OP-TEE as here (see the report of this change).
 */
static int setup_3threads(void **state)
{
	return setup_threads(state, 3);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->session)
		assert_int_equal(tee_client_close_session(f->ctx, f->session), 0);
	tee_client_close_context(f->ctx);
	smcsim_supp_stop(f->supp);
	tb_stop(&f->tb);
	smcsim_rpmb_dev_destroy(f->dev);
	free(f);
	return 0;
}

/* The memref of @p as bytes (the hooks' view of the RPC buffers). */
static uint8_t *memref_va(const struct tee_param *p, size_t *len)
{
	*len = p->u.memref.size;
	return tee_shm_get_va(p->u.memref.shm, p->u.memref.shm_offs);
}

static bool is_rpmb_data_req(uint32_t func, const struct tee_param *p,
			     uint32_t n)
{
	uint16_t cmd;
	size_t len;
	uint8_t *in;

	if (func != OPTEE_RPC_CMD_RPMB || n != 2)
		return false;
	in = memref_va(&p[0], &len);
	if (!in || len < SMCSIM_RPMB_REQ_HDR_SIZE + SMCSIM_RPMB_FRAME_SIZE)
		return false;
	memcpy(&cmd, in, sizeof(cmd));
	return cmd == SMCSIM_RPMB_CMD_DATA_REQ;
}

/* Before serving: remember the first write frame, replay it when armed. */
static void pre_hook(void *ctx, unsigned int nr, uint32_t func,
		     const struct tee_param *param, uint32_t num_params,
		     struct smcsim_supp_action *act)
{
	struct tamper *tm = ctx;
	struct smcsim_rpmb_frame *fr;
	size_t len;

	(void)nr;
	(void)act;
	if (!is_rpmb_data_req(func, param, num_params))
		return;
	fr = (void *)(memref_va(&param[0], &len) + SMCSIM_RPMB_REQ_HDR_SIZE);
	if (smcsim_rpmb_get16(fr->msg_type) != SMCSIM_RPMB_REQ_WRITE_DATA ||
	    len != SMCSIM_RPMB_REQ_HDR_SIZE + SMCSIM_RPMB_FRAME_SIZE)
		return;
	if (!tm->have_saved) {
		memcpy(&tm->saved, fr, sizeof(tm->saved));
		tm->have_saved = true;
	} else if (tm->replay) {
		memcpy(fr, &tm->saved, sizeof(tm->saved));
		tm->replayed++;
	}
}

/* After serving: flip a bit of the last response frame's MAC. */
static void post_hook(void *ctx, unsigned int nr, uint32_t func,
		      struct tee_param *param, uint32_t num_params,
		      uint32_t *ret)
{
	struct tamper *tm = ctx;
	struct smcsim_rpmb_frame *last;
	uint8_t *out;
	size_t len;

	(void)nr;
	if (*ret || !tm->corrupt_type ||
	    !is_rpmb_data_req(func, param, num_params))
		return;
	out = memref_va(&param[1], &len);
	if (!out || len < SMCSIM_RPMB_FRAME_SIZE)
		return;
	last = (void *)(out + len - SMCSIM_RPMB_FRAME_SIZE);
	if (smcsim_rpmb_get16(last->msg_type) != tm->corrupt_type)
		return;
	last->key_mac[5] ^= 0x10;
	tm->corrupted++;
}

static void supp_start(struct fixture *f, struct smcsim_rpmb_dev *dev,
		       struct tamper *tm)
{
	struct smcsim_supp_cfg cfg = { .rpmb = dev };

	if (tm) {
		cfg.hook = pre_hook;
		cfg.post_hook = post_hook;
		cfg.hook_ctx = tm;
	}
	assert_int_equal(smcsim_supp_start(optee_supp_teedev(f->tb.optee), &cfg,
					   &f->supp), 0);
}

static void open_rpmb(struct fixture *f)
{
	assert_int_equal(tb_open_session(f->ctx, &rpmb_uuid, &f->session), 0);
}

/*
 * WRITE or READ of @len bytes at block @addr; on READ, @data receives
 * what the TA returned only when it succeeded. Return: the TEE ret.
 */
static uint32_t rpmb_call_ctx(struct tee_context *ctx, uint32_t session,
			      uint32_t cmd, uint32_t addr, void *data,
			      size_t len)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = cmd, .session = session, .num_params = 2,
	};
	struct tee_param p[2];
	struct tee_shm *shm;
	uint8_t *va;

	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, len ? len : 1, &shm), 0);
	va = tee_shm_get_va(shm, 0);
	if (cmd == SMCSIM_TA_RPMB_CMD_WRITE)
		memcpy(va, data, len);
	else
		memset(va, 0xee, len);
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	p[0].u.value.a = addr;
	p[1].attr = cmd == SMCSIM_TA_RPMB_CMD_WRITE ?
		    TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT :
		    TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p[1].u.memref.shm = shm;
	p[1].u.memref.size = len;
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), 0);
	if (cmd == SMCSIM_TA_RPMB_CMD_READ && !arg.ret)
		memcpy(data, va, len);
	tee_shm_free(shm);
	return arg.ret;
}

static uint32_t rpmb_call(struct fixture *f, uint32_t cmd, uint32_t addr,
			  void *data, size_t len)
{
	return rpmb_call_ctx(f->ctx, f->session, cmd, addr, data, len);
}

static void fill(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 13);
}

static void assert_block(struct fixture *f, unsigned int addr,
			 const uint8_t *want)
{
	uint8_t blk[BLK];

	assert_int_equal(smcsim_rpmb_dev_peek(f->dev, addr, blk), 0);
	assert_memory_equal(blk, want, BLK);
}

static bool threads_free(void *arg)
{
	struct smcsim_sw *sw = arg;
	unsigned int i;

	for (i = 0; i < smcsim_sw_num_threads(sw); i++)
		if (smcsim_sw_thread_state(sw, i) != SMCSIM_SW_THREAD_FREE)
			return false;
	return true;
}

static bool supp_shm_free(void *arg)
{
	struct smcsim_supp_stats st;

	smcsim_supp_get_stats(arg, &st);
	return !st.shm_live;
}

/* ---- tests ----------------------------------------------------------------- */

static void rpmb_write_read_back(void **state)
{
	struct fixture *f = *state;
	uint8_t data[3 * BLK], back[3 * BLK], zero[BLK] = { 0 };
	struct smcsim_rpmb_dev_stats st;

	fill(data, sizeof(data), 1);
	supp_start(f, f->dev, NULL);
	open_rpmb(f);

	/* First use programs the key; three blocks go in two writes. */
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 7, data,
				   sizeof(data)), TEE_SUCCESS);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_true(st.key_programmed);
	assert_int_equal(st.write_counter, 2);
	assert_int_equal(st.writes, 2);
	assert_block(f, 6, zero);
	assert_block(f, 7, data);
	assert_block(f, 9, data + 2 * BLK);
	assert_block(f, 10, zero);

	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 7, back,
				   sizeof(back)), TEE_SUCCESS);
	assert_memory_equal(back, data, sizeof(data));

	/* Overwrite one block; the counter advances by one. */
	fill(data, BLK, 99);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 8, data, BLK),
			 TEE_SUCCESS);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 8, back, BLK),
			 TEE_SUCCESS);
	assert_memory_equal(back, data, BLK);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.write_counter, 3);
	assert_int_equal(st.failures, 1);	/* the unprogrammed-key answer */

	/* Whole blocks only, inside the device. */
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 0, data, 100),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 511, back,
				   2 * BLK), TEE_ERROR_BAD_PARAMETERS);
	assert_true(tb_wait_until(supp_shm_free, f->supp, TB_WAIT_MS));
	assert_true(tb_wait_until(threads_free, f->tb.sw, TB_WAIT_MS));
}

/*
 * A normal world that rewrites response MACs: the TA refuses each answer
 * with TEE_ERROR_SECURITY. Caught at the first counter read, nothing is
 * written; caught on a read, nothing reaches the caller; caught on a
 * write's result, the TA re-reads the counter before the next write.
 */
static void rpmb_response_mac_corrupted(void **state)
{
	struct fixture *f = *state;
	uint8_t a[BLK], b[BLK], back[BLK], zero[BLK] = { 0 };
	struct smcsim_rpmb_dev_stats st;
	struct tamper tm = { .corrupt_type = SMCSIM_RPMB_RESP_WRITE_COUNTER };

	fill(a, BLK, 3);
	fill(b, BLK, 200);
	supp_start(f, f->dev, &tm);
	open_rpmb(f);

	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 4, a, BLK),
			 TEE_ERROR_SECURITY);
	assert_int_equal(tm.corrupted, 2);	/* unprogrammed, then keyed */
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_true(st.key_programmed);
	assert_int_equal(st.write_counter, 0);
	assert_int_equal(st.writes, 0);
	assert_block(f, 4, zero);

	tm.corrupt_type = 0;
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 4, a, BLK),
			 TEE_SUCCESS);

	tm.corrupt_type = SMCSIM_RPMB_RESP_READ_DATA;
	memset(back, 0x5a, sizeof(back));
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 4, back, BLK),
			 TEE_ERROR_SECURITY);
	assert_int_equal(back[0], 0x5a);

	tm.corrupt_type = SMCSIM_RPMB_RESP_WRITE_DATA;
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 4, b, BLK),
			 TEE_ERROR_SECURITY);
	tm.corrupt_type = 0;
	/* The device had committed it; the TA resynchronises and goes on. */
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 4, back, BLK),
			 TEE_SUCCESS);
	assert_memory_equal(back, b, BLK);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 5, a, BLK),
			 TEE_SUCCESS);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.write_counter, 3);
	assert_int_equal(tm.corrupted, 4);
}

/* An old write frame replayed: COUNTER_FAILURE, the block keeps its data. */
static void rpmb_replayed_write(void **state)
{
	struct fixture *f = *state;
	uint8_t a[BLK], b[BLK], back[BLK];
	struct smcsim_rpmb_dev_stats st;
	struct tamper tm = { 0 };

	fill(a, BLK, 10);
	fill(b, BLK, 77);
	supp_start(f, f->dev, &tm);
	open_rpmb(f);

	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 2, a, BLK),
			 TEE_SUCCESS);
	assert_true(tm.have_saved);
	tm.replay = true;
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 2, b, BLK),
			 TEE_ERROR_GENERIC);
	assert_int_equal(tm.replayed, 1);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.last_result, SMCSIM_RPMB_RESULT_COUNTER_FAILURE);
	assert_int_equal(st.write_counter, 1);
	assert_block(f, 2, a);

	tm.replay = false;
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 2, b, BLK),
			 TEE_SUCCESS);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 2, back, BLK),
			 TEE_SUCCESS);
	assert_memory_equal(back, b, BLK);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.write_counter, 2);
}

/* A device keyed by someone else: the first counter read fails its MAC. */
static void rpmb_foreign_key(void **state)
{
	struct fixture *f = *state;
	struct smcsim_rpmb_frame req, rsp;
	struct smcsim_rpmb_dev_stats st;
	uint8_t a[BLK], zero[BLK] = { 0 };

	memset(&req, 0, sizeof(req));
	memset(req.key_mac, 0x42, sizeof(req.key_mac));
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_KEY_PROGRAM);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->dev, &req, 1, &rsp, 1), 0);
	assert_int_equal(smcsim_rpmb_get16(rsp.op_result), SMCSIM_RPMB_RESULT_OK);

	fill(a, BLK, 1);
	supp_start(f, f->dev, NULL);
	open_rpmb(f);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 0, a, BLK),
			 TEE_ERROR_SECURITY);
	assert_block(f, 0, zero);
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.write_counter, 0);
}

/* No supplicant: the first RPC fails at once, every thread comes back. */
static void rpmb_no_supplicant(void **state)
{
	struct fixture *f = *state;
	uint8_t a[BLK];
	uint64_t t0;

	fill(a, BLK, 1);
	open_rpmb(f);
	t0 = rt_now_ms();
	assert_int_not_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 0, a, BLK),
			     TEE_SUCCESS);
	assert_int_not_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 0, a, BLK),
			     TEE_SUCCESS);
	assert_true(rt_now_ms() - t0 < 2000);
	assert_true(tb_wait_until(threads_free, f->tb.sw, TB_WAIT_MS));
}

/* A supplicant without an RPMB device answers NOT_SUPPORTED; a later one
 * with the device serves, and the TA starts from device information. */
static void rpmb_no_device_then_device(void **state)
{
	struct fixture *f = *state;
	uint8_t a[BLK], back[BLK];

	fill(a, BLK, 5);
	supp_start(f, NULL, NULL);
	open_rpmb(f);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 0, a, BLK),
			 TEE_ERROR_NOT_SUPPORTED);
	assert_true(tb_wait_until(supp_shm_free, f->supp, TB_WAIT_MS));
	smcsim_supp_stop(f->supp);
	supp_start(f, f->dev, NULL);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_WRITE, 0, a, BLK),
			 TEE_SUCCESS);
	assert_int_equal(rpmb_call(f, SMCSIM_TA_RPMB_CMD_READ, 0, back, BLK),
			 TEE_SUCCESS);
	assert_memory_equal(back, a, BLK);
}

/* Two callers on two secure threads at once: writes and reads interleave
 * through the TA's lock; every one lands and the counter counts them all.
 * Run with three secure threads (setup_3threads()). */
struct worker {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t base;
};

static uint32_t worker_fn(void *arg)
{
	struct worker *w = arg;
	uint8_t d[BLK], back[BLK];
	uint32_t i, res;

	for (i = 0; i < 5; i++) {
		fill(d, BLK, (uint8_t)(w->base + i));
		res = rpmb_call_ctx(w->ctx, w->session, SMCSIM_TA_RPMB_CMD_WRITE,
				    w->base + i, d, BLK);
		if (res)
			return res;
		res = rpmb_call_ctx(w->ctx, w->session, SMCSIM_TA_RPMB_CMD_READ,
				    w->base + i, back, BLK);
		if (res)
			return res;
		if (memcmp(back, d, BLK))
			return TEE_ERROR_GENERIC;
	}
	return TEE_SUCCESS;
}

static void rpmb_concurrent_callers(void **state)
{
	struct fixture *f = *state;
	struct worker w[2];
	struct tb_job j[2];
	struct smcsim_rpmb_dev_stats st;
	unsigned int i;

	supp_start(f, f->dev, NULL);
	for (i = 0; i < 2; i++) {
		w[i].ctx = tb_open_ctx(&f->tb);
		w[i].base = 100 + 50 * i;
		assert_int_equal(tb_open_session(w[i].ctx, &rpmb_uuid,
						 &w[i].session), 0);
	}
	for (i = 0; i < 2; i++)
		tb_job_start(&j[i], "rpmb-worker", worker_fn, &w[i]);
	for (i = 0; i < 2; i++)
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), TEE_SUCCESS);
	for (i = 0; i < 2; i++) {
		assert_int_equal(tee_client_close_session(w[i].ctx,
							  w[i].session), 0);
		tee_client_close_context(w[i].ctx);
	}
	smcsim_rpmb_dev_get_stats(f->dev, &st);
	assert_int_equal(st.write_counter, 10);
	assert_int_equal(st.reads, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rpmb_write_read_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rpmb_response_mac_corrupted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(rpmb_replayed_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rpmb_foreign_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rpmb_no_supplicant, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rpmb_no_device_then_device,
						setup, teardown),
		cmocka_unit_test_setup_teardown(rpmb_concurrent_callers,
						setup_3threads, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
