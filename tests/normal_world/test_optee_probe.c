// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the OP-TEE driver's probe and remove
 * (sim/normal_world/optee/smc_abi.c; docs/abi.md sections 5, 12.1, 13):
 * probing the simulated secure world in both ABI profiles with the exact
 * SMC sequence checked through a trace (the fast calls, then the yielding
 * calls of the device enumeration and of registering the first page of
 * message arguments), the reserved shared-memory pool,
 * every refusal scripted with the script backend (alone, as the whole
 * firmware, or in front of the simulator to override one answer), hostile
 * SHM-cache answers that must not hang probe or remove, allocation failure
 * at every point, bad arguments, and two worlds at once. Also the async
 * notification setup and teardown (docs/abi.md section 9): the
 * interrupt line is requested and ENABLE_ASYNC_NOTIF issued only when the
 * firmware offers the capability, probe refuses a missing or busy line, and
 * remove (or a probe failing late) sends STOP_ASYNC_NOTIF and lets the line
 * go. Waits on other threads are bounded, so a hang fails the test instead
 * of stalling it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/invoke.h>
#include <smcsim/irq.h>
#include <smcsim/optee.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_error.h>
#include <smcsim/uuid.h>

#define WAIT_MS		5000
/* How long a line must stay quiet to count as "not handled". */
#define QUIET_MS	50
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What smcsim_sw_config_default() answers (QEMU v8 OP-TEE 4.10). */
#define SIM_SEC_CAPS		0xF5U
#define SIM_THREADS		2U
#define SIM_NOTIF_MAX		66U
#define SIM_RPC_PARAMS		4U

#define RET_OK		OPTEE_SMC_RETURN_OK

#define STEP(fid, r0, r1, r2, r3)					\
	{ .a0 = (fid),							\
	  .res = { .a0 = (r0), .a1 = (r1), .a2 = (r2), .a3 = (r3) } }
#define STEP_UID	STEP(OPTEE_SMC_CALLS_UID, OPTEE_MSG_UID_0,	\
			     OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,		\
			     OPTEE_MSG_UID_3)
#define STEP_OS_REV	STEP(OPTEE_SMC_CALL_GET_OS_REVISION, 4, 10, 0, 0)
#define STEP_API_REV	STEP(OPTEE_SMC_CALLS_REVISION, 2, 0, 0, 0)
#define STEP_THREADS	STEP(OPTEE_SMC_GET_THREAD_COUNT, RET_OK,	\
			     SIM_THREADS, 0, 0)
#define STEP_CAPS(caps)	STEP(OPTEE_SMC_EXCHANGE_CAPABILITIES, RET_OK, (caps), \
			     SIM_NOTIF_MAX, SIM_RPC_PARAMS)
#define STEP_CACHE_EMPTY STEP(OPTEE_SMC_DISABLE_SHM_CACHE,		\
			      OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0)
#define STEP_SHM_CONFIG(base, size, cached)				\
	STEP(OPTEE_SMC_GET_SHM_CONFIG, RET_OK, (base), (size), (cached))
#define STEP_ENABLE_NOTIF STEP(OPTEE_SMC_ENABLE_ASYNC_NOTIF, RET_OK, 0, 0, 0)

/* Caps of a firmware with no dynamic shm, only the reserved region. */
#define CAPS_RESERVED	(SIM_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_DYNAMIC_SHM)

/* ---- a backend that answers one function the same way ------------------ */

/**
 * struct stuck - answers @fid with @answer, passes the rest on
 * @inner:	the backend for every other call
 * @fid:	the function it answers; 0 = none
 * @answer:	a0 it answers with (a1/a2 hold a made-up cookie)
 * @skip:	calls of @fid passed on before the first answer
 * @times:	how many calls of @fid it answers, 0 = all of them
 * @seen:	calls of @fid so far, answered or not
 * @calls:	how often @fid was answered
 */
struct stuck {
	struct smcsim_invoke inner;
	unsigned long fid;
	unsigned long answer;
	unsigned int skip;
	unsigned int times;
	atomic_uint seen;
	atomic_uint calls;
};

static void stuck_invoke(void *ctx, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4,
			 unsigned long a5, unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res)
{
	struct stuck *s = ctx;

	if (s->fid && a0 == s->fid) {
		unsigned int n = atomic_fetch_add(&s->seen, 1);

		if (n >= s->skip && (!s->times || n < s->skip + s->times)) {
			atomic_fetch_add(&s->calls, 1);
			*res = (struct arm_smccc_res){
				.a0 = s->answer, .a1 = 0x1, .a2 = 0xdead0000,
				.a3 = a3,
			};
			return;
		}
	}
	smcsim_invoke_call(&s->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
}

/* ---- a TA the device PTA lists ----------------------------------------- */

/* Enumeration only lists it; nobody opens it. */
static uint32_t device_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
				 uint32_t ptypes,
				 union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	return TEE_ERROR_NOT_SUPPORTED;
}

static const struct smcsim_ta_ops device_ta_ops = {
	.invoke = device_ta_invoke,
};

static const struct smcsim_ta_desc device_ta = {
	.uuid = { 0x0b5e55ed, 0x7e57, 0x4d0e,
		  { 0x8a, 0x11, 0xde, 0x71, 0xce, 0x00, 0x00, 0x01 } },
	.name = "probe-device",
	.flags = SMCSIM_TA_FLAG_DEVICE,
	.ops = &device_ta_ops,
};

/* ---- a world: memory map, firmware, trace, device class ---------------- */

/**
 * struct world_opts - how to build a world
 * @profile:	ABI profile of firmware and driver
 * @no_sw:	no simulator: @steps are the whole firmware
 * @no_dynamic_shm: the simulator offers only the reserved region
 * @no_async_notif: the simulator is built without CFG_CORE_ASYNC_NOTIF
 * @device_ta:	the simulator has a TA the device PTA lists
 * @steps:	if set, a script in front of the firmware
 * @num_steps:	entries in @steps
 * @stuck_fid:	if not 0, answered with @stuck_a0 (see struct stuck)
 * @stuck_a0:	see @stuck_fid
 * @stuck_skip:	calls of @stuck_fid passed on before the first answer
 * @stuck_times: calls of @stuck_fid answered, 0 = all
 * @phys:	if set, the memory map to use (another world's; not
 *		destroyed with this one), else a new one
 */
struct world_opts {
	enum smcsim_abi_profile profile;
	bool no_sw;
	bool no_dynamic_shm;
	bool no_async_notif;
	bool device_ta;
	const struct smcsim_script_step *steps;
	size_t num_steps;
	unsigned long stuck_fid;
	unsigned long stuck_a0;
	unsigned int stuck_skip;
	unsigned int stuck_times;
	struct smcsim_phys *phys;
};

/**
 * struct world - one normal world and what it talks to
 * @own_irq:	the platform's interrupt 0 when the simulator has no line to
 *		offer (no simulator, or one without async notification): a
 *		platform has the interrupt whether or not its firmware uses it
 *
 * The call path is trace -> script (if any) -> stuck -> simulator (if any).
 */
struct world {
	struct smcsim_phys *phys;
	bool own_phys;
	struct smcsim_sw *sw;
	struct smcsim_irq *own_irq;
	struct stuck stuck;
	struct smcsim_script script;
	bool scripted;
	struct smcsim_trace trace;
	struct tee_class cls;
	struct optee_probe_cfg cfg;
};

/* The platform's interrupt 0: the simulator's line or the world's own. */
static struct smcsim_irq *world_irq(struct world *w)
{
	return w->own_irq ? w->own_irq : smcsim_sw_notif_irq(w->sw);
}

static void world_init(struct world *w, const struct world_opts *o)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct smcsim_invoke inv = { 0 };

	memset(w, 0, sizeof(*w));
	if (o->phys) {
		w->phys = o->phys;
	} else {
		smcsim_phys_config_default(&pcfg);
		assert_int_equal(smcsim_phys_create(&pcfg, &w->phys), 0);
		w->own_phys = true;
	}
	if (!o->no_sw) {
		smcsim_sw_config_default(&scfg, o->profile, w->phys);
		scfg.dynamic_shm = !o->no_dynamic_shm;
		scfg.async_notif = !o->no_async_notif;
		assert_int_equal(smcsim_sw_create(&scfg, &w->sw), 0);
		if (o->device_ta)
			assert_int_equal(
				smcsim_sw_register_ta(w->sw, &device_ta), 0);
		inv = smcsim_invoke_sim(w->sw);
	}
	if (!w->sw || !smcsim_sw_notif_irq(w->sw))
		assert_int_equal(
			smcsim_irq_create("platform-irq0", &w->own_irq), 0);
	w->stuck.inner = inv;
	w->stuck.fid = o->stuck_fid;
	w->stuck.answer = o->stuck_a0;
	w->stuck.skip = o->stuck_skip;
	w->stuck.times = o->stuck_times;
	atomic_init(&w->stuck.seen, 0);
	atomic_init(&w->stuck.calls, 0);
	if (o->stuck_fid)
		inv = (struct smcsim_invoke){ .fn = stuck_invoke,
					      .ctx = &w->stuck };
	if (o->steps) {
		smcsim_script_init(&w->script, o->steps, o->num_steps,
				   inv.fn ? &inv : NULL);
		w->scripted = true;
		inv = smcsim_script_invoke(&w->script);
	}
	smcsim_trace_init(&w->trace, inv, NULL);
	tee_class_init(&w->cls);
	w->cfg = (struct optee_probe_cfg){
		.invoke = smcsim_trace_invoke(&w->trace),
		.phys = w->phys,
		.profile = o->profile,
		.cls = &w->cls,
		.notif_irq = world_irq(w),
	};
}

