// SPDX-License-Identifier: BSD-2-Clause
/*
 * Four suspected races, each a scenario explored over seeds (random and
 * PCT) with its invariants checked after every run:
 *
 *  1. the call queue's wake-one: more callers than secure threads, calls
 *     that end at different times. A wake-up must go to a caller asleep
 *     in the queue, never to one that runs (it would hand it on only when
 *     its own call ends) nor twice to one waiter (another sleeps on with a
 *     thread free). Virtual time shows a stall: every short call ends
 *     long before the long one could;
 *  2. a server killed while requests keep coming: nothing is served after
 *     its context closed, every request is answered exactly once;
 *  3. every secure thread suspended in an RPC SHM_ALLOC of application
 *     memory while the supplicant, to allocate it, registers the memory
 *     with OP-TEE (a yielding call): a deadlock Linux has too, shown in a
 *     forked child; with the reserved pool it cannot happen.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/supplicant.h>
#include <smcsim/tee_error.h>

#include "detbed.h"

#define TEST		"det/test_det_races"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;

/* ---- 1. call queue wake-one --------------------------------------------- */

/*
 * Two secure threads; one caller's call takes LONG_MS, the others'
 * SHORT_MS. However they interleave, the long call holds one thread at
 * most, so the short ones, served on the other, all end within
 * SHORT_BOUND_MS; a short one stuck behind the long call ends after
 * LONG_MS.
 */
#define CQ_CALLERS	5
#define CQ_THREADS	2
#define LONG_MS		100
#define SHORT_MS	1
#define SHORT_BOUND_MS	50

/**
 * struct cq_run - one run
 * @tb:		the stack
 * @ctx, @session: each caller's, opened before the callers start
 * @ret:	each caller's invoke result
 * @end_ms:	virtual time its invoke returned, from the run's start
 * @t0:		the run's start
 * @wakes:	wake-ups over an exploration
 * @f:		first failure
 */
struct cq_run {
	struct tb tb;
	struct tee_context *ctx[CQ_CALLERS];
	uint32_t session[CQ_CALLERS];
	uint32_t ret[CQ_CALLERS];
	uint64_t end_ms[CQ_CALLERS];
	uint64_t t0;
	unsigned long wakes;
	struct db_fail f;
};

struct cq_caller {
	struct cq_run *r;
	unsigned int i;
};

static uint32_t cq_ms(unsigned int i)
{
	return i == 0 ? LONG_MS : SHORT_MS;
}

static void cq_caller_fn(void *arg)
{
	struct cq_caller *c = arg;
	struct cq_run *r = c->r;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { cq_ms(c->i), 1 } };

	r->ret[c->i] = db_invoke_value(r->ctx[c->i], r->session[c->i],
				       SMCSIM_TA_SLEEP_CMD_SUSPEND, types, v);
	r->end_ms[c->i] = rt_now_ms() - r->t0;
}

static unsigned int count_eth_limit(struct tb *tb)
{
	struct smcsim_trace_rec rec;
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < smcsim_trace_count(&tb->trace); i++)
		if (!smcsim_trace_get(&tb->trace, i, &rec) &&
		    (uint32_t)rec.out[0] == OPTEE_SMC_RETURN_ETHREAD_LIMIT)
			n++;
	return n;
}

