// SPDX-License-Identifier: BSD-2-Clause
/*
 * Notifications under schedule exploration (issue 8): the whole stack
 * (driver, world switch, secure threads, interrupt threads) in a
 * deterministic run, over many seeds and two strategies.
 *
 * - wait/send: a TA waits on a key (RPC NOTIFICATION WAIT) while another
 *   session sends it (RPC NOTIFICATION SEND); however the two race, the
 *   wait gets the send, early or late.
 * - async: a value posted in the secure world reaches its waiter through
 *   the interrupt's top half, however the post races the wait.
 * - the planted bug OPTEE_PLANT_NOTIF_DROP_EARLY_SEND (a send before its
 *   waiter registered is lost) is found within a bounded number of seeds,
 *   the failing seed replays to the same failure, and the same exploration
 *   without the plant is clean.
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

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

#define TEST	"det/test_det_notif"
#define KEY	20
/* The waiter's own timeout: virtual, so a lost send costs no real time. */
#define WAIT_TIMEOUT_MS	1000

static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;

/**
 * struct side - one client of the notification TA
 * @ctx:	its context
 * @session:	its session
 * @cmd:	what it invokes
 * @value:	the key or value
 * @ret:	the TEE result
 */
struct side {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t cmd;
	uint32_t value;
	uint32_t ret;
};

/**
 * struct notif_run - one run's stack and what it saw
 * @tb:		the stack
 * @waiter:	waits for @waiter.value
 * @sender:	sends or posts it
 * @f:		first failure
 * @async:	post an async value instead of an RPC send
 */
struct notif_run {
	struct tb tb;
	struct side waiter;
	struct side sender;
	struct db_fail f;
	bool async;
};

static void side_call(void *arg)
{
	struct side *s = arg;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { s->value, WAIT_TIMEOUT_MS } };

	s->ret = db_invoke_value(s->ctx, s->session, s->cmd, types, v);
}

static void notif_scenario(void *arg)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 3 };
	struct notif_run *r = arg;
	struct db_thread tw, ts;
	const char *left;
	int rc;

	db_fail_reset(&r->f);
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	if (db_open_session(&r->tb, &notif_uuid, &r->waiter.ctx,
			    &r->waiter.session, &r->f))
		goto out;
	if (db_open_session(&r->tb, &notif_uuid, &r->sender.ctx,
			    &r->sender.session, &r->f))
		goto out_waiter;
	r->waiter.cmd = SMCSIM_TA_NOTIF_CMD_WAIT;
	r->waiter.value = KEY;
	r->sender.cmd = SMCSIM_TA_NOTIF_CMD_SEND;
	r->sender.value = KEY;
	if (r->async) {
		if (smcsim_sw_notif_alloc_value(r->tb.sw, &r->waiter.value)) {
			db_failf(&r->f, "no async value");
			goto out_sender;
		}
		r->sender.cmd = SMCSIM_TA_NOTIF_CMD_POST;
		r->sender.value = r->waiter.value;
	}
	r->waiter.ret = r->sender.ret = UINT32_MAX;
	if (db_spawn(&tw, "waiter", side_call, &r->waiter, &r->f))
		goto out_sender;
	if (db_spawn(&ts, "sender", side_call, &r->sender, &r->f)) {
		db_join(&tw);
		goto out_sender;
	}
	db_join(&ts);
	db_join(&tw);
	if (r->sender.ret != TEE_SUCCESS)
		db_failf(&r->f, "send: ret 0x%x", r->sender.ret);
	if (r->waiter.ret != TEE_SUCCESS)
		db_failf(&r->f, "wait for %u: ret 0x%x (the send was lost)",
			 r->waiter.value, r->waiter.ret);
out_sender:
	db_close_session(r->sender.ctx, r->sender.session, &r->f);
out_waiter:
	db_close_session(r->waiter.ctx, r->waiter.session, &r->f);
out:
	left = tb_try_stop(&r->tb);
	if (left)
		db_failf(&r->f, "after the run: %s", left);
}

static const char *notif_check(void *arg)
{
	struct notif_run *r = arg;

	return db_fail_msg(&r->f);
}

static void explore_notif(bool async, const char *sched, unsigned int seeds)
{
	static struct notif_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.scenario = notif_scenario,
		.check = notif_check,
		.arg = &r,
		.seeds = db_seeds(seeds),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	r.async = async;
	res = db_explore(&e);
	/* The scenario allows more than one interleaving: seeds must find them. */
	if (res.runs > 1)
		assert_true(res.distinct > 1);
}

static void det_notif_wait_send_random(void **state)
{
	(void)state;
	explore_notif(false, "random", 1000);
}

static void det_notif_wait_send_pct(void **state)
{
	(void)state;
	explore_notif(false, "pct:3:800", 1000);
}

static void det_notif_async_random(void **state)
{
	(void)state;
	explore_notif(true, "random", 1000);
}

/* Bounded: the plant loses the send whenever the sender runs first. */
#define PLANT_SEEDS	200

static void det_notif_planted_early_send_is_found(void **state)
{
	static struct notif_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.scenario = notif_scenario,
		.check = notif_check,
		.arg = &r,
		.seeds = PLANT_SEEDS,
		.sched = "random",
		.ignore_env = true,
	};
	struct smcsim_explore_result found, replay, clean;
	char why[sizeof(found.why)];

	(void)state;
	memset(&r, 0, sizeof(r));
	optee_test_plant(OPTEE_PLANT_NOTIF_DROP_EARLY_SEND);
	assert_int_equal(smcsim_explore(&e, &found), -1);
	assert_true(found.failed);
	assert_non_null(strstr(found.why, "the send was lost"));
	strlcpy(why, found.why, sizeof(why));

	/* The printed seed reproduces it: same failure, same trace. */
	e.first_seed = found.seed;
	e.seeds = 1;
	assert_int_equal(smcsim_explore(&e, &replay), -1);
	assert_int_equal(replay.seed, found.seed);
	assert_int_equal(replay.hash, found.hash);
	assert_string_equal(replay.why, why);

	/* Without the plant the same seeds hold. */
	optee_test_plant(0);
	e.first_seed = 0;
	e.seeds = PLANT_SEEDS;
	assert_int_equal(smcsim_explore(&e, &clean), 0);
	assert_int_equal(clean.runs, PLANT_SEEDS);
	fprintf(stderr, "det: planted bug found at seed 0x%llx (run %u)\n",
		(unsigned long long)found.seed, found.runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_notif_wait_send_random),
		cmocka_unit_test(det_notif_wait_send_pct),
		cmocka_unit_test(det_notif_async_random),
		cmocka_unit_test(det_notif_planted_early_send_is_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