static int irq_attached(struct smcsim_irq *irq)
{
	struct smcsim_irq_stats st;

	smcsim_irq_get_stats(irq, &st);
	return st.attached;
}

/*
 * Polls @done(@arg) until it holds or WAIT_MS pass. The line's handlers run
 * on threads of their own; nothing signals the test when they are done.
 * Return: it held.
 */
static bool wait_until(bool (*done)(void *arg), void *arg)
{
	uint64_t end = rt_now_ms() + WAIT_MS;

	for (;;) {
		if (done(arg))
			return true;
		if (rt_now_ms() >= end)
			return false;
		rt_sleep_ms(1);
	}
}

static void world_fini(struct world *w)
{
	int in_use = tee_class_devices_in_use(&w->cls);

	tee_class_fini(&w->cls);
	smcsim_trace_fini(&w->trace);
	if (w->scripted)
		smcsim_script_fini(&w->script);
	smcsim_sw_destroy(w->sw);
	smcsim_irq_destroy(w->own_irq);
	if (w->own_phys)
		smcsim_phys_destroy(w->phys);
	smcsim_alloc_fail_after(-1);
	assert_int_equal(in_use, 0);
}

/* A world of the firmware @steps alone (any other call is a mismatch). */
static void script_world_init(struct world *w,
			      const struct smcsim_script_step *steps, size_t n)
{
	const struct world_opts o = { .no_sw = true, .steps = steps,
				      .num_steps = n };

	world_init(w, &o);
}

/* The simulator with @steps overriding single answers. */
static void override_world_init(struct world *w,
				const struct smcsim_script_step *steps,
				size_t n)
{
	const struct world_opts o = { .steps = steps, .num_steps = n };

	world_init(w, &o);
}

/* The calls the trace saw from record @from on are exactly @fids. */
static void assert_calls(struct world *w, size_t from,
			 const unsigned long *fids, size_t n)
{
	struct smcsim_trace_rec rec;
	size_t i;

	assert_int_equal(smcsim_trace_count(&w->trace), from + n);
	for (i = 0; i < n; i++) {
		assert_int_equal(smcsim_trace_get(&w->trace, from + i, &rec),
				 0);
		if (rec.in[0] != fids[i])
			fail_msg("call %zu: a0 0x%lx, expected 0x%lx", from + i,
				 rec.in[0], fids[i]);
	}
}

/*
 * STOP_ASYNC_NOTIF reached the simulated firmware as message command 7
 * while notifications were started (its built-in driver saw STOPPED once,
 * nothing was ignored), and the driver let the line go.
 */
static void assert_notif_stopped(struct world *w)
{
	struct smcsim_sw_bh_stats bh;

	smcsim_sw_bottom_half_stats(w->sw, &bh);
	assert_int_equal(bh.stopped, 1);
	assert_int_equal(bh.ignored, 0);
	assert_false(smcsim_sw_notif_started(w->sw));
	assert_int_equal(irq_attached(world_irq(w)), 0);
}

static void last_call(struct world *w, struct smcsim_trace_rec *rec)
{
	size_t n = smcsim_trace_count(&w->trace);

	assert_true(n > 0);
	assert_int_equal(smcsim_trace_get(&w->trace, n - 1, rec), 0);
}

/* Probe that must fail with @rc, leaving nothing behind. */
static void probe_fails(struct world *w, int rc)
{
	struct optee *optee = NULL;

	assert_int_equal(optee_probe(&w->cfg, &optee), rc);
	assert_null(optee);
	assert_int_equal(tee_class_devices_in_use(&w->cls), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(w->phys), 0);
}

static struct optee *probe_ok(struct world *w, struct optee_info *info)
{
	struct optee *optee = NULL;

	assert_int_equal(optee_probe(&w->cfg, &optee), 0);
	assert_non_null(optee);
	optee_get_info(optee, info);
	assert_int_equal(tee_class_devices_in_use(&w->cls), 2);
	return optee;
}

/* ---- a probe or remove on its own thread, waited for with a timeout ---- */

/**
 * struct job - optee_probe() (or optee_remove()) on another thread
 * @cfg:	probe's configuration
 * @optee:	probe's result, or what remove removes
 * @remove:	run optee_remove(@optee) instead of probe
 * @rc:		probe's return value
 * @done:	completed when the call returned
 * @thr:	the thread
 */
struct job {
	const struct optee_probe_cfg *cfg;
	struct optee *optee;
	bool remove;
	int rc;
	struct rt_completion done;
	struct rt_thread *thr;
};

static void *job_thread(void *arg)
{
	struct job *j = arg;

	if (j->remove)
		optee_remove(j->optee);
	else
		j->rc = optee_probe(j->cfg, &j->optee);
	rt_complete(&j->done);
	return NULL;
}

static void job_start(struct job *j)
{
	rt_completion_init(&j->done);
	assert_int_equal(rt_thread_create(&j->thr, "job", job_thread, j), 0);
}

/* Fails the test if the call does not return in time (the thread leaks). */
static void job_finish(struct job *j)
{
	if (rt_wait_for_completion_timeout(&j->done, WAIT_MS))
		fail_msg("%s did not return within %d ms",
			 j->remove ? "optee_remove" : "optee_probe", WAIT_MS);
	rt_thread_join(j->thr, NULL);
	rt_completion_destroy(&j->done);
}

/* ---- probing the simulator --------------------------------------------- */

/* The fast calls of a probe with dynamic shm, RPC arguments, async notif. */
#define SIM_PROBE_FAST_CALLS	7
/* Where ENABLE_ASYNC_NOTIF and the SHM-cache drain are in that probe. */
#define SIM_PROBE_ENABLE_NOTIF	5
#define SIM_PROBE_DRAIN		6

/*
 * With ASYNC_NOTIF in the caps the driver requests its line and enables
 * notifications right after the capabilities (nothing between them talks
 * to the firmware). After the fast calls, probe enumerates devices through
 * OP-TEE's device PTA: the first message needs a page of the argument
 * cache, which is registered (REGISTER_SHM through a private argument, by
 * PA); then open session, GET_DEVICES with a NULL buffer (the list is
 * empty: no second invoke) and close session all travel in that page
 * (REGD_ARG).
 */
static const unsigned long sim_probe_calls[] = {
	OPTEE_SMC_CALLS_UID,
	OPTEE_SMC_CALL_GET_OS_REVISION,
	OPTEE_SMC_CALLS_REVISION,
	OPTEE_SMC_GET_THREAD_COUNT,
	OPTEE_SMC_EXCHANGE_CAPABILITIES,
	OPTEE_SMC_ENABLE_ASYNC_NOTIF,
	OPTEE_SMC_DISABLE_SHM_CACHE,
	OPTEE_SMC_CALL_WITH_RPC_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
};

/*
 * The yielding calls of a simulator probe, records @first up to @end: all
 * answered OK, and the three REGD_ARG calls name the same registered page
 * of arguments, at offset 0 (each message is done before the next).
 * Return: that page's cookie.
 */
static uint64_t check_sim_probe_yielding(struct world *w, size_t first,
					 size_t end)
{
	struct smcsim_trace_rec rec;
	uint64_t cookie = 0;
	size_t i;

	for (i = first; i < end; i++) {
		assert_int_equal(smcsim_trace_get(&w->trace, i, &rec), 0);
		assert_int_equal(rec.out[0], RET_OK);
		if (rec.in[0] != OPTEE_SMC_CALL_WITH_REGD_ARG)
			continue;
		if (!cookie)
			cookie = reg_pair_to_64(rec.in[1], rec.in[2]);
		assert_int_equal(reg_pair_to_64(rec.in[1], rec.in[2]), cookie);
		assert_int_equal(rec.in[3], 0);
	}
	assert_true(cookie != 0);
	assert_true(smcsim_sw_shm_registered(w->sw, cookie));
	/* The page is the only shm left registered; the session is closed. */
	assert_int_equal(smcsim_sw_shm_count(w->sw), 1);
	assert_int_equal(smcsim_sw_session_count(w->sw), 0);
	return cookie;
}

/*
 * What remove asks when the argument cache holds one registered page:
 * STOP_ASYNC_NOTIF in that page (it needs the argument cache, so it comes
 * before the cache is taken apart), then the page's unregistration.
 */
static const unsigned long remove_calls_shared_args[] = {
	OPTEE_SMC_CALL_WITH_REGD_ARG,	/* STOP_ASYNC_NOTIF */
	OPTEE_SMC_CALL_WITH_RPC_ARG,	/* UNREGISTER_SHM */
};