static void cq_scenario(void *arg)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				   .threads = CQ_THREADS };
	struct cq_run *r = arg;
	struct db_thread t[CQ_CALLERS];
	struct cq_caller c[CQ_CALLERS];
	struct optee_cq_info cq;
	unsigned int i, opened;
	int rc;

	db_fail_reset(&r->f);
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	for (opened = 0; opened < CQ_CALLERS; opened++)
		if (db_open_session(&r->tb, &sleep_uuid, &r->ctx[opened],
				    &r->session[opened], &r->f))
			goto out;
	r->t0 = rt_now_ms();
	for (i = 0; i < CQ_CALLERS; i++) {
		r->ret[i] = UINT32_MAX;
		c[i] = (struct cq_caller){ .r = r, .i = i };
		db_spawn(&t[i], "caller", cq_caller_fn, &c[i], &r->f);
	}
	for (i = 0; i < CQ_CALLERS; i++)
		db_join(&t[i]);

	for (i = 0; i < CQ_CALLERS; i++) {
		if (r->ret[i] != TEE_SUCCESS)
			db_failf(&r->f, "caller %u: ret 0x%x", i, r->ret[i]);
		else if (i && r->end_ms[i] > SHORT_BOUND_MS)
			db_failf(&r->f, "short caller %u ended at %llu ms: it "
				 "waited with a thread free", i,
				 (unsigned long long)r->end_ms[i]);
	}
	optee_get_cq_info(r->tb.optee, &cq);
	if (cq.wakes_busy)
		db_failf(&r->f, "%lu wake-ups went to a running caller while "
			 "another slept", cq.wakes_busy);
	if (cq.wakes_again)
		db_failf(&r->f, "%lu wake-ups went to a caller already woken",
			 cq.wakes_again);
	if (cq.waiters || cq.free_thread_count != cq.total_thread_count)
		db_failf(&r->f, "call queue after the run: %u waiters, %d of %d "
			 "threads free", cq.waiters, cq.free_thread_count,
			 cq.total_thread_count);
	if (count_eth_limit(&r->tb))
		db_failf(&r->f, "the counting driver met ETHREAD_LIMIT");
	r->wakes += cq.wakes;
out:
	while (opened) {
		opened--;
		db_close_session(r->ctx[opened], r->session[opened], &r->f);
	}
	db_stop(&r->tb, &r->f);
}

static const char *cq_check(void *arg)
{
	return db_fail_msg(&((struct cq_run *)arg)->f);
}

static void explore_cq(const char *sched)
{
	static struct cq_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = "callq_wake",
		.scenario = cq_scenario,
		.check = cq_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
	/* Callers did sleep in the queue and were woken: the race was run. */
	if (res.runs >= 100)
		assert_true(r.wakes > 0);
}

static void det_races_callq_wake_random(void **state)
{
	(void)state;
	explore_cq("random");
}

static void det_races_callq_wake_pct(void **state)
{
	(void)state;
	explore_cq("pct:3:1500");
}

/* Bounded: Linux's rule stalls a short caller in almost every schedule. */
#define CQ_PLANT_SEEDS	50

/*
 * With Linux's wake-up rule planted (OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST),
 * the same exploration finds a short caller stalled behind the long call,
 * the printed seed replays it, and the same seeds are clean without it.
 */
static void det_races_callq_linux_rule_is_found(void **state)
{
	static struct cq_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = "callq_wake",
		.scenario = cq_scenario,
		.check = cq_check,
		.arg = &r,
		.seeds = CQ_PLANT_SEEDS,
		.sched = "random",
		.ignore_env = true,
	};
	struct smcsim_explore_result found, replay, clean;
	char why[sizeof(found.why)];

	(void)state;
	memset(&r, 0, sizeof(r));
	optee_test_plant(OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST);
	assert_int_equal(smcsim_explore(&e, &found), -1);
	assert_true(found.failed);
	assert_true(strstr(found.why, "waited with a thread free") ||
		    strstr(found.why, "wake-ups went to"));
	strlcpy(why, found.why, sizeof(why));

	e.first_seed = found.seed;
	e.seeds = 1;
	assert_int_equal(smcsim_explore(&e, &replay), -1);
	assert_int_equal(replay.hash, found.hash);
	assert_string_equal(replay.why, why);

	optee_test_plant(0);
	e.first_seed = 0;
	e.seeds = CQ_PLANT_SEEDS;
	assert_int_equal(smcsim_explore(&e, &clean), 0);
	assert_int_equal(clean.runs, CQ_PLANT_SEEDS);
	fprintf(stderr, "det: Linux's wake-up rule found at seed 0x%llx (run %u): %s\n",
		(unsigned long long)found.seed, found.runs, why);
}

