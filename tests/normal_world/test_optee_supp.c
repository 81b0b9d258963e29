// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the supplicant request queue (sim/normal_world/optee/supp.c)
 * and of the RPC routing that feeds it (rpc.c: every command the kernel does
 * not serve, and SHM_ALLOC/SHM_FREE of application memory); docs/abi.md
 * sections 7.1 and 7.3, seed 004.
 *
 * The requests are real: a TA of our own makes RPCs from secure threads,
 * so each request is a secure thread suspended in the normal world while
 * its normal-world caller sleeps in the queue. The supplicant is a context
 * on the privileged device driven by the test through tee_supp_recv() and
 * tee_supp_send(), mostly from the main thread, which only receives once
 * the queue is known to be non-empty (the main thread cannot be killed, so
 * a RECV there must never block). Callers are tb_jobs, so they can be
 * killed (rt_thread_kill, the stand-in for SIGKILL) at each point of a
 * request's life. Every wait is bounded, so a hang fails the test instead
 * of stalling it.
 *
 * Sections:
 *   1. the test TA, clients and supplicant helpers
 *   2. attaching a supplicant
 *   3. order and routing
 *   4. the RECV and SEND forms and their checks
 *   5. killed requesters
 *   6. supplicant death
 *   7. shared memory named in requests
 *   8. memory the secure world must not get, or keep (a hostile
 *      firmware in front of the simulator for the last two)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define VIO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define MIO	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE
#define META	TEE_IOCTL_PARAM_ATTR_META

/*
 * Not TEE results: what a job returns when the driver refused the call
 * itself, or its gate never opened. Jobs run off the main thread, where
 * CMocka cannot assert, so they report through their return value.
 */
#define CALL_REFUSED	0xDEAD0001U
#define GATE_TIMEOUT	0xDEAD0002U
/* The TA found the SHM_ALLOC answer malformed. */
#define TA_BAD_ALLOC	0xDEAD0003U

/* Any command the kernel leaves to the supplicant. */
#define SUPP_CMD	OPTEE_RPC_CMD_FS
/* What the TA puts in value c of its first RPC param, to be recognised. */
#define TAG		0x7a67U
/* The supplicant's answer to sequence number @seq. */
#define ANSWER(seq)	((uint64_t)(seq) * 3 + 7)

/* Room for a request of 4 params and the async form's META in front. */
#define SUPP_SLOTS	5

#define NUM_THREADS	8

static const struct tb_opts upstream8 = {
	.profile = SMCSIM_ABI_UPSTREAM,
	.threads = NUM_THREADS,
};

/* ---- 1. the test TA, clients and supplicant helpers ---------------------- */

static const struct smcsim_uuid supp_ta_uuid = {
	0x534d4353, 0x0105, 0x4000,
	{ 0x80, 0x00, 0x73, 0x75, 0x70, 0x70, 0x74, 0x61 }
};

/*
 * TA_CMD_RPC [v0 in: a = RPC command, b = its param count (1..4);
 *	       v1 inout: a = sequence number, b = client id; out: what the
 *	       supplicant left in the RPC's value param 0]
 *	One RPC: param 0 VALUE_INOUT (a = seq, b = client, c = TAG), the
 *	others VALUE_INPUT. Returns the RPC's result.
 *
 * TA_CMD_APPL [v0 in: a = size, b = APPL_*; v1 out: a = the supplicant's
 *	       value answer, b = the memref size it answered; v2 out: a =
 *	       bytes of its reply that did not match, b = SHM_FREE's result]
 *	SHM_ALLOC APPL of a bytes, fills the buffer through the secure
 *	world's own map of it, sends SUPP_CMD with value param 0 and a memref
 *	on it, checks the supplicant's reply bytes, then SHM_FREE. Returns
 *	SHM_ALLOC's error, or SUPP_CMD's result.
 */
#define TA_CMD_RPC	0
#define TA_CMD_APPL	1
/*
 * TA_CMD_KMEM [v0 in: a = size, b = KMEM_ALLOC_ONLY or 0]
 *	SHM_ALLOC KERNEL of a bytes (its cookie goes to last_kernel_cookie),
 *	then, unless KMEM_ALLOC_ONLY, SUPP_CMD with value param 0 and a TMEM
 *	memref on it. Does not free it. Returns the last RPC's result.
 * TA_CMD_SHM_FREE [v0 in: a = shm type, b = cookie]
 *	SHM_FREE of that cookie; returns its result.
 */
#define TA_CMD_KMEM	2
#define TA_CMD_SHM_FREE	3

#define KMEM_ALLOC_ONLY	1

/*
 * TA_CMD_APPL_KEEP [v0 in: a = size]
 *	SHM_ALLOC APPL of a bytes; its cookie and PA go to last_appl_cookie
 *	and last_appl_pa, and it is not freed. Returns SHM_ALLOC's result.
 * TA_CMD_APPL_USE [as TA_CMD_APPL]
 *	TA_CMD_APPL's exchange (fill, SUPP_CMD with a memref, check) on the
 *	buffer TA_CMD_APPL_KEEP kept, a bytes of it, without SHM_ALLOC or
 *	SHM_FREE (v2.b is 0). Returns SUPP_CMD's result.
 */
#define TA_CMD_APPL_KEEP	4
#define TA_CMD_APPL_USE		5

/* The cookie of the last KERNEL buffer TA_CMD_KMEM got (one test at a time). */
static atomic_uint_fast64_t last_kernel_cookie;
/* The buffer TA_CMD_APPL_KEEP kept (one test at a time). */
static atomic_uint_fast64_t last_appl_cookie;
static atomic_uint_fast64_t last_appl_pa;

/* Name the buffer as RMEM at APPL_RMEM_OFFS rather than TMEM by PA. */
#define APPL_RMEM	(1U << 0)
#define APPL_RMEM_OFFS	64

/* What the TA writes at byte @i of the memref, and what the supplicant does. */
static uint8_t ta_byte(size_t i)
{
	return (uint8_t)(i * 7 + 1);
}

static uint8_t supp_byte(size_t i)
{
	return (uint8_t)(0xa5 ^ i);
}

static uint64_t ta_bytes_sum(size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += ta_byte(i);
	return sum & 0xffffffffU;
}

static uint32_t ta_cmd_rpc(struct smcsim_ta_sess *s,
			   union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[4];
	uint32_t n = p[0].value.b, i, res;

	if (n < 1 || n > 4)
		return TEE_ERROR_BAD_PARAMETERS;
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[0].u.value.a = p[1].value.a;
	mp[0].u.value.b = p[1].value.b;
	mp[0].u.value.c = TAG;
	for (i = 1; i < n; i++) {
		mp[i].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		mp[i].u.value.a = i;
		mp[i].u.value.b = p[1].value.a;
	}
	res = smcsim_ta_rpc(s, p[0].value.a, mp, n);
	p[1].value.a = (uint32_t)mp[0].u.value.a;
	p[1].value.b = (uint32_t)mp[0].u.value.b;
	return res;
}

static uint32_t ta_shm_free(struct smcsim_ta_sess *s, uint64_t cookie)
{
	struct optee_msg_param mp = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL, .b = cookie },
	};

	return smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_FREE, &mp, 1);
}

/* SHM_ALLOC APPL of @size bytes: its PA and cookie. Return: TEE result. */
static uint32_t ta_appl_alloc(struct smcsim_ta_sess *s, size_t size,
			      uint64_t *pa, uint64_t *cookie)
{
	struct optee_msg_param mp;
	uint32_t res;

	memset(&mp, 0, sizeof(mp));
	mp.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp.u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp.u.value.b = size;
	mp.u.value.c = 8;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_ALLOC, &mp, 1);
	if (res)
		return res;
	*pa = mp.u.tmem.buf_ptr;
	*cookie = mp.u.tmem.shm_ref;
	if (mp.attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT || !*cookie ||
	    mp.u.tmem.size < size)
		return TA_BAD_ALLOC;
	return TEE_SUCCESS;
}

/*
 * The TA reads and writes the buffer through the secure world's map of
 * the physical address, as OP-TEE's core maps non-secure memory the
 * normal world handed it: the bytes must cross the worlds, not stay in
 * the normal world's view of them. Fills the buffer (@size bytes at @pa,
 * @cookie), sends SUPP_CMD with a memref on it, and checks the reply:
 * p[1] and p[2].a as TA_CMD_APPL describes. Returns SUPP_CMD's result.
 */
static uint32_t ta_appl_exchange(struct smcsim_ta_sess *s, uint64_t pa,
				 uint64_t cookie, size_t size, bool rmem,
				 union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct tb *tb = smcsim_ta_priv(s);
	size_t offs = rmem ? APPL_RMEM_OFFS : 0;
	struct optee_msg_param mp[2];
	uint8_t *va;
	size_t len, i;
	uint64_t got;
	uint32_t res;

	if (size <= offs)
		return TEE_ERROR_BAD_PARAMETERS;
	len = size - offs;
	va = smcsim_phys_map(tb->phys, SMCSIM_WORLD_SECURE, pa, size);
	if (!va)
		return TA_BAD_ALLOC;
	for (i = 0; i < len; i++)
		va[offs + i] = ta_byte(i);

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[0].u.value.c = TAG;
	if (rmem) {
		mp[1].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INOUT;
		mp[1].u.rmem.offs = offs;
		mp[1].u.rmem.size = len;
		mp[1].u.rmem.shm_ref = cookie;
	} else {
		mp[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
		mp[1].u.tmem.buf_ptr = pa;
		mp[1].u.tmem.size = len;
		mp[1].u.tmem.shm_ref = cookie;
	}
	res = smcsim_ta_rpc(s, SUPP_CMD, mp, 2);
	got = rmem ? mp[1].u.rmem.size : mp[1].u.tmem.size;
	p[1].value.a = (uint32_t)mp[0].u.value.a;
	p[1].value.b = (uint32_t)got;
	/* Only an answered request says anything about the bytes. */
	if (res == TEE_SUCCESS) {
		if (got > len)
			p[2].value.a = UINT32_MAX;
		for (i = 0; i < got && i < len; i++)
			if (va[offs + i] != supp_byte(i))
				p[2].value.a++;
	}
	return res;
}

static uint32_t ta_cmd_appl(struct smcsim_ta_sess *s,
			    union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	bool rmem = p[0].value.b & APPL_RMEM;
	size_t size = p[0].value.a;
	uint64_t pa, cookie;
	uint32_t res;

	p[1].value.a = 0;
	p[1].value.b = 0;
	p[2].value.a = 0;
	p[2].value.b = 0;
	if (size <= (rmem ? APPL_RMEM_OFFS : 0))
		return TEE_ERROR_BAD_PARAMETERS;
	res = ta_appl_alloc(s, size, &pa, &cookie);
	if (res)
		return res;
	res = ta_appl_exchange(s, pa, cookie, size, rmem, p);
	p[2].value.b = ta_shm_free(s, cookie);
	return res;
}

/* TA_CMD_APPL_KEEP: SHM_ALLOC APPL, remembered and not freed. */
static uint32_t ta_cmd_appl_keep(struct smcsim_ta_sess *s,
				 union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	uint64_t pa, cookie;
	uint32_t res;

	res = ta_appl_alloc(s, p[0].value.a, &pa, &cookie);
	if (res)
		return res;
	atomic_store(&last_appl_pa, pa);
	atomic_store(&last_appl_cookie, cookie);
	return TEE_SUCCESS;
}

/* TA_CMD_APPL_USE: TA_CMD_APPL's exchange on the kept buffer. */
static uint32_t ta_cmd_appl_use(struct smcsim_ta_sess *s,
				union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	p[1].value.a = 0;
	p[1].value.b = 0;
	p[2].value.a = 0;
	p[2].value.b = 0;
	return ta_appl_exchange(s, atomic_load(&last_appl_pa),
				atomic_load(&last_appl_cookie), p[0].value.a,
				p[0].value.b & APPL_RMEM, p);
}

static uint32_t ta_cmd_kmem(struct smcsim_ta_sess *s,
			    union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[2];
	uint64_t pa, cookie;
	uint32_t res;

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	mp[0].u.value.b = p[0].value.a;
	mp[0].u.value.c = 8;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_ALLOC, mp, 1);
	if (res)
		return res;
	if (mp[0].attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT)
		return TA_BAD_ALLOC;
	pa = mp[0].u.tmem.buf_ptr;
	cookie = mp[0].u.tmem.shm_ref;
	atomic_store(&last_kernel_cookie, cookie);
	if (p[0].value.b == KMEM_ALLOC_ONLY)
		return TEE_SUCCESS;

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[0].u.value.c = TAG;
	mp[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
	mp[1].u.tmem.buf_ptr = pa;
	mp[1].u.tmem.size = p[0].value.a;
	mp[1].u.tmem.shm_ref = cookie;
	return smcsim_ta_rpc(s, SUPP_CMD, mp, 2);
}

static uint32_t ta_cmd_shm_free(struct smcsim_ta_sess *s,
				union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = p[0].value.a, .b = p[0].value.b },
	};

	return smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_FREE, &mp, 1);
}

