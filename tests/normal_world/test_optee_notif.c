// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the OP-TEE driver's notifications
 * (sim/normal_world/optee/notif.c, the NOTIFICATION handler of rpc.c and
 * section 6 of smc_abi.c; docs/abi.md section 9).
 *
 * Key semantics are driven by real RPCs from secure threads: the built-in
 * notification TA for well-formed WAIT and SEND, a TA of our own for
 * malformed ones. The interrupt path is fed by a hostile firmware: a hook
 * in front of the simulator that rewrites the answers to
 * GET_ASYNC_NOTIF_VALUE and passes every other call on, so the driver's
 * top half meets values out of range, garbage registers, a PENDING flag
 * that never clears and a storm of bottom-half requests. Every wait is
 * bounded, so a hang fails the test instead of stalling it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/irq.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

/* A wait meant to time out: long enough to be a real sleep, short for CI. */
#define SHORT_TIMEOUT_MS	30
/* The top half's bound per run (OPTEE_NOTIF_IRQ_MAX_VALUES in the driver). */
#define IRQ_MAX_VALUES		128
#define STORM_RAISES		2000
/* Raises of the storm's second wave, each once the previous run began. */
#define STORM_PACED		200
/* Polls in a row with nothing new before the storm counts as over. */
#define QUIET_POLLS		100

/* Keys used below: async values (1..63), so the simulator can post them. */
#define KEY_A			5
#define KEY_B			6
#define KEY_SENTINEL		20

static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;

static const struct tb_opts upstream = { .profile = SMCSIM_ABI_UPSTREAM };

/* ---- clients of the notification TA -------------------------------------- */

/**
 * struct client - a kernel client with a session to a TA
 * @ctx:	its context
 * @session:	its session
 * @cmd:	what client_job() invokes
 * @value:	v0.a for client_job()
 * @timeout_ms:	v0.b for client_job()
 */
struct client {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t cmd;
	uint32_t value;
	uint32_t timeout_ms;
};

static void client_open(struct tb *tb, struct client *c,
			const struct smcsim_uuid *uuid)
{
	memset(c, 0, sizeof(*c));
	c->ctx = tb_open_ctx(tb);
	assert_int_equal(tb_open_session(c->ctx, uuid, &c->session),
			 TEE_SUCCESS);
}

static void client_close(struct client *c)
{
	assert_int_equal(tee_client_close_session(c->ctx, c->session), 0);
	tee_client_close_context(c->ctx);
}

/* One notification-TA command: v0 = (value, timeout). Return: the TEE ret. */
static uint32_t notif_cmd(struct client *c, uint32_t cmd, uint32_t value,
			  uint32_t timeout_ms)
{
	static const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { value, timeout_ms } };

	return tb_invoke_values(c->ctx, c->session, cmd, types, v);
}

static uint32_t notif_wait(struct client *c, uint32_t key, uint32_t timeout_ms)
{
	return notif_cmd(c, SMCSIM_TA_NOTIF_CMD_WAIT, key, timeout_ms);
}

static uint32_t notif_send(struct client *c, uint32_t key)
{
	return notif_cmd(c, SMCSIM_TA_NOTIF_CMD_SEND, key, 0);
}

static uint32_t client_job(void *arg)
{
	struct client *c = arg;

	return notif_cmd(c, c->cmd, c->value, c->timeout_ms);
}

/* ---- bounded waits on the driver's state --------------------------------- */

struct key_wait {
	struct tb *tb;
	unsigned int key;
};

static bool key_waiting(void *arg)
{
	struct key_wait *w = arg;

	return optee_notif_waiting(w->tb->optee, w->key);
}

/* Start a WAIT on @key, no timeout, on its own thread; return once it waits. */
static void start_waiter(struct tb *tb, struct client *c, struct tb_job *j,
			 unsigned int key)
{
	struct key_wait w = { .tb = tb, .key = key };

	c->cmd = SMCSIM_TA_NOTIF_CMD_WAIT;
	c->value = key;
	c->timeout_ms = 0;
	tb_job_start(j, "waiter", client_job, c);
	assert_true(tb_wait_until(key_waiting, &w, TB_WAIT_MS));
}

static struct optee_notif_info notif_info(struct tb *tb)
{
	struct optee_notif_info ni;

	optee_get_notif_info(tb->optee, &ni);
	return ni;
}

/**
 * struct ni_wait - wait for a uint64_t counter of optee_notif_info
 * @tb:		the stack
 * @off:	offsetof() the counter
 * @want:	the value it must reach
 */
