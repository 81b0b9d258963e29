// SPDX-License-Identifier: BSD-2-Clause
/*
 * End-to-end tests of system invocation threads (seed 002, docs/design.md
 * section 4) in both ABI profiles: the seed's scenario, where every ordinary
 * secure thread is held by a "storage" TA waiting for a "regulator" service
 * and the service's call must still get in, works with a reservation
 * (proposal profile) or a system session (upstream profile) and provably
 * deadlocks without one; reservation accounting while many contexts reserve,
 * release and call at once; and the fault cases (no free thread to reserve,
 * release without reserve, close with reservations, calls after release,
 * either profile's driver or firmware lacking the capability, system
 * sessions the call queue cannot honour). Every wait on another thread is
 * bounded, so a hang fails the test instead of stalling it.
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

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>

#define WAIT_MS			10000
/* How long a call that should be stuck is watched before calling it stuck. */
#define DEADLOCK_WATCH_MS	300
/* Safety bound of the storage TA's wait loop (1 ms suspends). */
#define STORAGE_MAX_ITER	3000

#define P_VAL_IN	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define P_VAL_OUT	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT

#define FID_CALL_REGD		0x32000013UL
#define FID_CALL_SYSTEM		0x32000014UL
#define FID_RESERVE		0x32000015UL
#define FID_UNRESERVE		0x32000016UL

static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;
static const struct smcsim_uuid storage_uuid =
	{ 0x534d4353, 0x0102, 0x4000,
	  { 0x80, 0x00, 0x73, 0x79, 0x73, 0x74, 0x6f, 0x72 } };
static const struct smcsim_uuid regulator_uuid =
	{ 0x534d4353, 0x0103, 0x4000,
	  { 0x80, 0x00, 0x73, 0x79, 0x73, 0x72, 0x65, 0x67 } };

/* ---- the seed-002 TAs ---------------------------------------------------- */

/**
 * struct sys_tas - state shared by the storage and regulator TAs
 * @regulator_on:	set by the regulator TA; storage calls wait for it
 * @expire:		set by a test: storage calls give up (TIMEOUT) now
 * @holding:		storage calls that entered the TA so far
 * @hold_target:	@held completes when @holding reaches it
 * @held:		that many storage calls hold a secure thread
 */
struct sys_tas {
	atomic_bool regulator_on;
	atomic_bool expire;
	atomic_uint holding;
	unsigned int hold_target;
	struct rt_completion held;
};

/* Waits (holding its thread, suspended in RPCs) until the regulator is on. */
static uint32_t storage_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t ptypes,
			       union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	struct sys_tas *t = smcsim_ta_priv(s);
	unsigned int i;

	(void)cmd;
	(void)ptypes;
	(void)params;
	if (atomic_fetch_add(&t->holding, 1) + 1 == t->hold_target)
		rt_complete(&t->held);
	for (i = 0; i < STORAGE_MAX_ITER; i++) {
		if (atomic_load(&t->expire))
			return TEE_ERROR_TIMEOUT;
		if (atomic_load(&t->regulator_on))
			return TEE_SUCCESS;
		smcsim_ta_suspend(s, 1);
	}
	return TEE_ERROR_TIMEOUT;
}

static uint32_t regulator_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
				 uint32_t ptypes,
				 union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	struct sys_tas *t = smcsim_ta_priv(s);

	(void)cmd;
	(void)ptypes;
	(void)params;
	atomic_store(&t->regulator_on, true);
	return TEE_SUCCESS;
}

static const struct smcsim_ta_ops storage_ops = { .invoke = storage_invoke };
static const struct smcsim_ta_ops regulator_ops = { .invoke = regulator_invoke };

/* ---- a whole stack ------------------------------------------------------- */

/**
 * struct e2e_opts - how to build the stack
 * @fw:		the firmware's ABI profile
 * @drv:	the profile the driver is told
 * @threads:	secure threads, 0 = OP-TEE's default (2)
 */
struct e2e_opts {
	enum smcsim_abi_profile fw;
	enum smcsim_abi_profile drv;
	unsigned int threads;
};

/**
 * struct e2e - one normal world on one simulated secure world
 * @tas:	the seed-002 TAs' state
 * @busy:	threads of the test that use the stack, not yet joined
 *
 * The call path is trace -> simulator.
 */
struct e2e {
	struct e2e_opts o;
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct smcsim_trace trace;
	struct tee_class cls;
	struct optee *optee;
	struct tee_device *teedev;
	struct sys_tas tas;
	unsigned int busy;
};