static uint32_t supp_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t ptypes,
			       union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	switch (cmd) {
	case TA_CMD_RPC:
		if (ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INPUT,
						    SMCSIM_TA_PARAM_VALUE_INOUT,
						    SMCSIM_TA_PARAM_NONE,
						    SMCSIM_TA_PARAM_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_cmd_rpc(s, p);
	case TA_CMD_APPL:
	case TA_CMD_APPL_USE:
		if (ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INPUT,
						    SMCSIM_TA_PARAM_VALUE_OUTPUT,
						    SMCSIM_TA_PARAM_VALUE_OUTPUT,
						    SMCSIM_TA_PARAM_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd == TA_CMD_APPL ? ta_cmd_appl(s, p) :
					    ta_cmd_appl_use(s, p);
	case TA_CMD_KMEM:
	case TA_CMD_SHM_FREE:
	case TA_CMD_APPL_KEEP:
		if (ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INPUT,
						    SMCSIM_TA_PARAM_NONE,
						    SMCSIM_TA_PARAM_NONE,
						    SMCSIM_TA_PARAM_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		if (cmd == TA_CMD_KMEM)
			return ta_cmd_kmem(s, p);
		if (cmd == TA_CMD_SHM_FREE)
			return ta_cmd_shm_free(s, p);
		return ta_cmd_appl_keep(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops supp_ta_ops = {
	.invoke = supp_ta_invoke,
};

/* The stack with our TA in it. */
static void start(struct tb *tb, const struct tb_opts *o)
{
	const struct smcsim_ta_desc desc = {
		.uuid = supp_ta_uuid,
		.name = "supp-test",
		.ops = &supp_ta_ops,
		.priv = tb,
	};

	tb_start(tb, o);
	assert_int_equal(smcsim_sw_register_ta(tb->sw, &desc), 0);
}

/**
 * struct client - a client with a session to the test TA
 * @ctx:	its context
 * @session:	its session
 * @user:	@ctx came from teedev_open() (waits for a supplicant)
 * @id:		the client id it sends (value b)
 * @rpc_cmd:	the RPC command client_job() makes the TA send
 * @nparams:	params of that RPC
 * @seq:	sequence number of the first request of client_job()
 * @reps:	requests client_job() makes, one invoke each
 * @gate:	client_job() waits on it before its first invoke when @gated
 * @gated:	see @gate
 * @out_a:	value a of the last answer
 * @out_b:	value b of the last answer
 * @bad:	answers client_job() got that were not for it
 * @appl_cmd:	what client_appl_job() invokes: TA_CMD_APPL or
 *		TA_CMD_APPL_USE
 * @appl_size:	TA_CMD_APPL's size (and TA_CMD_APPL_KEEP's)
 * @appl_flags:	TA_CMD_APPL's APPL_* flags
 * @appl_out:	TA_CMD_APPL's outputs: v1.a, v1.b, v2.a, v2.b
 * @free_cookie: what client_free_job() frees (KERNEL)
 * @fail_after:	what client_rpc_fail_job() arms smcsim_alloc_fail_after()
 *		with
 * @injected:	allocations client_rpc_fail_job()'s thread had refused
 */
struct client {
	struct tee_context *ctx;
	uint32_t session;
	bool user;
	uint32_t id;
	uint32_t rpc_cmd;
	uint32_t nparams;
	uint32_t seq;
	uint32_t reps;
	struct rt_completion gate;
	bool gated;
	uint64_t out_a;
	uint64_t out_b;
	unsigned int bad;
	uint32_t appl_size;
	uint32_t appl_flags;
	uint32_t appl_cmd;
	uint64_t appl_out[4];
	uint32_t free_cookie;
	int fail_after;
	unsigned int injected;
};

static void client_setup(struct tb *tb, struct client *c, uint32_t id,
			 bool user)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->user = user;
	c->rpc_cmd = SUPP_CMD;
	c->nparams = 1;
	c->reps = 1;
	c->appl_cmd = TA_CMD_APPL;
	if (user)
		assert_int_equal(teedev_open(tb->teedev, &c->ctx), 0);
	else
		c->ctx = tb_open_ctx(tb);
	assert_int_equal(tb_open_session(c->ctx, &supp_ta_uuid, &c->session),
			 TEE_SUCCESS);
	rt_completion_init(&c->gate);
}

static void client_open(struct tb *tb, struct client *c, uint32_t id)
{
	client_setup(tb, c, id, false);
}

static void client_close(struct client *c)
{
	assert_int_equal(tee_client_close_session(c->ctx, c->session), 0);
	if (c->user)
		teedev_close_context(c->ctx);
	else
		tee_client_close_context(c->ctx);
	c->ctx = NULL;
	rt_completion_destroy(&c->gate);
}

/* One TA_CMD_RPC. Safe off the main thread (no assertions). */
static uint32_t client_rpc(struct client *c, uint32_t seq)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = TA_CMD_RPC,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];

	memset(p, 0, sizeof(p));
	p[0].attr = VI;
	p[0].u.value.a = c->rpc_cmd;
	p[0].u.value.b = c->nparams;
	p[1].attr = VIO;
	p[1].u.value.a = seq;
	p[1].u.value.b = c->id;
	p[2].attr = NO;
	p[3].attr = NO;
	if (tee_client_invoke_func(c->ctx, &arg, p))
		return CALL_REFUSED;
	c->out_a = p[1].u.value.a;
	c->out_b = p[1].u.value.b;
	return arg.ret;
}

/*
 * A job: @reps requests with sequence numbers from @seq, after the gate if
 * there is one. An answer that is not ANSWER(seq) for this client counts
 * in @bad. Returns the first result that is not SUCCESS.
 */
static uint32_t client_job(void *arg)
{
	struct client *c = arg;
	uint32_t i, ret;

	/* Not killable: a kill meant for the request stays pending. */
	if (c->gated && rt_wait_for_completion_timeout(&c->gate, TB_WAIT_MS))
		return GATE_TIMEOUT;
	for (i = 0; i < c->reps; i++) {
		ret = client_rpc(c, c->seq + i);
		if (ret != TEE_SUCCESS)
			return ret;
		if (c->out_a != ANSWER(c->seq + i) || c->out_b != c->id)
			c->bad++;
	}
	return TEE_SUCCESS;
}

/* A job: one TA_CMD_APPL (or TA_CMD_APPL_USE, as @appl_cmd says). */
static uint32_t client_appl_job(void *arg)
{
	struct client *c = arg;
	struct tee_ioctl_invoke_arg ia = {
		.func = c->appl_cmd,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];

	if (c->gated && rt_wait_for_completion_timeout(&c->gate, TB_WAIT_MS))
		return GATE_TIMEOUT;
	memset(p, 0, sizeof(p));
	p[0].attr = VI;
	p[0].u.value.a = c->appl_size;
	p[0].u.value.b = c->appl_flags;
	p[1].attr = VO;
	p[2].attr = VO;
	p[3].attr = NO;
	if (tee_client_invoke_func(c->ctx, &ia, p))
		return CALL_REFUSED;
	c->appl_out[0] = p[1].u.value.a;
	c->appl_out[1] = p[1].u.value.b;
	c->appl_out[2] = p[2].u.value.a;
	c->appl_out[3] = p[2].u.value.b;
	return ia.ret;
}

/* One invoke of @cmd with v0 = (@a, @b) in. Safe off the main thread. */
static uint32_t client_invoke_value(struct client *c, uint32_t cmd,
				    uint32_t a, uint32_t b)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = cmd,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];

	memset(p, 0, sizeof(p));
	p[0].attr = VI;
	p[0].u.value.a = a;
	p[0].u.value.b = b;
	if (tee_client_invoke_func(c->ctx, &arg, p))
		return CALL_REFUSED;
	return arg.ret;
}

/* A job: one TA_CMD_KMEM of appl_size bytes. */
static uint32_t client_kmem_job(void *arg)
{
	struct client *c = arg;

	return client_invoke_value(c, TA_CMD_KMEM, c->appl_size, 0);
}

/* A job: after the gate, SHM_FREE KERNEL of @free_cookie. */
static uint32_t client_free_job(void *arg)
{
	struct client *c = arg;

	if (rt_wait_for_completion_timeout(&c->gate, TB_WAIT_MS))
		return GATE_TIMEOUT;
	return client_invoke_value(c, TA_CMD_SHM_FREE,
				   OPTEE_RPC_SHM_TYPE_KERNEL, c->free_cookie);
}

/* A job: one TA_CMD_APPL_KEEP of appl_size bytes. */
static uint32_t client_keep_job(void *arg)
{
	struct client *c = arg;

	return client_invoke_value(c, TA_CMD_APPL_KEEP, c->appl_size, 0);
}

/* A job: SHM_FREE APPL of the buffer TA_CMD_APPL_KEEP kept. */
static uint32_t client_appl_free_job(void *arg)
{
	struct client *c = arg;

	return client_invoke_value(c, TA_CMD_SHM_FREE, OPTEE_RPC_SHM_TYPE_APPL,
				   (uint32_t)atomic_load(&last_appl_cookie));
}

/*
 * A job: client_job()'s first request, with allocation failure armed on
 * this thread (the requester's) after @fail_after allocations.
 */
static uint32_t client_rpc_fail_job(void *arg)
{
	struct client *c = arg;
	uint32_t ret;

	smcsim_alloc_fail_after(c->fail_after);
	ret = client_rpc(c, c->seq);
	c->injected = smcsim_alloc_injected();
	smcsim_alloc_fail_after(-1);
	return ret;
}

static struct optee_supp_info supp_info(struct tb *tb)
{
	struct optee_supp_info si;

	optee_get_supp_info(tb->optee, &si);
	return si;
}

/**
 * struct supp_wait - a condition on the queue for tb_wait_until()
 * @tb:		the stack
 * @queued:	queued_now wanted
 * @processing:	processing_now wanted
 * @placeholders: placeholders wanted
 */
struct supp_wait {
	struct tb *tb;
	unsigned int queued;
	unsigned int processing;
	unsigned int placeholders;
};

static bool supp_state_is(void *arg)
{
	struct supp_wait *w = arg;
	struct optee_supp_info si = supp_info(w->tb);

	return si.queued_now == w->queued &&
	       si.processing_now == w->processing &&
	       si.placeholders == w->placeholders;
}

/* Wait until exactly @queued wait, @processing are held, @ph placeholders. */
static void wait_state_ph(struct tb *tb, unsigned int queued,
			  unsigned int processing, unsigned int ph)
{
	struct supp_wait w = {
		.tb = tb, .queued = queued, .processing = processing,
		.placeholders = ph,
	};

	assert_true(tb_wait_until(supp_state_is, &w, TB_WAIT_MS));
}

static void wait_state(struct tb *tb, unsigned int queued,
		       unsigned int processing)
{
	wait_state_ph(tb, queued, processing, 0);
}

static bool job_done(void *arg)
{
	return tb_job_finished(arg);
}

static void wait_job(struct tb_job *j)
{
	assert_true(tb_wait_until(job_done, j, TB_WAIT_MS));
}