/* ---- 2. a killed server ------------------------------------------------- */

/*
 * A server of one plugin serves requests that three clients keep sending
 * (three each, one after another), from a TA of our own; a killer kills
 * the server's thread (rt_thread_kill, SIGKILL) and closes its context, as
 * the process's exit would, at whatever point the seed picks. No
 * supplicant is attached, so a request the server did not take gets
 * COMMUNICATION (the clients are in-kernel). Invariants: every request is
 * answered exactly once: SUCCESS with the server's answer iff the driver
 * took exactly one answer for it, else COMMUNICATION; nothing is served
 * once the context is closed, nor by the killed thread (a killed process
 * makes no more system calls); a request sent after the close fails.
 */
#define SRV_CLIENTS	3
#define SRV_REQS	3
#define SRV_SUBS	(SRV_CLIENTS * SRV_REQS + 1)
#define SRV_CMD		0x5e1U
#define SRV_ANSWER(sub)	((uint64_t)(sub) * 7 + 1)

static const struct smcsim_uuid srv_ta_uuid = {
	0x534d4353, 0x0110, 0x4000,
	{ 0x80, 0x00, 0x72, 0x61, 0x63, 0x65, 0x73, 0x00 }
};

static const uint8_t srv_plugin[16] = {
	0xd4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x04
};