/* The same probe and remove against firmware without async notification. */
static const unsigned long sim_probe_calls_no_notif[] = {
	OPTEE_SMC_CALLS_UID,
	OPTEE_SMC_CALL_GET_OS_REVISION,
	OPTEE_SMC_CALLS_REVISION,
	OPTEE_SMC_GET_THREAD_COUNT,
	OPTEE_SMC_EXCHANGE_CAPABILITIES,
	OPTEE_SMC_DISABLE_SHM_CACHE,
	OPTEE_SMC_CALL_WITH_RPC_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,
};

/* Its fast calls: no ENABLE_ASYNC_NOTIF. */
#define SIM_PROBE_NO_NOTIF_FAST_CALLS	(SIM_PROBE_FAST_CALLS - 1)

static const unsigned long remove_calls_no_notif[] = {
	OPTEE_SMC_CALL_WITH_RPC_ARG,	/* UNREGISTER_SHM */
};

static void check_sim_probe(enum smcsim_abi_profile profile)
{
	const struct world_opts o = { .profile = profile };
	struct tee_ioctl_version_data vers;
	struct tee_device *clnt, *supp;
	struct smcsim_trace_rec rec;
	struct optee_info info;
	struct optee *optee;
	struct world w;
	uint64_t cookie;

	world_init(&w, &o);
	optee = probe_ok(&w, &info);

	assert_calls(&w, 0, sim_probe_calls, ARRAY_SIZE(sim_probe_calls));
	cookie = check_sim_probe_yielding(&w, SIM_PROBE_FAST_CALLS,
					  ARRAY_SIZE(sim_probe_calls));
	assert_int_equal(smcsim_sw_calls(w.sw), ARRAY_SIZE(sim_probe_calls));
	/* Not uniprocessor: no normal-world caps offered. */
	assert_int_equal(smcsim_trace_get(&w.trace, 4, &rec), 0);
	assert_int_equal(rec.in[1], 0);
	/* The firmware took ENABLE_ASYNC_NOTIF, and the line is ours. */
	assert_int_equal(smcsim_trace_get(&w.trace, SIM_PROBE_ENABLE_NOTIF,
					  &rec), 0);
	assert_int_equal(rec.out[0], RET_OK);
	assert_true(smcsim_sw_notif_started(w.sw));
	assert_int_equal(irq_attached(world_irq(&w)), 1);
	/* The drain found the firmware's cache empty. */
	assert_int_equal(smcsim_trace_get(&w.trace, SIM_PROBE_DRAIN, &rec), 0);
	assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_ENOTAVAIL);

	assert_int_equal(info.os_revision_major, 4);
	assert_int_equal(info.os_revision_minor, 10);
	/* All 64 bits of x2 (on a 64-bit host), not the low 32. */
	assert_true(info.os_build_id == (unsigned long)SMCSIM_SW_DEFAULT_BUILD_ID);
	assert_int_equal(info.api_major, 2);
	assert_int_equal(info.api_minor, 0);
	assert_int_equal(info.sec_caps, SIM_SEC_CAPS);
	assert_int_equal(info.thread_count, SIM_THREADS);
	assert_int_equal(info.rpc_param_count, SIM_RPC_PARAMS);
	assert_int_equal(info.max_notif_value, SIM_NOTIF_MAX);
	assert_true(info.dynamic_shm);
	assert_int_equal(info.system_thread, profile == SMCSIM_ABI_PROPOSAL);
	assert_int_equal(info.rpmb_probe, profile == SMCSIM_ABI_UPSTREAM);
	/* RPC arguments travel with the call: no cache needed. */
	assert_false(info.shm_cache_enabled);

	clnt = optee_client_teedev(optee);
	supp = optee_supp_teedev(optee);
	assert_string_equal(clnt->name, "tee0");
	assert_string_equal(supp->name, "teepriv0");
	assert_true(clnt->flags & TEE_DEVICE_FLAG_REGISTERED);
	assert_true(supp->flags & TEE_DEVICE_FLAG_REGISTERED);
	assert_ptr_equal(tee_get_drvdata(clnt), optee);
	assert_non_null(clnt->pool);
	/*
	 * Registration, the driver's own context, and the page of the
	 * argument cache (a shm holds a device user) on the client device.
	 */
	assert_int_equal(tee_device_num_users(clnt), 3);
	assert_int_equal(tee_device_num_users(supp), 1);
	/* The PTA listed no devices: the simulator has no device TAs. */
	assert_int_equal(optee_devices(optee, NULL, 0), 0);

	clnt->desc->ops->get_version(clnt, &vers);
	assert_int_equal(vers.impl_id, TEE_IMPL_ID_OPTEE);
	assert_int_equal(vers.gen_caps, TEE_GEN_CAP_GP | TEE_GEN_CAP_REG_MEM |
					TEE_GEN_CAP_MEMREF_NULL);

	optee_remove(optee);
	/*
	 * With RPC arguments nothing is cached, so remove drains nothing: it
	 * stops notifications (in the page of arguments, which is still
	 * registered) and unregisters the page.
	 */
	assert_calls(&w, ARRAY_SIZE(sim_probe_calls), remove_calls_shared_args,
		     ARRAY_SIZE(remove_calls_shared_args));
	assert_int_equal(smcsim_trace_get(&w.trace, ARRAY_SIZE(sim_probe_calls),
					  &rec), 0);
	assert_int_equal(rec.out[0], RET_OK);
	assert_int_equal(reg_pair_to_64(rec.in[1], rec.in[2]), cookie);
	assert_int_equal(rec.in[3], 0);
	assert_notif_stopped(&w);
	last_call(&w, &rec);
	assert_int_equal(rec.out[0], RET_OK);
	assert_false(smcsim_sw_shm_registered(w.sw, cookie));
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(w.phys), 0);
	assert_int_equal(tee_class_devices_in_use(&w.cls), 0);
	world_fini(&w);
}

static void optee_probe_sim_proposal(void **state)
{
	check_sim_probe(SMCSIM_ABI_PROPOSAL);
}

static void optee_probe_sim_upstream(void **state)
{
	check_sim_probe(SMCSIM_ABI_UPSTREAM);
}

static void optee_probe_own_class(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct optee *optee = NULL;
	struct world w;

	world_init(&w, &o);
	w.cfg.cls = NULL;
	assert_int_equal(optee_probe(&w.cfg, &optee), 0);
	assert_string_equal(optee_client_teedev(optee)->name, "tee0");
	assert_string_equal(optee_supp_teedev(optee)->name, "teepriv0");
	/* The driver numbered its devices in a class of its own. */
	assert_ptr_not_equal(optee_client_teedev(optee)->cls, &w.cls);
	assert_int_equal(tee_class_devices_in_use(&w.cls), 0);
	assert_int_equal(
		tee_class_devices_in_use(optee_client_teedev(optee)->cls), 2);
	optee_remove(optee);
	world_fini(&w);
}

static void optee_probe_uniprocessor_cap(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct smcsim_trace_rec rec;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	world_init(&w, &o);
	w.cfg.uniprocessor = true;
	optee = probe_ok(&w, &info);
	assert_int_equal(smcsim_trace_get(&w.trace, 4, &rec), 0);
	assert_int_equal(rec.in[0], OPTEE_SMC_EXCHANGE_CAPABILITIES);
	assert_int_equal(rec.in[1], OPTEE_SMC_NSEC_CAP_UNIPROCESSOR);
	assert_int_equal(info.sec_caps, SIM_SEC_CAPS);
	optee_remove(optee);
	world_fini(&w);
}

/* A call's message argument (a1/a2) lies in the reserved region. */
static void assert_in_reserved_shm(const struct smcsim_trace_rec *rec)
{
	uint64_t pa = reg_pair_to_64(rec->in[1], rec->in[2]);

	assert_true(pa >= SMCSIM_PHYS_DEFAULT_SHM_BASE &&
		    pa < SMCSIM_PHYS_DEFAULT_SHM_BASE +
			 SMCSIM_PHYS_DEFAULT_SHM_SIZE);
}

