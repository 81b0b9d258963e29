// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure thread limit and the driver's call queue under schedule
 * exploration (issue 8): more callers than secure threads, each opening a
 * session and making a call that suspends in an RPC (so it keeps its
 * secure thread while the normal world runs), then closing. However the
 * callers interleave, every call succeeds, none is lost in the queue, and
 * afterwards every thread is free and nobody waits.
 *
 * Two drivers: one that counts threads (GET_THREAD_COUNT) and queues
 * before entering, one that cannot (a script answers UNKNOWN_FUNCTION)
 * and relies on ETHREAD_LIMIT and the wake-up of the next waiter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_smc.h>
#include <smcsim/tee_error.h>

#include "detbed.h"

#define TEST		"det/test_det_callq"
#define CALLERS		4
#define SLEEP_MS	5

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;

static const struct smcsim_script_step hide_thread_count[] = {
	{ .a0 = OPTEE_SMC_GET_THREAD_COUNT,
	  .res = { .a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION } },
};

/**
 * struct callq_run - one run
 * @tb:		the stack
 * @hidden:	the driver does not learn the thread count
 * @script:	the script in front of the simulator when @hidden
 * @sim:	the simulator's backend, behind @script
 * @ret:	each caller's result (TEE ret, or UINT32_MAX if refused)
 * @eth_limits:	ETHREAD_LIMIT answers over all runs of an exploration
 * @f:		first failure
 */
struct callq_run {
	struct tb tb;
	bool hidden;
	struct smcsim_script script;
	struct smcsim_invoke sim;
	uint32_t ret[CALLERS];
	unsigned long eth_limits;
	struct db_fail f;
};

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

struct caller {
	struct callq_run *r;
	unsigned int id;
};

static struct smcsim_invoke script_front(void *ctx, struct smcsim_invoke sim)
{
	struct callq_run *r = ctx;

	r->sim = sim;
	smcsim_script_init(&r->script, hide_thread_count,
			   sizeof(hide_thread_count) / sizeof(hide_thread_count[0]),
			   &r->sim);
	return smcsim_script_invoke(&r->script);
}

static void caller_fn(void *arg)
{
	struct caller *c = arg;
	struct callq_run *r = c->r;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { SLEEP_MS, 1 } };
	struct tee_context *ctx;
	uint32_t session;

	if (db_open_session(&r->tb, &sleep_uuid, &ctx, &session, &r->f))
		return;
	r->ret[c->id] = db_invoke_value(ctx, session,
					SMCSIM_TA_SLEEP_CMD_SUSPEND, types, v);
	db_close_session(ctx, session, &r->f);
}

static void callq_scenario(void *arg)
{
	struct callq_run *r = arg;
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2 };
	struct db_thread t[CALLERS];
	struct caller c[CALLERS];
	struct optee_cq_info cq;
	unsigned int i, eth;
	int rc;

	db_fail_reset(&r->f);
	for (i = 0; i < CALLERS; i++)
		r->ret[i] = UINT32_MAX;
	if (r->hidden) {
		o.front = script_front;
		o.front_ctx = r;
	}
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	if (r->hidden && !smcsim_script_done(&r->script))
		db_failf(&r->f, "the probe did not ask for the thread count");
	for (i = 0; i < CALLERS; i++) {
		c[i] = (struct caller){ .r = r, .id = i };
		db_spawn(&t[i], "caller", caller_fn, &c[i], &r->f);
	}
	for (i = 0; i < CALLERS; i++)
		db_join(&t[i]);
	for (i = 0; i < CALLERS; i++)
		if (r->ret[i] != TEE_SUCCESS)
			db_failf(&r->f, "caller %u: ret 0x%x", i, r->ret[i]);
	optee_get_cq_info(r->tb.optee, &cq);
	if (cq.waiters || cq.free_thread_count != cq.total_thread_count)
		db_failf(&r->f, "call queue after the run: %u waiters, %d of %d "
			 "threads free", cq.waiters, cq.free_thread_count,
			 cq.total_thread_count);
	for (i = 0; i < smcsim_sw_num_threads(r->tb.sw); i++)
		if (smcsim_sw_thread_state(r->tb.sw, i) != SMCSIM_SW_THREAD_FREE)
			db_failf(&r->f, "secure thread %u not free", i);
	eth = count_eth_limit(&r->tb);
	/* A driver that counts threads never makes the firmware run out. */
	if (!r->hidden && eth)
		db_failf(&r->f, "%u ETHREAD_LIMIT answers", eth);
	r->eth_limits += eth;
	db_stop(&r->tb, &r->f);
	if (r->hidden)
		smcsim_script_fini(&r->script);
}

static const char *callq_check(void *arg)
{
	return db_fail_msg(&((struct callq_run *)arg)->f);
}

static void explore_callq(bool hidden, const char *sched)
{
	static struct callq_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = hidden ? "eth_limit" : "counted",
		.scenario = callq_scenario,
		.check = callq_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	r.hidden = hidden;
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
	/* Without the count, some interleavings do run out of threads. */
	if (hidden && res.runs >= 100)
		assert_true(r.eth_limits > 0);
}

static void det_callq_counted_random(void **state)
{
	(void)state;
	explore_callq(false, "random");
}

static void det_callq_counted_pct(void **state)
{
	(void)state;
	explore_callq(false, "pct:3:1500");
}

static void det_callq_eth_limit_random(void **state)
{
	(void)state;
	explore_callq(true, "random");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_callq_counted_random),
		cmocka_unit_test(det_callq_counted_pct),
		cmocka_unit_test(det_callq_eth_limit_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