static bool threads_free(void *arg)
{
	struct tb *tb = arg;
	unsigned int i;

	for (i = 0; i < smcsim_sw_num_threads(tb->sw); i++)
		if (smcsim_sw_thread_state(tb->sw, i) != SMCSIM_SW_THREAD_FREE)
			return false;
	return true;
}

static struct tee_context *supp_open(struct tb *tb)
{
	struct tee_context *sctx = NULL;

	assert_int_equal(tee_client_open_context(optee_supp_teedev(tb->optee),
						 &sctx), 0);
	assert_non_null(sctx);
	return sctx;
}

/**
 * struct supp_req - one request as the supplicant received it
 * @async:	received in the async form: @p[0] is the META param
 * @func:	the RPC command
 * @num_params:	the request's own params (META not counted)
 * @id:		the request id (async form)
 * @p:		what RECV filled
 */
struct supp_req {
	bool async;
	uint32_t func;
	uint32_t num_params;
	uint64_t id;
	struct tee_param p[SUPP_SLOTS];
};

/* RECV with @slots params: all NONE, or META first for the async form. */
static int supp_recv(struct tee_context *sctx, bool async, uint32_t slots,
		     struct supp_req *r)
{
	uint32_t n = slots;
	int rc;

	memset(r, 0, sizeof(*r));
	r->async = async;
	if (async)
		r->p[0].attr = META;
	rc = tee_supp_recv(sctx, &r->func, &n, r->p);
	if (rc)
		return rc;
	if (async) {
		r->id = r->p[0].u.value.a;
		r->num_params = n - 1;
	} else {
		r->num_params = n;
	}
	return 0;
}

/* The request's param @i, whichever the form. */
static struct tee_param *req_param(struct supp_req *r, unsigned int i)
{
	return &r->p[i + r->async];
}

static int supp_send(struct tee_context *sctx, struct supp_req *r,
		     uint32_t ret)
{
	return tee_supp_send(sctx, ret, r->num_params + r->async, r->p);
}

/* Check that @r is TA_CMD_RPC's request @seq of client @id. */
static void expect_rpc(struct supp_req *r, uint32_t id, uint32_t seq,
		       uint32_t nparams)
{
	struct tee_param *p = req_param(r, 0);
	uint32_t i;

	assert_int_equal(r->func, SUPP_CMD);
	assert_int_equal(r->num_params, nparams);
	if (r->async)
		assert_int_equal(r->p[0].attr, VIO | META);
	assert_int_equal(p->attr, VIO);
	assert_int_equal(p->u.value.a, seq);
	assert_int_equal(p->u.value.b, id);
	assert_int_equal(p->u.value.c, TAG);
	for (i = 1; i < nparams; i++) {
		assert_int_equal(req_param(r, i)->attr, VI);
		assert_int_equal(req_param(r, i)->u.value.a, i);
	}
}

/* Answer a TA_CMD_RPC request: ANSWER(seq), the client id left as sent. */
static void answer_rpc(struct supp_req *r)
{
	struct tee_param *p = req_param(r, 0);

	p->u.value.a = ANSWER(p->u.value.a);
	p->u.value.c = r->func;
}

/*
 * Start @c's job and wait until its request is queued, which makes the
 * queue order the order of the starts.
 */
static void start_queued_ph(struct tb *tb, struct client *c, struct tb_job *j,
			    unsigned int queued_before, unsigned int processing,
			    unsigned int ph)
{
	tb_job_start(j, "client", client_job, c);
	wait_state_ph(tb, queued_before + 1, processing, ph);
}

static void start_queued(struct tb *tb, struct client *c, struct tb_job *j,
			 unsigned int queued_before, unsigned int processing)
{
	start_queued_ph(tb, c, j, queued_before, processing, 0);
}

/* ---- 2. attaching a supplicant ------------------------------------------- */

/*
 * Without a supplicant an in-kernel client is refused at once: its RPC
 * (and its application-memory SHM_ALLOC, which needs the supplicant too)
 * fails, nothing is queued, the refusal is counted.
 */
static void optee_supp_no_supplicant_refuses_kernel_client(void **state)
{
	struct optee_supp_info si;
	struct client c;
	struct tb_job j;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	client_open(&tb, &c, 1);

	/* On a job: a wait here would be the bug, and must be bounded. */
	tb_job_start(&j, "client", client_job, &c);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	c.appl_size = 4096;
	tb_job_start(&j, "client", client_appl_job, &c);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_ERROR_OUT_OF_MEMORY);

	si = supp_info(&tb);
	assert_false(si.attached);
	assert_int_equal(si.refused, 2);
	assert_int_equal(si.queued, 0);
	assert_int_equal(si.queued_now, 0);
	assert_true(threads_free(&tb));

	client_close(&c);
	tb_stop(&tb);
}

/* One supplicant at a time; a new one may attach once the first is gone. */
static void optee_supp_second_supplicant_is_busy(void **state)
{
	struct tee_context *a, *b = NULL;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	a = supp_open(&tb);
	assert_true(supp_info(&tb).attached);
	assert_int_equal(tee_client_open_context(optee_supp_teedev(tb.optee),
						 &b), -EBUSY);
	assert_int_equal(teedev_open(optee_supp_teedev(tb.optee), &b), -EBUSY);

	tee_client_close_context(a);
	assert_false(supp_info(&tb).attached);
	b = supp_open(&tb);
	assert_true(supp_info(&tb).attached);
	tee_client_close_context(b);
	assert_false(supp_info(&tb).attached);
	tb_stop(&tb);
}

/*
 * A user-space-like client (teedev_open: not supp_nowait) waits for a
 * supplicant to appear, and is served by it once it does.
 */
static void optee_supp_user_client_waits_for_supplicant(void **state)
{
	struct tee_context *sctx;
	struct optee_supp_info si;
	struct supp_req r;
	struct client c;
	struct tb_job j;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	client_setup(&tb, &c, 7, true);
	c.seq = 40;

	start_queued(&tb, &c, &j, 0, 0);
	si = supp_info(&tb);
	assert_false(si.attached);
	assert_int_equal(si.refused, 0);
	assert_false(tb_job_finished(&j));

	sctx = supp_open(&tb);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r), 0);
	expect_rpc(&r, 7, 40, 1);
	answer_rpc(&r);
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.bad, 0);
	assert_int_equal(supp_info(&tb).answered, 1);

	tee_client_close_context(sctx);
	client_close(&c);
	tb_stop(&tb);
}

/* ---- 3. order and routing ------------------------------------------------ */

#define FIFO_CLIENTS	6
#define FIFO_ROUNDS	4

/*
 * Six clients on eight secure threads, four requests each. The test
 * decides the queue order: clients are started one at a time, each once
 * the previous one's request is queued, and in later rounds each answer is
 * followed by that client's next request before the next answer goes.
 * Every round the supplicant must receive the six in exactly that order,
 * and it answers them in a different order each round, so each answer
 * must find its own requester by id.
 */
static void optee_supp_requests_are_received_in_queue_order(void **state)
{
	struct client c[FIFO_CLIENTS];
	struct tb_job j[FIFO_CLIENTS];
	unsigned int order[FIFO_CLIENTS], next[FIFO_CLIENTS];
	struct supp_req r[FIFO_CLIENTS];
	struct tee_context *sctx;
	struct optee_supp_info si;
	unsigned int i, k, round;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	for (i = 0; i < FIFO_CLIENTS; i++) {
		client_open(&tb, &c[i], 100 + i);
		c[i].seq = 1000 * (i + 1);
		c[i].reps = FIFO_ROUNDS;
		c[i].nparams = 1 + i % 4;
	}
	/* Round 0's order: a shuffle, so it is not the order of the ids. */
	for (i = 0; i < FIFO_CLIENTS; i++) {
		order[i] = (i * 5 + 3) % FIFO_CLIENTS;
		start_queued(&tb, &c[order[i]], &j[order[i]], i, 0);
	}

	for (round = 0; round < FIFO_ROUNDS; round++) {
		/* All six queued: RECV never blocks here. */
		for (i = 0; i < FIFO_CLIENTS; i++) {
			k = order[i];
			assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &r[i]),
					 0);
			expect_rpc(&r[i], c[k].id, c[k].seq + round,
				   c[k].nparams);
			answer_rpc(&r[i]);
		}
		wait_state(&tb, 0, FIFO_CLIENTS);
		/* Answer in a rotated order; it becomes the next queue order. */
		for (i = 0; i < FIFO_CLIENTS; i++) {
			unsigned int n = (i + round + 1) % FIFO_CLIENTS;

			next[i] = order[n];
			assert_int_equal(supp_send(sctx, &r[n], TEE_SUCCESS), 0);
			if (round + 1 < FIFO_ROUNDS)
				wait_state(&tb, i + 1, FIFO_CLIENTS - i - 1);
			else
				wait_job(&j[next[i]]);
		}
		memcpy(order, next, sizeof(order));
	}

	for (i = 0; i < FIFO_CLIENTS; i++) {
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(c[i].bad, 0);
		client_close(&c[i]);
	}
	si = supp_info(&tb);
	assert_int_equal(si.queued, FIFO_CLIENTS * FIFO_ROUNDS);
	assert_int_equal(si.received, FIFO_CLIENTS * FIFO_ROUNDS);
	assert_int_equal(si.answered, FIFO_CLIENTS * FIFO_ROUNDS);
	assert_int_equal(si.refused_answers, 0);
	assert_int_equal(si.killed, 0);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

#define LOOP_CLIENTS	6
#define LOOP_REPS	50

/**
 * struct supp_loop - a supplicant thread serving a fixed number of requests
 * @sctx:	its context
 * @total:	requests to serve
 * @async:	use the async form
 * @served:	requests answered
 * @last_seq:	last sequence number seen per client (index id - 100)
 * @disorder:	requests of a client that came before an earlier one
 * @err:	the first failing RECV or SEND
 */
struct supp_loop {
	struct tee_context *sctx;
	unsigned int total;
	bool async;
	unsigned int served;
	uint64_t last_seq[LOOP_CLIENTS];
	unsigned int disorder;
	int err;
};

static uint32_t supp_loop_job(void *arg)
{
	struct supp_loop *l = arg;
	struct supp_req r;
	struct tee_param *p;
	uint64_t id;

	while (l->served < l->total) {
		l->err = supp_recv(l->sctx, l->async, SUPP_SLOTS, &r);
		if (l->err)
			return 1;
		p = req_param(&r, 0);
		id = p->u.value.b - 100;
		if (r.func != SUPP_CMD || id >= LOOP_CLIENTS) {
			l->err = -EPROTO;
			return 1;
		}
		if (p->u.value.a <= l->last_seq[id])
			l->disorder++;
		l->last_seq[id] = p->u.value.a;
		answer_rpc(&r);
		l->err = supp_send(l->sctx, &r, TEE_SUCCESS);
		if (l->err)
			return 1;
		l->served++;
	}
	return 0;
}

/*
 * Free-running clients and a supplicant thread, once in each form: every
 * request is answered exactly once and to its own requester, and each
 * client's requests reach the supplicant in the order it made them.
 */
static void supp_concurrent(bool async)
{
	struct client c[LOOP_CLIENTS];
	struct tb_job j[LOOP_CLIENTS], sj;
	struct optee_supp_info si;
	struct supp_loop l;
	unsigned int i;
	struct tb tb;

	start(&tb, &upstream8);
	memset(&l, 0, sizeof(l));
	l.sctx = supp_open(&tb);
	l.total = LOOP_CLIENTS * LOOP_REPS;
	l.async = async;
	tb_job_start(&sj, "supplicant", supp_loop_job, &l);
	for (i = 0; i < LOOP_CLIENTS; i++) {
		client_open(&tb, &c[i], 100 + i);
		c[i].seq = 1;
		c[i].reps = LOOP_REPS;
		c[i].nparams = 1 + i % 4;
		tb_job_start(&j[i], "client", client_job, &c[i]);
	}
	for (i = 0; i < LOOP_CLIENTS; i++) {
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(c[i].bad, 0);
	}
	assert_int_equal(tb_job_join(&sj, TB_WAIT_MS), 0);
	assert_int_equal(l.err, 0);
	assert_int_equal(l.disorder, 0);

	si = supp_info(&tb);
	assert_int_equal(si.queued, l.total);
	assert_int_equal(si.received, l.total);
	assert_int_equal(si.answered, l.total);
	assert_int_equal(si.refused_answers, 0);
	assert_int_equal(si.queued_now + si.processing_now, 0);
	for (i = 0; i < LOOP_CLIENTS; i++)
		client_close(&c[i]);
	tee_client_close_context(l.sctx);
	tb_stop(&tb);
}