static void optee_probe_reserved_pool(void **state)
{
	static const unsigned long calls[] = {
		OPTEE_SMC_CALLS_UID,
		OPTEE_SMC_CALL_GET_OS_REVISION,
		OPTEE_SMC_CALLS_REVISION,
		OPTEE_SMC_GET_THREAD_COUNT,
		OPTEE_SMC_EXCHANGE_CAPABILITIES,
		OPTEE_SMC_GET_SHM_CONFIG,
		/* Once the pool and the driver exist. */
		OPTEE_SMC_ENABLE_ASYNC_NOTIF,
		OPTEE_SMC_DISABLE_SHM_CACHE,
		/*
		 * Device enumeration: open, GET_DEVICES, close, each in a
		 * private page of the reserved pool sent by PA; nothing is
		 * registered.
		 */
		OPTEE_SMC_CALL_WITH_RPC_ARG,
		OPTEE_SMC_CALL_WITH_RPC_ARG,
		OPTEE_SMC_CALL_WITH_RPC_ARG,
	};
	/* The first message of the device enumeration. */
	const size_t first_msg = 8;
	const struct world_opts o = { .profile = SMCSIM_ABI_PROPOSAL,
				      .no_dynamic_shm = true };
	struct tee_ioctl_version_data vers;
	struct smcsim_trace_rec rec;
	struct tee_device *clnt;
	struct optee_info info;
	struct optee *optee;
	struct world w;
	size_t i;

	world_init(&w, &o);
	optee = probe_ok(&w, &info);
	assert_calls(&w, 0, calls, ARRAY_SIZE(calls));
	for (i = first_msg; i < ARRAY_SIZE(calls); i++) {
		assert_int_equal(smcsim_trace_get(&w.trace, i, &rec), 0);
		assert_int_equal(rec.out[0], RET_OK);
		/* The argument lies in the reserved region. */
		assert_in_reserved_shm(&rec);
	}
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);
	assert_int_equal(info.sec_caps, CAPS_RESERVED);
	assert_false(info.dynamic_shm);
	assert_int_equal(info.shm_base, SMCSIM_PHYS_DEFAULT_SHM_BASE);
	assert_int_equal(info.shm_base, 0x42000000);
	assert_int_equal(info.shm_size, 0x200000);
	clnt = optee_client_teedev(optee);
	assert_non_null(clnt->pool);
	clnt->desc->ops->get_version(clnt, &vers);
	assert_false(vers.gen_caps & TEE_GEN_CAP_REG_MEM);
	optee_remove(optee);
	/*
	 * Nothing registered, nothing cached: remove asks only for
	 * STOP_ASYNC_NOTIF, in a private page of the reserved pool.
	 */
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(calls) + 1);
	last_call(&w, &rec);
	assert_int_equal(rec.in[0], OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(rec.out[0], RET_OK);
	assert_in_reserved_shm(&rec);
	assert_notif_stopped(&w);
	world_fini(&w);
}

/*
 * Scripted yielding calls that complete at once. The driver clears each
 * message before filling it, so a firmware that answers OK without writing
 * anything leaves ret = TEE_SUCCESS: the registration succeeds, the device
 * PTA opens (session 0) and lists no devices.
 */
#define STEP_YIELD_OK(fid)	STEP((fid), RET_OK, 0, 0, 0)

/*
 * The simulator's answers, scripted: a complete firmware with minor 7. It
 * offers async notification, so the platform's line (the world's own) is
 * requested at probe and let go at remove.
 */
static void optee_probe_whole_script_firmware(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP(OPTEE_SMC_CALLS_REVISION, 2, 7, 0, 0),
		STEP_THREADS,
		STEP_CAPS(SIM_SEC_CAPS),
		STEP_ENABLE_NOTIF,
		STEP_CACHE_EMPTY,
		/* Probe: register the argument page; open, invoke, close. */
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_REGD_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_REGD_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_REGD_ARG),
		/* Remove: STOP_ASYNC_NOTIF, then unregister the page. */
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_REGD_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
	};
	struct optee_notif_info ni;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	script_world_init(&w, steps, ARRAY_SIZE(steps));
	optee = probe_ok(&w, &info);
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps) - 2);
	assert_int_equal(w.script.mismatches, 0);
	assert_int_equal(info.api_minor, 7);
	assert_int_equal(info.os_build_id, 0);
	assert_int_equal(info.max_notif_value, SIM_NOTIF_MAX);
	assert_int_equal(optee_devices(optee, NULL, 0), 0);
	assert_int_equal(irq_attached(w.own_irq), 1);
	optee_get_notif_info(optee, &ni);
	assert_true(ni.irq_attached);
	assert_int_equal(ni.max_key, SIM_NOTIF_MAX);
	optee_remove(optee);
	/* Remove asked for the STOP and the unregistration, nothing else. */
	assert_true(smcsim_script_done(&w.script));
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps));
	assert_int_equal(irq_attached(w.own_irq), 0);
	world_fini(&w);
}

/* ---- refusals ----------------------------------------------------------- */

static void optee_probe_wrong_uid(void **state)
{
	unsigned int word;

	/* Any one word off is not OP-TEE; nor is "unknown function". */
	for (word = 0; word <= 4; word++) {
		struct smcsim_script_step steps[] = { STEP_UID };
		unsigned long *uid[4] = {
			&steps[0].res.a0, &steps[0].res.a1, &steps[0].res.a2,
			&steps[0].res.a3,
		};
		struct world w;

		if (word < 4)
			*uid[word] ^= 0x100;
		else
			*uid[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		script_world_init(&w, steps, ARRAY_SIZE(steps));
		probe_fails(&w, -EINVAL);
		/* No further SMC after CALLS_UID. */
		assert_true(smcsim_script_done(&w.script));
		assert_int_equal(smcsim_trace_count(&w.trace), 1);
		world_fini(&w);
	}
}

static void check_api_revision_refused(unsigned long major, unsigned long minor)
{
	const struct smcsim_script_step steps[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP(OPTEE_SMC_CALLS_REVISION, major, minor, 0, 0),
	};
	struct world w;

	script_world_init(&w, steps, ARRAY_SIZE(steps));
	probe_fails(&w, -EINVAL);
	assert_true(smcsim_script_done(&w.script));
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps));
	world_fini(&w);
}

static void optee_probe_api_major_not_2(void **state)
{
	check_api_revision_refused(3, 0);
	check_api_revision_refused(1, 0);
}

static void optee_probe_api_minor_negative(void **state)
{
	check_api_revision_refused(2, 0xFFFFFFFFUL);
}

static void optee_probe_caps_refused(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP_API_REV,
		STEP_THREADS,
		STEP(OPTEE_SMC_EXCHANGE_CAPABILITIES,
		     OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0),
	};
	struct world w;

	script_world_init(&w, steps, ARRAY_SIZE(steps));
	probe_fails(&w, -EINVAL);
	assert_true(smcsim_script_done(&w.script));
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps));
	world_fini(&w);
}

/* Firmware without dynamic shm whose GET_SHM_CONFIG answers a0..a3. */
static void check_shm_config(unsigned long a0, unsigned long a1,
			     unsigned long a2, unsigned long a3, int rc)
{
	const struct smcsim_script_step steps[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP_API_REV,
		STEP_THREADS,
		STEP_CAPS(CAPS_RESERVED),
		STEP(OPTEE_SMC_GET_SHM_CONFIG, a0, a1, a2, a3),
	};
	struct world w;

	script_world_init(&w, steps, ARRAY_SIZE(steps));
	probe_fails(&w, rc);
	assert_true(smcsim_script_done(&w.script));
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps));
	world_fini(&w);
}

static void optee_probe_no_shm_config(void **state)
{
	check_shm_config(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0, 0, -ENOENT);
	check_shm_config(OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0, -ENOENT);
}

static void optee_probe_shm_config_uncached(void **state)
{
	const unsigned long base = SMCSIM_PHYS_DEFAULT_SHM_BASE;
	const unsigned long size = SMCSIM_PHYS_DEFAULT_SHM_SIZE;

	check_shm_config(RET_OK, base, size, OPTEE_SMC_SHM_NONCACHED, -EINVAL);
	check_shm_config(RET_OK, base, size, 2, -EINVAL);
}

static void optee_probe_shm_config_not_normal_memory(void **state)
{
	const unsigned long cached = OPTEE_SMC_SHM_CACHED;

	/* Secure RAM. */
	check_shm_config(RET_OK, SMCSIM_PHYS_DEFAULT_SEC_BASE, 0x200000, cached,
			 -EINVAL);
	/* Protected memory. */
	check_shm_config(RET_OK, SMCSIM_PHYS_DEFAULT_PROTMEM_BASE, 0x200000,
			 cached, -EINVAL);
	/* Nothing there at all. */
	check_shm_config(RET_OK, 0x80000000UL, 0x200000, cached, -EINVAL);
	/* Runs from DRAM into the reserved region: not one region. */
	check_shm_config(RET_OK, SMCSIM_PHYS_DEFAULT_SHM_BASE - 0x1000, 0x4000,
			 cached, -EINVAL);
	/* Larger than DRAM. */
	check_shm_config(RET_OK, SMCSIM_PHYS_DEFAULT_DRAM_BASE, 0x10000000UL,
			 cached, -EINVAL);
}

static void optee_probe_shm_config_too_small(void **state)
{
	const unsigned long base = SMCSIM_PHYS_DEFAULT_SHM_BASE;
	const unsigned long cached = OPTEE_SMC_SHM_CACHED;

	check_shm_config(RET_OK, base, 0, cached, -EINVAL);
	check_shm_config(RET_OK, base, 0x1000, cached, -EINVAL);
	/* 8 KiB, but only one whole page in it. */
	check_shm_config(RET_OK, base + 0x800, 0x2000, cached, -EINVAL);
	/* Less than a page, not aligned: rounds to an empty range. */
	check_shm_config(RET_OK, base + 0x800, 0x400, cached, -EINVAL);
	/* Start plus size wraps around the address space. */
	check_shm_config(RET_OK, ~0UL - 0xFFF, 0x3000, cached, -EINVAL);
	check_shm_config(RET_OK, base, ~0UL - 0xFFF, cached, -EINVAL);
}

/*
 * Two whole pages anywhere in normal-world memory are enough: for probe's
 * messages and for remove's STOP_ASYNC_NOTIF (the firmware offers async
 * notification, answered on the world's own line).
 */
