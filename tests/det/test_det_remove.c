// SPDX-License-Identifier: BSD-2-Clause
/*
 * Driver remove racing notifications in flight, under schedule exploration
 * (issue 8): clients wait in the secure world for async values while the
 * driver is removed and the values are posted, one by a TA, one by a
 * secure driver directly. Remove waits for the clients' contexts, and the
 * interrupt path keeps working until it masks the line, so in every
 * interleaving each wait gets its value, each client closes, remove
 * returns, and nothing is left behind.
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

#define TEST		"det/test_det_remove"
#define WAITERS		2
/* Only a hang guard: virtual, and never reached when the value arrives. */
#define WAIT_TIMEOUT_MS	10000

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;

/**
 * struct cl - a client: context, session, what it calls, its result
 */
struct cl {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t cmd;
	uint32_t value;
	uint32_t ret;
	struct db_fail *f;
};

/**
 * struct remove_run - one run
 * @tb:		the stack
 * @w:		the waiters; @poster posts @w[0]'s value from a TA
 * @post_rc:	the secure driver's post of @w[1]'s value
 * @f:		first failure
 */
struct remove_run {
	struct tb tb;
	struct cl w[WAITERS];
	struct cl poster;
	int post_rc;
	struct db_fail f;
};

/* One call, then the client goes away, as a process does. */
static void cl_call_and_close(void *arg)
{
	struct cl *c = arg;
	const uint32_t types[4] = { VI, NO, NO, NO };
	uint64_t v[4][2] = { { c->value, WAIT_TIMEOUT_MS } };

	c->ret = db_invoke_value(c->ctx, c->session, c->cmd, types, v);
	db_close_session(c->ctx, c->session, c->f);
	c->ctx = NULL;
}

static void remover_fn(void *arg)
{
	struct remove_run *r = arg;

	optee_remove(r->tb.optee);
}

static void secure_post_fn(void *arg)
{
	struct remove_run *r = arg;

	r->post_rc = smcsim_sw_notif_post(r->tb.sw, r->w[1].value);
}

static int cl_open(struct remove_run *r, struct cl *c, uint32_t cmd)
{
	memset(c, 0, sizeof(*c));
	c->f = &r->f;
	c->cmd = cmd;
	c->ret = UINT32_MAX;
	return db_open_session(&r->tb, &notif_uuid, &c->ctx, &c->session,
			       &r->f);
}

static void remove_scenario(void *arg)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 4 };
	struct remove_run *r = arg;
	struct db_thread tw[WAITERS], tp, tr, ts;
	unsigned int i;
	int rc;

	db_fail_reset(&r->f);
	r->post_rc = -1;
	rc = tb_try_start(&r->tb, &o);
	if (rc) {
		db_failf(&r->f, "tb_try_start: %d", rc);
		return;
	}
	/* Every client exists before remove, which admits no new one. */
	for (i = 0; i < WAITERS; i++) {
		if (cl_open(r, &r->w[i], SMCSIM_TA_NOTIF_CMD_WAIT) ||
		    smcsim_sw_notif_alloc_value(r->tb.sw, &r->w[i].value)) {
			db_failf(&r->f, "setup of waiter %u", i);
			goto out;
		}
	}
	if (cl_open(r, &r->poster, SMCSIM_TA_NOTIF_CMD_POST))
		goto out;
	r->poster.value = r->w[0].value;

	for (i = 0; i < WAITERS; i++)
		db_spawn(&tw[i], "waiter", cl_call_and_close, &r->w[i], &r->f);
	db_spawn(&tp, "poster", cl_call_and_close, &r->poster, &r->f);
	db_spawn(&ts, "sw-driver", secure_post_fn, r, &r->f);
	db_spawn(&tr, "remover", remover_fn, r, &r->f);
	for (i = 0; i < WAITERS; i++)
		db_join(&tw[i]);
	db_join(&tp);
	db_join(&ts);
	db_join(&tr);
	r->tb.optee = NULL;
	r->tb.teedev = NULL;

	for (i = 0; i < WAITERS; i++)
		if (r->w[i].ret != TEE_SUCCESS)
			db_failf(&r->f, "waiter %u: ret 0x%x", i, r->w[i].ret);
	if (r->poster.ret != TEE_SUCCESS)
		db_failf(&r->f, "poster: ret 0x%x", r->poster.ret);
	if (r->post_rc)
		db_failf(&r->f, "secure post: %d", r->post_rc);
out:
	/* Clients a failed setup left open go before the remove. */
	for (i = 0; i < WAITERS; i++)
		if (r->w[i].ctx)
			db_close_session(r->w[i].ctx, r->w[i].session, &r->f);
	if (r->poster.ctx)
		db_close_session(r->poster.ctx, r->poster.session, &r->f);
	db_stop(&r->tb, &r->f);
}

static const char *remove_check(void *arg)
{
	return db_fail_msg(&((struct remove_run *)arg)->f);
}

static void explore_remove(const char *sched)
{
	static struct remove_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = "remove_with_notifications",
		.scenario = remove_scenario,
		.check = remove_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
}

static void det_remove_with_notifications_random(void **state)
{
	(void)state;
	explore_remove("random");
}

static void det_remove_with_notifications_pct(void **state)
{
	(void)state;
	explore_remove("pct:3:1500");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_remove_with_notifications_random),
		cmocka_unit_test(det_remove_with_notifications_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