static void optee_supp_concurrent_clients_all_answered_sync(void **state)
{
	(void)state;
	supp_concurrent(false);
}

static void optee_supp_concurrent_clients_all_answered_async(void **state)
{
	(void)state;
	supp_concurrent(true);
}

/* ---- 4. the RECV and SEND forms and their checks ------------------------- */

/*
 * The async form hands out the id in a VALUE_INOUT|META params[0]; two
 * requests held at once and answered out of order each reach their own
 * requester; an id answered once is unknown afterwards.
 */
static void optee_supp_async_recv_send_by_id(void **state)
{
	struct tee_context *sctx;
	struct supp_req ra, rb;
	struct client a, b;
	struct tb_job ja, jb;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.seq = 10;
	b.seq = 20;
	b.nparams = 3;
	start_queued(&tb, &a, &ja, 0, 0);
	start_queued(&tb, &b, &jb, 1, 0);

	assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &ra), 0);
	assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &rb), 0);
	expect_rpc(&ra, 1, 10, 1);
	expect_rpc(&rb, 2, 20, 3);
	assert_true(ra.id >= 1);
	assert_true(rb.id >= 1);
	assert_int_not_equal(ra.id, rb.id);
	wait_state(&tb, 0, 2);

	/* B first: A must stay asleep. */
	answer_rpc(&rb);
	assert_int_equal(supp_send(sctx, &rb, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(b.bad, 0);
	assert_false(tb_job_finished(&ja));
	wait_state(&tb, 0, 1);

	answer_rpc(&ra);
	assert_int_equal(supp_send(sctx, &ra, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad, 0);

	/* Answered once: the id is nobody's any more. */
	assert_int_equal(supp_send(sctx, &ra, TEE_SUCCESS), -ENOENT);
	assert_int_equal(supp_info(&tb).answered, 2);

	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * The sync form holds one request at a time: a second sync RECV before the
 * SEND is refused and leaves the next request queued; after the SEND the
 * next one is received.
 */
static void optee_supp_sync_recv_holds_one_request(void **state)
{
	struct tee_context *sctx;
	struct supp_req ra, rb;
	struct client a, b;
	struct tb_job ja, jb;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.seq = 10;
	b.seq = 20;
	start_queued(&tb, &a, &ja, 0, 0);
	start_queued(&tb, &b, &jb, 1, 0);

	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &ra), 0);
	expect_rpc(&ra, 1, 10, 1);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &rb), -EINVAL);
	wait_state(&tb, 1, 1);

	answer_rpc(&ra);
	assert_int_equal(supp_send(sctx, &ra, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &rb), 0);
	expect_rpc(&rb, 2, 20, 1);
	answer_rpc(&rb);
	assert_int_equal(supp_send(sctx, &rb, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad + b.bad, 0);

	/* Nothing held now: a sync SEND has nothing to answer. */
	assert_int_not_equal(supp_send(sctx, &rb, TEE_SUCCESS), 0);
	assert_int_equal(supp_info(&tb).answered, 2);

	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

static uint32_t recv_sync_job(void *arg)
{
	struct tee_context *sctx = arg;
	struct supp_req r;

	return (uint32_t)-supp_recv(sctx, false, SUPP_SLOTS, &r);
}

/*
 * While a sync RECV is outstanding (received, not yet answered) the
 * supplicant may not take another request: tee_drv.h promises -EINVAL for
 * a second sync RECV, and docs/abi.md section 7.3 (Linux's supp_pop_entry() checks
 * req_id before anything else) refuses mixing in the async form too.
 * Probed here where the request-queued case of
 * optee_supp_sync_recv_holds_one_request() does not reach: an empty
 * queue, and an async RECV. Results are recorded, everything is cleaned
 * up, then checked, so a failure leaves no thread behind.
 */
static void optee_supp_sync_outstanding_refuses_any_recv(void **state)
{
	struct tee_context *sctx;
	struct supp_req ra, rb;
	struct client a, b;
	struct tb_job ja, jb, jr;
	int async_rc, rc_b = 0;
	uint32_t recv_rc;
	bool refused;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.seq = 10;
	b.seq = 20;
	start_queued(&tb, &a, &ja, 0, 0);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &ra), 0);

	/* Empty queue, on a job: if it blocks, it is killed to go on. */
	tb_job_start(&jr, "recv", recv_sync_job, sctx);
	refused = tb_wait_until(job_done, &jr, 500);
	if (!refused)
		rt_thread_kill(jr.thr);
	recv_rc = tb_job_join(&jr, TB_WAIT_MS);

	/* A request queued, asked for in the async form. */
	start_queued(&tb, &b, &jb, 0, 1);
	async_rc = supp_recv(sctx, true, SUPP_SLOTS, &rb);
	if (!async_rc) {
		answer_rpc(&rb);
		rc_b = supp_send(sctx, &rb, TEE_SUCCESS);
	}
	answer_rpc(&ra);
	assert_int_equal(supp_send(sctx, &ra, TEE_SUCCESS), 0);
	if (async_rc) {
		rc_b = supp_recv(sctx, false, SUPP_SLOTS, &rb);
		answer_rpc(&rb);
		if (!rc_b)
			rc_b = supp_send(sctx, &rb, TEE_SUCCESS);
	}
	assert_int_equal(rc_b, 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad + b.bad, 0);
	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);

	/*
	 * Caught a bug: a RECV that looked at req_id only in the sync form
	 * and only once a request was queued let the second sync RECV sleep
	 * on an empty queue until a request came or it was killed (EINTR
	 * here), and let an async RECV take a request meanwhile.
	 */
	assert_true(refused);
	assert_int_equal(recv_rc, EINVAL);
	assert_int_equal(async_rc, -EINVAL);
}

/*
 * A SEND with the wrong number of params is refused and changes nothing:
 * the request stays held and a correct SEND still answers it. Both forms.
 */