static void e2e_start(struct e2e *e, const struct e2e_opts *o)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct optee_probe_cfg cfg;
	struct smcsim_ta_desc d;

	memset(e, 0, sizeof(*e));
	e->o = *o;
	rt_completion_init(&e->tas.held);
	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_create(&pcfg, &e->phys), 0);
	smcsim_sw_config_default(&scfg, o->fw, e->phys);
	if (o->threads)
		scfg.num_threads = o->threads;
	assert_int_equal(smcsim_sw_create(&scfg, &e->sw), 0);
	d = (struct smcsim_ta_desc){ .uuid = storage_uuid, .name = "storage",
				     .ops = &storage_ops, .priv = &e->tas };
	assert_int_equal(smcsim_sw_register_ta(e->sw, &d), 0);
	d = (struct smcsim_ta_desc){ .uuid = regulator_uuid,
				     .name = "regulator",
				     .ops = &regulator_ops, .priv = &e->tas };
	assert_int_equal(smcsim_sw_register_ta(e->sw, &d), 0);
	smcsim_trace_init(&e->trace, smcsim_invoke_sim(e->sw), NULL);
	tee_class_init(&e->cls);
	cfg = (struct optee_probe_cfg){
		.invoke = smcsim_trace_invoke(&e->trace),
		.phys = e->phys,
		.profile = o->drv,
		.cls = &e->cls,
		.notif_irq = smcsim_sw_notif_irq(e->sw),
	};
	assert_int_equal(optee_probe(&cfg, &e->optee), 0);
	e->teedev = optee_client_teedev(e->optee);
}

static void e2e_stop(struct e2e *e)
{
	optee_remove(e->optee);
	assert_int_equal(tee_class_devices_in_use(&e->cls), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	assert_int_equal(smcsim_sw_shm_count(e->sw), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(e->phys), 0);
	smcsim_sw_destroy(e->sw);
	smcsim_trace_fini(&e->trace);
	tee_class_fini(&e->cls);
	smcsim_phys_destroy(e->phys);
	rt_completion_destroy(&e->tas.held);
}

/* The stack lives on the heap: a failed test with live threads leaks it. */
static int e2e_setup_opts(void **state, const struct e2e_opts *o)
{
	struct e2e *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e2e_start(e, o);
	*state = e;
	return 0;
}

static int setup_proposal(void **state)
{
	const struct e2e_opts o = { .fw = SMCSIM_ABI_PROPOSAL,
				    .drv = SMCSIM_ABI_PROPOSAL };

	return e2e_setup_opts(state, &o);
}

static int setup_proposal_4(void **state)
{
	const struct e2e_opts o = { .fw = SMCSIM_ABI_PROPOSAL,
				    .drv = SMCSIM_ABI_PROPOSAL, .threads = 4 };

	return e2e_setup_opts(state, &o);
}

static int setup_upstream(void **state)
{
	const struct e2e_opts o = { .fw = SMCSIM_ABI_UPSTREAM,
				    .drv = SMCSIM_ABI_UPSTREAM };

	return e2e_setup_opts(state, &o);
}

static int setup_upstream_1(void **state)
{
	const struct e2e_opts o = { .fw = SMCSIM_ABI_UPSTREAM,
				    .drv = SMCSIM_ABI_UPSTREAM, .threads = 1 };

	return e2e_setup_opts(state, &o);
}

/* A proposal driver on upstream firmware that sets bit 7 (RPMB_PROBE). */
static int setup_mismatch(void **state)
{
	const struct e2e_opts o = { .fw = SMCSIM_ABI_UPSTREAM,
				    .drv = SMCSIM_ABI_PROPOSAL };

	return e2e_setup_opts(state, &o);
}

static int teardown(void **state)
{
	struct e2e *e = *state;

	if (e->busy) {
		/* Let storage calls unwind, but never free under a thread. */
		atomic_store(&e->tas.expire, true);
		fail_msg("%u threads still use the stack", e->busy);
	}
	e2e_stop(e);
	free(e);
	return 0;
}

/* ---- client helpers ------------------------------------------------------ */

static struct tee_context *open_ctx(struct e2e *e)
{
	struct tee_context *ctx = NULL;

	assert_int_equal(tee_client_open_context(e->teedev, &ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

static uint32_t open_ok(struct tee_context *ctx, const struct smcsim_uuid *u)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};

	smcsim_uuid_to_octets(u, arg.uuid);
	assert_int_equal(tee_client_open_session(ctx, &arg, NULL), 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	return arg.session;
}

/* Echo TA ADD: @x + 1 must come back. */
static void echo_add_ok(struct tee_context *ctx, uint32_t session, uint32_t x)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = SMCSIM_TA_ECHO_CMD_ADD,
		.session = session,
		.num_params = 2,
	};
	struct tee_param p[2] = {
		{ .attr = P_VAL_IN, .u.value = { .a = x, .b = 1 } },
		{ .attr = P_VAL_OUT },
	};

	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, (uint64_t)x + 1);
}

