/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time in a deterministic run: what either world reads of the clock is
 * virtual, so a TA that branches on the date replays with its seed.
 *
 * - branch: callers share one secure thread, so the order the seed gives
 *   them decides what time each reads; a TA takes the longer path (one
 *   more RPC, a longer sleep) when the milliseconds it reads are odd. The
 *   same seed run again gives the same reads and the same trace hash, and
 *   different seeds take both paths.
 * - epoch: a run's clock starts at RT_DET_REALTIME_EPOCH, not the date.
 * - sleep: a 5-second RPC SUSPEND between two reads moves the clock 5 s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/tee_error.h>

#include "detbed.h"

#define TEST	"det/test_det_time"

#define VIO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

/* [v0 in: a = ms to sleep on the even path] read, sleep, maybe read again */
#define CMD_BRANCH	0
/* [v0 in: a = ms to sleep; out: a = ms between the reads around it] */
#define CMD_SLEEP	1

#define CALLERS		3
#define ROUNDS		3
#define MAX_READS	(2 * CALLERS * ROUNDS)
#define SLEEP_MS	5000

static const struct smcsim_uuid clock_uuid =
	{ 0x534d4353, 0x7143, 0x4000,
	  { 0x80, 0x00, 0x63, 0x6c, 0x6f, 0x63, 0x6b, 0x21 } };

/**
 * struct time_run - one run
 * @tb:		the stack
 * @reads:	every time the TA read, in ms since RT_DET_REALTIME_EPOCH, in
 *		the order read
 * @nreads:	how many
 * @paths:	over an exploration: [0] even reads, [1] odd reads (the
 *		longer path)
 * @ret:	each caller's last result
 * @f:		first failure
 */
struct time_run {
	struct tb tb;
	uint64_t reads[MAX_READS];
	unsigned int nreads;
	unsigned long paths[2];
	uint32_t ret[CALLERS];
	struct db_fail f;
};

/* RPC GET_TIME; the ms since the det epoch go to @ms and to the record. */
static uint32_t clock_read(struct smcsim_ta_sess *s, uint64_t *ms)
{
	struct time_run *r = smcsim_ta_priv(s);
	uint64_t sec;
	uint32_t nsec, res;

	res = smcsim_ta_get_time(s, &sec, &nsec);
	if (res)
		return res;
	if (sec < (uint64_t)RT_DET_REALTIME_EPOCH || nsec >= 1000000000U) {
		db_failf(&r->f, "GET_TIME gave %llu.%09u, not det time",
			 (unsigned long long)sec, nsec);
		return TEE_ERROR_GENERIC;
	}
	*ms = (sec - (uint64_t)RT_DET_REALTIME_EPOCH) * 1000 + nsec / 1000000;
	if (r->nreads < MAX_READS)
		r->reads[r->nreads++] = *ms;
	return TEE_SUCCESS;
}

static uint32_t clock_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			     uint32_t ptypes,
			     union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct time_run *r = smcsim_ta_priv(s);
	uint64_t t0, t1;
	uint32_t res;

	(void)ptypes;
	res = clock_read(s, &t0);
	if (res)
		return res;
	if (cmd == CMD_SLEEP) {
		res = smcsim_ta_suspend(s, p[0].value.a);
		if (!res)
			res = clock_read(s, &t1);
		if (!res)
			p[0].value.a = (uint32_t)(t1 - t0);
		return res;
	}
	r->paths[t0 & 1]++;
	if (!(t0 & 1))
		return smcsim_ta_suspend(s, p[0].value.a);
	/* The odd path: more rt work (a longer sleep, one more RPC). */
	res = smcsim_ta_suspend(s, 2 * p[0].value.a + 1);
	if (!res)
		res = clock_read(s, &t1);
	return res;
}

static const struct smcsim_ta_ops clock_ops = {
	.invoke = clock_invoke,
};

struct time_caller {
	struct time_run *r;
	struct tee_context *ctx;
	uint32_t session;
	unsigned int i;
};