static void optee_supp_send_wrong_param_count_keeps_request(void **state)
{
	struct tee_context *sctx;
	struct supp_req r;
	struct client a;
	struct tb_job ja;
	unsigned int form;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	a.nparams = 2;
	for (form = 0; form < 2; form++) {
		bool async = form;

		a.seq = 10 + form;
		start_queued(&tb, &a, &ja, 0, 0);
		assert_int_equal(supp_recv(sctx, async, SUPP_SLOTS, &r), 0);
		expect_rpc(&r, 1, a.seq, 2);
		answer_rpc(&r);
		assert_int_equal(tee_supp_send(sctx, TEE_SUCCESS,
					       r.num_params + async - 1, r.p),
				 -EINVAL);
		assert_int_equal(tee_supp_send(sctx, TEE_SUCCESS,
					       r.num_params + async + 1, r.p),
				 -EINVAL);
		wait_state(&tb, 0, 1);
		assert_false(tb_job_finished(&ja));
		assert_int_equal(supp_info(&tb).answered, form);

		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
		assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(a.bad, 0);
	}
	assert_int_equal(supp_info(&tb).answered, 2);
	assert_int_equal(supp_info(&tb).refused_answers, 4);
	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * A SEND naming an id nobody was given is -ENOENT: one never handed out,
 * and one still queued (ids are handed out in order, so the second
 * request's is the first's plus one). The queued one is then received and
 * answered normally.
 */
static void optee_supp_send_unknown_id_is_refused(void **state)
{
	struct tee_context *sctx;
	struct supp_req ra, rb, fake;
	struct client a, b;
	struct tb_job ja, jb;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.seq = 10;
	b.seq = 20;
	start_queued(&tb, &a, &ja, 0, 0);
	start_queued(&tb, &b, &jb, 1, 0);
	assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &ra), 0);
	expect_rpc(&ra, 1, 10, 1);

	fake = ra;
	fake.p[0].u.value.a = 9999;
	assert_int_equal(supp_send(sctx, &fake, TEE_SUCCESS), -ENOENT);
	fake.p[0].u.value.a = (uint64_t)INT32_MAX + 1;
	assert_int_equal(supp_send(sctx, &fake, TEE_SUCCESS), -ENOENT);
	fake.p[0].u.value.a = ra.id + 1;
	answer_rpc(&fake);
	assert_int_equal(supp_send(sctx, &fake, TEE_SUCCESS), -ENOENT);
	wait_state(&tb, 1, 1);
	assert_false(tb_job_finished(&jb));
	assert_int_equal(supp_info(&tb).answered, 0);
	assert_true(supp_info(&tb).refused_answers >= 2);

	answer_rpc(&ra);
	assert_int_equal(supp_send(sctx, &ra, TEE_SUCCESS), 0);
	assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &rb), 0);
	expect_rpc(&rb, 2, 20, 1);
	assert_int_equal(rb.id, ra.id + 1);
	answer_rpc(&rb);
	assert_int_equal(supp_send(sctx, &rb, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad + b.bad, 0);
	assert_int_equal(supp_info(&tb).answered, 2);

	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * RECV's params are checked before anything is taken: none at all, a
 * param that is neither NONE nor a lone META, too few slots for the
 * request (either form) all give -EINVAL and leave the request queued,
 * to be received whole afterwards. A request is queued throughout, so a
 * missing check would show as a wrong receive, not as a hang.
 */
static void optee_supp_recv_params_are_checked(void **state)
{
	struct tee_context *sctx;
	struct tee_param p[SUPP_SLOTS];
	struct supp_req r;
	struct client a;
	struct tb_job ja;
	uint32_t func, n;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	a.seq = 10;
	a.nparams = 3;
	start_queued(&tb, &a, &ja, 0, 0);

	memset(p, 0, sizeof(p));
	n = 0;
	assert_int_equal(tee_supp_recv(sctx, &func, &n, p), -EINVAL);
	p[0].attr = VI;
	n = SUPP_SLOTS;
	assert_int_equal(tee_supp_recv(sctx, &func, &n, p), -EINVAL);
	p[0].attr = META | VIO;
	n = SUPP_SLOTS;
	assert_int_equal(tee_supp_recv(sctx, &func, &n, p), -EINVAL);
	p[0].attr = NO;
	p[2].attr = MIO;
	n = SUPP_SLOTS;
	assert_int_equal(tee_supp_recv(sctx, &func, &n, p), -EINVAL);
	/* Too few: 2 slots for 3 params, or 3 for META + 3 params. */
	assert_int_equal(supp_recv(sctx, false, 2, &r), -EINVAL);
	assert_int_equal(supp_recv(sctx, true, 3, &r), -EINVAL);
	wait_state(&tb, 1, 0);
	assert_int_equal(supp_info(&tb).received, 0);

	/* Exactly enough in the sync form. */
	assert_int_equal(supp_recv(sctx, false, 3, &r), 0);
	expect_rpc(&r, 1, 10, 3);
	answer_rpc(&r);
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad, 0);

	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* Only the supplicant's context may RECV or SEND. */
static void optee_supp_recv_send_need_the_supplicant(void **state)
{
	struct tee_context *sctx, *other;
	struct tee_param p[SUPP_SLOTS];
	uint32_t func, n = SUPP_SLOTS;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	other = tb_open_ctx(&tb);
	memset(p, 0, sizeof(p));
	/* A client context serves only once registered as a server. */
	assert_int_equal(tee_supp_recv(other, &func, &n, p), -EPERM);
	assert_int_equal(tee_supp_send(other, 0, 1, p), -EPERM);
	tee_client_close_context(other);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 5. killed requesters ------------------------------------------------ */

/* A job: one async RECV; what it receives is answered unchanged. */
static uint32_t recv_async_job(void *arg)
{
	struct tee_context *sctx = arg;
	struct supp_req r;
	int rc = supp_recv(sctx, true, SUPP_SLOTS, &r);

	if (!rc)
		supp_send(sctx, &r, TEE_SUCCESS);
	return (uint32_t)-rc;
}

#define PREKILL_RACE_RUNS	50

/*
 * (a) A requester killed before it makes its request: the request fails
 * with COMMUNICATION at once, nothing is queued, the supplicant never sees
 * it. First with the supplicant attached but not in RECV; then, many
 * times, with a supplicant thread waiting in RECV, which a request that
 * was queued at all could reach before its requester noticed the kill.
 * Everything is recorded and cleaned up first, so a failure leaves no
 * thread behind.
 */
static void optee_supp_killed_before_queueing_is_refused(void **state)
{
	unsigned int run, handed = 0, not_refused = 0, queued = 0;
	struct tee_context *sctx;
	struct optee_supp_info si;
	uint32_t ret;
	struct client a;
	struct tb_job ja, jr;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	a.gated = true;
	tb_job_start(&ja, "client", client_job, &a);
	rt_thread_kill(ja.thr);
	rt_complete(&a.gate);
	ret = tb_job_join(&ja, TB_WAIT_MS);
	si = supp_info(&tb);
	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
	assert_int_equal(ret, TEE_ERROR_COMMUNICATION);
	assert_int_equal(si.queued_now + si.processing_now + si.placeholders, 0);
	assert_int_equal(si.received, 0);
	assert_int_equal(si.answered, 0);

	for (run = 0; run < PREKILL_RACE_RUNS; run++) {
		start(&tb, &upstream8);
		sctx = supp_open(&tb);
		tb_job_start(&jr, "recv", recv_async_job, sctx);
		client_open(&tb, &a, 1);
		a.gated = true;
		tb_job_start(&ja, "client", client_job, &a);
		rt_thread_kill(ja.thr);
		rt_complete(&a.gate);
		if (tb_job_join(&ja, TB_WAIT_MS) != TEE_ERROR_COMMUNICATION)
			not_refused++;
		si = supp_info(&tb);
		if (si.received)
			handed++;
		queued += si.queued != 0;
		rt_thread_kill(jr.thr);
		tb_job_join(&jr, TB_WAIT_MS);
		client_close(&a);
		tee_client_close_context(sctx);
		tb_stop(&tb);
	}
	/*
	 * Caught a bug: a requester that queued first and met the pending
	 * kill only in its killable wait queued every such request, and in
	 * about one run in ten the waiting supplicant took it and answered
	 * it first, so the dead requester's call went through.
	 */
	assert_int_equal(handed, 0);
	assert_int_equal(not_refused, 0);
	assert_int_equal(queued, 0);
}

/*
 * (b) Killed while QUEUED: the request leaves the queue (from the middle
 * of it here), its TA sees COMMUNICATION, and the supplicant receives the
 * others in order, never the dead one.
 */
static void optee_supp_killed_while_queued_is_removed(void **state)
{
	struct client c[3];
	struct tb_job j[3];
	struct tee_context *sctx;
	struct optee_supp_info si;
	struct supp_req r;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	for (i = 0; i < 3; i++) {
		client_open(&tb, &c[i], 1 + i);
		c[i].seq = 10 * (i + 1);
		start_queued(&tb, &c[i], &j[i], i, 0);
	}
	rt_thread_kill(j[1].thr);
	assert_int_equal(tb_job_join(&j[1], TB_WAIT_MS),
			 TEE_ERROR_COMMUNICATION);
	wait_state(&tb, 2, 0);
	si = supp_info(&tb);
	assert_int_equal(si.killed, 1);
	assert_int_equal(si.received, 0);

	for (i = 0; i < 3; i += 2) {
		assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r), 0);
		expect_rpc(&r, c[i].id, c[i].seq, 1);
		answer_rpc(&r);
		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(c[i].bad, 0);
	}
	si = supp_info(&tb);
	assert_int_equal(si.queued_now + si.processing_now + si.placeholders, 0);
	assert_int_equal(si.received, 2);
	assert_int_equal(si.answered, 2);
	assert_true(threads_free(&tb));

	for (i = 0; i < 3; i++)
		client_close(&c[i]);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * (c) Killed while the supplicant holds the request: the requester gets
 * COMMUNICATION at once, a placeholder keeps the id, and the late SEND is
 * refused with -EBADF without answering anything; the id is then free
 * (a second SEND is -ENOENT) and, in the sync form, so is the supplicant's
 * one slot. Both forms.
 */
static void optee_supp_killed_while_processing_refuses_late_send(void **state)
{
	struct tee_context *sctx;
	struct optee_supp_info si;
	uint64_t refused;
	struct supp_req r;
	struct client a, b;
	struct tb_job ja, jb;
	unsigned int form;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &b, 2);
	for (form = 0; form < 2; form++) {
		bool async = form;

		client_open(&tb, &a, 1);
		a.seq = 10;
		a.nparams = 2;
		start_queued(&tb, &a, &ja, 0, 0);
		assert_int_equal(supp_recv(sctx, async, SUPP_SLOTS, &r), 0);
		expect_rpc(&r, 1, 10, 2);
		rt_thread_kill(ja.thr);
		assert_int_equal(tb_job_join(&ja, TB_WAIT_MS),
				 TEE_ERROR_COMMUNICATION);
		si = supp_info(&tb);
		assert_int_equal(si.placeholders, 1);
		assert_int_equal(si.processing_now, 0);
		assert_int_equal(si.killed, form + 1);
		assert_int_equal(si.answered, form);

		answer_rpc(&r);
		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), -EBADF);
		refused = si.refused_answers;
		si = supp_info(&tb);
		assert_int_equal(si.placeholders, 0);
		assert_int_equal(si.answered, form);
		assert_int_equal(si.refused_answers, refused + 1);
		if (async)
			assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS),
					 -ENOENT);
		else
			assert_int_not_equal(supp_send(sctx, &r, TEE_SUCCESS),
					     0);
		client_close(&a);

		/* The supplicant serves the next request as usual. */
		b.seq = 20 + form;
		start_queued(&tb, &b, &jb, 0, 0);
		assert_int_equal(supp_recv(sctx, async, SUPP_SLOTS, &r), 0);
		expect_rpc(&r, 2, b.seq, 1);
		answer_rpc(&r);
		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
		assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(b.bad, 0);
	}
	assert_int_equal(supp_info(&tb).answered, 2);
	assert_true(threads_free(&tb));
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * (d) Killed once the answer is in: the answer counts, as if no kill had
 * come. The kill comes right after SEND returns, before or after the
 * requester woke; either way the TA sees the supplicant's result and
 * values, and nothing counts as killed.
 */
static void optee_supp_killed_after_answer_uses_answer(void **state)
{
	struct tee_context *sctx;
	struct optee_supp_info si;
	struct supp_req r;
	struct client a;
	struct tb_job ja;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	for (i = 0; i < 20; i++) {
		client_open(&tb, &a, 1);
		a.seq = 10 + i;
		start_queued(&tb, &a, &ja, 0, 0);
		assert_int_equal(supp_recv(sctx, i % 2, SUPP_SLOTS, &r), 0);
		answer_rpc(&r);
		assert_int_equal(supp_send(sctx, &r, TEE_ERROR_ITEM_NOT_FOUND),
				 0);
		rt_thread_kill(ja.thr);
		assert_int_equal(tb_job_join(&ja, TB_WAIT_MS),
				 TEE_ERROR_ITEM_NOT_FOUND);
		assert_int_equal(a.out_a, ANSWER(a.seq));
		assert_int_equal(a.out_b, 1);
		client_close(&a);
	}
	si = supp_info(&tb);
	assert_int_equal(si.answered, 20);
	assert_int_equal(si.killed, 0);
	assert_int_equal(si.placeholders, 0);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/**
 * struct queued_or_done - a condition for tb_wait_until(): a request is
 * queued, or @j returned
 * @tb:		the stack
 * @j:		the requester
 */
struct queued_or_done {
	struct tb *tb;
	struct tb_job *j;
};

static bool is_queued_or_done(void *arg)
{
	struct queued_or_done *w = arg;

	return supp_info(w->tb).queued_now || tb_job_finished(w->j);
}

/* More allocations than a request makes before it is queued. */
#define PH_FAIL_MAX	200

/*
 * (c') Killed while a sync RECV holds the request, and the placeholder
 * cannot be allocated (the kill path runs on the requester's thread):
 * the id is freed, and with it the supplicant's one sync slot, so the
 * late SEND is refused and the next sync RECV takes the next request.
 *
 * The failure is armed on the requester's thread before its call, after
 * n allocations: the first n for which the request is queued at all makes
 * the next allocation of that thread fail, and the next one it makes is
 * the placeholder, when the kill wakes it. Smaller n fail the call before
 * it queues anything. Results are recorded, everything cleaned up, then
 * checked, so a failure leaves no thread behind.
 */
static void optee_supp_killed_without_placeholder_frees_sync_slot(void **state)
{
	struct tee_context *sctx;
	struct optee_supp_info si;
	struct queued_or_done w;
	struct supp_req r;
	struct client a, b;
	struct tb_job ja, jb;
	uint32_t ret_a = 0, ret_b;
	int n, late_rc = 0, recv_rc;
	bool queued = false;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.seq = 10;
	b.seq = 20;
	memset(&si, 0, sizeof(si));
	for (n = 0; n < PH_FAIL_MAX && !queued; n++) {
		a.fail_after = n;
		a.injected = 0;
		tb_job_start(&ja, "client", client_rpc_fail_job, &a);
		w = (struct queued_or_done){ .tb = &tb, .j = &ja };
		assert_true(tb_wait_until(is_queued_or_done, &w, TB_WAIT_MS));
		if (!supp_info(&tb).queued_now) {
			/* An earlier allocation failed, and the call. */
			assert_int_not_equal(tb_job_join(&ja, TB_WAIT_MS),
					     TEE_SUCCESS);
			assert_int_equal(a.injected, 1);
			continue;
		}
		queued = true;
		assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r), 0);
		expect_rpc(&r, 1, 10, 1);
		rt_thread_kill(ja.thr);
		ret_a = tb_job_join(&ja, TB_WAIT_MS);
		si = supp_info(&tb);
		answer_rpc(&r);
		late_rc = supp_send(sctx, &r, TEE_SUCCESS);
	}
	assert_true(queued);

	/* The supplicant's next sync RECV. */
	start_queued(&tb, &b, &jb, 0, 0);
	recv_rc = supp_recv(sctx, false, SUPP_SLOTS, &r);
	if (!recv_rc) {
		expect_rpc(&r, 2, 20, 1);
		answer_rpc(&r);
		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	} else {
		rt_thread_kill(jb.thr);
	}
	ret_b = tb_job_join(&jb, TB_WAIT_MS);
	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);

	assert_int_equal(ret_a, TEE_ERROR_COMMUNICATION);
	/* The one injected failure was the placeholder's. */
	assert_int_equal(a.injected, 1);
	assert_int_equal(si.placeholders, 0);
	assert_int_equal(si.processing_now, 0);
	assert_int_equal(si.killed, 1);
	assert_int_not_equal(late_rc, 0);
	/*
	 * Guards a fix (7a0be22): without the placeholder the id was freed
	 * but the sync slot still named it, so every later sync RECV was
	 * -EINVAL and the supplicant could serve nothing again.
	 */
	assert_int_equal(recv_rc, 0);
	assert_int_equal(ret_b, TEE_SUCCESS);
	assert_int_equal(b.bad, 0);
}