struct ni_wait {
	struct tb *tb;
	size_t off;
	uint64_t want;
};

static bool ni_reached(void *arg)
{
	struct ni_wait *w = arg;
	struct optee_notif_info ni = notif_info(w->tb);
	uint64_t v;

	memcpy(&v, (const char *)&ni + w->off, sizeof(v));
	return v >= w->want;
}

/* Wait until counter @field of the notification info reaches @target. */
#define WAIT_NI(stack, field, target)					\
	do {								\
		struct ni_wait w_ = {					\
			.tb = (stack),					\
			.off = offsetof(struct optee_notif_info, field), \
			.want = (target),				\
		};							\
		_Static_assert(sizeof(((struct optee_notif_info *)0)->field) \
			       == sizeof(uint64_t), #field " is a counter"); \
		assert_true(tb_wait_until(ni_reached, &w_, TB_WAIT_MS)); \
	} while (0)

/* ---- a hostile firmware in front of the simulator ------------------------ */

enum evil_mode {
	EVIL_PASS,		/* every call goes to the simulator */
	EVIL_QUEUE,		/* GETs from the queue, then passed on */
	EVIL_PENDING_FOREVER,	/* every GET: a valid value, PENDING */
	EVIL_BOTTOM_HALF,	/* every GET: DO_BOTTOM_HALF, VALID */
};

#define EVIL_QUEUE_MAX	8

struct evil_answer {
	unsigned long a0;
	unsigned long a1;
	unsigned long a2;
};

/**
 * struct evil - rewrites the answers to GET_ASYNC_NOTIF_VALUE
 * @inner:	the simulator, for every other call (and GETs in EVIL_PASS)
 * @irq:	the notification line, to tell which top-half run asked
 * @mode:	enum evil_mode. Stored last (release) when arming, so the top
 *		half, which loads it first (acquire), sees the fields it selects
 * @value:	what EVIL_PENDING_FOREVER answers
 * @queue:	EVIL_QUEUE's answers, in order
 * @queue_len:	entries in @queue
 * @next:	entries consumed; @run[i] is written before @next passes i
 * @run:	the line's handled count (the top-half run, from 1) when entry
 *		i was answered
 * @gets:	GETs answered by the hook itself
 *
 * Only the driver's top half issues GET_ASYNC_NOTIF_VALUE, one run at a
 * time, so the queue needs no lock: the test reads @run only below @next.
 */
struct evil {
	struct smcsim_invoke inner;
	struct smcsim_irq *irq;
	atomic_int mode;
	unsigned long value;
	struct evil_answer queue[EVIL_QUEUE_MAX];
	unsigned int queue_len;
	atomic_uint next;
	uint64_t run[EVIL_QUEUE_MAX];
	atomic_uint gets;
};

static uint64_t evil_line_runs(struct evil *e)
{
	struct smcsim_irq_stats st;

	smcsim_irq_get_stats(e->irq, &st);
	return st.handled;
}

static void evil_fn(void *ctx, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3, unsigned long a4,
		    unsigned long a5, unsigned long a6, unsigned long a7,
		    struct arm_smccc_res *res)
{
	struct evil *e = ctx;
	int mode = atomic_load_explicit(&e->mode, memory_order_acquire);
	unsigned int i;

	if (a0 != OPTEE_SMC_GET_ASYNC_NOTIF_VALUE || mode == EVIL_PASS)
		goto pass;
	*res = (struct arm_smccc_res){ 0 };
	switch (mode) {
	case EVIL_QUEUE:
		i = atomic_load(&e->next);
		if (i >= e->queue_len)
			goto pass;
		res->a0 = e->queue[i].a0;
		res->a1 = e->queue[i].a1;
		res->a2 = e->queue[i].a2;
		e->run[i] = evil_line_runs(e);
		atomic_store(&e->next, i + 1);
		break;
	case EVIL_PENDING_FOREVER:
		res->a1 = e->value;
		res->a2 = OPTEE_SMC_ASYNC_NOTIF_VALID |
			  OPTEE_SMC_ASYNC_NOTIF_PENDING;
		break;
	default:
		res->a1 = OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF;
		res->a2 = OPTEE_SMC_ASYNC_NOTIF_VALID;
		break;
	}
	atomic_fetch_add(&e->gets, 1);
	return;
pass:
	smcsim_invoke_call(&e->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
}

static struct smcsim_invoke evil_front(void *ctx, struct smcsim_invoke sim)
{
	struct evil *e = ctx;

	e->inner = sim;
	return (struct smcsim_invoke){ .fn = evil_fn, .ctx = e };
}

/* Build the stack with @e in front of the simulator, passing everything on. */
static void evil_start(struct tb *tb, struct evil *e)
{
	struct tb_opts o = upstream;

	memset(e, 0, sizeof(*e));
	atomic_init(&e->mode, EVIL_PASS);
	atomic_init(&e->next, 0);
	atomic_init(&e->gets, 0);
	o.front = evil_front;
	o.front_ctx = e;
	tb_start(tb, &o);
	e->irq = smcsim_sw_notif_irq(tb->sw);
	assert_non_null(e->irq);
}

static void evil_arm(struct evil *e, enum evil_mode mode)
{
	atomic_store_explicit(&e->mode, mode, memory_order_release);
}

static void evil_queue(struct evil *e, const struct evil_answer *answers,
		       unsigned int n)
{
	assert_true(n <= EVIL_QUEUE_MAX);
	memcpy(e->queue, answers, n * sizeof(*answers));
	e->queue_len = n;
	atomic_store(&e->next, 0);
	evil_arm(e, EVIL_QUEUE);
}

struct evil_wait {
	struct evil *e;
	unsigned int want;
};

static bool evil_consumed(void *arg)
{
	struct evil_wait *w = arg;

	return atomic_load(&w->e->next) >= w->want;
}

static void evil_wait_consumed(struct evil *e, unsigned int want)
{
	struct evil_wait w = { .e = e, .want = want };

	assert_true(tb_wait_until(evil_consumed, &w, TB_WAIT_MS));
}

static void line_stats(struct tb *tb, struct smcsim_irq_stats *st)
{
	smcsim_irq_get_stats(smcsim_sw_notif_irq(tb->sw), st);
}

static void raise_line(struct tb *tb)
{
	smcsim_irq_raise(smcsim_sw_notif_irq(tb->sw));
}

/* ---- a TA that issues raw NOTIFICATION RPCs ------------------------------ */

/* 534d4353-00f1-4000-8000-746573746e66 ("SMCS", "testnf") */
static const struct smcsim_uuid raw_uuid = {
	0x534d4353, 0x00f1, 0x4000,
	{ 0x80, 0x00, 0x74, 0x65, 0x73, 0x74, 0x6e, 0x66 }
};

/* Each command sends one NOTIFICATION RPC; its result comes back in v0.a. */
enum raw_cmd {
	RAW_WELL_FORMED,	/* SEND KEY_A, as the protocol says */
	RAW_WRONG_TYPE,		/* a WAIT in a VALUE_OUTPUT param */
	RAW_UNKNOWN_OP,		/* op 7: neither WAIT nor SEND */
	RAW_TWO_PARAMS,		/* a valid WAIT plus a NONE param */
	RAW_NO_PARAMS,		/* no param at all */
};

static uint32_t raw_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			   uint32_t ptypes,
			   union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[2] = {
		{
			.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
			.u.value = {
				.a = OPTEE_RPC_NOTIFICATION_WAIT,
				.b = KEY_A,
				.c = SHORT_TIMEOUT_MS,
			},
		},
	};
	uint32_t num = 1;

	if (ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_OUTPUT,
					    SMCSIM_TA_PARAM_NONE,
					    SMCSIM_TA_PARAM_NONE,
					    SMCSIM_TA_PARAM_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case RAW_WELL_FORMED:
		mp[0].u.value.a = OPTEE_RPC_NOTIFICATION_SEND;
		mp[0].u.value.c = 0;
		break;
	case RAW_WRONG_TYPE:
		mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
		break;
	case RAW_UNKNOWN_OP:
		mp[0].u.value.a = 7;
		break;
	case RAW_TWO_PARAMS:
		num = 2;
		break;
	case RAW_NO_PARAMS:
		num = 0;
		break;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
	p[0].value.a = smcsim_ta_rpc(s, OPTEE_RPC_CMD_NOTIFICATION, mp, num);
	return TEE_SUCCESS;
}

static const struct smcsim_ta_ops raw_ops = {
	.invoke = raw_invoke,
};

/* The NOTIFICATION RPC's result for @cmd, through the raw TA. */
static uint32_t raw_rpc(struct client *c, enum raw_cmd cmd)
{
	static const uint32_t types[4] = { VO, NO, NO, NO };
	uint64_t v[4][2] = { { 0 } };

	assert_int_equal(tb_invoke_values(c->ctx, c->session, cmd, types, v),
			 TEE_SUCCESS);
	return (uint32_t)v[0][0];
}

/* ---- A. key semantics through RPC NOTIFICATION --------------------------- */

/* A SEND with nobody waiting sets the key's bit; the next WAIT consumes it. */
static void optee_notif_send_before_wait_is_remembered(void **state)
{
	struct optee_notif_info ni;
	struct client c;
	struct tb tb;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &c, &notif_uuid);

	assert_int_equal(notif_send(&c, KEY_A), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.pending, 1);
	assert_int_equal(ni.sends, 1);
	assert_int_equal(ni.waiters, 0);

	/*
	 * Nobody else sends: with a long timeout, success can only come
	 * from the remembered send, consumed without sleeping.
	 */
	assert_int_equal(notif_wait(&c, KEY_A, TB_WAIT_MS), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.pending, 0);
	assert_int_equal(ni.waits, 1);
	assert_int_equal(ni.wait_timeouts, 0);
	assert_int_equal(ni.waiters, 0);

	client_close(&c);
	tb_stop(&tb);
}

/* A WAIT with a timeout and no SEND ends with TEE_ERROR_TIMEOUT, counted. */
static void optee_notif_wait_times_out_without_send(void **state)
{
	struct optee_notif_info ni;
	struct client c;
	struct tb tb;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &c, &notif_uuid);

	assert_int_equal(notif_wait(&c, KEY_A, SHORT_TIMEOUT_MS),
			 TEE_ERROR_TIMEOUT);
	ni = notif_info(&tb);
	assert_int_equal(ni.waits, 1);
	assert_int_equal(ni.wait_timeouts, 1);
	assert_int_equal(ni.waiters, 0);
	assert_int_equal(ni.pending, 0);
	/* The timed-out waiter is gone: a later send is kept, not lost. */
	assert_false(optee_notif_waiting(tb.optee, KEY_A));
	assert_int_equal(notif_send(&c, KEY_A), TEE_SUCCESS);
	assert_int_equal(notif_info(&tb).pending, 1);

	client_close(&c);
	tb_stop(&tb);
}