static void caller_fn(void *arg)
{
	struct time_caller *c = arg;
	const uint32_t types[4] = { VIO, NO, NO, NO };
	unsigned int k;

	for (k = 0; k < ROUNDS; k++) {
		uint64_t v[4][2] = { { c->i + 1, 0 } };

		c->r->ret[c->i] = db_invoke_value(c->ctx, c->session,
						  CMD_BRANCH, types, v);
		if (c->r->ret[c->i] != TEE_SUCCESS)
			break;
	}
}

static int time_start(struct time_run *r)
{
	/* One secure thread: the callers queue, in the seed's order. */
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 1 };
	const struct smcsim_ta_desc d = {
		.uuid = clock_uuid, .name = "clock", .ops = &clock_ops,
		.priv = r,
	};
	int rc;

	db_fail_reset(&r->f);
	r->nreads = 0;
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return -1;
	}
	rc = smcsim_sw_register_ta(r->tb.sw, &d);
	if (rc) {
		db_failf(&r->f, "register the clock TA: %d", rc);
		db_stop(&r->tb, &r->f);
		return -1;
	}
	return 0;
}

static void branch_scenario(void *arg)
{
	struct time_run *r = arg;
	struct time_caller c[CALLERS];
	struct db_thread t[CALLERS];
	unsigned int i, opened = 0;

	if (time_start(r))
		return;
	for (; opened < CALLERS; opened++) {
		c[opened] = (struct time_caller){ .r = r, .i = opened };
		if (db_open_session(&r->tb, &clock_uuid, &c[opened].ctx,
				    &c[opened].session, &r->f))
			goto out;
	}
	for (i = 0; i < CALLERS; i++) {
		r->ret[i] = UINT32_MAX;
		db_spawn(&t[i], "caller", caller_fn, &c[i], &r->f);
	}
	for (i = 0; i < CALLERS; i++)
		db_join(&t[i]);
	for (i = 0; i < CALLERS; i++)
		if (r->ret[i] != TEE_SUCCESS)
			db_failf(&r->f, "caller %u: ret 0x%x", i, r->ret[i]);
	/* One clock: nobody reads it going backwards. */
	for (i = 1; i < r->nreads; i++)
		if (r->reads[i] < r->reads[i - 1])
			db_failf(&r->f, "read %u: %llu ms after %llu ms", i,
				 (unsigned long long)r->reads[i],
				 (unsigned long long)r->reads[i - 1]);
out:
	while (opened) {
		opened--;
		db_close_session(c[opened].ctx, c[opened].session, &r->f);
	}
	db_stop(&r->tb, &r->f);
}

static const char *time_check(void *arg)
{
	return db_fail_msg(&((struct time_run *)arg)->f);
}

static struct time_run branch_r;

static void explore_branch(const char *sched)
{
	struct smcsim_explore e = {
		.test = TEST,
		.name = "branch_on_time",
		.scenario = branch_scenario,
		.check = time_check,
		.arg = &branch_r,
		.seeds = db_seeds(1000),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&branch_r, 0, sizeof(branch_r));
	res = db_explore(&e);
	/* The seed decides what the TA reads, so which path it takes. */
	if (res.runs >= 100) {
		assert_true(res.distinct > 1);
		assert_true(branch_r.paths[0] > 0);
		assert_true(branch_r.paths[1] > 0);
	}
}

static void det_time_branch_random(void **state)
{
	(void)state;
	explore_branch("random");
}

static void det_time_branch_pct(void **state)
{
	(void)state;
	explore_branch("pct:3:1000");
}

#define SAME_SEEDS	20
#define SAME_REPEATS	4

/*
 * One process, one seed, several runs: the same reads, the same paths,
 * the same hash. With the real clock behind GET_TIME the reads, and with
 * them the paths and the hash, would differ from run to run.
 */