/* A supplicant thread waiting in RECV can be killed: -EINTR. */
static void optee_supp_recv_is_killable(void **state)
{
	struct tee_context *sctx;
	struct tb_job jr;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	tb_job_start(&jr, "recv", recv_sync_job, sctx);
	rt_sleep_ms(20);
	assert_false(tb_job_finished(&jr));
	rt_thread_kill(jr.thr);
	assert_int_equal(tb_job_join(&jr, TB_WAIT_MS), EINTR);
	assert_int_equal(supp_info(&tb).received, 0);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 6. supplicant death ------------------------------------------------- */

#define DEATH_QUEUED		3
#define DEATH_PROCESSING	2

/*
 * The supplicant dies (closes its context) holding two requests, with
 * three more queued and one placeholder: all five requesters complete
 * with COMMUNICATION, nothing is left in the queue, every secure thread
 * is free again. An in-kernel client is then refused at once until a new
 * supplicant attaches, which serves a fresh request normally.
 */
static void optee_supp_death_fails_every_request(void **state)
{
	const unsigned int n = DEATH_QUEUED + DEATH_PROCESSING;
	struct client c[DEATH_QUEUED + DEATH_PROCESSING + 1];
	struct tb_job j[DEATH_QUEUED + DEATH_PROCESSING + 1];
	struct supp_req r[DEATH_PROCESSING + 1];
	struct tee_context *sctx;
	struct optee_supp_info si;
	struct client fresh;
	struct tb_job jf;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	for (i = 0; i <= n; i++) {
		client_open(&tb, &c[i], 1 + i);
		c[i].seq = 10 * (i + 1);
	}
	/* A placeholder: c[n] is killed while the supplicant holds it. */
	start_queued(&tb, &c[n], &j[n], 0, 0);
	assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &r[DEATH_PROCESSING]),
			 0);
	rt_thread_kill(j[n].thr);
	assert_int_equal(tb_job_join(&j[n], TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	/* Two held (async form), three queued. */
	for (i = 0; i < DEATH_PROCESSING; i++) {
		start_queued_ph(&tb, &c[i], &j[i], 0, i, 1);
		assert_int_equal(supp_recv(sctx, true, SUPP_SLOTS, &r[i]), 0);
		expect_rpc(&r[i], c[i].id, c[i].seq, 1);
	}
	for (i = DEATH_PROCESSING; i < n; i++)
		start_queued_ph(&tb, &c[i], &j[i], i - DEATH_PROCESSING,
				DEATH_PROCESSING, 1);
	si = supp_info(&tb);
	assert_int_equal(si.queued_now, DEATH_QUEUED);
	assert_int_equal(si.processing_now, DEATH_PROCESSING);
	assert_int_equal(si.placeholders, 1);

	tee_client_close_context(sctx);
	for (i = 0; i < n; i++)
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS),
				 TEE_ERROR_COMMUNICATION);
	si = supp_info(&tb);
	assert_false(si.attached);
	assert_int_equal(si.failed, n);
	assert_int_equal(si.queued_now + si.processing_now + si.placeholders, 0);
	assert_int_equal(si.answered, 0);
	assert_true(tb_wait_until(threads_free, &tb, TB_WAIT_MS));

	/* No supplicant: refused at once again. */
	client_open(&tb, &fresh, 50);
	fresh.seq = 500;
	tb_job_start(&jf, "client", client_job, &fresh);
	assert_int_equal(tb_job_join(&jf, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	assert_int_equal(supp_info(&tb).refused, 1);

	/* A new supplicant starts clean: ids, sync slot and all. */
	sctx = supp_open(&tb);
	fresh.seq = 501;
	start_queued(&tb, &fresh, &jf, 0, 0);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r[0]), 0);
	expect_rpc(&r[0], 50, 501, 1);
	answer_rpc(&r[0]);
	assert_int_equal(supp_send(sctx, &r[0], TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&jf, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(fresh.bad, 0);
	assert_int_equal(supp_info(&tb).answered, 1);

	client_close(&fresh);
	for (i = 0; i <= n; i++)
		client_close(&c[i]);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * A supplicant thread waiting in RECV is killed and then the supplicant
 * closes, as a dying tee-supplicant does: the waiting requester is failed
 * and a new supplicant thread on a new context is woken by the next
 * request (the old RECV must not have swallowed its wake-up).
 */
static void optee_supp_death_with_waiting_recv(void **state)
{
	struct tee_context *sctx;
	struct client a;
	struct tb_job ja, jr;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	tb_job_start(&jr, "recv", recv_sync_job, sctx);
	rt_sleep_ms(10);
	rt_thread_kill(jr.thr);
	assert_int_equal(tb_job_join(&jr, TB_WAIT_MS), EINTR);
	tee_client_close_context(sctx);

	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	a.seq = 10;
	tb_job_start(&jr, "recv", recv_async_job, sctx);
	tb_job_start(&ja, "client", client_job, &a);
	/* recv_async_job answers it unchanged: not ANSWER(seq). */
	assert_int_equal(tb_job_join(&jr, TB_WAIT_MS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.bad, 1);
	assert_int_equal(supp_info(&tb).answered, 1);

	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 7. shared memory named in requests ---------------------------------- */

#define APPL_SIZE	4096

/* Receive (the request is queued) and check that it is SHM_ALLOC APPL. */
static void recv_shm_alloc(struct tb *tb, struct tee_context *sctx,
			   struct supp_req *r, size_t size)
{
	struct tee_param *p;

	wait_state(tb, 1, 0);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, r), 0);
	p = req_param(r, 0);
	assert_int_equal(r->func, OPTEE_RPC_CMD_SHM_ALLOC);
	assert_int_equal(r->num_params, 1);
	assert_int_equal(p->attr, VIO);
	assert_int_equal(p->u.value.a, OPTEE_RPC_SHM_TYPE_APPL);
	assert_int_equal(p->u.value.b, size);
}

/* The supplicant's half of SHM_ALLOC: a user buffer of its own, by id. */
static struct tee_shm *serve_shm_alloc(struct tb *tb, struct tee_context *sctx,
				       size_t size)
{
	struct tee_shm *shm = NULL;
	struct supp_req r;

	recv_shm_alloc(tb, sctx, &r, size);
	assert_int_equal(tee_shm_alloc_user_buf(sctx, size, &shm), 0);
	assert_true(shm->id >= 1);
	req_param(&r, 0)->u.value.c = (uint64_t)shm->id;
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	return shm;
}

/* Receive SUPP_CMD with its memref on @shm at @offs, @len bytes. */
static void recv_memref_cmd(struct tb *tb, struct tee_context *sctx,
			    struct supp_req *r, struct tee_shm *shm,
			    size_t offs, size_t len)
{
	struct tee_param *m;

	wait_state(tb, 1, 0);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, r), 0);
	assert_int_equal(r->func, SUPP_CMD);
	assert_int_equal(r->num_params, 2);
	assert_int_equal(req_param(r, 0)->attr, VIO);
	assert_int_equal(req_param(r, 0)->u.value.c, TAG);
	m = req_param(r, 1);
	assert_int_equal(m->attr, MIO);
	assert_ptr_equal(m->u.memref.shm, shm);
	assert_int_equal(m->u.memref.shm_offs, offs);
	assert_int_equal(m->u.memref.size, len);
}

/*
 * The supplicant's half of SUPP_CMD: check the TA's bytes, answer their
 * sum in value a, and write its own bytes over the first half.
 */
static void serve_memref_cmd(struct tb *tb, struct tee_context *sctx,
			     struct tee_shm *shm, size_t offs, size_t len)
{
	struct supp_req r;
	struct tee_param *m;
	uint64_t sum = 0;
	uint8_t *va;
	size_t i;

	recv_memref_cmd(tb, sctx, &r, shm, offs, len);
	m = req_param(&r, 1);
	va = tee_shm_get_va(shm, m->u.memref.shm_offs);
	assert_non_null(va);
	for (i = 0; i < len; i++) {
		assert_int_equal(va[i], ta_byte(i));
		sum += va[i];
	}
	for (i = 0; i < len / 2; i++)
		va[i] = supp_byte(i);
	m->u.memref.size = len / 2;
	req_param(&r, 0)->u.value.a = sum & 0xffffffffU;
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
}

/* Receive SHM_FREE APPL for @shm; the driver's reference is gone by then. */
static void serve_shm_free(struct tb *tb, struct tee_context *sctx,
			   struct tee_shm *shm)
{
	struct supp_req r;
	struct tee_param *p;

	wait_state(tb, 1, 0);
	assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r), 0);
	p = req_param(&r, 0);
	assert_int_equal(r.func, OPTEE_RPC_CMD_SHM_FREE);
	assert_int_equal(r.num_params, 1);
	assert_int_equal(p->attr, VI);
	assert_int_equal(p->u.value.a, OPTEE_RPC_SHM_TYPE_APPL);
	assert_int_equal(p->u.value.b, shm->id);
	assert_int_equal(rt_kref_read(&shm->refcount), 1);
	tee_shm_free(shm);
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
}

/*
 * Application memory end to end, TMEM by PA and RMEM at an offset: the
 * supplicant allocates it in its own context and answers the id; the
 * driver holds a reference while the secure world has it (and RECV one
 * more while a request names it); the TA's bytes reach the supplicant and
 * the supplicant's reach the TA, through the secure world's map; SHM_FREE
 * reaches the supplicant with the same id after the driver let go, and
 * once it frees, no page and no registration is left.
 */
static void optee_supp_appl_shm_round_trip(void **state)
{
	struct tee_context *sctx;
	struct tee_shm *shm;
	size_t pages, shms, offs, len;
	struct client a;
	struct tb_job ja;
	unsigned int form;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	shms = smcsim_sw_shm_count(tb.sw);
	for (form = 0; form < 2; form++) {
		offs = form ? APPL_RMEM_OFFS : 0;
		len = APPL_SIZE - offs;
		a.appl_size = APPL_SIZE;
		a.appl_flags = form ? APPL_RMEM : 0;
		tb_job_start(&ja, "client", client_appl_job, &a);

		shm = serve_shm_alloc(&tb, sctx, APPL_SIZE);
		wait_state(&tb, 1, 0);
		/*
		 * Ours and the driver's (the secure world has it), and
		 * maybe one of the queued request that names it.
		 */
		assert_true(rt_kref_read(&shm->refcount) >= 2);
		serve_memref_cmd(&tb, sctx, shm, offs, len);
		serve_shm_free(&tb, sctx, shm);

		assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(a.appl_out[0], ta_bytes_sum(len));
		assert_int_equal(a.appl_out[1], len / 2);
		assert_int_equal(a.appl_out[2], 0);
		assert_int_equal(a.appl_out[3], TEE_SUCCESS);
		assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);
		assert_int_equal(smcsim_sw_shm_count(tb.sw), shms);
	}
	assert_int_equal(supp_info(&tb).answered, 6);
	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * While the supplicant holds a request naming application memory, the
 * memory cannot go: the requester is killed, the TA gives the buffer back
 * (its SHM_FREE cannot reach the supplicant: the requester is dead), and
 * RECV's reference still keeps the buffer whole for the supplicant, which
 * may still write to it. The late SEND drops that reference.
 */
static void optee_supp_memref_held_until_late_answer(void **state)
{
	struct tee_context *sctx;
	struct tee_shm *shm;
	struct supp_req r;
	size_t pages;
	struct client a;
	struct tb_job ja;
	uint8_t *va;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_appl_job, &a);
	shm = serve_shm_alloc(&tb, sctx, APPL_SIZE);
	recv_memref_cmd(&tb, sctx, &r, shm, 0, APPL_SIZE);
	/* Ours, the driver's, and at least RECV's. */
	assert_true(rt_kref_read(&shm->refcount) >= 3);

	rt_thread_kill(ja.thr);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	/* SHM_FREE itself succeeded in the secure world's eyes. */
	assert_int_equal(a.appl_out[3], TEE_SUCCESS);
	wait_state_ph(&tb, 0, 0, 1);
	/* Ours, and the one the placeholder keeps for the late answer. */
	assert_int_equal(rt_kref_read(&shm->refcount), 2);
	va = tee_shm_get_va(shm, 0);
	assert_non_null(va);
	memset(va, 0x5a, APPL_SIZE);

	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), -EBADF);
	assert_int_equal(rt_kref_read(&shm->refcount), 1);
	assert_int_equal(supp_info(&tb).placeholders, 0);
	tee_shm_free(shm);
	assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);

	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * The supplicant dies while the secure world has application memory of it
 * and a request on that memory is held: the request fails, the TA's
 * SHM_FREE drops the driver's reference (nobody to tell), and the dead
 * supplicant's context goes with its last shm. Nothing is left.
 */