/* [v0 inout]: one SUPP_PLUGIN INVOKE of srv_plugin, sub_cmd v0.a; v0.b = its answer */
static uint32_t srv_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			      uint32_t ptypes,
			      union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[4];
	uint32_t w[4], res;

	if (cmd || ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INOUT,
						   SMCSIM_TA_PARAM_NONE,
						   SMCSIM_TA_PARAM_NONE,
						   SMCSIM_TA_PARAM_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(w, srv_plugin, sizeof(w));
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SUPP_PLUGIN_INVOKE;
	mp[0].u.value.b = w[0];
	mp[0].u.value.c = w[1];
	mp[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[1].u.value.a = w[2];
	mp[1].u.value.b = w[3];
	mp[1].u.value.c = SRV_CMD;
	mp[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[2].u.value.a = p[0].value.a;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SUPP_PLUGIN, mp, 4);
	p[0].value.b = (uint32_t)mp[2].u.value.b;
	return res;
}

static const struct smcsim_ta_ops srv_ta_ops = {
	.invoke = srv_ta_invoke,
};

/**
 * struct srv_run - one run
 * @tb:		the stack
 * @sctx:	the server's context
 * @server:	the server's thread
 * @killed:	set once the kill was delivered
 * @closed:	set once the server's context is closed (after the close
 *		returned): whatever starts after it sees it
 * @served:	per sub_cmd, answers the driver took from the server
 * @ret, @out:	per sub_cmd, the client's result and answer
 * @late:	per sub_cmd, sent after @closed
 * @outcomes:	over an exploration: [0] served, [1] COMMUNICATION
 * @f:		first failure
 */
struct srv_run {
	struct tb tb;
	struct tee_context *sctx;
	struct db_thread server;
	bool killed;
	bool closed;
	unsigned int served[SRV_SUBS];
	uint32_t ret[SRV_SUBS];
	uint64_t out[SRV_SUBS];
	bool late[SRV_SUBS];
	unsigned long outcomes[2];
	struct db_fail f;
};

struct srv_client {
	struct srv_run *r;
	unsigned int i;
};

static void srv_server_fn(void *arg)
{
	struct srv_run *r = arg;
	struct tee_param p[4];
	uint32_t func, n;
	uint64_t sub;
	bool killed, closed;
	int rc;

	for (;;) {
		memset(p, 0, sizeof(p));
		n = 4;
		killed = r->killed;
		if (tee_supp_recv(r->sctx, &func, &n, p))
			return;
		if (killed)
			db_failf(&r->f, "the killed server received sub %llu",
				 (unsigned long long)p[2].u.value.a);
		if (func != OPTEE_RPC_CMD_SUPP_PLUGIN || n != 4 ||
		    p[2].u.value.a == 0 || p[2].u.value.a >= SRV_SUBS) {
			db_failf(&r->f, "server: func 0x%x, %u params", func, n);
			return;
		}
		sub = p[2].u.value.a;
		p[2].u.value.b = SRV_ANSWER(sub);
		killed = r->killed;
		closed = r->closed;
		rc = tee_supp_send(r->sctx, TEE_SUCCESS, n, p);
		if (rc)
			continue;
		r->served[sub]++;
		if (closed)
			db_failf(&r->f, "sub %llu served after the close",
				 (unsigned long long)sub);
		else if (killed)
			db_failf(&r->f, "sub %llu served by the killed server",
				 (unsigned long long)sub);
	}
}

static void srv_client_fn(void *arg)
{
	struct srv_client *c = arg;
	struct srv_run *r = c->r;
	const uint32_t types[4] = { TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
				    NO, NO, NO };
	struct tee_context *ctx;
	uint32_t session;
	unsigned int k, sub;
	uint64_t v[4][2];

	if (db_open_session(&r->tb, &srv_ta_uuid, &ctx, &session, &r->f))
		return;
	for (k = 0; k < SRV_REQS; k++) {
		sub = 1 + c->i * SRV_REQS + k;
		memset(v, 0, sizeof(v));
		v[0][0] = sub;
		r->late[sub] = r->closed;
		r->ret[sub] = db_invoke_value(ctx, session, 0, types, v);
		r->out[sub] = v[0][1];
	}
	db_close_session(ctx, session, &r->f);
}

/*
 * Kill the server once it has answered one request (or after a bounded
 * number of turns), then close its context as its exit would.
 */
static void srv_killer_fn(void *arg)
{
	struct srv_run *r = arg;
	struct optee_supp_info si;
	unsigned int i;

	/* Each look takes the server's locks: a scheduling point. */
	for (i = 0; i < 200; i++)
		if (optee_get_server_info(r->tb.optee, srv_plugin, &si) ||
		    si.answered)
			break;
	rt_thread_kill(r->server.t);
	r->killed = true;
	tee_client_close_context(r->sctx);
	r->closed = true;
}

static void srv_scenario(void *arg)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 4 };
	const struct smcsim_ta_desc desc = {
		.uuid = srv_ta_uuid,
		.name = "races-server",
		.ops = &srv_ta_ops,
	};
	struct srv_run *r = arg;
	struct db_thread tc[SRV_CLIENTS], tk;
	struct srv_client c[SRV_CLIENTS];
	struct optee_supp_info si;
	unsigned int i, sub;
	int rc;

	db_fail_reset(&r->f);
	r->killed = false;
	r->closed = false;
	memset(r->served, 0, sizeof(r->served));
	memset(r->late, 0, sizeof(r->late));
	for (sub = 0; sub < SRV_SUBS; sub++)
		r->ret[sub] = UINT32_MAX;
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	rc = smcsim_sw_register_ta(r->tb.sw, &desc);
	if (!rc)
		rc = tee_client_open_context(r->tb.teedev, &r->sctx);
	if (!rc) {
		rc = tee_supp_register_server(r->sctx, srv_plugin);
		if (rc)
			tee_client_close_context(r->sctx);
	}
	if (rc) {
		db_failf(&r->f, "server: %d", rc);
		goto out;
	}
	/* The server thread may still call in after the close: keep it. */
	teedev_ctx_get(r->sctx);
	db_spawn(&r->server, "server", srv_server_fn, r, &r->f);
	for (i = 0; i < SRV_CLIENTS; i++) {
		c[i] = (struct srv_client){ .r = r, .i = i };
		db_spawn(&tc[i], "client", srv_client_fn, &c[i], &r->f);
	}
	db_spawn(&tk, "killer", srv_killer_fn, r, &r->f);
	for (i = 0; i < SRV_CLIENTS; i++)
		db_join(&tc[i]);
	db_join(&tk);
	db_join(&r->server);
	teedev_ctx_put(r->sctx);

	for (sub = 1; sub < SRV_SUBS; sub++) {
		if (r->ret[sub] == TEE_SUCCESS && r->served[sub] == 1 &&
		    r->out[sub] == SRV_ANSWER(sub))
			r->outcomes[0]++;
		else if (r->ret[sub] == TEE_ERROR_COMMUNICATION &&
			 !r->served[sub])
			r->outcomes[1]++;
		else
			db_failf(&r->f, "sub %u: ret 0x%x, answer %llu, served "
				 "%u times", sub, r->ret[sub],
				 (unsigned long long)r->out[sub], r->served[sub]);
		if (r->late[sub] && r->ret[sub] != TEE_ERROR_COMMUNICATION)
			db_failf(&r->f, "sub %u, sent after the close: ret 0x%x",
				 sub, r->ret[sub]);
	}
	optee_get_supp_info(r->tb.optee, &si);
	if (si.queued || si.queued_now || si.processing_now || si.placeholders)
		db_failf(&r->f, "the supplicant's queue was used: %lu queued",
			 (unsigned long)si.queued);
	if (optee_get_server_info(r->tb.optee, srv_plugin, &si) != -ENOENT)
		db_failf(&r->f, "the server is still registered");
	for (i = 0; i < smcsim_sw_num_threads(r->tb.sw); i++)
		if (smcsim_sw_thread_state(r->tb.sw, i) != SMCSIM_SW_THREAD_FREE)
			db_failf(&r->f, "secure thread %u not free", i);