/* Keys above max_key are refused for WAIT and for SEND, and never counted. */
static void optee_notif_key_above_max_is_refused(void **state)
{
	struct optee_notif_info ni;
	struct client c;
	struct tb tb;
	uint32_t over;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &c, &notif_uuid);
	over = notif_info(&tb).max_key + 1;

	/* A WAIT that slept would time out instead of failing at once. */
	assert_int_equal(notif_wait(&c, over, SHORT_TIMEOUT_MS),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(notif_send(&c, over), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(notif_wait(&c, UINT32_MAX, SHORT_TIMEOUT_MS),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(notif_send(&c, UINT32_MAX), TEE_ERROR_BAD_PARAMETERS);
	ni = notif_info(&tb);
	assert_int_equal(ni.waits, 0);
	assert_int_equal(ni.sends, 0);
	assert_int_equal(ni.wait_timeouts, 0);
	assert_int_equal(ni.pending, 0);

	client_close(&c);
	tb_stop(&tb);
}

/*
 * max_key itself is a key (Linux's bitmap is one bit short but rounded up
 * to a long; ours has the bit): a SEND to it is remembered for the WAIT.
 */
static void optee_notif_max_key_is_valid(void **state)
{
	struct client c;
	struct tb tb;
	uint32_t max;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &c, &notif_uuid);
	max = notif_info(&tb).max_key;
	assert_int_equal(max, smcsim_sw_notif_value_max(tb.sw));

	assert_int_equal(notif_send(&c, max), TEE_SUCCESS);
	assert_int_equal(notif_wait(&c, max, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(notif_info(&tb).pending, 0);

	client_close(&c);
	tb_stop(&tb);
}

/*
 * Two secure threads never share a key: a second WAIT on a key already
 * waited on is refused (EBUSY -> BAD_PARAMETERS) and the first waiter is
 * left alone, still woken by the SEND that follows.
 */
static void optee_notif_second_waiter_is_refused(void **state)
{
	struct optee_notif_info ni;
	struct client a, b;
	struct tb_job ja;
	struct tb tb;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &a, &notif_uuid);
	client_open(&tb, &b, &notif_uuid);
	start_waiter(&tb, &a, &ja, KEY_A);

	/* A WAIT that queued would sleep until its timeout, not fail. */
	assert_int_equal(notif_wait(&b, KEY_A, TB_WAIT_MS),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_true(optee_notif_waiting(tb.optee, KEY_A));
	assert_false(tb_job_finished(&ja));
	ni = notif_info(&tb);
	assert_int_equal(ni.waiters, 1);
	assert_int_equal(ni.wait_timeouts, 0);

	assert_int_equal(notif_send(&b, KEY_A), TEE_SUCCESS);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.waiters, 0);
	/* The send went to the waiter, not into the bitmap. */
	assert_int_equal(ni.pending, 0);

	client_close(&a);
	client_close(&b);
	tb_stop(&tb);
}

/* Sends with nobody waiting coalesce into one pending bit. */
static void optee_notif_sends_coalesce(void **state)
{
	struct optee_notif_info ni;
	struct client c;
	struct tb tb;

	(void)state;
	tb_start(&tb, &upstream);
	client_open(&tb, &c, &notif_uuid);

	assert_int_equal(notif_send(&c, KEY_A), TEE_SUCCESS);
	assert_int_equal(notif_send(&c, KEY_A), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.sends, 2);
	assert_int_equal(ni.pending, 1);

	assert_int_equal(notif_wait(&c, KEY_A, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(notif_info(&tb).pending, 0);
	/* The second send left nothing behind. */
	assert_int_equal(notif_wait(&c, KEY_A, SHORT_TIMEOUT_MS),
			 TEE_ERROR_TIMEOUT);
	ni = notif_info(&tb);
	assert_int_equal(ni.wait_timeouts, 1);
	assert_int_equal(ni.pending, 0);

	client_close(&c);
	tb_stop(&tb);
}

/*
 * A NOTIFICATION RPC the protocol does not allow (wrong param type, an
 * unknown op, a wrong param count) is answered BAD_PARAMETERS and touches
 * no key; a well-formed one through the same TA works.
 */
static void optee_notif_malformed_rpc_is_refused(void **state)
{
	const struct smcsim_ta_desc desc = {
		.uuid = raw_uuid,
		.name = "notif-raw",
		.ops = &raw_ops,
	};
	struct optee_notif_info ni;
	struct client c;
	struct tb tb;

	(void)state;
	tb_start(&tb, &upstream);
	assert_int_equal(smcsim_sw_register_ta(tb.sw, &desc), 0);
	client_open(&tb, &c, &raw_uuid);

	assert_int_equal(raw_rpc(&c, RAW_WRONG_TYPE), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(raw_rpc(&c, RAW_UNKNOWN_OP), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(raw_rpc(&c, RAW_TWO_PARAMS), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(raw_rpc(&c, RAW_NO_PARAMS), TEE_ERROR_BAD_PARAMETERS);
	ni = notif_info(&tb);
	assert_int_equal(ni.waits, 0);
	assert_int_equal(ni.sends, 0);
	assert_int_equal(ni.pending, 0);

	assert_int_equal(raw_rpc(&c, RAW_WELL_FORMED), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.sends, 1);
	assert_int_equal(ni.pending, 1);

	client_close(&c);
	tb_stop(&tb);
}

/* ---- B. a hostile firmware on the interrupt path ------------------------- */

/*
 * Values above max_key are refused by the top half and counted; it keeps
 * fetching while PENDING says more are there, and a real waiter on a
 * valid key is woken by the next genuine notification.
 */
static void optee_notif_irq_refuses_values_above_max(void **state)
{
	struct optee_notif_info ni;
	struct evil_answer bad[3];
	struct client c;
	struct tb_job j;
	struct evil e;
	struct tb tb;
	unsigned long max;

	(void)state;
	evil_start(&tb, &e);
	max = notif_info(&tb).max_key;
	bad[0] = (struct evil_answer){ OPTEE_SMC_RETURN_OK, max + 1,
		OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING };
	bad[1] = (struct evil_answer){ OPTEE_SMC_RETURN_OK, 0xffffffffUL,
		OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING };
	bad[2] = (struct evil_answer){ OPTEE_SMC_RETURN_OK, ~0UL,
		OPTEE_SMC_ASYNC_NOTIF_VALID };
	client_open(&tb, &c, &notif_uuid);
	start_waiter(&tb, &c, &j, KEY_A);

	evil_queue(&e, bad, 3);
	raise_line(&tb);
	WAIT_NI(&tb, irq_bad_values, 3);
	ni = notif_info(&tb);
	assert_int_equal(ni.irq_runs, 1);
	assert_int_equal(ni.irq_values, 3);
	assert_int_equal(ni.irq_bad_values, 3);
	/* A refused value is not a send. */
	assert_int_equal(ni.sends, 0);
	/* One run fetched all three: a refused value does not end the loop. */
	assert_int_equal(atomic_load(&e.next), 3);
	assert_int_equal(e.run[0], 1);
	assert_int_equal(e.run[1], 1);
	assert_int_equal(e.run[2], 1);
	assert_true(optee_notif_waiting(tb.optee, KEY_A));
	assert_false(tb_job_finished(&j));

	/* The queue is spent: the simulator answers the next GET. */
	assert_int_equal(smcsim_sw_notif_post(tb.sw, KEY_A), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	ni = notif_info(&tb);
	assert_int_equal(ni.irq_bad_values, 3);
	assert_int_equal(ni.sends, 1);

	client_close(&c);
	tb_stop(&tb);
}

/*
 * a1 is the whole register: a value with high bits set is out of range and
 * refused, not truncated to its low 32 bits (which would wake key 5).
 */
static void optee_notif_irq_refuses_value_with_high_bits(void **state)
{
	struct evil_answer garbage;
	struct optee_notif_info ni;
	struct client c;
	struct tb_job j;
	struct evil e;
	struct tb tb;

	(void)state;
	if (sizeof(unsigned long) < sizeof(uint64_t))
		skip();
	evil_start(&tb, &e);
	garbage = (struct evil_answer){ OPTEE_SMC_RETURN_OK,
		(unsigned long)(UINT64_C(0xffffffff00000000) | KEY_A),
		OPTEE_SMC_ASYNC_NOTIF_VALID };
	client_open(&tb, &c, &notif_uuid);
	start_waiter(&tb, &c, &j, KEY_A);

	evil_queue(&e, &garbage, 1);
	raise_line(&tb);
	/* Counted after the send was refused: the handler is done with it. */
	WAIT_NI(&tb, irq_bad_values, 1);
	assert_true(optee_notif_waiting(tb.optee, KEY_A));
	assert_false(tb_job_finished(&j));
	ni = notif_info(&tb);
	assert_int_equal(ni.irq_values, 1);
	assert_int_equal(ni.sends, 0);
	assert_int_equal(ni.pending, 0);

	assert_int_equal(smcsim_sw_notif_post(tb.sw, KEY_A), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);

	client_close(&c);
	tb_stop(&tb);
}

/*
 * Answer @first to the first GET, then a valid sentinel key. The loop must
 * stop at @first: the sentinel is fetched only by a second run, raised
 * once the first has begun (a raise before that would merge into it).
 */
static void check_loop_stops_at(const struct evil_answer *first)
{
	struct evil_answer answers[2];
	struct optee_notif_info ni;
	struct evil e;
	struct tb tb;

	evil_start(&tb, &e);
	answers[0] = *first;
	answers[1] = (struct evil_answer){ OPTEE_SMC_RETURN_OK, KEY_SENTINEL,
					   OPTEE_SMC_ASYNC_NOTIF_VALID };
	evil_queue(&e, answers, 2);

	raise_line(&tb);
	evil_wait_consumed(&e, 1);
	raise_line(&tb);
	WAIT_NI(&tb, sends, 1);
	assert_int_equal(atomic_load(&e.next), 2);
	assert_int_equal(e.run[0], 1);
	/* Run 1 ended at @first; had it gone on, it would have taken this. */
	assert_int_equal(e.run[1], 2);
	ni = notif_info(&tb);
	/* Only the sentinel counts as a value, and only it was sent. */
	assert_int_equal(ni.irq_values, 1);
	assert_int_equal(ni.irq_bad_values, 0);
	assert_int_equal(ni.sends, 1);
	assert_int_equal(ni.pending, 1);

	tb_stop(&tb);
}

/* PENDING without VALID is not a value: the top half stops fetching. */
static void optee_notif_irq_stops_at_pending_without_valid(void **state)
{
	const struct evil_answer a = { OPTEE_SMC_RETURN_OK, KEY_B,
				       OPTEE_SMC_ASYNC_NOTIF_PENDING };

	(void)state;
	check_loop_stops_at(&a);
}

/* An error in a0 ends the loop, whatever a1 and a2 claim. */
static void optee_notif_irq_stops_at_error(void **state)
{
	const struct evil_answer a = { OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, KEY_B,
				       OPTEE_SMC_ASYNC_NOTIF_VALID |
				       OPTEE_SMC_ASYNC_NOTIF_PENDING };

	(void)state;
	check_loop_stops_at(&a);
}

/*
 * A firmware whose PENDING never clears cannot hold the top half: one
 * raise gives one run that stops at the bound, and the driver still works.
 */
static void optee_notif_irq_bounds_pending_forever(void **state)
{
	struct optee_notif_info ni;
	struct smcsim_irq_stats st;
	struct client c;
	struct evil e;
	struct tb tb;

	(void)state;
	evil_start(&tb, &e);
	e.value = KEY_A;
	evil_arm(&e, EVIL_PENDING_FOREVER);

	raise_line(&tb);
	WAIT_NI(&tb, irq_bounded, 1);
	ni = notif_info(&tb);
	assert_int_equal(ni.irq_runs, 1);
	assert_int_equal(ni.irq_bounded, 1);
	assert_int_equal(ni.irq_values, IRQ_MAX_VALUES);
	assert_int_equal(atomic_load(&e.gets), IRQ_MAX_VALUES);
	/* 128 sends of one key with nobody waiting: one pending bit. */
	assert_int_equal(ni.sends, IRQ_MAX_VALUES);
	assert_int_equal(ni.pending, 1);
	line_stats(&tb, &st);
	assert_int_equal(st.raised, 1);
	assert_int_equal(st.handled, 1);
	assert_int_equal(st.thread_runs, 0);

	/* Sessions and invokes still work; the value was delivered. */
	client_open(&tb, &c, &notif_uuid);
	assert_int_equal(notif_wait(&c, KEY_A, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(notif_send(&c, KEY_B), TEE_SUCCESS);
	assert_int_equal(notif_wait(&c, KEY_B, TB_WAIT_MS), TEE_SUCCESS);
	client_close(&c);
	assert_int_equal(notif_info(&tb).irq_runs, 1);

	tb_stop(&tb);
}

/**
 * struct quiet - is the bottom-half storm over?
 * @tb:		the stack
 * @last:	the line's counters at the previous poll
 * @last_bh:	the secure world's bottom-half runs at the previous poll
 * @stable:	polls in a row with nothing new and everything accounted
 */
struct quiet {
	struct tb *tb;
	struct smcsim_irq_stats last;
	uint64_t last_bh;
	unsigned int stable;
};

static bool storm_quiet(void *arg)
{
	struct quiet *q = arg;
	struct smcsim_sw_bh_stats bh;
	struct optee_notif_info ni;
	struct smcsim_irq_stats st;
	bool settled;

	line_stats(q->tb, &st);
	ni = notif_info(q->tb);
	smcsim_sw_bottom_half_stats(q->tb->sw, &bh);
	/*
	 * Every top-half run begun has fetched its value, every threaded
	 * run has made its DO_BOTTOM_HALF and the secure world has seen it.
	 */
	settled = ni.irq_runs == st.handled && ni.irq_values == ni.irq_runs &&
		  ni.bottom_halves == st.thread_runs &&
		  bh.empty_runs == ni.bottom_halves;
	if (!settled || st.handled != q->last.handled ||
	    st.thread_runs != q->last.thread_runs ||
	    bh.empty_runs != q->last_bh) {
		q->last = st;
		q->last_bh = bh.empty_runs;
		q->stable = 0;
		return false;
	}
	return ++q->stable >= QUIET_POLLS;
}

struct runs_wait {
	struct tb *tb;
	uint64_t want;
};

static bool line_ran(void *arg)
{
	struct runs_wait *w = arg;
	struct smcsim_irq_stats st;

	line_stats(w->tb, &st);
	return st.handled >= w->want;
}

/*
 * Raise once the previous top half has begun, so that each raise is a run
 * of its own: the threaded half is then woken far more often than it can
 * make yielding calls.
 */
static void raise_paced(struct tb *tb, unsigned int count)
{
	struct runs_wait w = { .tb = tb };
	struct smcsim_irq_stats st;
	unsigned int i;

	for (i = 0; i < count; i++) {
		line_stats(tb, &st);
		w.want = st.handled + 1;
		raise_line(tb);
		assert_true(tb_wait_until(line_ran, &w, TB_WAIT_MS));
	}
}

/*
 * A firmware asking for a bottom half on every fetch, under a storm of
 * raises (back to back, then one per run): the top half coalesces them,
 * the threaded half makes at most one DO_BOTTOM_HALF per top-half run,
 * each reaches the secure world, and the driver still works and is removed
 * in time.
 */
static void optee_notif_irq_bottom_half_storm(void **state)
{
	struct quiet q = { 0 };
	struct smcsim_sw_bh_stats bh;
	struct optee_notif_info ni;
	struct smcsim_irq_stats st;
	struct client c;
	struct evil e;
	struct tb tb;
	unsigned int i;
	bool settled;

	(void)state;
	evil_start(&tb, &e);
	evil_arm(&e, EVIL_BOTTOM_HALF);

	for (i = 0; i < STORM_RAISES; i++)
		raise_line(&tb);
	raise_paced(&tb, STORM_PACED);
	q.tb = &tb;
	settled = tb_wait_until(storm_quiet, &q, TB_WAIT_MS);
	line_stats(&tb, &st);
	ni = notif_info(&tb);
	smcsim_sw_bottom_half_stats(tb.sw, &bh);
	if (!settled)
		fail_msg("storm not settled: %llu top halves (%llu counted, "
			 "%llu values), %llu threaded runs, %llu bottom "
			 "halves, %llu seen by the secure world",
			 (unsigned long long)st.handled,
			 (unsigned long long)ni.irq_runs,
			 (unsigned long long)ni.irq_values,
			 (unsigned long long)st.thread_runs,
			 (unsigned long long)ni.bottom_halves,
			 (unsigned long long)bh.empty_runs);
	assert_int_equal(st.raised, STORM_RAISES + STORM_PACED);
	assert_in_range(st.handled, STORM_PACED, STORM_RAISES + STORM_PACED);
	assert_int_equal(ni.irq_runs, st.handled);
	/* One GET per run: DO_BOTTOM_HALF without PENDING ends the loop. */
	assert_int_equal(ni.irq_values, ni.irq_runs);
	assert_int_equal(atomic_load(&e.gets), ni.irq_runs);
	assert_int_equal(ni.irq_bad_values, 0);
	assert_int_equal(ni.sends, 0);
	assert_in_range(ni.bottom_halves, 1, ni.irq_runs);
	assert_int_equal(ni.bottom_halves, st.thread_runs);
	/* The secure world saw each one, none asked for by a secure request. */
	assert_int_equal(bh.empty_runs, ni.bottom_halves);
	assert_int_equal(bh.requests, 0);
	assert_int_equal(bh.runs, 0);
	assert_int_equal(bh.ignored, 0);

	/* The call queue the bottom halves went through is free again. */
	client_open(&tb, &c, &notif_uuid);
	assert_int_equal(notif_send(&c, KEY_A), TEE_SUCCESS);
	assert_int_equal(notif_wait(&c, KEY_A, TB_WAIT_MS), TEE_SUCCESS);
	client_close(&c);

	/* Bounded: tb_remove() fails the test if optee_remove() hangs. */
	tb_remove(&tb);
	/*
	 * Remove masks the line and waits for both halves before STOP, so
	 * these are final: every threaded run made exactly one call that the
	 * secure world counted, and STOP came after all of them.
	 */
	line_stats(&tb, &st);
	smcsim_sw_bottom_half_stats(tb.sw, &bh);
	assert_false(st.attached);
	assert_int_equal(st.raised, STORM_RAISES + STORM_PACED);
	assert_true(st.thread_runs >= ni.bottom_halves);
	assert_true(st.thread_runs <= st.handled);
	assert_int_equal(bh.empty_runs, st.thread_runs);
	assert_int_equal(bh.ignored, 0);
	assert_int_equal(bh.stopped, 1);

	tb_stop(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(optee_notif_send_before_wait_is_remembered),
		cmocka_unit_test(optee_notif_wait_times_out_without_send),
		cmocka_unit_test(optee_notif_key_above_max_is_refused),
		cmocka_unit_test(optee_notif_max_key_is_valid),
		cmocka_unit_test(optee_notif_second_waiter_is_refused),
		cmocka_unit_test(optee_notif_sends_coalesce),
		cmocka_unit_test(optee_notif_malformed_rpc_is_refused),
		cmocka_unit_test(optee_notif_irq_refuses_values_above_max),
		cmocka_unit_test(optee_notif_irq_refuses_value_with_high_bits),
		cmocka_unit_test(optee_notif_irq_stops_at_pending_without_valid),
		cmocka_unit_test(optee_notif_irq_stops_at_error),
		cmocka_unit_test(optee_notif_irq_bounds_pending_forever),
		cmocka_unit_test(optee_notif_irq_bottom_half_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