/* Secure threads not FREE now. */
static unsigned int threads_in_use(struct e2e *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < smcsim_sw_num_threads(e->sw); i++)
		n += smcsim_sw_thread_state(e->sw, i) != SMCSIM_SW_THREAD_FREE;
	return n;
}

/* How many traced SMCs since record @from had function ID @fid. */
static size_t trace_count_fid(struct e2e *e, size_t from, unsigned long fid)
{
	struct smcsim_trace_rec rec;
	size_t i, n = 0;

	for (i = from; !smcsim_trace_get(&e->trace, i, &rec); i++)
		n += (uint32_t)rec.in[0] == (uint32_t)fid;
	return n;
}

/* The answer a0 of the last traced SMC with @fid since @from, or ~0. */
static unsigned long trace_last_a0(struct e2e *e, size_t from,
				   unsigned long fid)
{
	struct smcsim_trace_rec rec;
	unsigned long a0 = ~0UL;
	size_t i;

	for (i = from; !smcsim_trace_get(&e->trace, i, &rec); i++)
		if ((uint32_t)rec.in[0] == (uint32_t)fid)
			a0 = rec.out[0];
	return a0;
}

static int cq_sys_count(struct e2e *e)
{
	struct optee_cq_info info;

	optee_get_cq_info(e->optee, &info);
	return info.sys_thread_req_count;
}

/* ---- calls on other threads ---------------------------------------------- */

/**
 * struct caller - one open-session or invoke on its own thread
 * @e:		the stack
 * @ctx:	the context it calls with
 * @uuid:	open a session to it if set, else invoke @session
 * @session:	invoked; receives the opened session
 * @rc:		the client API's return
 * @ret:	the TEE's ret
 * @done:	completed when the call returned
 * @thr:	the thread
 */
struct caller {
	struct e2e *e;
	struct tee_context *ctx;
	const struct smcsim_uuid *uuid;
	uint32_t session;
	int rc;
	uint32_t ret;
	struct rt_completion done;
	struct rt_thread *thr;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;

	if (c->uuid) {
		struct tee_ioctl_open_session_arg oa = {
			.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
		};

		smcsim_uuid_to_octets(c->uuid, oa.uuid);
		c->rc = tee_client_open_session(c->ctx, &oa, NULL);
		c->ret = oa.ret;
		c->session = oa.session;
	} else {
		struct tee_ioctl_invoke_arg ia = { .session = c->session };

		c->rc = tee_client_invoke_func(c->ctx, &ia, NULL);
		c->ret = ia.ret;
	}
	rt_complete(&c->done);
	return NULL;
}

static void caller_start(struct caller *c, struct e2e *e,
			 struct tee_context *ctx,
			 const struct smcsim_uuid *uuid, uint32_t session)
{
	memset(c, 0, sizeof(*c));
	c->e = e;
	c->ctx = ctx;
	c->uuid = uuid;
	c->session = session;
	rt_completion_init(&c->done);
	e->busy++;
	assert_int_equal(rt_thread_create(&c->thr, "caller", caller_main, c),
			 0);
}

/* Wait (bounded) for @c, join it; a hang fails the test (and leaks). */
static void caller_finish(struct caller *c, const char *what)
{
	if (rt_wait_for_completion_timeout(&c->done, WAIT_MS))
		fail_msg("%s did not return within %d ms", what, WAIT_MS);
	rt_thread_join(c->thr, NULL);
	rt_completion_destroy(&c->done);
	c->e->busy--;
	assert_int_equal(c->rc, 0);
}

/* ---- the seed-002 scenario ------------------------------------------------ */

#define MAX_STORAGE	8

/*
 * Seed 002: all ordinary secure threads are held by storage calls that wait
 * for the regulator, plus two more queued. With @protect the service holds
 * a system thread (proposal: reservation before anything starts; upstream:
 * a system session on its regulator session) and its regulator call gets
 * in, after which every storage call succeeds. Without it the regulator
 * call is stuck behind the storage calls: detected within a bounded watch,
 * then the storage calls are made to give up (TIMEOUT) and all unwinds.
 */