out:
	db_stop(&r->tb, &r->f);
}

static const char *srv_check(void *arg)
{
	return db_fail_msg(&((struct srv_run *)arg)->f);
}

static void explore_srv(const char *sched)
{
	static struct srv_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = "server_killed",
		.scenario = srv_scenario,
		.check = srv_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
	/* Both outcomes happen: the kill lands in the middle of the traffic. */
	if (res.runs >= 100) {
		assert_true(r.outcomes[0] > 0);
		assert_true(r.outcomes[1] > 0);
	}
}

static void det_races_server_killed_random(void **state)
{
	(void)state;
	explore_srv("random");
}

static void det_races_server_killed_pct(void **state)
{
	(void)state;
	explore_srv("pct:3:1500");
}

/* ---- 3. application memory with every thread waiting for it ------------- */

/*
 * Two secure threads, two clients whose TA asks for application memory
 * (RPC SHM_ALLOC of type APPL, served by the supplicant stand-in) and
 * frees it. With dynamic shared memory the supplicant's allocation is
 * registered with OP-TEE (REGISTER_SHM, a yielding call) as in Linux,
 * whose pool registers every buffer but the driver's private ones
 * (smc_abi.c pool_op_alloc) and whose tee-supplicant allocates with
 * TEE_IOC_SHM_ALLOC or registers with TEE_IOC_SHM_REGISTER: when both
 * threads are suspended in the RPC, that call waits in the call queue for
 * a thread that only its own answer would free. A deadlock Linux has
 * too, with OP-TEE's CFG_NUM_THREADS threads all at their first
 * application allocation. It is shown in a forked child (the scheduler's
 * report, exit code 86); with the reserved pool nothing is registered and
 * every seed completes.
 */
#define APPL_CLIENTS	2
#define APPL_SIZE	4096

static const struct smcsim_uuid appl_ta_uuid = {
	0x534d4353, 0x0111, 0x4000,
	{ 0x80, 0x00, 0x72, 0x61, 0x63, 0x65, 0x73, 0x00 }
};

