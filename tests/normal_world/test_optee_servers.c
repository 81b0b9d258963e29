// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the supplicant-like servers and of the async release at
 * close_context (sim/normal_world/optee/supp.c, call.c, rpc.c; seed 004's
 * Qualcomm model, commit cdf937a).
 *
 * A server is a client context that registered for one plugin UUID with
 * tee_supp_register_server(): RPC SUPP_PLUGIN INVOKE requests naming that
 * UUID reach it, on a queue of its own, through tee_supp_recv() and
 * tee_supp_send(). The requests are real: a TA of our own sends them from
 * secure threads, in its invoke and, for the release tests, in its
 * close_session. The servers' RECVs run on tb_jobs joined with a bound
 * (the server queues have no introspection, so the main thread never knows
 * a RECV would not block), and every other wait is bounded too.
 *
 * Sections:
 *   1. the test TA, clients and server helpers
 *   2. registering
 *   3. routing
 *   4. servers never block each other
 *   5. server death
 *   6. releases: async (QTEE) and at the last reference (Linux)
 *   7. regressions: bugs these tests found (each failed with cdf937a)
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

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VIO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

/* Not TEE results: the driver refused the call itself. */
#define CALL_REFUSED	0xDEAD0001U

/* What a server answers in [2].b for sub_cmd @sub. */
#define ANSWER(sub)	((uint64_t)(sub) * 5 + 3)
/* What the TA puts in value c of an FS request, to be recognised. */
#define TAG		0x5e7aU

/* Room for a request of 4 params. */
#define SLOTS		4

#define NUM_THREADS	8

/* How long a stalled party is watched for not finishing. */
#define STALL_MS	50

static const struct tb_opts upstream8 = {
	.profile = SMCSIM_ABI_UPSTREAM,
	.threads = NUM_THREADS,
};

/* ---- 1. the test TA, clients and server helpers -------------------------- */

static const struct smcsim_uuid srv_ta_uuid = {
	0x534d4353, 0x0109, 0x4000,
	{ 0x80, 0x00, 0x73, 0x72, 0x76, 0x74, 0x61, 0x00 }
};

/* The plugins the TA names; nobody ever registers PLUGIN_NONE. */
#define PLUGIN_S	0
#define PLUGIN_T	1
#define PLUGIN_NONE	2
#define NUM_PLUGINS	3

static const uint8_t plugin_uuid[NUM_PLUGINS][16] = {
	{ 0xa1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 },
	{ 0xb2, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02 },
	{ 0xc3, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x03 },
};

/* The UUID's octets as the four native words SUPP_PLUGIN carries them. */
static void plugin_words(uint32_t plugin, uint32_t w[4])
{
	memcpy(w, plugin_uuid[plugin], 16);
}

/*
 * The TA's commands. Params: v0 in (a = plugin, b = plugin cmd), v1 inout
 * (in a = sub_cmd; out a = [2].b of the answer, b = [2].a of the answer),
 * v2 in (a = FORM_*), v3 NONE. The invoke's result is the RPC's.
 *
 * TA_CMD_PLUGIN: one SUPP_PLUGIN RPC: [0] VALUE_IN a = INVOKE, b/c = UUID
 *	words 0/1; [1] VALUE_IN a/b = UUID words 2/3, c = cmd; [2]
 *	VALUE_INOUT a = sub_cmd, b = 0; [3] NONE. FORM_* other than FORM_OK
 *	break the shape of [0]/[1] (the routing must not be fooled).
 * TA_CMD_FS: one FS RPC, [0] VALUE_INOUT a = sub_cmd, c = TAG; out a =
 *	its [0].b.
 */
#define TA_CMD_PLUGIN	0
#define TA_CMD_FS	1

#define FORM_OK		0
#define FORM_NOT_INVOKE	1	/* [0].a is not INVOKE */
#define FORM_BAD_TYPE0	2	/* [0] is VALUE_INOUT */
#define FORM_BAD_TYPE1	3	/* [1] is VALUE_INOUT */
#define FORM_SHORT	4	/* [0] alone */

/* What the TA's close_session does (ta_state.close_mode). */
#define CLOSE_NOTHING	0
#define CLOSE_PLUGIN	1	/* SUPP_PLUGIN to close_plugin */
#define CLOSE_SUSPEND	2	/* RPC SUSPEND of close_ms */

#define CLOSE_CMD	0xc105U
#define CLOSE_SUB	77

/**
 * struct ta_state - the TA's close behaviour and what its closes did (one
 * test at a time)
 * @close_mode:		CLOSE_*
 * @close_plugin:	the plugin CLOSE_PLUGIN names
 * @close_ms:		CLOSE_SUSPEND's time
 * @closes_started:	close_session calls entered
 * @closes_done:	close_session calls that returned
 * @close_ret:		the result of the last close's RPC
 * @close_answer:	[2].b of the last close's answer
 */
struct ta_state {
	atomic_uint close_mode;
	atomic_uint close_plugin;
	atomic_uint close_ms;
	atomic_uint closes_started;
	atomic_uint closes_done;
	atomic_uint close_ret;
	atomic_uint close_answer;
};

static struct ta_state ta_state;