static void optee_supp_death_with_appl_shm_leaves_nothing(void **state)
{
	struct tee_context *sctx;
	struct tee_shm *shm;
	struct supp_req r;
	size_t pages;
	struct client a;
	struct tb_job ja;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_appl_job, &a);
	shm = serve_shm_alloc(&tb, sctx, APPL_SIZE);
	recv_memref_cmd(&tb, sctx, &r, shm, 0, APPL_SIZE);

	/* A dying process's files close: its shm first, then the device. */
	tee_shm_free(shm);
	tee_client_close_context(sctx);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	assert_int_equal(a.appl_out[3], TEE_SUCCESS);
	assert_int_equal(supp_info(&tb).failed, 1);
	assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);

	client_close(&a);
	tb_stop(&tb);
}

/* How the supplicant answers SHM_ALLOC in the next case. */
enum bad_alloc {
	BAD_ALLOC_UNKNOWN_ID,
	BAD_ALLOC_HUGE_ID,
	BAD_ALLOC_TOO_SMALL,
	BAD_ALLOC_ERROR,
	BAD_ALLOC_FOREIGN_ID,
	BAD_ALLOC_COUNT,
};

/*
 * A supplicant's SHM_ALLOC answer is checked like any input: an id that
 * names nothing, one out of range, a buffer smaller than asked, an error
 * result, the id of a shm of another context: the TA sees OUT_OF_MEMORY,
 * no supplicant command follows, the driver keeps no reference, and once
 * the supplicant frees what it allocated no page is left.
 */
static void optee_supp_appl_bad_alloc_answer_is_out_of_memory(void **state)
{
	struct tee_context *sctx, *uctx;
	struct tee_shm *shm, *foreign;
	size_t pages, size;
	struct supp_req r;
	struct client a;
	struct tb_job ja;
	unsigned int k;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	/* Ids are per device: the foreign one lives on the client device. */
	assert_int_equal(teedev_open(tb.teedev, &uctx), 0);
	assert_int_equal(tee_shm_alloc_user_buf(uctx, 4 * APPL_SIZE, &foreign),
			 0);
	pages = smcsim_phys_dram_pages_used(tb.phys);

	for (k = 0; k < BAD_ALLOC_COUNT; k++) {
		uint32_t ret = TEE_SUCCESS;

		shm = NULL;
		size = 3 * APPL_SIZE;
		a.appl_size = (uint32_t)size;
		tb_job_start(&ja, "client", client_appl_job, &a);
		recv_shm_alloc(&tb, sctx, &r, size);
		switch (k) {
		case BAD_ALLOC_UNKNOWN_ID:
			req_param(&r, 0)->u.value.c = 12345;
			break;
		case BAD_ALLOC_HUGE_ID:
			req_param(&r, 0)->u.value.c = (uint64_t)INT32_MAX + 2;
			break;
		case BAD_ALLOC_TOO_SMALL:
			assert_int_equal(tee_shm_alloc_user_buf(sctx, APPL_SIZE,
								&shm), 0);
			req_param(&r, 0)->u.value.c = (uint64_t)shm->id;
			break;
		case BAD_ALLOC_ERROR:
			assert_int_equal(tee_shm_alloc_user_buf(sctx, size,
								&shm), 0);
			req_param(&r, 0)->u.value.c = (uint64_t)shm->id;
			ret = TEE_ERROR_OUT_OF_MEMORY;
			break;
		case BAD_ALLOC_FOREIGN_ID:
			req_param(&r, 0)->u.value.c = (uint64_t)foreign->id;
			break;
		}
		assert_int_equal(supp_send(sctx, &r, ret), 0);
		assert_int_equal(tb_job_join(&ja, TB_WAIT_MS),
				 TEE_ERROR_OUT_OF_MEMORY);
		wait_state(&tb, 0, 0);
		if (shm) {
			assert_int_equal(rt_kref_read(&shm->refcount), 1);
			tee_shm_free(shm);
		}
		assert_int_equal(rt_kref_read(&foreign->refcount), 1);
		assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);
	}
	/* Only the SHM_ALLOCs were ever queued. */
	assert_int_equal(supp_info(&tb).queued, BAD_ALLOC_COUNT);

	/*
	 * The id of a dead supplicant's shm, still alive (and numbered on
	 * this very device) because the dead one kept it: not the new
	 * supplicant's, so refused too.
	 */
	assert_int_equal(tee_shm_alloc_user_buf(sctx, size, &shm), 0);
	tee_client_close_context(sctx);
	sctx = supp_open(&tb);
	tb_job_start(&ja, "client", client_appl_job, &a);
	recv_shm_alloc(&tb, sctx, &r, size);
	req_param(&r, 0)->u.value.c = (uint64_t)shm->id;
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(rt_kref_read(&shm->refcount), 1);
	tee_shm_free(shm);

	tee_shm_free(foreign);
	teedev_close_context(uctx);
	client_close(&a);
	tee_client_close_context(sctx);
	assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages - 4);
	tb_stop(&tb);
}

/*
 * A queued request names a KERNEL buffer, and before the supplicant takes
 * it another secure thread frees that buffer (a confused or hostile
 * secure world: rpc.c promises to check everything it sends). The driver
 * must keep the memory alive (or refuse the free) while a request names
 * it: RECV will take a reference on that shm and the supplicant will
 * write to it. The pages in use show whether it went; the test never
 * receives a request whose shm is gone.
 */
static void optee_supp_queued_memref_keeps_shm_alive(void **state)
{
	struct tee_context *sctx;
	uint32_t free_ret, a_ret;
	size_t pages, after, at_end = 0;
	bool alive;
	struct supp_req r;
	struct client a, b;
	struct tb_job ja;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_kmem_job, &a);
	wait_state(&tb, 1, 0);
	pages = smcsim_phys_dram_pages_used(tb.phys);

	free_ret = client_invoke_value(&b, TA_CMD_SHM_FREE,
				       OPTEE_RPC_SHM_TYPE_KERNEL,
				       (uint32_t)atomic_load(&last_kernel_cookie));
	after = smcsim_phys_dram_pages_used(tb.phys);
	alive = after == pages;
	if (alive) {
		assert_int_equal(supp_recv(sctx, false, SUPP_SLOTS, &r), 0);
		assert_int_equal(r.num_params, 2);
		assert_non_null(req_param(&r, 1)->u.memref.shm);
		assert_non_null(tee_shm_get_va(req_param(&r, 1)->u.memref.shm,
					       0));
		assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
		a_ret = tb_job_join(&ja, TB_WAIT_MS);
		at_end = smcsim_phys_dram_pages_used(tb.phys);
	} else {
		/* Gone: receiving it would touch freed memory. Kill instead. */
		rt_thread_kill(ja.thr);
		a_ret = tb_job_join(&ja, TB_WAIT_MS);
	}
	client_close(&a);
	client_close(&b);
	tee_client_close_context(sctx);
	tb_stop(&tb);

	/*
	 * Caught a bug: with bare shm pointers in a queued request (a
	 * reference taken only at RECV), SHM_FREE of a KERNEL buffer freed
	 * it under the request, and the RECV that followed did tee_shm_get()
	 * on freed memory (a use-after-free under ASan).
	 */
	assert_true(alive);
	assert_int_equal(a_ret, TEE_SUCCESS);
	/* A free that was accepted takes effect once the request ended. */
	if (free_ret == TEE_SUCCESS)
		assert_int_equal(at_end, pages - 1);
}

#define DOUBLE_FREE_RUNS	2000

/*
 * Two secure threads give back the same cookie at once (a confused secure
 * world, which rpc.c checks against): exactly one SHM_FREE succeeds, the
 * other is BAD_PARAMETERS, and the driver never touches what the winner
 * freed. KERNEL memory keeps the supplicant out of it; APPL memory goes
 * through the same lookup. The outcome is checked everywhere; a touch of
 * freed memory only shows under ASan or TSan, hence the many rounds.
 */
static void optee_supp_concurrent_shm_free_of_one_cookie(void **state)
{
	unsigned int run, wrong = 0;
	struct client a, b, c;
	struct tb_job jb, jc;
	uint32_t rb, rc;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	client_open(&tb, &a, 1);
	client_open(&tb, &b, 2);
	client_open(&tb, &c, 3);
	for (run = 0; run < DOUBLE_FREE_RUNS; run++) {
		assert_int_equal(client_invoke_value(&a, TA_CMD_KMEM, APPL_SIZE,
						     KMEM_ALLOC_ONLY),
				 TEE_SUCCESS);
		b.free_cookie = (uint32_t)atomic_load(&last_kernel_cookie);
		c.free_cookie = b.free_cookie;
		tb_job_start(&jb, "free", client_free_job, &b);
		tb_job_start(&jc, "free", client_free_job, &c);
		rt_complete(&b.gate);
		rt_complete(&c.gate);
		rb = tb_job_join(&jb, TB_WAIT_MS);
		rc = tb_job_join(&jc, TB_WAIT_MS);
		if (!((rb == TEE_SUCCESS && rc == TEE_ERROR_BAD_PARAMETERS) ||
		      (rc == TEE_SUCCESS && rb == TEE_ERROR_BAD_PARAMETERS)))
			wrong++;
	}
	client_close(&a);
	client_close(&b);
	client_close(&c);
	tb_stop(&tb);
	/*
	 * The race this guards: the loser of two frees once resolved the
	 * cookie after the winner had freed it (TSan saw it in half the
	 * runs). rpc_shm_free() now finds, checks and takes the cookie in
	 * one hold of rpc_lock.
	 */
	assert_int_equal(wrong, 0);
}

/* ---- 8. memory the secure world must not get, or keep -------------------- */

/*
 * The supplicant answers SHM_ALLOC with the id of memory it registered
 * (its own pages, not the pool): only pool memory is one physical run
 * that can go to the secure world by address, so the TA sees
 * OUT_OF_MEMORY, the driver keeps no reference, nothing else is queued,
 * and no page or registration is left behind.
 */
static void optee_supp_appl_registered_memory_is_refused(void **state)
{
	struct tee_context *sctx;
	struct tee_shm *reg = NULL;
	size_t pages, shms;
	struct supp_req r;
	struct client a;
	struct tb_job ja;
	uint64_t pa;
	uint8_t *va;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	/* Two pages of the supplicant's own, the buffer across both. */
	assert_int_equal(smcsim_phys_alloc_pages(tb.phys, 2, &pa), 0);
	va = smcsim_phys_map(tb.phys, SMCSIM_WORLD_NORMAL, pa,
			     2 * SMCSIM_PAGE_SIZE);
	assert_non_null(va);
	assert_int_equal(tee_shm_register_user_buf(sctx, va + 100, APPL_SIZE,
						   &reg), 0);
	assert_true(reg->id >= 1);
	assert_false(reg->flags & TEE_SHM_POOL);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	shms = smcsim_sw_shm_count(tb.sw);

	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_keep_job, &a);
	recv_shm_alloc(&tb, sctx, &r, APPL_SIZE);
	req_param(&r, 0)->u.value.c = (uint64_t)reg->id;
	assert_int_equal(supp_send(sctx, &r, TEE_SUCCESS), 0);
	/*
	 * Guards a fix (7a0be22): the registered buffer was accepted and
	 * its first page's address given to the secure world as if the
	 * whole buffer followed it.
	 */
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_ERROR_OUT_OF_MEMORY);
	wait_state(&tb, 0, 0);
	assert_int_equal(supp_info(&tb).queued, 1);
	assert_int_equal(rt_kref_read(&reg->refcount), 1);
	assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);
	assert_int_equal(smcsim_sw_shm_count(tb.sw), shms);

	tee_shm_free(reg);
	assert_int_equal(smcsim_phys_free_pages(tb.phys, pa, 2), 0);
	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/*
 * The supplicant dies while the secure world holds application memory of
 * it (the TA allocated it and returned without freeing it): the memory
 * keeps the dead supplicant's context alive. Once its client is gone too,
 * remove must not wait for that context for ever: with no supplicant
 * attached, the driver drops its references itself. tb_stop() bounds the
 * remove and checks that no page is left.
 */