/* [v0 in a = size]: RPC SHM_ALLOC of application memory, then SHM_FREE */
static uint32_t appl_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t ptypes,
			       union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp;
	uint64_t cookie;
	uint32_t res;

	if (cmd || ptypes != SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_VALUE_INPUT,
						   SMCSIM_TA_PARAM_NONE,
						   SMCSIM_TA_PARAM_NONE,
						   SMCSIM_TA_PARAM_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	memset(&mp, 0, sizeof(mp));
	mp.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp.u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp.u.value.b = p[0].value.a;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_ALLOC, &mp, 1);
	if (res)
		return res;
	if (mp.attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT ||
	    mp.u.tmem.size < p[0].value.a)
		return TEE_ERROR_BAD_FORMAT;
	cookie = mp.u.tmem.shm_ref;
	memset(&mp, 0, sizeof(mp));
	mp.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp.u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp.u.value.b = cookie;
	return smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_FREE, &mp, 1);
}

static const struct smcsim_ta_ops appl_ta_ops = {
	.invoke = appl_ta_invoke,
};

/**
 * struct appl_run - one run
 * @tb:		the stack
 * @reserved:	the firmware has no dynamic shm: the reserved pool
 * @spare:	one secure thread more than clients
 * @ctx, @session: each client's
 * @ret:	each client's result
 * @f:		first failure
 */
struct appl_run {
	struct tb tb;
	bool reserved;
	bool spare;
	struct tee_context *ctx[APPL_CLIENTS];
	uint32_t session[APPL_CLIENTS];
	uint32_t ret[APPL_CLIENTS];
	struct db_fail f;
};

struct appl_client {
	struct appl_run *r;
	unsigned int i;
};

static void appl_client_fn(void *arg)
{
	struct appl_client *c = arg;
	struct appl_run *r = c->r;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { APPL_SIZE, 0 } };

	r->ret[c->i] = db_invoke_value(r->ctx[c->i], r->session[c->i], 0,
				       types, v);
}

static void appl_scenario(void *arg)
{
	struct appl_run *r = arg;
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				   .threads = APPL_CLIENTS + r->spare,
				   .no_dynamic_shm = r->reserved };
	const struct smcsim_ta_desc desc = {
		.uuid = appl_ta_uuid,
		.name = "races-appl",
		.ops = &appl_ta_ops,
	};
	const struct smcsim_supp_cfg cfg = { 0 };
	struct db_thread t[APPL_CLIENTS];
	struct appl_client c[APPL_CLIENTS];
	struct smcsim_supp_stats st;
	struct smcsim_supp *supp = NULL;
	unsigned int i, opened = 0;
	int rc;

	db_fail_reset(&r->f);
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	rc = smcsim_sw_register_ta(r->tb.sw, &desc);
	if (!rc)
		rc = smcsim_supp_start(optee_supp_teedev(r->tb.optee), &cfg,
				       &supp);
	if (rc) {
		db_failf(&r->f, "set-up: %d", rc);
		goto out;
	}
	for (opened = 0; opened < APPL_CLIENTS; opened++)
		if (db_open_session(&r->tb, &appl_ta_uuid, &r->ctx[opened],
				    &r->session[opened], &r->f))
			goto out_close;
	for (i = 0; i < APPL_CLIENTS; i++) {
		r->ret[i] = UINT32_MAX;
		c[i] = (struct appl_client){ .r = r, .i = i };
		db_spawn(&t[i], "client", appl_client_fn, &c[i], &r->f);
	}
	for (i = 0; i < APPL_CLIENTS; i++)
		db_join(&t[i]);
	for (i = 0; i < APPL_CLIENTS; i++)
		if (r->ret[i] != TEE_SUCCESS)
			db_failf(&r->f, "client %u: ret 0x%x", i, r->ret[i]);
	smcsim_supp_get_stats(supp, &st);
	if (st.shm_live)
		db_failf(&r->f, "the supplicant holds %u shm", st.shm_live);
out_close:
	while (opened) {
		opened--;
		db_close_session(r->ctx[opened], r->session[opened], &r->f);
	}