static void run_seed002(struct e2e *e, bool protect)
{
	bool proposal = e->o.fw == SMCSIM_ABI_PROPOSAL;
	unsigned int threads = smcsim_sw_num_threads(e->sw);
	unsigned int ordinary = threads - (protect ? 1 : 0);
	unsigned int nstorage = ordinary + 2, i;
	struct caller storage[MAX_STORAGE], reg, reg_open;
	uint32_t sess[MAX_STORAGE], reg_sess = 0;
	struct tee_context *svc = open_ctx(e);
	struct tee_context *cli = open_ctx(e);
	bool open_late = proposal && protect;

	assert_true(nstorage <= MAX_STORAGE);
	e->tas.hold_target = ordinary;
	if (proposal && protect) {
		assert_int_equal(tee_client_request_system_context(svc), 0);
		assert_int_equal(atomic_load(&svc->system_ctx_count), 1);
		assert_int_equal(smcsim_sw_reserved_threads(e->sw), 1);
	}
	if (!open_late)
		reg_sess = open_ok(svc, &regulator_uuid);
	if (!proposal && protect) {
		assert_int_equal(tee_client_system_session(svc, reg_sess), 0);
		assert_int_equal(cq_sys_count(e), 1);
	}
	for (i = 0; i < nstorage; i++)
		sess[i] = open_ok(cli, &storage_uuid);

	for (i = 0; i < nstorage; i++)
		caller_start(&storage[i], e, cli, NULL, sess[i]);
	/* Every ordinary thread is held (by a storage call in the TA). */
	if (rt_wait_for_completion_timeout(&e->tas.held, WAIT_MS))
		fail_msg("storage calls never held %u threads", ordinary);
	assert_int_equal(threads_in_use(e), ordinary);
	assert_false(atomic_load(&e->tas.regulator_on));

	if (open_late) {
		/* The service's session opens on its reserved thread. */
		caller_start(&reg_open, e, svc, &regulator_uuid, 0);
		caller_finish(&reg_open, "regulator open session");
		assert_int_equal(reg_open.ret, TEE_SUCCESS);
		reg_sess = reg_open.session;
	}
	caller_start(&reg, e, svc, NULL, reg_sess);

	if (protect) {
		caller_finish(&reg, "regulator invoke");
		assert_int_equal(reg.ret, TEE_SUCCESS);
		assert_true(atomic_load(&e->tas.regulator_on));
		for (i = 0; i < nstorage; i++) {
			caller_finish(&storage[i], "storage invoke");
			assert_int_equal(storage[i].ret, TEE_SUCCESS);
		}
	} else {
		/* Deadlock: the service cannot get in while storage waits. */
		assert_int_equal(rt_wait_for_completion_timeout(&reg.done,
								DEADLOCK_WATCH_MS),
				 -ETIMEDOUT);
		assert_false(atomic_load(&e->tas.regulator_on));
		for (i = 0; i < nstorage; i++)
			assert_false(rt_completion_done(&storage[i].done));
		assert_int_equal(threads_in_use(e), threads);
		/* The storage loops' bound expires: everything unwinds. */
		atomic_store(&e->tas.expire, true);
		for (i = 0; i < nstorage; i++) {
			caller_finish(&storage[i], "storage invoke");
			assert_int_equal(storage[i].ret, TEE_ERROR_TIMEOUT);
		}
		caller_finish(&reg, "regulator invoke");
		assert_int_equal(reg.ret, TEE_SUCCESS);
	}
	assert_int_equal(threads_in_use(e), 0);

	for (i = 0; i < nstorage; i++)
		assert_int_equal(tee_client_close_session(cli, sess[i]), 0);
	assert_int_equal(tee_client_close_session(svc, reg_sess), 0);
	assert_int_equal(cq_sys_count(e), 0);
	tee_client_close_context(cli);
	tee_client_close_context(svc);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
}

/* Proposal: a reserved thread lets the regulator call in. */
static void e2e_system_seed002_reserved_thread_avoids_deadlock(void **state)
{
	struct e2e *e = *state;
	size_t from = smcsim_trace_count(&e->trace);

	run_seed002(e, true);
	/* The service's calls went as system calls, and got in at once. */
	assert_true(trace_count_fid(e, from, FID_CALL_SYSTEM) >= 2);
	assert_int_equal(trace_count_fid(e, from, FID_RESERVE), 1);
	assert_int_equal(trace_count_fid(e, from, FID_UNRESERVE), 1);
}

/* Upstream: a system session keeps a thread back for the regulator call. */
static void e2e_system_seed002_system_session_avoids_deadlock(void **state)
{
	struct e2e *e = *state;
	size_t from = smcsim_trace_count(&e->trace);

	run_seed002(e, true);
	/* Nothing of the proposal reaches upstream firmware. */
	assert_int_equal(trace_count_fid(e, from, FID_CALL_SYSTEM), 0);
	assert_int_equal(trace_count_fid(e, from, FID_RESERVE), 0);
}

