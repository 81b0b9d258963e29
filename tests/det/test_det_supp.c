// SPDX-License-Identifier: BSD-2-Clause
/*
 * Supplicant kills under schedule exploration (issue 8): TAs make RPCs
 * that the driver hands to the supplicant stand-in while one requester is
 * killed (rt_thread_kill, the stand-in for SIGKILL) and the supplicant
 * itself is stopped (killed and joined) at whatever point the seed picks.
 * Every call returns, with the supplicant's answer or COMMUNICATION; the
 * queue is empty afterwards (nothing queued, held or kept as a
 * placeholder), every secure thread is free, nothing leaks; and a
 * requester that was not killed and was answered got the answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/supplicant.h>
#include <smcsim/tee_error.h>

#include "detbed.h"

#define TEST		"det/test_det_supp"
#define CLIENTS		3
/* What the supplicant answers: the test's own marker, not a real result. */
#define MARK		0x5a5a0001U

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;

/**
 * struct supp_run - one run
 * @tb:		the stack
 * @supp:	the supplicant stand-in
 * @stop:	stop the supplicant during the run
 * @ctx, @session: each client's
 * @ret:	each client's result
 * @outcomes:	over an exploration: [0] answered, [1] COMMUNICATION
 * @f:		first failure
 */
struct supp_run {
	struct tb tb;
	struct smcsim_supp *supp;
	bool stop;
	struct tee_context *ctx[CLIENTS];
	uint32_t session[CLIENTS];
	uint32_t ret[CLIENTS];
	unsigned long outcomes[2];
	struct db_fail f;
};

struct client {
	struct supp_run *r;
	unsigned int i;
};

/* Answer every request with MARK, after 0..2 virtual ms. */
static void answer_hook(void *ctx, unsigned int nr, uint32_t func,
			const struct tee_param *param, uint32_t num_params,
			struct smcsim_supp_action *act)
{
	(void)ctx;
	(void)func;
	(void)param;
	(void)num_params;
	act->verdict = SMCSIM_SUPP_ANSWER;
	act->ret = MARK;
	act->delay_ms = nr % 3;
}

static void client_fn(void *arg)
{
	struct client *c = arg;
	struct supp_run *r = c->r;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { OPTEE_RPC_CMD_GPROF, 0 } };

	r->ret[c->i] = db_invoke_value(r->ctx[c->i], r->session[c->i],
				       SMCSIM_TA_SLEEP_CMD_RPC, types, v);
}

static void killer_fn(void *arg)
{
	rt_thread_kill(arg);
}

/* Stop the supplicant once it has taken a request, mid-service. */
static void stopper_fn(void *arg)
{
	struct supp_run *r = arg;
	struct optee_supp_info si;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		optee_get_supp_info(r->tb.optee, &si);
		if (si.received)
			break;
		rt_sleep_ms(1);
	}
	smcsim_supp_stop(r->supp);
	r->supp = NULL;
}

static void supp_scenario(void *arg)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 4 };
	const struct smcsim_supp_cfg cfg = { .hook = answer_hook };
	struct supp_run *r = arg;
	struct db_thread tc[CLIENTS], tk, ts;
	struct client c[CLIENTS];
	struct optee_supp_info si;
	unsigned int i, opened = 0;
	int rc;

	db_fail_reset(&r->f);
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	rc = smcsim_supp_start(optee_supp_teedev(r->tb.optee), &cfg, &r->supp);
	if (rc) {
		db_failf(&r->f, "supplicant: %d", rc);
		goto out;
	}
	for (opened = 0; opened < CLIENTS; opened++)
		if (db_open_session(&r->tb, &sleep_uuid, &r->ctx[opened],
				    &r->session[opened], &r->f))
			goto out_supp;
	for (i = 0; i < CLIENTS; i++) {
		r->ret[i] = UINT32_MAX;
		c[i] = (struct client){ .r = r, .i = i };
		db_spawn(&tc[i], "client", client_fn, &c[i], &r->f);
	}
	db_spawn(&tk, "killer", killer_fn, tc[0].t, &r->f);
	if (r->stop)
		db_spawn(&ts, "stopper", stopper_fn, r, &r->f);
	for (i = 0; i < CLIENTS; i++)
		db_join(&tc[i]);
	db_join(&tk);
	if (r->stop)
		db_join(&ts);

	for (i = 0; i < CLIENTS; i++) {
		if (r->ret[i] == MARK)
			r->outcomes[0]++;
		else if (r->ret[i] == TEE_ERROR_COMMUNICATION)
			r->outcomes[1]++;
		else
			db_failf(&r->f, "client %u: ret 0x%x", i, r->ret[i]);
		/* Neither killed nor left without a supplicant: answered. */
		if (i && !r->stop && r->ret[i] != MARK)
			db_failf(&r->f, "client %u lost its answer: 0x%x", i,
				 r->ret[i]);
	}
	optee_get_supp_info(r->tb.optee, &si);
	if (si.queued_now || si.processing_now || si.placeholders)
		db_failf(&r->f, "supplicant queue after the run: %u queued, "
			 "%u held, %u placeholders", si.queued_now,
			 si.processing_now, si.placeholders);
	for (i = 0; i < smcsim_sw_num_threads(r->tb.sw); i++)
		if (smcsim_sw_thread_state(r->tb.sw, i) != SMCSIM_SW_THREAD_FREE)
			db_failf(&r->f, "secure thread %u not free", i);
out_supp:
	while (opened) {
		opened--;
		db_close_session(r->ctx[opened], r->session[opened], &r->f);
	}
	smcsim_supp_stop(r->supp);
	r->supp = NULL;
out:
	db_stop(&r->tb, &r->f);
}

static const char *supp_check(void *arg)
{
	return db_fail_msg(&((struct supp_run *)arg)->f);
}

static void explore_supp(bool stop, const char *sched)
{
	static struct supp_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = stop ? "killed_requester_and_supplicant" :
			"killed_requester",
		.scenario = supp_scenario,
		.check = supp_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	r.stop = stop;
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
	/* Over many seeds both outcomes happen: the race is really run. */
	if (res.runs >= 100) {
		assert_true(r.outcomes[0] > 0);
		assert_true(r.outcomes[1] > 0);
	}
}

static void det_supp_killed_requester_random(void **state)
{
	(void)state;
	explore_supp(false, "random");
}

static void det_supp_killed_requester_and_supplicant_random(void **state)
{
	(void)state;
	explore_supp(true, "random");
}

static void det_supp_killed_requester_and_supplicant_pct(void **state)
{
	(void)state;
	explore_supp(true, "pct:3:1500");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_supp_killed_requester_random),
		cmocka_unit_test(det_supp_killed_requester_and_supplicant_random),
		cmocka_unit_test(det_supp_killed_requester_and_supplicant_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