static void optee_probe_shm_config_two_pages(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP_API_REV,
		STEP_THREADS,
		STEP_CAPS(CAPS_RESERVED),
		STEP_SHM_CONFIG(SMCSIM_PHYS_DEFAULT_SHM_BASE + 0x10800, 0x2800,
				OPTEE_SMC_SHM_CACHED),
		STEP_ENABLE_NOTIF,
		STEP_CACHE_EMPTY,
		/* Device enumeration, by PA from the two-page pool. */
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
		/* Remove: STOP_ASYNC_NOTIF, by PA from the same pool. */
		STEP_YIELD_OK(OPTEE_SMC_CALL_WITH_RPC_ARG),
	};
	struct smcsim_trace_rec rec;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	script_world_init(&w, steps, ARRAY_SIZE(steps));
	optee = probe_ok(&w, &info);
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(steps) - 1);
	assert_int_equal(w.script.mismatches, 0);
	assert_false(info.dynamic_shm);
	/* Whole pages only: rounded inwards. */
	assert_int_equal(info.shm_base, SMCSIM_PHYS_DEFAULT_SHM_BASE + 0x11000);
	assert_int_equal(info.shm_size, 0x2000);
	/* The pool served probe's message arguments. */
	last_call(&w, &rec);
	assert_true(reg_pair_to_64(rec.in[1], rec.in[2]) >= info.shm_base);
	assert_true(reg_pair_to_64(rec.in[1], rec.in[2]) <
		    info.shm_base + info.shm_size);
	optee_remove(optee);
	assert_true(smcsim_script_done(&w.script));
	last_call(&w, &rec);
	assert_true(reg_pair_to_64(rec.in[1], rec.in[2]) >= info.shm_base);
	assert_true(reg_pair_to_64(rec.in[1], rec.in[2]) <
		    info.shm_base + info.shm_size);
	assert_int_equal(irq_attached(w.own_irq), 0);
	world_fini(&w);
}

/* ---- answers that change what probe negotiates -------------------------- */

static void optee_probe_thread_count_unknown(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP(OPTEE_SMC_GET_THREAD_COUNT,
		     OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 7, 0, 0),
	};
	struct optee_info info;
	struct optee *optee;
	struct world w;

	override_world_init(&w, steps, ARRAY_SIZE(steps));
	optee = probe_ok(&w, &info);
	assert_true(smcsim_script_done(&w.script));
	/* a1 means nothing when a0 is not RET_OK. */
	assert_int_equal(info.thread_count, 0);
	assert_int_equal(info.sec_caps, SIM_SEC_CAPS);
	optee_remove(optee);
	world_fini(&w);
}

/*
 * The simulator built with async notification, but its caps answer (here
 * scripted) lacks the bit: the driver goes by the caps, so it neither takes
 * the line it was given nor starts or stops notifications.
 */
static void optee_probe_no_async_notif(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP_CAPS(SIM_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_ASYNC_NOTIF),
	};
	struct optee_notif_info ni;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	override_world_init(&w, steps, ARRAY_SIZE(steps));
	assert_non_null(w.cfg.notif_irq);
	optee = probe_ok(&w, &info);
	assert_true(smcsim_script_done(&w.script));
	assert_calls(&w, 0, sim_probe_calls_no_notif,
		     ARRAY_SIZE(sim_probe_calls_no_notif));
	/* a2 (66) ignored without the bit. */
	assert_int_equal(info.max_notif_value, OPTEE_DEFAULT_MAX_NOTIF_VALUE);
	assert_int_equal(info.max_notif_value, 255);
	assert_int_equal(info.rpc_param_count, SIM_RPC_PARAMS);
	optee_get_notif_info(optee, &ni);
	assert_false(ni.irq_attached);
	assert_int_equal(ni.max_key, 255);
	assert_int_equal(irq_attached(world_irq(&w)), 0);
	assert_false(smcsim_sw_notif_started(w.sw));
	optee_remove(optee);
	assert_calls(&w, ARRAY_SIZE(sim_probe_calls_no_notif),
		     remove_calls_no_notif, ARRAY_SIZE(remove_calls_no_notif));
	assert_int_equal(irq_attached(world_irq(&w)), 0);
	world_fini(&w);
}

/*
 * Firmware built without CFG_CORE_ASYNC_NOTIF on a platform that still
 * wires up interrupt 0: the line stays untouched, max_notif_value is
 * Linux's default, and neither ENABLE_ASYNC_NOTIF nor STOP_ASYNC_NOTIF is
 * ever sent (OP-TEE would answer them UNKNOWN_FUNCTION and EBADCMD).
 */
static void optee_probe_firmware_without_async_notif(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				      .no_async_notif = true };
	struct smcsim_irq_stats st;
	struct smcsim_trace_rec rec;
	struct optee_notif_info ni;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	world_init(&w, &o);
	/* The firmware has no line to offer; the platform's is the world's. */
	assert_null(smcsim_sw_notif_irq(w.sw));
	assert_ptr_equal(w.cfg.notif_irq, w.own_irq);
	optee = probe_ok(&w, &info);
	assert_calls(&w, 0, sim_probe_calls_no_notif,
		     ARRAY_SIZE(sim_probe_calls_no_notif));
	check_sim_probe_yielding(&w, SIM_PROBE_NO_NOTIF_FAST_CALLS,
				 ARRAY_SIZE(sim_probe_calls_no_notif));
	assert_int_equal(smcsim_trace_get(&w.trace, 4, &rec), 0);
	assert_false(rec.out[1] & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	assert_false(info.sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	assert_int_equal(info.max_notif_value, 255);
	optee_get_notif_info(optee, &ni);
	assert_false(ni.irq_attached);
	assert_int_equal(ni.max_key, 255);
	smcsim_irq_get_stats(w.own_irq, &st);
	assert_int_equal(st.attached, 0);

	optee_remove(optee);
	assert_calls(&w, ARRAY_SIZE(sim_probe_calls_no_notif),
		     remove_calls_no_notif, ARRAY_SIZE(remove_calls_no_notif));
	smcsim_irq_get_stats(w.own_irq, &st);
	assert_int_equal(st.attached, 0);
	assert_int_equal(st.handled, 0);
	world_fini(&w);
}

static void optee_probe_no_rpc_arg(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP_CAPS(SIM_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_RPC_ARG),
	};
	static const unsigned long probe_tail[] = {
		OPTEE_SMC_EXCHANGE_CAPABILITIES,
		OPTEE_SMC_ENABLE_ASYNC_NOTIF,
		OPTEE_SMC_DISABLE_SHM_CACHE,
		OPTEE_SMC_ENABLE_SHM_CACHE,
		/*
		 * Device enumeration: without RPC arguments the argument
		 * cache is private pages sent by PA, nothing registered.
		 */
		OPTEE_SMC_CALL_WITH_ARG,
		OPTEE_SMC_CALL_WITH_ARG,
		OPTEE_SMC_CALL_WITH_ARG,
	};
	/*
	 * The drain first, then STOP_ASYNC_NOTIF in a private page by PA
	 * (with the cache disabled the firmware keeps nothing of it).
	 */
	static const unsigned long remove_calls[] = {
		OPTEE_SMC_DISABLE_SHM_CACHE,
		OPTEE_SMC_CALL_WITH_ARG,
	};
	struct smcsim_trace_rec rec;
	struct optee_info info;
	struct optee *optee;
	struct world w;
	size_t n;

	override_world_init(&w, steps, ARRAY_SIZE(steps));
	optee = probe_ok(&w, &info);
	assert_true(smcsim_script_done(&w.script));
	/* a3 (4) ignored without the bit: the cache is needed instead. */
	assert_int_equal(info.rpc_param_count, 0);
	assert_true(info.shm_cache_enabled);
	n = smcsim_trace_count(&w.trace);
	assert_int_equal(n, 11);
	assert_calls(&w, n - ARRAY_SIZE(probe_tail), probe_tail,
		     ARRAY_SIZE(probe_tail));
	/* The cache was enabled (OK) before the calls that may fill it. */
	assert_int_equal(smcsim_trace_get(&w.trace, 7, &rec), 0);
	assert_int_equal(rec.in[0], OPTEE_SMC_ENABLE_SHM_CACHE);
	assert_int_equal(rec.out[0], RET_OK);
	last_call(&w, &rec);
	assert_int_equal(rec.out[0], RET_OK);
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);

	optee_remove(optee);
	assert_calls(&w, n, remove_calls, ARRAY_SIZE(remove_calls));
	/* The drain found the cache empty: nothing was left in it. */
	assert_int_equal(smcsim_trace_get(&w.trace, n, &rec), 0);
	assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_ENOTAVAIL);
	last_call(&w, &rec);
	assert_int_equal(rec.out[0], RET_OK);
	assert_notif_stopped(&w);
	world_fini(&w);
}

/* Only bits 7:0 of a3 are the count (bits 31:8 MBZ, Linux reads a u8). */
static void optee_probe_rpc_param_count_low_byte(void **state)
{
	static const struct smcsim_script_step steps[] = {
		STEP(OPTEE_SMC_EXCHANGE_CAPABILITIES, RET_OK, SIM_SEC_CAPS,
		     SIM_NOTIF_MAX, 0xABCD0106UL),
	};
	struct optee_info info;
	struct optee *optee;
	struct world w;

	override_world_init(&w, steps, ARRAY_SIZE(steps));
	optee = probe_ok(&w, &info);
	assert_int_equal(info.rpc_param_count, 6);
	optee_remove(optee);
	world_fini(&w);
}