/* Either profile without reservation or system session: deadlock. */
static void e2e_system_seed002_deadlocks_without_system_thread(void **state)
{
	struct e2e *e = *state;
	size_t from = smcsim_trace_count(&e->trace);

	run_seed002(e, false);
	assert_int_equal(trace_count_fid(e, from, FID_CALL_SYSTEM), 0);
}

/* ---- reservation accounting under concurrency (proposal) ------------------ */

#define ACC_CTXS	3
#define ACC_ROUNDS	12

/**
 * struct acc_worker - one context reserving, calling and releasing
 * @ctx:	its context (opened and closed by the test)
 * @session:	an echo session of @ctx
 * @round:	which round, decides the pattern
 * @idx:	which worker, decides the pattern too
 * @bad:	an echo call failed
 * @done:	completed when the round's work is done
 * @thr:	the thread
 */
struct acc_worker {
	struct tee_context *ctx;
	uint32_t session;
	unsigned int round;
	unsigned int idx;
	bool bad;
	struct rt_completion done;
	struct rt_thread *thr;
};

static bool acc_echo(struct acc_worker *w, uint32_t x)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = SMCSIM_TA_ECHO_CMD_ADD,
		.session = w->session,
		.num_params = 2,
	};
	struct tee_param p[2] = {
		{ .attr = P_VAL_IN, .u.value = { .a = x, .b = 1 } },
		{ .attr = P_VAL_OUT },
	};

	return !tee_client_invoke_func(w->ctx, &arg, p) &&
	       arg.ret == TEE_SUCCESS && p[1].u.value.a == (uint64_t)x + 1;
}

/*
 * Per round: request 1..2 more reservations (some fail when the threads run
 * out, and must leave the count alone), call, then release down to 0 or 1
 * kept (so at most ACC_CTXS < threads stay reserved between rounds and the
 * ordinary caller always gets a thread back), calling after each release.
 */
static void *acc_main(void *arg)
{
	struct acc_worker *w = arg;
	unsigned int want = 1 + (w->round + w->idx) % 2, i;
	unsigned int keep = (w->round + 2 * w->idx) % 2;

	for (i = 0; i < want; i++) {
		(void)tee_client_request_system_context(w->ctx);
		if (!acc_echo(w, w->round * 100 + i))
			w->bad = true;
	}
	for (i = 0; atomic_load(&w->ctx->system_ctx_count) > keep; i++) {
		tee_client_release_system_context(w->ctx);
		if (!acc_echo(w, w->round * 100 + 50 + i))
			w->bad = true;
	}
	rt_complete(&w->done);
	return NULL;
}

/* The ordinary context: a few calls, never a reservation. */
static void *acc_main_plain(void *arg)
{
	struct acc_worker *w = arg;
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (!acc_echo(w, w->round * 10 + i))
			w->bad = true;
	rt_complete(&w->done);
	return NULL;
}

static void e2e_system_reservation_accounting_under_concurrency(void **state)
{
	struct e2e *e = *state;
	struct acc_worker w[ACC_CTXS];
	struct acc_worker plain;
	unsigned int r, i, sum;

	assert_int_equal(smcsim_sw_num_threads(e->sw), 4);
	memset(w, 0, sizeof(w));
	for (i = 0; i < ACC_CTXS; i++) {
		w[i].ctx = open_ctx(e);
		w[i].session = open_ok(w[i].ctx, &echo_uuid);
		w[i].idx = i;
	}
	/* An ordinary context calling alongside, never reserving. */
	memset(&plain, 0, sizeof(plain));
	plain.ctx = open_ctx(e);
	plain.session = open_ok(plain.ctx, &echo_uuid);

	for (r = 0; r < ACC_ROUNDS; r++) {
		for (i = 0; i < ACC_CTXS; i++) {
			w[i].round = r;
			rt_completion_init(&w[i].done);
			e->busy++;
			assert_int_equal(rt_thread_create(&w[i].thr, "acc",
							  acc_main, &w[i]), 0);
		}
		/*
		 * An ordinary call while they run. With every thread
		 * reserved it waits (ETHREAD_LIMIT); the reservations must
		 * not starve it for good.
		 */
		plain.round = r;
		rt_completion_init(&plain.done);
		e->busy++;
		assert_int_equal(rt_thread_create(&plain.thr, "plain",
						  acc_main_plain, &plain), 0);
		for (i = 0; i < ACC_CTXS; i++) {
			if (rt_wait_for_completion_timeout(&w[i].done, WAIT_MS))
				fail_msg("round %u worker %u hangs", r, i);
			rt_thread_join(w[i].thr, NULL);
			rt_completion_destroy(&w[i].done);
			e->busy--;
			assert_false(w[i].bad);
		}
		if (rt_wait_for_completion_timeout(&plain.done, WAIT_MS))
			fail_msg("round %u: the ordinary caller hangs", r);
		rt_thread_join(plain.thr, NULL);
		rt_completion_destroy(&plain.done);
		e->busy--;
		assert_false(plain.bad);
		/* Quiescent: both sides agree. */
		sum = 0;
		for (i = 0; i < ACC_CTXS; i++)
			sum += atomic_load(&w[i].ctx->system_ctx_count);
		assert_int_equal(smcsim_sw_reserved_threads(e->sw), sum);
		assert_true(sum <= ACC_CTXS);
		assert_int_equal(threads_in_use(e), 0);
	}
	/* Something was reserved on the way, else this proved little. */
	assert_true(trace_count_fid(e, 0, FID_RESERVE) > 0);
	assert_true(trace_count_fid(e, 0, FID_CALL_SYSTEM) > 0);

	for (i = 0; i < ACC_CTXS; i++) {
		assert_int_equal(tee_client_close_session(w[i].ctx,
							  w[i].session), 0);
		tee_client_close_context(w[i].ctx);
	}
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	assert_int_equal(tee_client_close_session(plain.ctx, plain.session), 0);
	tee_client_close_context(plain.ctx);
}