static void optee_supp_remove_after_dead_supplicant_kept_appl_shm(void **state)
{
	struct tee_context *sctx;
	struct tee_shm *shm;
	size_t pages;
	struct client a;
	struct tb_job ja;
	struct tb tb;

	(void)state;
	start(&tb, &upstream8);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_keep_job, &a);
	shm = serve_shm_alloc(&tb, sctx, APPL_SIZE);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	/* Ours and the driver's: the secure world has it. */
	assert_int_equal(rt_kref_read(&shm->refcount), 2);

	/* A dying process's files close: its shm first, then the device. */
	tee_shm_free(shm);
	tee_client_close_context(sctx);
	assert_false(supp_info(&tb).attached);
	/* The driver's reference alone keeps the page. */
	assert_int_equal(rt_kref_read(&shm->refcount), 1);
	assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages + 1);

	client_close(&a);
	/*
	 * Guards a fix (7a0be22): remove waited for the dead supplicant's
	 * context, which only the driver's own reference kept: for ever.
	 */
	tb_stop(&tb);
}

/* ---- a hostile firmware in front of the simulator ------------------------ */

/* The thread id of an RPC the hostile firmware makes up. */
#define HOSTILE_THREAD	0xfeedUL

/**
 * struct hostile - a firmware that makes up one RPC
 * @inner:	the simulator
 * @no_rpc_arg:	hide OPTEE_SMC_SEC_CAP_RPC_ARG: the driver then makes its
 *		calls with CALL_WITH_ARG and serves RPC CMD by cookie
 * @inject:	armed: the RPC (an OPTEE_SMC_RETURN_RPC_* value) the next
 *		yielding call gets before it reaches the simulator; 0 when not
 * @cookie:	what that RPC names in a1/a2
 * @saved:	the yielding call held back meanwhile
 * @pending:	@saved waits for the RETURN_FROM_RPC of the made-up RPC
 * @served:	made-up RPCs the driver returned from
 *
 * Armed only while one call at a time is made; @inject is taken with an
 * exchange, so only one call can get it.
 */
struct hostile {
	struct smcsim_invoke inner;
	bool no_rpc_arg;
	atomic_ulong inject;
	uint64_t cookie;
	unsigned long saved[8];
	atomic_bool pending;
	atomic_uint served;
};

static bool is_yielding_call(unsigned long a0)
{
	return a0 == OPTEE_SMC_CALL_WITH_ARG ||
	       a0 == OPTEE_SMC_CALL_WITH_RPC_ARG ||
	       a0 == OPTEE_SMC_CALL_WITH_REGD_ARG;
}

static void hostile_fn(void *ctx, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3, unsigned long a4,
		       unsigned long a5, unsigned long a6, unsigned long a7,
		       struct arm_smccc_res *res)
{
	struct hostile *h = ctx;
	unsigned long *c = h->saved, fake;

	if (is_yielding_call(a0) && (fake = atomic_exchange(&h->inject, 0))) {
		c[0] = a0;
		c[1] = a1;
		c[2] = a2;
		c[3] = a3;
		c[4] = a4;
		c[5] = a5;
		c[6] = a6;
		c[7] = a7;
		atomic_store(&h->pending, true);
		*res = (struct arm_smccc_res){
			.a0 = fake,
			.a1 = (unsigned long)(h->cookie >> 32),
			.a2 = (unsigned long)(h->cookie & 0xffffffffU),
			.a3 = HOSTILE_THREAD,
		};
		return;
	}
	if (a0 == OPTEE_SMC_CALL_RETURN_FROM_RPC && a3 == HOSTILE_THREAD &&
	    atomic_exchange(&h->pending, false)) {
		/* The made-up RPC is answered: now the call goes in. */
		atomic_fetch_add(&h->served, 1);
		smcsim_invoke_call(&h->inner, c[0], c[1], c[2], c[3], c[4],
				   c[5], c[6], c[7], res);
		return;
	}
	smcsim_invoke_call(&h->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
	if (a0 == OPTEE_SMC_EXCHANGE_CAPABILITIES && h->no_rpc_arg)
		res->a1 &= ~OPTEE_SMC_SEC_CAP_RPC_ARG;
}

static struct smcsim_invoke hostile_front(void *ctx, struct smcsim_invoke sim)
{
	struct hostile *h = ctx;

	h->inner = sim;
	return (struct smcsim_invoke){ .fn = hostile_fn, .ctx = h };
}

static void hostile_start(struct tb *tb, struct hostile *h, bool no_rpc_arg)
{
	struct tb_opts o = upstream8;
	struct optee_info info;

	memset(h, 0, sizeof(*h));
	h->no_rpc_arg = no_rpc_arg;
	atomic_init(&h->inject, 0);
	atomic_init(&h->pending, false);
	atomic_init(&h->served, 0);
	o.front = hostile_front;
	o.front_ctx = h;
	start(tb, &o);
	optee_get_info(tb->optee, &info);
	assert_int_equal(info.rpc_param_count == 0, no_rpc_arg);
}

/* What the fake argument below says its result is, until answered. */
#define HOSTILE_RET	0x5eed1234U

/*
 * An optee_msg_arg the supplicant writes into its own buffer: GET_TIME,
 * which the driver would answer in place were it to take the buffer for
 * an RPC argument.
 */
static void write_fake_rpc_arg(struct tee_shm *shm)
{
	struct optee_msg_arg *arg = tee_shm_get_va(shm, 0);

	assert_non_null(arg);
	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(1));
	arg->cmd = OPTEE_RPC_CMD_GET_TIME;
	arg->ret = HOSTILE_RET;
	arg->num_params = 1;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	arg->params[0].u.value.a = 1;
	arg->params[0].u.value.b = 2;
}

/*
 * The secure world holds application memory of the supplicant, and the
 * firmware names its cookie where only the driver's own memory belongs:
 * RPC FREE (for the arguments RPC ALLOC gave), or RPC CMD (the argument
 * of a command, which the supplicant can write). Either is refused: the
 * driver keeps its reference, does not read the buffer as an argument,
 * and the memory stays usable by the TA (a SUPP_CMD on it, by cookie);
 * SHM_FREE of it as KERNEL memory is refused too; the proper APPL
 * SHM_FREE then succeeds and reaches the supplicant, and nothing is left.
 */
static void hostile_rpc_on_appl_shm(unsigned long fake)
{
	bool cmd = fake == OPTEE_SMC_RETURN_RPC_CMD;
	uint8_t before[OPTEE_MSG_GET_ARG_SIZE(1)];
	struct tee_context *sctx;
	struct tee_shm *shm;
	struct hostile h;
	struct client a;
	struct tb_job ja;
	size_t pages;
	struct tb tb;

	hostile_start(&tb, &h, cmd);
	sctx = supp_open(&tb);
	client_open(&tb, &a, 1);
	pages = smcsim_phys_dram_pages_used(tb.phys);
	a.appl_size = APPL_SIZE;
	tb_job_start(&ja, "client", client_keep_job, &a);
	shm = serve_shm_alloc(&tb, sctx, APPL_SIZE);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(rt_kref_read(&shm->refcount), 2);
	write_fake_rpc_arg(shm);
	memcpy(before, tee_shm_get_va(shm, 0), sizeof(before));

	/*
	 * The made-up RPC comes ahead of this call, which itself asks to
	 * free the application memory as kernel memory: refused.
	 */
	h.cookie = atomic_load(&last_appl_cookie);
	atomic_store(&h.inject, fake);
	assert_int_equal(client_invoke_value(&a, TA_CMD_SHM_FREE,
					     OPTEE_RPC_SHM_TYPE_KERNEL,
					     (uint32_t)h.cookie),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(atomic_load(&h.served), 1);
	/*
	 * Guards a fix (7a0be22): RPC FREE took any cookie and dropped the
	 * driver's reference on the supplicant's memory; RPC CMD took any
	 * cookie's buffer for its argument and answered the GET_TIME the
	 * supplicant wrote there.
	 */
	assert_int_equal(rt_kref_read(&shm->refcount), 2);
	assert_memory_equal(tee_shm_get_va(shm, 0), before, sizeof(before));

	/* Still the TA's, by cookie. */
	a.appl_cmd = TA_CMD_APPL_USE;
	a.appl_flags = APPL_RMEM;
	tb_job_start(&ja, "client", client_appl_job, &a);
	serve_memref_cmd(&tb, sctx, shm, APPL_RMEM_OFFS,
			 APPL_SIZE - APPL_RMEM_OFFS);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(a.appl_out[0],
			 ta_bytes_sum(APPL_SIZE - APPL_RMEM_OFFS));
	assert_int_equal(a.appl_out[2], 0);

	/* The proper free reaches the supplicant. */
	tb_job_start(&ja, "client", client_appl_free_job, &a);
	serve_shm_free(&tb, sctx, shm);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	/*
	 * Without RPC_ARG the secure threads keep the arguments RPC ALLOC
	 * gave them until remove drains the cache; tb_stop() counts those.
	 */
	if (!cmd)
		assert_int_equal(smcsim_phys_dram_pages_used(tb.phys), pages);

	client_close(&a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

static void optee_supp_rpc_free_of_appl_cookie_is_refused(void **state)
{
	(void)state;
	hostile_rpc_on_appl_shm(OPTEE_SMC_RETURN_RPC_FREE);
}

static void optee_supp_rpc_cmd_in_appl_shm_is_refused(void **state)
{
	(void)state;
	hostile_rpc_on_appl_shm(OPTEE_SMC_RETURN_RPC_CMD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(optee_supp_no_supplicant_refuses_kernel_client),
		cmocka_unit_test(optee_supp_second_supplicant_is_busy),
		cmocka_unit_test(optee_supp_user_client_waits_for_supplicant),
		cmocka_unit_test(optee_supp_requests_are_received_in_queue_order),
		cmocka_unit_test(optee_supp_concurrent_clients_all_answered_sync),
		cmocka_unit_test(optee_supp_concurrent_clients_all_answered_async),
		cmocka_unit_test(optee_supp_async_recv_send_by_id),
		cmocka_unit_test(optee_supp_sync_recv_holds_one_request),
		cmocka_unit_test(optee_supp_sync_outstanding_refuses_any_recv),
		cmocka_unit_test(optee_supp_send_wrong_param_count_keeps_request),
		cmocka_unit_test(optee_supp_send_unknown_id_is_refused),
		cmocka_unit_test(optee_supp_recv_params_are_checked),
		cmocka_unit_test(optee_supp_recv_send_need_the_supplicant),
		cmocka_unit_test(optee_supp_killed_before_queueing_is_refused),
		cmocka_unit_test(optee_supp_killed_while_queued_is_removed),
		cmocka_unit_test(optee_supp_killed_while_processing_refuses_late_send),
		cmocka_unit_test(optee_supp_killed_without_placeholder_frees_sync_slot),
		cmocka_unit_test(optee_supp_killed_after_answer_uses_answer),
		cmocka_unit_test(optee_supp_recv_is_killable),
		cmocka_unit_test(optee_supp_death_fails_every_request),
		cmocka_unit_test(optee_supp_death_with_waiting_recv),
		cmocka_unit_test(optee_supp_appl_shm_round_trip),
		cmocka_unit_test(optee_supp_memref_held_until_late_answer),
		cmocka_unit_test(optee_supp_death_with_appl_shm_leaves_nothing),
		cmocka_unit_test(optee_supp_appl_bad_alloc_answer_is_out_of_memory),
		cmocka_unit_test(optee_supp_queued_memref_keeps_shm_alive),
		cmocka_unit_test(optee_supp_concurrent_shm_free_of_one_cookie),
		cmocka_unit_test(optee_supp_appl_registered_memory_is_refused),
		cmocka_unit_test(optee_supp_remove_after_dead_supplicant_kept_appl_shm),
		cmocka_unit_test(optee_supp_rpc_free_of_appl_cookie_is_refused),
		cmocka_unit_test(optee_supp_rpc_cmd_in_appl_shm_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