/* ---- firmware that answers no yielding call ---------------------------- */

/*
 * A script that knows only the fast calls answers every yielding call
 * UNKNOWN_FUNCTION, which the driver takes as a failed call. With the
 * reserved pool that is the device PTA's open failing (a communication
 * error): no PTA, no devices, probe goes on. With dynamic shm the first
 * message needs its page of arguments registered, and a refused
 * registration is a failed allocation, which probe passes on: it fails and
 * undoes everything. STOP_ASYNC_NOTIF is a yielding call too: unanswered
 * at remove, and not even sendable on the failed probe (its message needs
 * the page that cannot be registered); the line is let go either way.
 */
static void optee_probe_yielding_calls_unanswered(void **state)
{
	static const struct smcsim_script_step reserved[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP_API_REV,
		STEP_THREADS,
		STEP_CAPS(CAPS_RESERVED),
		STEP_SHM_CONFIG(SMCSIM_PHYS_DEFAULT_SHM_BASE,
				SMCSIM_PHYS_DEFAULT_SHM_SIZE,
				OPTEE_SMC_SHM_CACHED),
		STEP_ENABLE_NOTIF,
		STEP_CACHE_EMPTY,
	};
	static const struct smcsim_script_step dynamic[] = {
		STEP_UID,
		STEP_OS_REV,
		STEP_API_REV,
		STEP_THREADS,
		STEP_CAPS(SIM_SEC_CAPS),
		STEP_ENABLE_NOTIF,
		STEP_CACHE_EMPTY,
	};
	struct smcsim_trace_rec rec;
	struct optee_info info;
	struct optee *optee;
	struct world w;

	script_world_init(&w, reserved, ARRAY_SIZE(reserved));
	optee = probe_ok(&w, &info);
	/* Only the open was tried: no session, nothing to invoke or close. */
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(reserved) + 1);
	last_call(&w, &rec);
	assert_int_equal(rec.in[0], OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(w.script.mismatches, 1);
	assert_int_equal(optee_devices(optee, NULL, 0), 0);
	assert_int_equal(w.script.next, ARRAY_SIZE(reserved));
	assert_int_equal(irq_attached(w.own_irq), 1);
	optee_remove(optee);
	/* Remove tried STOP_ASYNC_NOTIF, went on without it, freed the line. */
	assert_int_equal(smcsim_trace_count(&w.trace),
			 ARRAY_SIZE(reserved) + 2);
	last_call(&w, &rec);
	assert_int_equal(rec.in[0], OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(w.script.mismatches, 2);
	assert_int_equal(irq_attached(w.own_irq), 0);
	world_fini(&w);

	script_world_init(&w, dynamic, ARRAY_SIZE(dynamic));
	probe_fails(&w, -EINVAL);
	/*
	 * The only yielding calls: the registration for the enumeration,
	 * and on the way out the registration for STOP's message, refused
	 * too, so STOP itself was never sent.
	 */
	assert_int_equal(smcsim_trace_count(&w.trace), ARRAY_SIZE(dynamic) + 2);
	last_call(&w, &rec);
	assert_int_equal(rec.in[0], OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(w.script.mismatches, 2);
	assert_int_equal(irq_attached(w.own_irq), 0);
	world_fini(&w);
}

/* ---- the async-notification line ---------------------------------------- */

/* The calls of a probe that stops at the line: nothing after the caps. */
static const unsigned long probe_calls_to_caps[] = {
	OPTEE_SMC_CALLS_UID,
	OPTEE_SMC_CALL_GET_OS_REVISION,
	OPTEE_SMC_CALLS_REVISION,
	OPTEE_SMC_GET_THREAD_COUNT,
	OPTEE_SMC_EXCHANGE_CAPABILITIES,
};

/*
 * The firmware offers async notification but the platform has no interrupt
 * 0 (Linux: platform_get_irq() fails, and probe with it): -ENXIO, before
 * ENABLE_ASYNC_NOTIF, with everything undone. The same world probes fine
 * once it has the line, numbering its devices from 0 again.
 */
static void optee_probe_notif_irq_missing(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct optee_info info;
	struct optee *optee;
	struct world w;

	world_init(&w, &o);
	w.cfg.notif_irq = NULL;
	probe_fails(&w, -ENXIO);
	assert_calls(&w, 0, probe_calls_to_caps,
		     ARRAY_SIZE(probe_calls_to_caps));
	assert_false(smcsim_sw_notif_started(w.sw));
	assert_int_equal(irq_attached(world_irq(&w)), 0);
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);

	w.cfg.notif_irq = world_irq(&w);
	optee = probe_ok(&w, &info);
	assert_string_equal(optee_client_teedev(optee)->name, "tee0");
	assert_true(smcsim_sw_notif_started(w.sw));
	optee_remove(optee);
	assert_notif_stopped(&w);
	world_fini(&w);
}

/**
 * struct dummy_irq - somebody else's handler on the line
 * @runs:	top-half runs
 */
struct dummy_irq {
	atomic_uint runs;
};

static enum smcsim_irqreturn dummy_irq_handler(void *dev_id)
{
	struct dummy_irq *d = dev_id;

	atomic_fetch_add(&d->runs, 1);
	return SMCSIM_IRQ_HANDLED;
}

static bool dummy_irq_ran(void *arg)
{
	struct dummy_irq *d = arg;

	return atomic_load(&d->runs) > 0;
}

/*
 * Lines are not shared: with another handler attached, requesting the line
 * fails -EBUSY and so does probe, before ENABLE_ASYNC_NOTIF, undoing
 * everything. The failed probe must not detach (or mask) what it never
 * owned: the other handler still gets the line's interrupts.
 */
static void optee_probe_notif_irq_busy(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct dummy_irq d = { 0 };
	struct smcsim_irq *irq;
	struct world w;

	world_init(&w, &o);
	irq = world_irq(&w);
	assert_int_equal(smcsim_irq_request_threaded(irq, dummy_irq_handler,
						     NULL, &d), 0);
	probe_fails(&w, -EBUSY);
	assert_calls(&w, 0, probe_calls_to_caps,
		     ARRAY_SIZE(probe_calls_to_caps));
	assert_false(smcsim_sw_notif_started(w.sw));
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);

	assert_int_equal(irq_attached(irq), 1);
	smcsim_irq_raise(irq);
	if (!wait_until(dummy_irq_ran, &d))
		fail_msg("the line's own handler did not run within %d ms",
			 WAIT_MS);
	smcsim_irq_free(irq);
	assert_int_equal(irq_attached(irq), 0);
	world_fini(&w);
}

/* The driver's top half fetched a value from the firmware. */
static bool notif_value_fetched(void *arg)
{
	struct optee_notif_info ni;

	optee_get_notif_info(arg, &ni);
	return ni.irq_values > 0;
}

/*
 * With the simulator the line carries notifications while the driver is
 * there, and none once it is removed: remove sends STOP_ASYNC_NOTIF (the
 * firmware is no longer started) and detaches, so a value posted later
 * stays latched at the line and pending in the firmware, handled by
 * nobody. (A handler that still ran would touch the freed driver.)
 */
static void optee_probe_remove_stops_notif(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct smcsim_irq_stats before, after;
	struct optee_notif_info ni;
	struct optee_info info;
	struct smcsim_irq *irq;
	struct optee *optee;
	struct world w;
	size_t n;

	world_init(&w, &o);
	irq = world_irq(&w);
	assert_ptr_equal(irq, smcsim_sw_notif_irq(w.sw));
	optee = probe_ok(&w, &info);
	assert_int_equal(irq_attached(irq), 1);
	assert_true(smcsim_sw_notif_started(w.sw));
	optee_get_notif_info(optee, &ni);
	assert_true(ni.irq_attached);
	assert_int_equal(ni.max_key, SIM_NOTIF_MAX);

	/* The line works while attached: a posted value reaches the driver. */
	assert_int_equal(smcsim_sw_notif_post(w.sw, 1), 0);
	if (!wait_until(notif_value_fetched, optee))
		fail_msg("posted value not fetched within %d ms", WAIT_MS);
	optee_get_notif_info(optee, &ni);
	assert_int_equal(ni.irq_values, 1);
	assert_int_equal(ni.irq_bad_values, 0);
	/* Sent to key 1, which nobody waits on: it stays pending. */
	assert_int_equal(ni.pending, 1);
	assert_false(smcsim_sw_notif_is_pending(w.sw, 1));

	/* The top half's GET_ASYNC_NOTIF_VALUE came before this. */
	n = smcsim_trace_count(&w.trace);
	optee_remove(optee);
	assert_calls(&w, n, remove_calls_shared_args,
		     ARRAY_SIZE(remove_calls_shared_args));
	assert_notif_stopped(&w);

	smcsim_irq_get_stats(irq, &before);
	assert_int_equal(smcsim_sw_notif_post(w.sw, 2), 0);
	smcsim_irq_raise(irq);
	/* Long enough for an attached top half to have run many times over. */
	rt_sleep_ms(QUIET_MS);
	smcsim_irq_get_stats(irq, &after);
	assert_int_equal(after.raised, before.raised + 2);
	assert_int_equal(after.handled, before.handled);
	assert_int_equal(after.thread_runs, before.thread_runs);
	assert_int_equal(after.attached, 0);
	/* Nobody asked the firmware for it. */
	assert_true(smcsim_sw_notif_is_pending(w.sw, 2));
	assert_int_equal(smcsim_trace_count(&w.trace),
			 n + ARRAY_SIZE(remove_calls_shared_args));
	world_fini(&w);
}