/* ---- fault cases (proposal) ----------------------------------------------- */

/* Reserve with every thread busy, or every thread reserved: -EINVAL. */
static void e2e_system_reserve_without_free_thread_fails(void **state)
{
	struct e2e *e = *state;
	struct tee_context *a = open_ctx(e), *b = open_ctx(e), *cli = open_ctx(e);
	struct caller storage[2];
	uint32_t sess[2];
	unsigned int i;

	/* Both threads held by storage calls. */
	e->tas.hold_target = 2;
	for (i = 0; i < 2; i++)
		sess[i] = open_ok(cli, &storage_uuid);
	for (i = 0; i < 2; i++)
		caller_start(&storage[i], e, cli, NULL, sess[i]);
	if (rt_wait_for_completion_timeout(&e->tas.held, WAIT_MS))
		fail_msg("storage calls never held both threads");
	assert_int_equal(tee_client_request_system_context(a), -EINVAL);
	assert_int_equal(atomic_load(&a->system_ctx_count), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	atomic_store(&e->tas.expire, true);
	for (i = 0; i < 2; i++) {
		caller_finish(&storage[i], "storage invoke");
		assert_int_equal(storage[i].ret, TEE_ERROR_TIMEOUT);
		assert_int_equal(tee_client_close_session(cli, sess[i]), 0);
	}

	/* Both threads reserved (one context may hold several). */
	assert_int_equal(tee_client_request_system_context(a), 0);
	assert_int_equal(tee_client_request_system_context(a), 0);
	assert_int_equal(atomic_load(&a->system_ctx_count), 2);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 2);
	assert_int_equal(tee_client_request_system_context(b), -EINVAL);
	assert_int_equal(atomic_load(&b->system_ctx_count), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 2);
	/* The context with reservations still calls (system calls). */
	echo_add_ok(a, open_ok(a, &echo_uuid), 5);

	tee_client_close_context(cli);
	tee_client_close_context(b);
	tee_client_close_context(a);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
}

/* Release without reserve, or more often than reserved: no SMC, no effect. */
static void e2e_system_release_without_reserve_is_harmless(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e), *other = open_ctx(e);
	size_t from = smcsim_trace_count(&e->trace);

	tee_client_release_system_context(ctx);
	assert_int_equal(atomic_load(&ctx->system_ctx_count), 0);
	assert_int_equal(trace_count_fid(e, from, FID_UNRESERVE), 0);

	/* Another context's reservation is not given back by this one. */
	assert_int_equal(tee_client_request_system_context(other), 0);
	tee_client_release_system_context(ctx);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 1);
	assert_int_equal(atomic_load(&other->system_ctx_count), 1);

	assert_int_equal(tee_client_request_system_context(ctx), 0);
	tee_client_release_system_context(ctx);
	tee_client_release_system_context(ctx);
	assert_int_equal(atomic_load(&ctx->system_ctx_count), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 1);
	assert_int_equal(trace_count_fid(e, from, FID_UNRESERVE), 1);
	/* Ordinary calls still work. */
	echo_add_ok(ctx, open_ok(ctx, &echo_uuid), 7);
	tee_client_close_context(ctx);
	tee_client_close_context(other);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
}