out:
	smcsim_supp_stop(supp);
	db_stop(&r->tb, &r->f);
}

static const char *appl_check(void *arg)
{
	return db_fail_msg(&((struct appl_run *)arg)->f);
}

static struct appl_run appl_r;

static void explore_appl(bool reserved, bool spare, const char *sched)
{
	struct smcsim_explore e = {
		.test = TEST,
		.name = reserved ? "appl_reserved" :
			spare ? "appl_spare_thread" : "appl_dynamic",
		.scenario = appl_scenario,
		.check = appl_check,
		.arg = &appl_r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&appl_r, 0, sizeof(appl_r));
	appl_r.reserved = reserved;
	appl_r.spare = spare;
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
}

/* With the reserved pool the supplicant never calls in: no deadlock. */
static void det_races_appl_reserved_random(void **state)
{
	(void)state;
	explore_appl(true, false, "random");
}

static void det_races_appl_reserved_pct(void **state)
{
	(void)state;
	explore_appl(true, false, "pct:3:1500");
}

/* Nor with a thread more than the clients: it takes all of them. */
static void det_races_appl_spare_thread_random(void **state)
{
	(void)state;
	explore_appl(false, true, "random");
}

/* A real wait bound on the child, which ends in the report or not at all. */
#define CHILD_WAIT_MS	60000

/* In the child: explore with dynamic shm until the deadlock ends it. */
static void appl_dynamic_child(void)
{
	struct smcsim_explore e = {
		.test = TEST,
		.name = "appl_dynamic",
		.scenario = appl_scenario,
		.check = appl_check,
		.arg = &appl_r,
		.seeds = 100,
		.sched = "random",
		/* A replay seed of another scenario must not hide it. */
		.ignore_env = true,
	};
	struct smcsim_explore_result res;

	memset(&appl_r, 0, sizeof(appl_r));
	smcsim_explore(&e, &res);
	fprintf(stderr, "no deadlock in %u runs\n", res.runs);
}

/*
 * With dynamic shm some seed deadlocks: the report shows both clients'
 * secure threads suspended (in the supplicant's request queue) and the
 * supplicant's registration waiting in the call queue.
 */
static void det_races_appl_dynamic_deadlocks(void **state)
{
	char out[16384];
	int code;

	(void)state;
	code = db_run_child(appl_dynamic_child, out, sizeof(out),
			    CHILD_WAIT_MS);
	if (code != RT_DET_EXIT_DEADLOCK)
		fail_msg("exit %d, not the deadlock; the child said:\n%s", code,
			 out);
	assert_non_null(strstr(out, "smcsim det: deadlock"));
	/* The replay line names the scenario, seed and trace hash. */
	assert_non_null(strstr(out, "replay: SMCSIM_SCENARIO=appl_dynamic "
				    "SMCSIM_SEED=0x"));
	assert_non_null(strstr(out, " SMCSIM_EXPECT_HASH=0x"));
	assert_non_null(strstr(out, ", trace hash 0x"));
	/* The cycle, by name: the supplicant waits for a secure thread... */
	assert_non_null(strstr(out, "supplicant         [normal] waits on "));
	assert_non_null(strstr(out, "'call queue: waiter'"));
	/* ...that the clients' calls hold while they wait for its answer. */
	assert_non_null(strstr(out, "'supplicant: answer'"));
	fprintf(stderr, "det: the expected deadlock:\n%s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_races_callq_wake_random),
		cmocka_unit_test(det_races_callq_wake_pct),
		cmocka_unit_test(det_races_callq_linux_rule_is_found),
		cmocka_unit_test(det_races_server_killed_random),
		cmocka_unit_test(det_races_server_killed_pct),
		cmocka_unit_test(det_races_appl_reserved_random),
		cmocka_unit_test(det_races_appl_reserved_pct),
		cmocka_unit_test(det_races_appl_spare_thread_random),
		cmocka_unit_test(det_races_appl_dynamic_deadlocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