/*
 * Device enumeration failing late in probe, with a device listed: the
 * error path (seed 003's review) unregisters the devices, drains the SHM
 * cache if it was enabled (not here: RPC arguments), sends STOP_ASYNC_NOTIF
 * while the argument cache and the driver's context still exist, and lets
 * the line go, before the rest is undone. The UUID list is
 * recorded only once the PTA has answered in full, so here it is still
 * empty; ASan would report it if it leaked.
 */
static void optee_probe_enum_fails_stops_notif(void **state)
{
	/*
	 * The size query finds one device; the list is fetched into a
	 * registered buffer, and that GET_DEVICES fails (the third REGD_ARG
	 * call, answered EBADCMD without reaching the simulator). Then the
	 * buffer is unregistered and the session closed, and the error path
	 * sends STOP in the page of arguments before unregistering it.
	 */
	static const unsigned long calls[] = {
		OPTEE_SMC_CALLS_UID,
		OPTEE_SMC_CALL_GET_OS_REVISION,
		OPTEE_SMC_CALLS_REVISION,
		OPTEE_SMC_GET_THREAD_COUNT,
		OPTEE_SMC_EXCHANGE_CAPABILITIES,
		OPTEE_SMC_ENABLE_ASYNC_NOTIF,
		OPTEE_SMC_DISABLE_SHM_CACHE,
		OPTEE_SMC_CALL_WITH_RPC_ARG,	/* REGISTER_SHM, args */
		OPTEE_SMC_CALL_WITH_REGD_ARG,	/* OPEN_SESSION, PTA */
		OPTEE_SMC_CALL_WITH_REGD_ARG,	/* GET_DEVICES, size */
		OPTEE_SMC_CALL_WITH_RPC_ARG,	/* REGISTER_SHM, the list */
		OPTEE_SMC_CALL_WITH_REGD_ARG,	/* GET_DEVICES: EBADCMD */
		OPTEE_SMC_CALL_WITH_RPC_ARG,	/* UNREGISTER_SHM, list */
		OPTEE_SMC_CALL_WITH_REGD_ARG,	/* CLOSE_SESSION */
		OPTEE_SMC_CALL_WITH_REGD_ARG,	/* STOP_ASYNC_NOTIF */
		OPTEE_SMC_CALL_WITH_RPC_ARG,	/* UNREGISTER_SHM, args */
	};
	const size_t first_msg = 7, open_msg = 8, failed = 11, stop = 14;
	const struct world_opts ok = { .profile = SMCSIM_ABI_UPSTREAM,
				       .device_ta = true };
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				      .device_ta = true,
				      .stuck_fid = OPTEE_SMC_CALL_WITH_REGD_ARG,
				      .stuck_a0 = OPTEE_SMC_RETURN_EBADCMD,
				      .stuck_skip = 2, .stuck_times = 1 };
	struct smcsim_trace_rec rec;
	struct optee_info info;
	uint8_t uuid[1][16], want[16];
	struct optee *optee;
	uint64_t cookie;
	struct world w;
	size_t i;

	/* Unfaulted, the same firmware lists exactly that device. */
	world_init(&w, &ok);
	optee = probe_ok(&w, &info);
	assert_int_equal(optee_devices(optee, uuid, 1), 1);
	smcsim_uuid_to_octets(&device_ta.uuid, want);
	assert_memory_equal(uuid[0], want, sizeof(want));
	optee_remove(optee);
	world_fini(&w);

	world_init(&w, &o);
	probe_fails(&w, -EINVAL);
	assert_calls(&w, 0, calls, ARRAY_SIZE(calls));
	assert_int_equal(atomic_load(&w.stuck.calls), 1);
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		assert_int_equal(smcsim_trace_get(&w.trace, i, &rec), 0);
		if (i == failed)
			assert_int_equal(rec.out[0], OPTEE_SMC_RETURN_EBADCMD);
		else if (i >= first_msg)
			assert_int_equal(rec.out[0], RET_OK);
	}
	/* STOP went in the page of arguments, as the open did. */
	assert_int_equal(smcsim_trace_get(&w.trace, open_msg, &rec), 0);
	cookie = reg_pair_to_64(rec.in[1], rec.in[2]);
	assert_int_equal(smcsim_trace_get(&w.trace, stop, &rec), 0);
	assert_int_equal(reg_pair_to_64(rec.in[1], rec.in[2]), cookie);
	assert_int_equal(rec.in[3], 0);
	assert_notif_stopped(&w);
	/* Nothing left in the firmware either. */
	assert_int_equal(smcsim_sw_shm_count(w.sw), 0);
	assert_int_equal(smcsim_sw_session_count(w.sw), 0);
	world_fini(&w);
}

/* ---- hostile SHM-cache answers ------------------------------------------ */

/**
 * struct stage - a world and the jobs run against it, on the heap
 *
 * If a job never returns the test fails and leaves the stage allocated,
 * so the runaway thread never touches freed memory.
 */
struct stage {
	struct world w;
	struct job probe;
	struct job remove;
};

static void check_stuck_probe(unsigned long fid, unsigned long a0,
			      const struct smcsim_script_step *steps,
			      size_t num_steps)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				      .stuck_fid = fid, .stuck_a0 = a0,
				      .steps = steps, .num_steps = num_steps };
	struct stage *st = calloc(1, sizeof(*st));
	struct tee_device *clnt;
	unsigned int calls;

	assert_non_null(st);
	world_init(&st->w, &o);
	st->probe.cfg = &st->w.cfg;
	job_start(&st->probe);
	job_finish(&st->probe);
	/* Not fatal: Linux's probe does not fail on the cache either. */
	assert_int_equal(st->probe.rc, 0);
	calls = atomic_load(&st->w.stuck.calls);
	/* It retried, and then it gave up. */
	assert_true(calls > 1);
	clnt = optee_client_teedev(st->probe.optee);
	/* Registration, the driver's context, the page of arguments. */
	assert_int_equal(tee_device_num_users(clnt), 3);

	st->remove.remove = true;
	st->remove.optee = st->probe.optee;
	job_start(&st->remove);
	job_finish(&st->remove);
	assert_int_equal(tee_class_devices_in_use(&st->w.cls), 0);
	world_fini(&st->w);
	free(st);
}

static void optee_probe_disable_cache_ok_forever(void **state)
{
	check_stuck_probe(OPTEE_SMC_DISABLE_SHM_CACHE, RET_OK, NULL, 0);
}

static void optee_probe_disable_cache_ebusy_forever(void **state)
{
	check_stuck_probe(OPTEE_SMC_DISABLE_SHM_CACHE, OPTEE_SMC_RETURN_EBUSY,
			  NULL, 0);
}

/* Without RPC_ARG probe enables the cache and remove drains it again. */
static const struct smcsim_script_step caps_no_rpc_arg[] = {
	STEP_CAPS(SIM_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_RPC_ARG),
};

static void optee_probe_enable_cache_ebusy_forever(void **state)
{
	check_stuck_probe(OPTEE_SMC_ENABLE_SHM_CACHE, OPTEE_SMC_RETURN_EBUSY,
			  caps_no_rpc_arg, ARRAY_SIZE(caps_no_rpc_arg));
}

static void optee_probe_remove_disable_cache_hostile(void **state)
{
	/* Probe and remove both drain; neither may hang. */
	check_stuck_probe(OPTEE_SMC_DISABLE_SHM_CACHE, OPTEE_SMC_RETURN_EBUSY,
			  caps_no_rpc_arg, ARRAY_SIZE(caps_no_rpc_arg));
	check_stuck_probe(OPTEE_SMC_DISABLE_SHM_CACHE, RET_OK,
			  caps_no_rpc_arg, ARRAY_SIZE(caps_no_rpc_arg));
}

/* ---- allocation failure ------------------------------------------------- */

/*
 * Fails each allocation of probe in turn. Every failure must undo all of
 * probe, the async-notification part included: the line detached, and the
 * firmware not left started (a failure after ENABLE_ASYNC_NOTIF must have
 * sent STOP_ASYNC_NOTIF). Return: the allocations probe makes.
 */