/* Closing a context gives back every reservation it held. */
static void e2e_system_close_context_releases_reservations(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e), *other = open_ctx(e);
	size_t from = smcsim_trace_count(&e->trace);
	uint32_t sess;

	assert_int_equal(tee_client_request_system_context(ctx), 0);
	assert_int_equal(tee_client_request_system_context(ctx), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 2);
	/* With a session open, the driver closes it at release too. */
	sess = open_ok(ctx, &echo_uuid);
	echo_add_ok(ctx, sess, 1);
	tee_client_close_context(ctx);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	assert_int_equal(trace_count_fid(e, from, FID_UNRESERVE), 2);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	/* The threads serve ordinary calls again. */
	echo_add_ok(other, open_ok(other, &echo_uuid), 2);
	tee_client_close_context(other);
}

/*
 * With every thread reserved an ordinary call gets ETHREAD_LIMIT and waits
 * in the call queue; giving a reservation back must let it go, even when no
 * other call ends to wake it.
 */
static void e2e_system_release_wakes_caller_waiting_for_thread(void **state)
{
	struct e2e *e = *state;
	struct tee_context *res = open_ctx(e), *cli = open_ctx(e);
	uint32_t sess = open_ok(cli, &echo_uuid);
	size_t from;
	struct caller c;

	assert_int_equal(tee_client_request_system_context(res), 0);
	assert_int_equal(tee_client_request_system_context(res), 0);
	from = smcsim_trace_count(&e->trace);
	caller_start(&c, e, cli, NULL, sess);
	/* It cannot run: every thread is reserved. */
	assert_int_equal(rt_wait_for_completion_timeout(&c.done,
							DEADLOCK_WATCH_MS),
			 -ETIMEDOUT);
	assert_int_equal(trace_last_a0(e, from, FID_CALL_REGD),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	tee_client_release_system_context(res);
	caller_finish(&c, "ordinary call after a release");
	/* It ran (the TA refuses ADD without params; the SMC was OK). */
	assert_int_equal(trace_last_a0(e, from, FID_CALL_REGD),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 1);
	tee_client_close_context(cli);
	tee_client_close_context(res);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
}

/* While reserved a context calls CALL_SYSTEM_WITH_REGD_ARG; after, REGD_ARG. */
static void e2e_system_calls_after_release_are_ordinary(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	uint32_t sess = open_ok(ctx, &echo_uuid);
	size_t mark;

	mark = smcsim_trace_count(&e->trace);
	echo_add_ok(ctx, sess, 1);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_SYSTEM), 0);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_REGD), 1);

	assert_int_equal(tee_client_request_system_context(ctx), 0);
	mark = smcsim_trace_count(&e->trace);
	echo_add_ok(ctx, sess, 2);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_SYSTEM), 1);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_REGD), 0);
	assert_int_equal(trace_last_a0(e, mark, FID_CALL_SYSTEM),
			 OPTEE_SMC_RETURN_OK);

	tee_client_release_system_context(ctx);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	mark = smcsim_trace_count(&e->trace);
	echo_add_ok(ctx, sess, 3);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_SYSTEM), 0);
	assert_int_equal(trace_count_fid(e, mark, FID_CALL_REGD), 1);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* ---- profile mismatches and upstream system sessions --------------------- */

/* Upstream: no SYSTEM_THREAD capability, no SMC issued. */
static void e2e_system_request_upstream_no_capability(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	size_t from = smcsim_trace_count(&e->trace);

	assert_int_equal(tee_client_request_system_context(ctx), -EINVAL);
	assert_int_equal(atomic_load(&ctx->system_ctx_count), 0);
	tee_client_release_system_context(ctx);
	assert_int_equal(smcsim_trace_count(&e->trace), from);
	echo_add_ok(ctx, open_ok(ctx, &echo_uuid), 9);
	assert_int_equal(trace_count_fid(e, from, FID_CALL_SYSTEM), 0);
	tee_client_close_context(ctx);
}

/*
 * A proposal driver on upstream firmware with RPMB_PROBE (bit 7 set): it
 * believes in SYSTEM_THREAD, the firmware answers EBADCMD, -EINVAL. Calls
 * stay ordinary.
 */
static void e2e_system_proposal_driver_upstream_firmware_einval(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct optee_info info;
	size_t from = smcsim_trace_count(&e->trace);

	optee_get_info(e->optee, &info);
	assert_true(info.sec_caps & (1U << 7));
	assert_true(info.system_thread);
	assert_int_equal(tee_client_request_system_context(ctx), -EINVAL);
	assert_int_equal(atomic_load(&ctx->system_ctx_count), 0);
	assert_int_equal(trace_count_fid(e, from, FID_RESERVE), 1);
	assert_int_equal(trace_last_a0(e, from, FID_RESERVE),
			 OPTEE_SMC_RETURN_EBADCMD);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
	echo_add_ok(ctx, open_ok(ctx, &echo_uuid), 11);
	assert_int_equal(trace_count_fid(e, from, FID_CALL_SYSTEM), 0);
	tee_client_close_context(ctx);
}