static void ta_plugin_params(struct optee_msg_param mp[4], uint32_t plugin,
			     uint32_t cmd, uint32_t sub)
{
	uint32_t w[4];

	plugin_words(plugin, w);
	memset(mp, 0, 4 * sizeof(*mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SUPP_PLUGIN_INVOKE;
	mp[0].u.value.b = w[0];
	mp[0].u.value.c = w[1];
	mp[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[1].u.value.a = w[2];
	mp[1].u.value.b = w[3];
	mp[1].u.value.c = cmd;
	mp[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[2].u.value.a = sub;
	mp[3].attr = OPTEE_MSG_ATTR_TYPE_NONE;
}

static uint32_t ta_cmd_plugin(struct smcsim_ta_sess *s,
			      union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[4];
	uint32_t n = 4, res;

	if (p[0].value.a >= NUM_PLUGINS)
		return TEE_ERROR_BAD_PARAMETERS;
	ta_plugin_params(mp, p[0].value.a, p[0].value.b, p[1].value.a);
	switch (p[2].value.a) {
	case FORM_OK:
		break;
	case FORM_NOT_INVOKE:
		mp[0].u.value.a = OPTEE_RPC_SUPP_PLUGIN_INVOKE + 1;
		break;
	case FORM_BAD_TYPE0:
		mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		break;
	case FORM_BAD_TYPE1:
		mp[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		break;
	case FORM_SHORT:
		n = 1;
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SUPP_PLUGIN, mp, n);
	p[1].value.a = n > 2 ? (uint32_t)mp[2].u.value.b : 0;
	p[1].value.b = n > 2 ? (uint32_t)mp[2].u.value.a : 0;
	return res;
}

static uint32_t ta_cmd_fs(struct smcsim_ta_sess *s,
			  union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp;
	uint32_t res;

	memset(&mp, 0, sizeof(mp));
	mp.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp.u.value.a = p[1].value.a;
	mp.u.value.c = TAG;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_FS, &mp, 1);
	p[1].value.a = (uint32_t)mp.u.value.b;
	p[1].value.b = (uint32_t)mp.u.value.a;
	return res;
}

static uint32_t srv_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			      uint32_t ptypes,
			      union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	if (ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INPUT,
					    SMCSIM_TA_PARAM_VALUE_INOUT,
					    SMCSIM_TA_PARAM_VALUE_INPUT,
					    SMCSIM_TA_PARAM_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case TA_CMD_PLUGIN:
		return ta_cmd_plugin(s, p);
	case TA_CMD_FS:
		return ta_cmd_fs(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static void srv_ta_close(struct smcsim_ta_sess *s)
{
	struct optee_msg_param mp[4];
	uint32_t res = TEE_SUCCESS;

	atomic_fetch_add(&ta_state.closes_started, 1);
	switch (atomic_load(&ta_state.close_mode)) {
	case CLOSE_PLUGIN:
		ta_plugin_params(mp, atomic_load(&ta_state.close_plugin),
				 CLOSE_CMD, CLOSE_SUB);
		res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SUPP_PLUGIN, mp, 4);
		atomic_store(&ta_state.close_answer, (uint32_t)mp[2].u.value.b);
		break;
	case CLOSE_SUSPEND:
		res = smcsim_ta_suspend(s, atomic_load(&ta_state.close_ms));
		break;
	default:
		break;
	}
	atomic_store(&ta_state.close_ret, res);
	atomic_fetch_add(&ta_state.closes_done, 1);
}

static const struct smcsim_ta_ops srv_ta_ops = {
	.invoke = srv_ta_invoke,
	.close_session = srv_ta_close,
};

static void register_ta(struct tb *tb)
{
	const struct smcsim_ta_desc desc = {
		.uuid = srv_ta_uuid,
		.name = "servers-test",
		.ops = &srv_ta_ops,
	};

	memset(&ta_state, 0, sizeof(ta_state));
	assert_int_equal(smcsim_sw_register_ta(tb->sw, &desc), 0);
}

/* The stack with our TA in it. */
static void start(struct tb *tb)
{
	tb_start(tb, &upstream8);
	register_ta(tb);
}

/* The same, probed with cfg.async_release. */
static void start_async(struct tb *tb)
{
	struct tb_opts o = upstream8;

	o.no_probe = true;
	tb_start(tb, &o);
	tb->cfg.async_release = true;
	assert_int_equal(optee_probe(&tb->cfg, &tb->optee), 0);
	tb->teedev = optee_client_teedev(tb->optee);
	register_ta(tb);
}

/**
 * struct client - a client with a session to the test TA
 * @ctx:	its context (in-kernel: supp_nowait)
 * @session:	its session
 * @ta_cmd:	TA_CMD_*
 * @plugin:	the plugin its requests name
 * @cmd:	the plugin cmd ([1].c)
 * @sub:	the first request's sub_cmd; request i sends @sub + i
 * @form:	FORM_*
 * @reps:	requests client_job() makes, one invoke each
 * @bad:	answers that were not ANSWER(sub_cmd)
 * @out_a:	[2].b of the last answer (FS: [0].b)
 * @out_b:	[2].a of the last answer (FS: [0].a)
 */
struct client {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t ta_cmd;
	uint32_t plugin;
	uint32_t cmd;
	uint32_t sub;
	uint32_t form;
	uint32_t reps;
	unsigned int bad;
	uint64_t out_a;
	uint64_t out_b;
};

static void client_open(struct tb *tb, struct client *c, uint32_t plugin,
			uint32_t sub)
{
	memset(c, 0, sizeof(*c));
	c->ta_cmd = TA_CMD_PLUGIN;
	c->plugin = plugin;
	c->cmd = 0x100 + plugin;
	c->sub = sub;
	c->reps = 1;
	c->ctx = tb_open_ctx(tb);
	assert_int_equal(tb_open_session(c->ctx, &srv_ta_uuid, &c->session),
			 TEE_SUCCESS);
}

static void client_close(struct client *c)
{
	assert_int_equal(tee_client_close_session(c->ctx, c->session), 0);
	tee_client_close_context(c->ctx);
	c->ctx = NULL;
}

/* One invoke with sub_cmd @sub. Safe off the main thread. */
static uint32_t client_call(struct client *c, uint32_t sub)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = c->ta_cmd,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];

	memset(p, 0, sizeof(p));
	p[0].attr = VI;
	p[0].u.value.a = c->plugin;
	p[0].u.value.b = c->cmd;
	p[1].attr = VIO;
	p[1].u.value.a = sub;
	p[2].attr = VI;
	p[2].u.value.a = c->form;
	p[3].attr = NO;
	if (tee_client_invoke_func(c->ctx, &arg, p))
		return CALL_REFUSED;
	c->out_a = p[1].u.value.a;
	c->out_b = p[1].u.value.b;
	return arg.ret;
}

/*
 * A job: @reps requests, sub_cmds from @sub. Returns the first result that
 * is not SUCCESS; answers that are not ANSWER(sub_cmd) count in @bad.
 */
static uint32_t client_job(void *arg)
{
	struct client *c = arg;
	uint32_t i, ret;

	for (i = 0; i < c->reps; i++) {
		ret = client_call(c, c->sub + i);
		if (ret != TEE_SUCCESS)
			return ret;
		if (c->out_a != ANSWER(c->sub + i))
			c->bad++;
	}
	return TEE_SUCCESS;
}

/**
 * struct req - one request as a server (or the supplicant) received it,
 * in the sync form
 * @func:	the RPC command
 * @n:		its params
 * @p:		what RECV filled
 */
struct req {
	uint32_t func;
	uint32_t n;
	struct tee_param p[SLOTS];
};

static int do_recv(struct tee_context *ctx, struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->n = SLOTS;
	return tee_supp_recv(ctx, &r->func, &r->n, r->p);
}

static int do_send(struct tee_context *ctx, struct req *r, uint32_t ret)
{
	return tee_supp_send(ctx, ret, r->n, r->p);
}

/**
 * struct recv_op - a RECV on a job, so that the main thread never blocks
 * in one
 * @ctx:	the server's (or the supplicant's) context
 * @r:		the request
 * @rc:		RECV's result
 * @j:		the job
 */
struct recv_op {
	struct tee_context *ctx;
	struct req r;
	int rc;
	struct tb_job j;
};

static uint32_t recv_job(void *arg)
{
	struct recv_op *op = arg;

	op->rc = do_recv(op->ctx, &op->r);
	return 0;
}

static void recv_start(struct recv_op *op, struct tee_context *ctx)
{
	memset(op, 0, sizeof(*op));
	op->ctx = ctx;
	tb_job_start(&op->j, "recv", recv_job, op);
}

/* Wait (bounded) for the RECV; Return: its result, the request in op->r. */
static int recv_join(struct recv_op *op)
{
	tb_job_join(&op->j, TB_WAIT_MS);
	return op->rc;
}

/* A bounded RECV into @r. */
static int srv_recv(struct tee_context *ctx, struct req *r)
{
	struct recv_op op;
	int rc;

	recv_start(&op, ctx);
	rc = recv_join(&op);
	*r = op.r;
	return rc;
}

/* Check that @r is a well-formed SUPP_PLUGIN request naming @plugin. */
static void expect_plugin(const struct req *r, uint32_t plugin, uint32_t cmd,
			  uint32_t sub)
{
	uint32_t w[4];

	plugin_words(plugin, w);
	assert_int_equal(r->func, OPTEE_RPC_CMD_SUPP_PLUGIN);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->p[0].attr, VI);
	assert_int_equal(r->p[0].u.value.a, OPTEE_RPC_SUPP_PLUGIN_INVOKE);
	assert_int_equal(r->p[0].u.value.b, w[0]);
	assert_int_equal(r->p[0].u.value.c, w[1]);
	assert_int_equal(r->p[1].attr, VI);
	assert_int_equal(r->p[1].u.value.a, w[2]);
	assert_int_equal(r->p[1].u.value.b, w[3]);
	assert_int_equal(r->p[1].u.value.c, cmd);
	assert_int_equal(r->p[2].attr, VIO);
	assert_int_equal(r->p[2].u.value.a, sub);
	assert_int_equal(r->p[2].u.value.b, 0);
	assert_int_equal(r->p[3].attr, NO);
}

/* Answer a plugin request: [2].b = ANSWER([2].a). */
static void answer_plugin(struct req *r)
{
	if (r->n > 2 && r->p[2].attr == VIO)
		r->p[2].u.value.b = ANSWER(r->p[2].u.value.a);
}

static struct tee_context *supp_open(struct tb *tb)
{
	struct tee_context *sctx = NULL;

	assert_int_equal(tee_client_open_context(optee_supp_teedev(tb->optee),
						 &sctx), 0);
	assert_non_null(sctx);
	return sctx;
}

/* A client context registered as the server of @plugin. */
static struct tee_context *server_open(struct tb *tb, uint32_t plugin)
{
	struct tee_context *ctx = tb_open_ctx(tb);

	assert_int_equal(tee_supp_register_server(ctx, plugin_uuid[plugin]), 0);
	return ctx;
}

static struct optee_supp_info supp_info(struct tb *tb)
{
	struct optee_supp_info si;

	optee_get_supp_info(tb->optee, &si);
	return si;
}

static struct optee_release_info release_info(struct tb *tb)
{
	struct optee_release_info ri;

	optee_get_release_info(tb->optee, &ri);
	return ri;
}

/**
 * struct supp_wait - a condition on the supplicant's queue
 * @tb:		the stack
 * @queued:	queued_now wanted
 * @processing:	processing_now wanted
 */
struct supp_wait {
	struct tb *tb;
	unsigned int queued;
	unsigned int processing;
};

static bool supp_state_is(void *arg)
{
	struct supp_wait *w = arg;
	struct optee_supp_info si = supp_info(w->tb);

	return si.queued_now == w->queued && si.processing_now == w->processing;
}

static void wait_supp_state(struct tb *tb, unsigned int queued,
			    unsigned int processing)
{
	struct supp_wait w = {
		.tb = tb, .queued = queued, .processing = processing,
	};

	assert_true(tb_wait_until(supp_state_is, &w, TB_WAIT_MS));
}

/**
 * struct thr_wait - a number of secure threads suspended in an RPC
 * @tb:		the stack
 * @n:		how many
 */
struct thr_wait {
	struct tb *tb;
	unsigned int n;
};

static unsigned int threads_suspended(struct tb *tb)
{
	unsigned int i, n = 0;

	for (i = 0; i < smcsim_sw_num_threads(tb->sw); i++)
		if (smcsim_sw_thread_state(tb->sw, i) ==
		    SMCSIM_SW_THREAD_SUSPENDED)
			n++;
	return n;
}

static bool suspended_is(void *arg)
{
	struct thr_wait *w = arg;

	return threads_suspended(w->tb) == w->n;
}

/*
 * Wait until @n secure threads are out in RPCs. That does not say their
 * requests are queued yet: wait_server_holds() does.
 */
static void wait_requests_out(struct tb *tb, unsigned int n)
{
	struct thr_wait w = { .tb = tb, .n = n };

	assert_true(tb_wait_until(suspended_is, &w, TB_WAIT_MS));
}

/**
 * struct srv_wait - what a server's queue should hold
 * @tb:		the stack
 * @plugin:	whose server
 * @queued:	requests waiting for its RECV
 * @processing:	requests it holds
 */
struct srv_wait {
	struct tb *tb;
	unsigned int plugin;
	unsigned int queued;
	unsigned int processing;
};

static bool server_holds(void *arg)
{
	struct srv_wait *w = arg;
	struct optee_supp_info si;

	if (optee_get_server_info(w->tb->optee, plugin_uuid[w->plugin], &si))
		return false;
	return si.queued_now == w->queued && si.processing_now == w->processing;
}

/* Wait until the server of @plugin holds exactly that many requests. */
static void wait_server_holds(struct tb *tb, unsigned int plugin,
			      unsigned int queued, unsigned int processing)
{
	struct srv_wait w = { tb, plugin, queued, processing };

	assert_true(tb_wait_until(server_holds, &w, TB_WAIT_MS));
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

static bool closes_done_is(void *arg)
{
	return atomic_load(&ta_state.closes_done) == *(unsigned int *)arg;
}

static void wait_closes_done(unsigned int n)
{
	assert_true(tb_wait_until(closes_done_is, &n, TB_WAIT_MS));
}

static bool closes_started_is(void *arg)
{
	return atomic_load(&ta_state.closes_started) == *(unsigned int *)arg;
}

static void wait_closes_started(unsigned int n)
{
	assert_true(tb_wait_until(closes_started_is, &n, TB_WAIT_MS));
}

/* ---- 2. registering ------------------------------------------------------ */

/*
 * One server per UUID and one UUID per server: a second context asking for
 * a served UUID, and a serving context asking again (for the same UUID or
 * another), get -EBUSY. Once the server's context closes, the UUID is free
 * again.
 */
static void optee_servers_register(void **state)
{
	struct tee_context *a, *b, *c;
	struct tb tb;

	(void)state;
	start(&tb);
	a = tb_open_ctx(&tb);
	b = tb_open_ctx(&tb);

	assert_int_equal(tee_supp_register_server(a, plugin_uuid[PLUGIN_S]), 0);
	/* Another context, the same UUID. */
	assert_int_equal(tee_supp_register_server(b, plugin_uuid[PLUGIN_S]),
			 -EBUSY);
	/* The same context twice, for the same UUID or another. */
	assert_int_equal(tee_supp_register_server(a, plugin_uuid[PLUGIN_S]),
			 -EBUSY);
	assert_int_equal(tee_supp_register_server(a, plugin_uuid[PLUGIN_T]),
			 -EBUSY);
	/* The refusals took nothing: another context can serve T. */
	assert_int_equal(tee_supp_register_server(b, plugin_uuid[PLUGIN_T]), 0);
	assert_int_equal(tee_supp_register_server(b, plugin_uuid[PLUGIN_NONE]),
			 -EBUSY);
	assert_int_equal(tee_supp_register_server(a, NULL), -EINVAL);
	assert_int_equal(tee_supp_register_server(NULL, plugin_uuid[PLUGIN_S]),
			 -EINVAL);

	/* The server goes: its UUID is free for another context. */
	tee_client_close_context(a);
	c = tb_open_ctx(&tb);
	assert_int_equal(tee_supp_register_server(c, plugin_uuid[PLUGIN_T]),
			 -EBUSY);
	assert_int_equal(tee_supp_register_server(c, plugin_uuid[PLUGIN_S]), 0);
	tee_client_close_context(b);
	tee_client_close_context(c);
	tb_stop(&tb);
}

/*
 * The supplicant's own context cannot also be a server. The brief (and
 * optee_supp_server_register()'s comment) say -EBUSY; the privileged
 * device's ops have no supp_register_server, so tee_supp_register_server()
 * answers -EINVAL ("the driver has no servers") before the driver's
 * ctxdata->supp check is ever reached. Either way it is refused; the value
 * is asserted separately in section 7.
 */
static void optee_servers_register_supplicant_refused(void **state)
{
	struct tee_context *sctx, *a;
	struct tb tb;
	int rc;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	rc = tee_supp_register_server(sctx, plugin_uuid[PLUGIN_S]);
	assert_true(rc == -EBUSY || rc == -EINVAL);
	/* Nothing was taken. */
	a = server_open(&tb, PLUGIN_S);
	tee_client_close_context(a);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 3. routing ---------------------------------------------------------- */

/*
 * A request naming S's UUID reaches S, not the supplicant, with its params
 * as the TA sent them; S's answer (value and result) reaches the TA.
 */
static void optee_servers_routing_to_server(void **state)
{
	struct tee_context *sctx, *s;
	struct optee_supp_info si;
	struct client c;
	struct tb_job j;
	struct req r;
	struct tb tb;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	s = server_open(&tb, PLUGIN_S);
	client_open(&tb, &c, PLUGIN_S, 10);
	c.cmd = 0x4242;

	tb_job_start(&j, "client", client_job, &c);
	assert_int_equal(srv_recv(s, &r), 0);
	expect_plugin(&r, PLUGIN_S, 0x4242, 10);
	/* The supplicant never saw it. */
	si = supp_info(&tb);
	assert_int_equal(si.queued, 0);
	assert_int_equal(si.queued_now, 0);
	assert_false(tb_job_finished(&j));
	answer_plugin(&r);
	assert_int_equal(do_send(s, &r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.out_a, ANSWER(10));
	assert_int_equal(c.out_b, 10);

	/* An error result reaches the TA as the RPC's result. */
	c.sub = 11;
	tb_job_start(&j, "client", client_job, &c);
	assert_int_equal(srv_recv(s, &r), 0);
	expect_plugin(&r, PLUGIN_S, 0x4242, 11);
	answer_plugin(&r);
	assert_int_equal(do_send(s, &r, TEE_ERROR_ITEM_NOT_FOUND), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_ERROR_ITEM_NOT_FOUND);

	/* A SEND with nothing outstanding is refused. */
	assert_int_equal(do_send(s, &r, TEE_SUCCESS), -EINVAL);
	assert_int_equal(supp_info(&tb).queued, 0);

	client_close(&c);
	tee_client_close_context(s);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* Receive the one request queued on the supplicant. */
static void supp_recv_one(struct tb *tb, struct tee_context *sctx,
			  struct req *r)
{
	wait_supp_state(tb, 1, 0);
	assert_int_equal(srv_recv(sctx, r), 0);
}

/* Answer a plugin request successfully. */
static void answer_send(struct tee_context *ctx, struct req *r)
{
	answer_plugin(r);
	assert_int_equal(do_send(ctx, r, TEE_SUCCESS), 0);
}

/*
 * A plugin UUID with no server goes to the supplicant; so does a
 * SUPP_PLUGIN whose [0] or [1] does not have the INVOKE shape, even when
 * the words name a served UUID: S, RECV-ing all along, never gets them.
 */
static void optee_servers_routing_to_supplicant(void **state)
{
	static const uint32_t forms[] = {
		FORM_NOT_INVOKE, FORM_BAD_TYPE0, FORM_BAD_TYPE1, FORM_SHORT,
	};
	struct tee_context *sctx, *s;
	struct recv_op srv;
	struct client c;
	struct tb_job j;
	struct req r;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	s = server_open(&tb, PLUGIN_S);
	/* S waits for a request all along: a misrouted one would end it. */
	recv_start(&srv, s);

	/* No server for the UUID: the supplicant gets it, answer and all. */
	client_open(&tb, &c, PLUGIN_NONE, 20);
	tb_job_start(&j, "client", client_job, &c);
	supp_recv_one(&tb, sctx, &r);
	expect_plugin(&r, PLUGIN_NONE, 0x100 + PLUGIN_NONE, 20);
	answer_send(sctx, &r);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.bad, 0);
	client_close(&c);

	/* Malformed: the supplicant's, though the words name S. */
	client_open(&tb, &c, PLUGIN_S, 30);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		c.form = forms[i];
		c.sub = 30 + i;
		tb_job_start(&j, "client", client_job, &c);
		supp_recv_one(&tb, sctx, &r);
		assert_int_equal(r.func, OPTEE_RPC_CMD_SUPP_PLUGIN);
		assert_int_equal(r.n, forms[i] == FORM_SHORT ? 1 : 4);
		answer_send(sctx, &r);
		if (forms[i] == FORM_SHORT) {
			/* No [2] to answer in: only the result comes back. */
			assert_int_equal(tb_job_join(&j, TB_WAIT_MS),
					 TEE_SUCCESS);
			assert_int_equal(c.bad, 1);
			c.bad = 0;
		} else {
			assert_int_equal(r.p[2].u.value.a, 30 + i);
			assert_int_equal(tb_job_join(&j, TB_WAIT_MS),
					 TEE_SUCCESS);
			assert_int_equal(c.bad, 0);
		}
		assert_false(tb_job_finished(&srv.j));
	}
	assert_int_equal(supp_info(&tb).answered, 1 + i);

	/* The well-formed one is S's, and the first S ever gets. */
	c.form = FORM_OK;
	c.sub = 40;
	tb_job_start(&j, "client", client_job, &c);
	assert_int_equal(recv_join(&srv), 0);
	expect_plugin(&srv.r, PLUGIN_S, 0x100 + PLUGIN_S, 40);
	answer_plugin(&srv.r);
	assert_int_equal(do_send(s, &srv.r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.bad, 0);
	assert_int_equal(supp_info(&tb).queued, 1 + i);

	client_close(&c);
	tee_client_close_context(s);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 4. servers never block each other ----------------------------------- */

#define STALL_REQS	2
#define T_CLIENTS	4
#define T_REPS		5

/**
 * struct srv_loop - a server thread serving a fixed number of requests
 * @ctx:	its context
 * @plugin:	the UUID every request must name
 * @total:	requests to serve
 * @served:	requests answered
 * @bad:	requests that did not name @plugin
 * @err:	the first failing RECV or SEND
 */
struct srv_loop {
	struct tee_context *ctx;
	uint32_t plugin;
	unsigned int total;
	unsigned int served;
	unsigned int bad;
	int err;
};

static uint32_t srv_loop_job(void *arg)
{
	struct srv_loop *l = arg;
	uint32_t w[4];
	struct req r;

	plugin_words(l->plugin, w);
	while (l->served < l->total) {
		l->err = do_recv(l->ctx, &r);
		if (l->err)
			return 1;
		if (r.func != OPTEE_RPC_CMD_SUPP_PLUGIN || r.n != 4 ||
		    r.p[0].u.value.b != w[0] || r.p[0].u.value.c != w[1] ||
		    r.p[1].u.value.a != w[2] || r.p[1].u.value.b != w[3])
			l->bad++;
		answer_plugin(&r);
		l->err = do_send(l->ctx, &r, TEE_SUCCESS);
		if (l->err)
			return 1;
		l->served++;
	}
	return 0;
}

/*
 * Servers S and T and the supplicant, eight secure threads. S stalls (never
 * RECVs) with two requests queued. Meanwhile T serves twenty requests from
 * four other client threads and the supplicant an FS request. Then S
 * serves, and its two requests complete with its answers.
 */
static void optee_servers_never_block_each_other(void **state)
{
	struct client cs[STALL_REQS], ct[T_CLIENTS], cf;
	struct tb_job js[STALL_REQS], jt[T_CLIENTS], jf, jl;
	struct tee_context *sctx, *s, *t;
	struct optee_supp_info si;
	struct req r[STALL_REQS];
	bool seen[STALL_REQS] = { false };
	struct srv_loop l;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	s = server_open(&tb, PLUGIN_S);
	t = server_open(&tb, PLUGIN_T);

	/* S's two requests, unserved. */
	for (i = 0; i < STALL_REQS; i++) {
		client_open(&tb, &cs[i], PLUGIN_S, 500 + i);
		tb_job_start(&js[i], "client-s", client_job, &cs[i]);
	}
	wait_requests_out(&tb, STALL_REQS);
	wait_server_holds(&tb, PLUGIN_S, STALL_REQS, 0);

	/* T serves 20 from four client threads. */
	memset(&l, 0, sizeof(l));
	l.ctx = t;
	l.plugin = PLUGIN_T;
	l.total = T_CLIENTS * T_REPS;
	tb_job_start(&jl, "server-t", srv_loop_job, &l);
	for (i = 0; i < T_CLIENTS; i++) {
		client_open(&tb, &ct[i], PLUGIN_T, 1000 * (i + 1));
		ct[i].reps = T_REPS;
		tb_job_start(&jt[i], "client-t", client_job, &ct[i]);
	}
	/* The supplicant serves an FS request. */
	client_open(&tb, &cf, PLUGIN_NONE, 900);
	cf.ta_cmd = TA_CMD_FS;
	tb_job_start(&jf, "client-fs", client_job, &cf);
	wait_supp_state(&tb, 1, 0);
	assert_int_equal(srv_recv(sctx, &r[0]), 0);
	assert_int_equal(r[0].func, OPTEE_RPC_CMD_FS);
	assert_int_equal(r[0].n, 1);
	assert_int_equal(r[0].p[0].attr, VIO);
	assert_int_equal(r[0].p[0].u.value.a, 900);
	assert_int_equal(r[0].p[0].u.value.c, TAG);
	r[0].p[0].u.value.b = ANSWER(900);
	assert_int_equal(do_send(sctx, &r[0], TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&jf, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(cf.bad, 0);

	for (i = 0; i < T_CLIENTS; i++) {
		assert_int_equal(tb_job_join(&jt[i], TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(ct[i].bad, 0);
	}
	assert_int_equal(tb_job_join(&jl, TB_WAIT_MS), 0);
	assert_int_equal(l.err, 0);
	assert_int_equal(l.bad, 0);
	assert_int_equal(l.served, T_CLIENTS * T_REPS);

	/* S still has both. */
	for (i = 0; i < STALL_REQS; i++)
		assert_false(tb_job_finished(&js[i]));
	assert_int_equal(threads_suspended(&tb), STALL_REQS);

	/* S serves: both are its own, each answered to its requester. */
	for (i = 0; i < STALL_REQS; i++) {
		assert_int_equal(srv_recv(s, &r[i]), 0);
		assert_true(r[i].p[2].u.value.a >= 500 &&
			    r[i].p[2].u.value.a < 500 + STALL_REQS);
		expect_plugin(&r[i], PLUGIN_S, 0x100 + PLUGIN_S,
			      (uint32_t)r[i].p[2].u.value.a);
		assert_false(seen[r[i].p[2].u.value.a - 500]);
		seen[r[i].p[2].u.value.a - 500] = true;
		answer_plugin(&r[i]);
		assert_int_equal(do_send(s, &r[i], TEE_SUCCESS), 0);
	}
	for (i = 0; i < STALL_REQS; i++) {
		assert_int_equal(tb_job_join(&js[i], TB_WAIT_MS), TEE_SUCCESS);
		assert_int_equal(cs[i].bad, 0);
	}

	/* The supplicant saw the FS request and nothing else. */
	si = supp_info(&tb);
	assert_int_equal(si.queued, 1);
	assert_int_equal(si.answered, 1);
	assert_int_equal(si.refused, 0);
	assert_true(tb_wait_until(threads_free, &tb, TB_WAIT_MS));

	for (i = 0; i < STALL_REQS; i++)
		client_close(&cs[i]);
	for (i = 0; i < T_CLIENTS; i++)
		client_close(&ct[i]);
	client_close(&cf);
	tee_client_close_context(t);
	tee_client_close_context(s);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 5. server death ----------------------------------------------------- */

#define DEATH_REQS	3

/*
 * S closes its context holding one request (RECV-ed) with two more queued:
 * all three TA calls get COMMUNICATION, none reached the supplicant. S's
 * context lives on (a reference kept, as a shm would keep it), and its late
 * SEND (and RECV) is refused with -EPERM. Later requests for S's UUID go to
 * the supplicant: refused at once while there is none for an in-kernel
 * client, served once one attaches.
 */
static void optee_servers_server_death(void **state)
{
	struct client c[DEATH_REQS];
	struct tb_job j[DEATH_REQS];
	struct tee_context *sctx, *s;
	struct optee_supp_info si;
	struct req r, late;
	unsigned int i;
	struct tb tb;

	(void)state;
	start(&tb);
	s = server_open(&tb, PLUGIN_S);
	for (i = 0; i < DEATH_REQS; i++)
		client_open(&tb, &c[i], PLUGIN_S, 60 + i);

	/* One processing... */
	tb_job_start(&j[0], "client", client_job, &c[0]);
	assert_int_equal(srv_recv(s, &r), 0);
	expect_plugin(&r, PLUGIN_S, 0x100 + PLUGIN_S, 60);
	/* ...two queued. */
	for (i = 1; i < DEATH_REQS; i++)
		tb_job_start(&j[i], "client", client_job, &c[i]);
	wait_requests_out(&tb, DEATH_REQS);
	/* Queued on S for sure: a request still on its way could miss S. */
	wait_server_holds(&tb, PLUGIN_S, DEATH_REQS - 1, 1);
	for (i = 0; i < DEATH_REQS; i++)
		assert_false(tb_job_finished(&j[i]));

	teedev_ctx_get(s);
	tee_client_close_context(s);
	for (i = 0; i < DEATH_REQS; i++)
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS),
				 TEE_ERROR_COMMUNICATION);
	/* All three were S's: none went to the (absent) supplicant. */
	si = supp_info(&tb);
	assert_int_equal(si.queued, 0);
	assert_int_equal(si.refused, 0);
	assert_true(tb_wait_until(threads_free, &tb, TB_WAIT_MS));

	/* The late answer, and any RECV, are refused. */
	answer_plugin(&r);
	assert_int_equal(do_send(s, &r, TEE_SUCCESS), -EPERM);
	assert_int_equal(do_recv(s, &late), -EPERM);
	teedev_ctx_put(s);

	/* S's UUID is the supplicant's now: none yet, refused at once. */
	c[0].sub = 70;
	tb_job_start(&j[0], "client", client_job, &c[0]);
	assert_int_equal(tb_job_join(&j[0], TB_WAIT_MS),
			 TEE_ERROR_COMMUNICATION);
	assert_int_equal(supp_info(&tb).refused, 1);

	sctx = supp_open(&tb);
	c[0].sub = 71;
	tb_job_start(&j[0], "client", client_job, &c[0]);
	supp_recv_one(&tb, sctx, &r);
	expect_plugin(&r, PLUGIN_S, 0x100 + PLUGIN_S, 71);
	answer_send(sctx, &r);
	assert_int_equal(tb_job_join(&j[0], TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c[0].bad, 0);
	assert_int_equal(supp_info(&tb).answered, 1);

	for (i = 0; i < DEATH_REQS; i++)
		client_close(&c[i]);
	tee_client_close_context(sctx);
	tb_stop(&tb);
}

/* ---- 6. releases --------------------------------------------------------- */

/* A job: close a context (its sessions open). */
static uint32_t close_ctx_job(void *arg)
{
	tee_client_close_context(arg);
	return 0;
}

/* Receive the close's request on @s, check it, and answer it. */
static void serve_close(struct tee_context *s, uint32_t plugin)
{
	struct req r;

	assert_int_equal(srv_recv(s, &r), 0);
	expect_plugin(&r, plugin, CLOSE_CMD, CLOSE_SUB);
	answer_send(s, &r);
}

static bool release_idle(void *arg)
{
	struct tb *tb = arg;
	struct optee_release_info ri = release_info(tb);

	return ri.pending == 0;
}

/*
 * cfg.async_release: the client's close queues its session's close and
 * returns at once, although the TA's close_session needs S, who stalls;
 * the client's context is gone (the device lost its user). S answers: the
 * worker's CLOSE_SESSION ends, the TA closed (its RPC answered by S), the
 * release is delivered.
 */
static void optee_servers_async_release(void **state)
{
	struct optee_release_info ri;
	unsigned int users;
	struct tee_context *s;
	struct client c;
	struct tb_job j;
	struct tb tb;

	(void)state;
	start_async(&tb);
	s = server_open(&tb, PLUGIN_S);
	users = tee_device_num_users(tb.teedev);
	client_open(&tb, &c, PLUGIN_S, 0);
	assert_int_equal(tee_device_num_users(tb.teedev), users + 1);
	assert_int_equal(smcsim_sw_session_count(tb.sw), 1);
	atomic_store(&ta_state.close_plugin, PLUGIN_S);
	atomic_store(&ta_state.close_mode, CLOSE_PLUGIN);

	/* The close returns while S has not even received the request. */
	tb_job_start(&j, "close", close_ctx_job, c.ctx);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), 0);
	assert_int_equal(tee_device_num_users(tb.teedev), users);
	ri = release_info(&tb);
	assert_int_equal(ri.queued, 1);
	assert_int_equal(ri.delivered, 0);
	assert_int_equal(ri.pending, 1);

	/* The worker is in the TA's close, waiting for S. */
	wait_closes_started(1);
	rt_sleep_ms(STALL_MS);
	assert_int_equal(atomic_load(&ta_state.closes_done), 0);
	assert_int_equal(release_info(&tb).pending, 1);

	serve_close(s, PLUGIN_S);
	assert_true(tb_wait_until(release_idle, &tb, TB_WAIT_MS));
	ri = release_info(&tb);
	assert_int_equal(ri.queued, 1);
	assert_int_equal(ri.delivered, 1);
	assert_int_equal(ri.pending, 0);
	assert_int_equal(atomic_load(&ta_state.closes_done), 1);
	assert_int_equal(atomic_load(&ta_state.close_ret), TEE_SUCCESS);
	assert_int_equal(atomic_load(&ta_state.close_answer),
			 ANSWER(CLOSE_SUB));
	assert_int_equal(smcsim_sw_session_count(tb.sw), 0);
	assert_true(tb_wait_until(threads_free, &tb, TB_WAIT_MS));

	tee_client_close_context(s);
	tb_stop(&tb);
}

/*
 * The default, Linux's lifetime: the session closes at the context's last
 * reference, in the closing thread, so the close waits for S's answer; the
 * context (and its device user) lives until then. No release is queued.
 */
static void optee_servers_sync_release_waits_for_server(void **state)
{
	struct optee_release_info ri;
	unsigned int users;
	struct tee_context *s;
	struct client c;
	struct tb_job j;
	struct req r;
	struct tb tb;

	(void)state;
	start(&tb);
	s = server_open(&tb, PLUGIN_S);
	users = tee_device_num_users(tb.teedev);
	client_open(&tb, &c, PLUGIN_S, 0);
	atomic_store(&ta_state.close_plugin, PLUGIN_S);
	atomic_store(&ta_state.close_mode, CLOSE_PLUGIN);

	tb_job_start(&j, "close", close_ctx_job, c.ctx);
	/* S has the close's request; the close has not finished. */
	assert_int_equal(srv_recv(s, &r), 0);
	expect_plugin(&r, PLUGIN_S, CLOSE_CMD, CLOSE_SUB);
	rt_sleep_ms(STALL_MS);
	assert_false(tb_job_finished(&j));
	assert_int_equal(atomic_load(&ta_state.closes_done), 0);
	assert_int_equal(tee_device_num_users(tb.teedev), users + 1);

	answer_plugin(&r);
	assert_int_equal(do_send(s, &r, TEE_SUCCESS), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), 0);
	assert_int_equal(atomic_load(&ta_state.closes_done), 1);
	assert_int_equal(atomic_load(&ta_state.close_ret), TEE_SUCCESS);
	assert_int_equal(atomic_load(&ta_state.close_answer),
			 ANSWER(CLOSE_SUB));
	assert_int_equal(smcsim_sw_session_count(tb.sw), 0);
	assert_int_equal(tee_device_num_users(tb.teedev), users);
	ri = release_info(&tb);
	assert_int_equal(ri.queued, 0);
	assert_int_equal(ri.delivered, 0);
	assert_int_equal(ri.pending, 0);

	tee_client_close_context(s);
	tb_stop(&tb);
}

#define DRAIN_SESSIONS	3
#define DRAIN_MS	100

/*
 * Releases still queued when remove starts are delivered before it
 * returns: three session closes that each hold the worker 100 ms in a
 * kernel-served SUSPEND are all made (the TA's close returned for each)
 * by the time optee_remove() is back.
 */
static void optee_servers_remove_drains_releases(void **state)
{
	uint32_t session[DRAIN_SESSIONS];
	struct optee_release_info ri;
	struct tee_context *ctx;
	unsigned int i;
	struct tb tb;

	(void)state;
	start_async(&tb);
	ctx = tb_open_ctx(&tb);
	for (i = 0; i < DRAIN_SESSIONS; i++)
		assert_int_equal(tb_open_session(ctx, &srv_ta_uuid,
						 &session[i]), TEE_SUCCESS);
	atomic_store(&ta_state.close_ms, DRAIN_MS);
	atomic_store(&ta_state.close_mode, CLOSE_SUSPEND);

	tee_client_close_context(ctx);
	ri = release_info(&tb);
	assert_int_equal(ri.queued, DRAIN_SESSIONS);
	assert_true(ri.pending > 1);
	assert_true(atomic_load(&ta_state.closes_done) < DRAIN_SESSIONS);

	tb_remove(&tb);
	assert_int_equal(atomic_load(&ta_state.closes_started), DRAIN_SESSIONS);
	assert_int_equal(atomic_load(&ta_state.closes_done), DRAIN_SESSIONS);
	assert_int_equal(atomic_load(&ta_state.close_ret), TEE_SUCCESS);
	assert_int_equal(smcsim_sw_session_count(tb.sw), 0);
	tb_stop(&tb);
}

static uint32_t remove_job(void *arg)
{
	optee_remove(arg);
	return 0;
}

/*
 * Remove starts while a release waits for S: it does not return until the
 * release is delivered. S answers during remove, then closes (remove waits
 * for every client context first), and remove finishes with the TA's close
 * made.
 */
static void optee_servers_remove_with_release_waiting_for_server(void **state)
{
	struct tee_context *s;
	struct client c;
	struct tb_job jr;
	struct tb tb;

	(void)state;
	start_async(&tb);
	s = server_open(&tb, PLUGIN_S);
	client_open(&tb, &c, PLUGIN_S, 0);
	atomic_store(&ta_state.close_plugin, PLUGIN_S);
	atomic_store(&ta_state.close_mode, CLOSE_PLUGIN);
	tee_client_close_context(c.ctx);
	wait_closes_started(1);

	tb_job_start(&jr, "remover", remove_job, tb.optee);
	rt_sleep_ms(STALL_MS);
	assert_false(tb_job_finished(&jr));
	assert_int_equal(atomic_load(&ta_state.closes_done), 0);

	serve_close(s, PLUGIN_S);
	wait_closes_done(1);
	assert_int_equal(atomic_load(&ta_state.close_ret), TEE_SUCCESS);
	/* S is still a client: remove waits for it too. */
	rt_sleep_ms(STALL_MS);
	assert_false(tb_job_finished(&jr));
	tee_client_close_context(s);
	assert_int_equal(tb_job_join(&jr, TB_WAIT_MS), 0);
	tb.optee = NULL;
	tb.teedev = NULL;
	assert_int_equal(atomic_load(&ta_state.closes_done), 1);
	assert_int_equal(smcsim_sw_session_count(tb.sw), 0);
	tb_stop(&tb);
}

/* ---- 7. regressions ------------------------------------------------------ */

/*
 * Found with cdf937a: the supplicant's own context is documented to be
 * refused with -EBUSY, but the supplicant device had no
 * .supp_register_server, so it got -EINVAL.
 */
static void optee_servers_register_supplicant_is_busy(void **state)
{
	struct tee_context *sctx;
	struct tb tb;
	int rc;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	rc = tee_supp_register_server(sctx, plugin_uuid[PLUGIN_S]);
	tee_client_close_context(sctx);
	tb_stop(&tb);
	assert_int_equal(rc, -EBUSY);
}

/*
 * Found with cdf937a: with cfg.async_release the worker closed sessions
 * with the driver's own context, which waited for a supplicant to appear:
 * a TA close whose RPC found no server and no supplicant stayed pending,
 * and optee_remove() (which admits no new supplicant) never returned. The
 * driver's context is supp_nowait now.
 *
 * Here: no server for the close's UUID, no supplicant. The release must
 * be delivered (the TA's close getting COMMUNICATION) within a bound. If
 * it stays pending, the test attaches a supplicant and answers, so the
 * stack can still be torn down, and then fails.
 */
static void optee_servers_async_release_without_supplicant(void **state)
{
	struct tee_context *sctx;
	struct client c;
	struct req r;
	bool delivered;
	struct tb tb;

	(void)state;
	start_async(&tb);
	client_open(&tb, &c, PLUGIN_NONE, 0);
	atomic_store(&ta_state.close_plugin, PLUGIN_NONE);
	atomic_store(&ta_state.close_mode, CLOSE_PLUGIN);
	tee_client_close_context(c.ctx);
	delivered = tb_wait_until(release_idle, &tb, 1000);

	if (!delivered) {
		/* Unstick the worker so that remove can finish. */
		sctx = supp_open(&tb);
		supp_recv_one(&tb, sctx, &r);
		expect_plugin(&r, PLUGIN_NONE, CLOSE_CMD, CLOSE_SUB);
		answer_send(sctx, &r);
		assert_true(tb_wait_until(release_idle, &tb, TB_WAIT_MS));
		tee_client_close_context(sctx);
	}
	tb_stop(&tb);
	assert_true(delivered);
	assert_int_equal(atomic_load(&ta_state.close_ret),
			 TEE_ERROR_COMMUNICATION);
}

#define RACE_CLIENTS	4
#define RACE_ROUNDS	300

/**
 * struct race_client - a user-space-like client (teedev_open: it waits for
 * a supplicant rather than being refused) hammering S's UUID
 * @c:		the client
 * @stop:	set by the test to end the loop
 * @calls:	requests made
 * @odd:	results other than SUCCESS and COMMUNICATION
 */
struct race_client {
	struct client c;
	atomic_bool stop;
	atomic_uint calls;
	atomic_uint odd;
};

static uint32_t race_client_job(void *arg)
{
	struct race_client *rc = arg;
	uint32_t ret;

	while (!atomic_load(&rc->stop)) {
		ret = client_call(&rc->c, rc->c.sub);
		if (ret != TEE_SUCCESS && ret != TEE_ERROR_COMMUNICATION)
			atomic_fetch_add(&rc->odd, 1);
		atomic_fetch_add(&rc->calls, 1);
	}
	return 0;
}

/* A server (or supplicant) loop that serves until its RECV fails. */
static uint32_t serve_all_job(void *arg)
{
	struct tee_context *ctx = arg;
	struct req r;

	while (!do_recv(ctx, &r)) {
		answer_plugin(&r);
		do_send(ctx, &r, TEE_SUCCESS);
	}
	return 0;
}

/*
 * Found with cdf937a (a race): optee_supp_plugin_req() found the server
 * under servers_lock and queued on its queue after dropping it; a server
 * closing in between left the request on a queue nobody would serve or
 * release again. The queueing now checks, under the queue's mutex, that
 * the server is still there, and asks the supplicant otherwise.
 *
 * Here: four user-like clients hammer S's UUID while S is registered,
 * killed and closed over and over; the supplicant serves whatever has no
 * server. Every client must keep making progress. A client stuck on a
 * dead queue shows as a loop that stops counting.
 */
static void optee_servers_close_races_lookup(void **state)
{
	struct race_client rc[RACE_CLIENTS];
	struct tb_job jc[RACE_CLIENTS], jsupp, js;
	struct tee_context *sctx, *s;
	unsigned int i, round, before[RACE_CLIENTS];
	bool stuck = false;
	struct tb tb;

	(void)state;
	start(&tb);
	sctx = supp_open(&tb);
	tb_job_start(&jsupp, "supplicant", serve_all_job, sctx);
	for (i = 0; i < RACE_CLIENTS; i++) {
		memset(&rc[i], 0, sizeof(rc[i]));
		rc[i].c.ta_cmd = TA_CMD_PLUGIN;
		rc[i].c.plugin = PLUGIN_S;
		rc[i].c.cmd = 0x100 + PLUGIN_S;
		rc[i].c.sub = 7;
		assert_int_equal(teedev_open(tb.teedev, &rc[i].c.ctx), 0);
		assert_int_equal(tb_open_session(rc[i].c.ctx, &srv_ta_uuid,
						 &rc[i].c.session),
				 TEE_SUCCESS);
		tb_job_start(&jc[i], "client", race_client_job, &rc[i]);
	}
	for (round = 0; round < RACE_ROUNDS && !stuck; round++) {
		s = server_open(&tb, PLUGIN_S);
		tb_job_start(&js, "server", serve_all_job, s);
		rt_sleep_ms(1 + round % 3);
		rt_thread_kill(js.thr);
		tb_job_join(&js, TB_WAIT_MS);
		tee_client_close_context(s);
		/* Every client must get through a few more requests. */
		for (i = 0; i < RACE_CLIENTS; i++)
			before[i] = atomic_load(&rc[i].calls);
		for (i = 0; i < RACE_CLIENTS; i++) {
			uint64_t end = rt_now_ms() + 1000;

			while (atomic_load(&rc[i].calls) < before[i] + 2 &&
			       rt_now_ms() < end)
				rt_sleep_ms(1);
			if (atomic_load(&rc[i].calls) < before[i] + 2)
				stuck = true;
		}
	}
	if (stuck)
		print_message("a client stuck after close %u; the supplicant "
			      "has %u queued, %u secure threads in RPCs\n",
			      round, supp_info(&tb).queued_now,
			      threads_suspended(&tb));
	for (i = 0; i < RACE_CLIENTS; i++)
		atomic_store(&rc[i].stop, true);
	if (stuck) {
		/*
		 * The stuck requester sleeps killably on the dead queue:
		 * kill the clients so the stack can be torn down.
		 */
		for (i = 0; i < RACE_CLIENTS; i++)
			rt_thread_kill(jc[i].thr);
	}
	for (i = 0; i < RACE_CLIENTS; i++) {
		tb_job_join(&jc[i], TB_WAIT_MS);
		assert_int_equal(atomic_load(&rc[i].odd), 0);
	}
	rt_thread_kill(jsupp.thr);
	tb_job_join(&jsupp, TB_WAIT_MS);
	for (i = 0; i < RACE_CLIENTS; i++) {
		assert_int_equal(tee_client_close_session(rc[i].c.ctx,
							  rc[i].c.session), 0);
		teedev_close_context(rc[i].c.ctx);
	}
	tee_client_close_context(sctx);
	tb_stop(&tb);
	assert_false(stuck);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(optee_servers_register),
		cmocka_unit_test(optee_servers_register_supplicant_refused),
		cmocka_unit_test(optee_servers_routing_to_server),
		cmocka_unit_test(optee_servers_routing_to_supplicant),
		cmocka_unit_test(optee_servers_never_block_each_other),
		cmocka_unit_test(optee_servers_server_death),
		cmocka_unit_test(optee_servers_async_release),
		cmocka_unit_test(optee_servers_sync_release_waits_for_server),
		cmocka_unit_test(optee_servers_remove_drains_releases),
		cmocka_unit_test(optee_servers_remove_with_release_waiting_for_server),
		/* Section 7: regressions. */
		cmocka_unit_test(optee_servers_register_supplicant_is_busy),
		cmocka_unit_test(optee_servers_async_release_without_supplicant),
		cmocka_unit_test(optee_servers_close_races_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