static int check_enomem_every_point(const struct world_opts *o)
{
	struct optee *optee = NULL;
	unsigned int injected;
	struct world w;
	int n, rc;

	world_init(&w, o);
	for (n = 0;; n++) {
		assert_true(n < 100);
		smcsim_alloc_fail_after(n);
		rc = optee_probe(&w.cfg, &optee);
		injected = smcsim_alloc_injected();
		smcsim_alloc_fail_after(-1);
		if (!injected)
			break;
		if (rc != -ENOMEM)
			fail_msg("allocation %d failed: probe returned %d", n,
				 rc);
		assert_null(optee);
		assert_int_equal(tee_class_devices_in_use(&w.cls), 0);
		assert_int_equal(smcsim_phys_dram_pages_used(w.phys), 0);
		assert_int_equal(irq_attached(world_irq(&w)), 0);
		if (smcsim_sw_notif_started(w.sw))
			fail_msg("allocation %d failed: notifications still on",
				 n);
	}
	assert_int_equal(rc, 0);
	assert_non_null(optee);
	/* Pool, driver, two devices, a context and its data at least. */
	assert_true(n > 4);
	optee_remove(optee);
	world_fini(&w);
	return n;
}

static void optee_probe_enomem_every_point(void **state)
{
	const struct world_opts dyn = { .profile = SMCSIM_ABI_PROPOSAL };
	const struct world_opts dyn_no_notif = {
		.profile = SMCSIM_ABI_PROPOSAL, .no_async_notif = true,
	};
	const struct world_opts res = { .profile = SMCSIM_ABI_UPSTREAM,
					.no_dynamic_shm = true };
	int with_notif, without_notif;

	with_notif = check_enomem_every_point(&dyn);
	without_notif = check_enomem_every_point(&dyn_no_notif);
	/*
	 * The only difference is the line: smcsim_irq_request_threaded()
	 * starts a thread for each half, two allocations that fail in turn.
	 * (optee_notif_init()'s bitmap is allocated, and failed, in both.)
	 */
	assert_int_equal(with_notif, without_notif + 2);
	check_enomem_every_point(&res);
}

/* ---- arguments ---------------------------------------------------------- */

static void optee_probe_bad_args(void **state)
{
	const struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct optee_probe_cfg cfg;
	struct optee *optee = NULL;
	struct world w;

	world_init(&w, &o);
	assert_int_equal(optee_probe(NULL, &optee), -EINVAL);
	assert_int_equal(optee_probe(&w.cfg, NULL), -EINVAL);

	cfg = w.cfg;
	cfg.invoke.fn = NULL;
	assert_int_equal(optee_probe(&cfg, &optee), -EINVAL);
	cfg = w.cfg;
	cfg.phys = NULL;
	assert_int_equal(optee_probe(&cfg, &optee), -EINVAL);

	assert_null(optee);
	/* Refused before talking to the firmware. */
	assert_int_equal(smcsim_trace_count(&w.trace), 0);
	assert_int_equal(tee_class_devices_in_use(&w.cls), 0);
	optee_remove(NULL);
	world_fini(&w);
}

/* ---- several worlds ----------------------------------------------------- */

static void optee_probe_two_worlds(void **state)
{
	const enum smcsim_abi_profile profile[2] = {
		SMCSIM_ABI_PROPOSAL, SMCSIM_ABI_UPSTREAM,
	};
	struct stage *st[2];
	struct optee_info info;
	int i;

	for (i = 0; i < 2; i++) {
		const struct world_opts o = { .profile = profile[i] };

		st[i] = calloc(1, sizeof(*st[i]));
		assert_non_null(st[i]);
		world_init(&st[i]->w, &o);
		st[i]->probe.cfg = &st[i]->w.cfg;
	}
	/* Probed at the same time, each from its own thread. */
	for (i = 0; i < 2; i++)
		job_start(&st[i]->probe);
	for (i = 0; i < 2; i++)
		job_finish(&st[i]->probe);

	for (i = 0; i < 2; i++) {
		struct optee *optee = st[i]->probe.optee;

		assert_int_equal(st[i]->probe.rc, 0);
		optee_get_info(optee, &info);
		assert_int_equal(info.system_thread, i == 0);
		assert_int_equal(info.rpmb_probe, i == 1);
		/* Numbered per class: both are tee0. */
		assert_string_equal(optee_client_teedev(optee)->name, "tee0");
		assert_string_equal(optee_supp_teedev(optee)->name,
				    "teepriv0");
		/* Each firmware saw exactly its own probe. */
		assert_calls(&st[i]->w, 0, sim_probe_calls,
			     ARRAY_SIZE(sim_probe_calls));
		check_sim_probe_yielding(&st[i]->w, SIM_PROBE_FAST_CALLS,
					 ARRAY_SIZE(sim_probe_calls));
		assert_int_equal(smcsim_sw_calls(st[i]->w.sw),
				 ARRAY_SIZE(sim_probe_calls));
	}
	assert_ptr_not_equal(optee_client_teedev(st[0]->probe.optee),
			     optee_client_teedev(st[1]->probe.optee));

	/* One removed while the other lives on. */
	optee_remove(st[0]->probe.optee);
	assert_int_equal(tee_class_devices_in_use(&st[0]->w.cls), 0);
	assert_int_equal(tee_class_devices_in_use(&st[1]->w.cls), 2);
	assert_int_equal(tee_device_num_users(
				optee_client_teedev(st[1]->probe.optee)), 3);
	optee_remove(st[1]->probe.optee);
	for (i = 0; i < 2; i++) {
		world_fini(&st[i]->w);
		free(st[i]);
	}
}

/*
 * Two drivers sharing one class number their devices after each other. A
 * class is one normal world, so both firmwares share its memory map; a
 * driver on another map is refused.
 */
static void optee_probe_two_worlds_one_class(void **state)
{
	struct world_opts o = { .profile = SMCSIM_ABI_UPSTREAM };
	struct optee *a, *b, *c = NULL;
	struct world w[2], other;
	struct tee_class cls;
	int i;

	tee_class_init(&cls);
	for (i = 0; i < 2; i++) {
		world_init(&w[i], &o);
		w[i].cfg.cls = &cls;
		o.phys = w[0].phys;
	}
	assert_ptr_equal(w[1].phys, w[0].phys);
	assert_int_equal(optee_probe(&w[0].cfg, &a), 0);
	assert_int_equal(optee_probe(&w[1].cfg, &b), 0);

	o.phys = NULL;
	world_init(&other, &o);
	other.cfg.cls = &cls;
	assert_int_equal(optee_probe(&other.cfg, &c), -EINVAL);
	assert_null(c);
	world_fini(&other);

	assert_string_equal(optee_client_teedev(a)->name, "tee0");
	assert_string_equal(optee_supp_teedev(a)->name, "teepriv0");
	assert_string_equal(optee_client_teedev(b)->name, "tee1");
	assert_string_equal(optee_supp_teedev(b)->name, "teepriv1");
	assert_int_equal(tee_class_devices_in_use(&cls), 4);
	optee_remove(a);
	optee_remove(b);
	assert_int_equal(tee_class_devices_in_use(&cls), 0);
	tee_class_fini(&cls);
	/* The world that owns the shared map goes last. */
	for (i = 1; i >= 0; i--)
		world_fini(&w[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(optee_probe_sim_proposal),
		cmocka_unit_test(optee_probe_sim_upstream),
		cmocka_unit_test(optee_probe_own_class),
		cmocka_unit_test(optee_probe_uniprocessor_cap),
		cmocka_unit_test(optee_probe_reserved_pool),
		cmocka_unit_test(optee_probe_whole_script_firmware),
		cmocka_unit_test(optee_probe_wrong_uid),
		cmocka_unit_test(optee_probe_api_major_not_2),
		cmocka_unit_test(optee_probe_api_minor_negative),
		cmocka_unit_test(optee_probe_caps_refused),
		cmocka_unit_test(optee_probe_no_shm_config),
		cmocka_unit_test(optee_probe_shm_config_uncached),
		cmocka_unit_test(optee_probe_shm_config_not_normal_memory),
		cmocka_unit_test(optee_probe_shm_config_too_small),
		cmocka_unit_test(optee_probe_shm_config_two_pages),
		cmocka_unit_test(optee_probe_thread_count_unknown),
		cmocka_unit_test(optee_probe_no_async_notif),
		cmocka_unit_test(optee_probe_firmware_without_async_notif),
		cmocka_unit_test(optee_probe_notif_irq_missing),
		cmocka_unit_test(optee_probe_notif_irq_busy),
		cmocka_unit_test(optee_probe_remove_stops_notif),
		cmocka_unit_test(optee_probe_enum_fails_stops_notif),
		cmocka_unit_test(optee_probe_no_rpc_arg),
		cmocka_unit_test(optee_probe_rpc_param_count_low_byte),
		cmocka_unit_test(optee_probe_yielding_calls_unanswered),
		cmocka_unit_test(optee_probe_disable_cache_ok_forever),
		cmocka_unit_test(optee_probe_disable_cache_ebusy_forever),
		cmocka_unit_test(optee_probe_enable_cache_ebusy_forever),
		cmocka_unit_test(optee_probe_remove_disable_cache_hostile),
		cmocka_unit_test(optee_probe_enomem_every_point),
		cmocka_unit_test(optee_probe_bad_args),
		cmocka_unit_test(optee_probe_two_worlds),
		cmocka_unit_test(optee_probe_two_worlds_one_class),
	};

	return cmocka_run_group_tests_name("optee_probe", tests, NULL, NULL);
}