static void det_time_same_seed_same_hash(void **state)
{
	struct smcsim_explore e = {
		.test = TEST,
		.name = "branch_on_time",
		.scenario = branch_scenario,
		.check = time_check,
		.arg = &branch_r,
		.seeds = 1,
		.ignore_env = true,
	};
	struct smcsim_explore_result first, again;
	uint64_t reads[MAX_READS];
	unsigned int seed, k, n, odd = 0;

	(void)state;
	for (seed = 0; seed < SAME_SEEDS; seed++) {
		memset(&branch_r, 0, sizeof(branch_r));
		e.first_seed = seed;
		assert_int_equal(smcsim_explore(&e, &first), 0);
		n = branch_r.nreads;
		assert_true(n >= CALLERS * ROUNDS);
		memcpy(reads, branch_r.reads, n * sizeof(reads[0]));
		odd += branch_r.paths[1] > 0;
		for (k = 1; k < SAME_REPEATS; k++) {
			memset(&branch_r, 0, sizeof(branch_r));
			assert_int_equal(smcsim_explore(&e, &again), 0);
			assert_int_equal(again.hash, first.hash);
			assert_int_equal(branch_r.nreads, n);
			assert_memory_equal(branch_r.reads, reads,
					    n * sizeof(reads[0]));
		}
	}
	/* Some of these seeds did take the odd path: the branch is live. */
	assert_true(odd > 0);
}

/**
 * struct sleep_run - the sleep scenario
 * @t:		the run's stack and reads
 * @first_ms:	the first read (ms since the epoch)
 * @slept_ms:	what the TA measured around its sleep
 */
struct sleep_run {
	struct time_run t;
	uint64_t first_ms;
	uint64_t slept_ms;
};

static void sleep_scenario(void *arg)
{
	struct sleep_run *s = arg;
	const uint32_t types[4] = { VIO, NO, NO, NO };
	uint64_t v[4][2] = { { SLEEP_MS, 0 } };
	struct tee_context *ctx;
	uint32_t session, ret;

	s->first_ms = s->slept_ms = UINT64_MAX;
	if (time_start(&s->t))
		return;
	if (db_open_session(&s->t.tb, &clock_uuid, &ctx, &session, &s->t.f))
		goto out;
	ret = db_invoke_value(ctx, session, CMD_SLEEP, types, v);
	if (ret != TEE_SUCCESS)
		db_failf(&s->t.f, "sleep: ret 0x%x", ret);
	else
		s->slept_ms = v[0][0];
	if (s->t.nreads)
		s->first_ms = s->t.reads[0];
	db_close_session(ctx, session, &s->t.f);
out:
	db_stop(&s->t.tb, &s->t.f);
}

static const char *sleep_check(void *arg)
{
	struct sleep_run *s = arg;
	static char why[96];

	if (db_fail_msg(&s->t.f))
		return db_fail_msg(&s->t.f);
	/* A run's clock starts at the epoch: setup takes no virtual time. */
	if (s->first_ms >= 1000) {
		snprintf(why, sizeof(why), "first read %llu ms after the epoch",
			 (unsigned long long)s->first_ms);
		return why;
	}
	if (s->slept_ms < SLEEP_MS) {
		snprintf(why, sizeof(why), "slept %u ms, the clock moved %llu ms",
			 SLEEP_MS, (unsigned long long)s->slept_ms);
		return why;
	}
	return NULL;
}

/* A virtual 5-second sleep between two reads: the clock moved >= 5 s. */
static void det_time_moves_with_virtual_sleep(void **state)
{
	static struct sleep_run s;
	struct smcsim_explore e = {
		.test = TEST,
		.name = "sleep",
		.scenario = sleep_scenario,
		.check = sleep_check,
		.arg = &s,
		.seeds = db_seeds(20),
	};
	struct smcsim_explore_result res;

	(void)state;
	memset(&s, 0, sizeof(s));
	res = db_explore(&e);
	if (res.skipped)
		return;
	assert_int_equal(s.t.nreads, 2);
	assert_true(s.slept_ms >= SLEEP_MS);
	fprintf(stderr, "det: %u ms of RPC SUSPEND: the TA's clock moved %llu ms "
		"(%llu to %llu after the epoch)\n", SLEEP_MS,
		(unsigned long long)s.slept_ms,
		(unsigned long long)s.t.reads[0],
		(unsigned long long)s.t.reads[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_time_branch_random),
		cmocka_unit_test(det_time_branch_pct),
		cmocka_unit_test(det_time_same_seed_same_hash),
		cmocka_unit_test(det_time_moves_with_virtual_sleep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