/* Upstream system sessions: counted while open, refused when impossible. */
static void e2e_system_session_counts_in_call_queue(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	size_t from = smcsim_trace_count(&e->trace);
	uint32_t sess, sess2;

	sess = open_ok(ctx, &echo_uuid);
	sess2 = open_ok(ctx, &echo_uuid);
	assert_int_equal(cq_sys_count(e), 0);
	assert_int_equal(tee_client_system_session(ctx, sess + sess2 + 100),
			 -EINVAL);
	assert_int_equal(cq_sys_count(e), 0);
	assert_int_equal(tee_client_system_session(ctx, sess), 0);
	assert_int_equal(cq_sys_count(e), 1);
	/* Again: already a system session, not counted twice. */
	assert_int_equal(tee_client_system_session(ctx, sess), 0);
	assert_int_equal(cq_sys_count(e), 1);
	echo_add_ok(ctx, sess, 1);
	echo_add_ok(ctx, sess2, 2);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	assert_int_equal(cq_sys_count(e), 0);
	/* Closing an ordinary one leaves the count alone. */
	assert_int_equal(tee_client_system_session(ctx, sess2), 0);
	assert_int_equal(cq_sys_count(e), 1);
	/* A closed session is unknown now. */
	assert_int_equal(tee_client_system_session(ctx, sess), -EINVAL);
	/* Released with the context. */
	tee_client_close_context(ctx);
	assert_int_equal(cq_sys_count(e), 0);
	/* The secure world never heard of it. */
	assert_int_equal(trace_count_fid(e, from, FID_CALL_SYSTEM), 0);
	assert_int_equal(smcsim_sw_reserved_threads(e->sw), 0);
}

/* A session of another context is unknown to this one. */
static void e2e_system_session_of_other_context_einval(void **state)
{
	struct e2e *e = *state;
	struct tee_context *a = open_ctx(e), *b = open_ctx(e);
	uint32_t sess = open_ok(a, &echo_uuid);

	assert_int_equal(tee_client_system_session(b, sess), -EINVAL);
	assert_int_equal(cq_sys_count(e), 0);
	assert_int_equal(tee_client_close_session(a, sess), 0);
	tee_client_close_context(a);
	tee_client_close_context(b);
}

/* One secure thread: nothing to keep back, -EINVAL. */
static void e2e_system_session_needs_two_threads(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	uint32_t sess = open_ok(ctx, &echo_uuid);

	assert_int_equal(tee_client_system_session(ctx, sess), -EINVAL);
	assert_int_equal(cq_sys_count(e), 0);
	/* The session itself is unharmed. */
	echo_add_ok(ctx, sess, 3);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* ---- registration --------------------------------------------------------- */

#define T(fn, setup)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest proposal[] = {
		T(e2e_system_seed002_reserved_thread_avoids_deadlock,
		  setup_proposal),
		T(e2e_system_seed002_deadlocks_without_system_thread,
		  setup_proposal),
		T(e2e_system_reservation_accounting_under_concurrency,
		  setup_proposal_4),
		T(e2e_system_reserve_without_free_thread_fails, setup_proposal),
		T(e2e_system_release_without_reserve_is_harmless,
		  setup_proposal),
		T(e2e_system_close_context_releases_reservations,
		  setup_proposal),
		T(e2e_system_calls_after_release_are_ordinary, setup_proposal),
		T(e2e_system_release_wakes_caller_waiting_for_thread,
		  setup_proposal),
		T(e2e_system_proposal_driver_upstream_firmware_einval,
		  setup_mismatch),
	};
	const struct CMUnitTest upstream[] = {
		T(e2e_system_seed002_system_session_avoids_deadlock,
		  setup_upstream),
		T(e2e_system_seed002_deadlocks_without_system_thread,
		  setup_upstream),
		T(e2e_system_request_upstream_no_capability, setup_upstream),
		T(e2e_system_session_counts_in_call_queue, setup_upstream),
		T(e2e_system_session_of_other_context_einval, setup_upstream),
		T(e2e_system_session_needs_two_threads, setup_upstream_1),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("e2e_system proposal", proposal,
					      NULL, NULL);
	failed += cmocka_run_group_tests_name("e2e_system upstream", upstream,
					      NULL, NULL);
	return failed ? 1 : 0;
}
