// SPDX-License-Identifier: BSD-2-Clause
/*
 * System threads (seed 002) under schedule exploration (issue 8): storage
 * calls that wait in the secure world (suspending in RPCs) until a
 * "regulator" service call has run, more of them than ordinary threads,
 * all started at once with the service's call. With a system thread
 * (upstream: a system session; proposal: a reservation, the regulator's
 * session opened on it) the service must get in whatever the order, so
 * every call succeeds. Without one this is seed 002's deadlock, which the
 * e2e suite shows; here it is the protection that is explored.
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

#define TEST		"det/test_det_system"
#define STORAGE		3
/* Bound of the storage TA's wait: 1 ms suspends, virtual time. */
#define STORAGE_MAX_ITER 3000

#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

static const struct smcsim_uuid storage_uuid =
	{ 0x534d4353, 0x0102, 0x4000,
	  { 0x80, 0x00, 0x73, 0x79, 0x73, 0x74, 0x6f, 0x72 } };
static const struct smcsim_uuid regulator_uuid =
	{ 0x534d4353, 0x0103, 0x4000,
	  { 0x80, 0x00, 0x73, 0x79, 0x73, 0x72, 0x65, 0x67 } };

/**
 * struct sys_run - one run
 * @tb:		the stack
 * @proposal:	proposal profile (reservation) instead of upstream
 * @regulator_on: set by the regulator TA (only one thread runs at a time)
 * @svc, @cli:	the service's and the clients' contexts
 * @reg_sess:	the regulator session (upstream: opened at setup)
 * @sess:	the storage sessions
 * @ret:	storage results; @reg_ret the regulator's
 * @f:		first failure
 */
struct sys_run {
	struct tb tb;
	bool proposal;
	bool regulator_on;
	struct tee_context *svc;
	struct tee_context *cli;
	uint32_t reg_sess;
	uint32_t sess[STORAGE];
	uint32_t ret[STORAGE];
	uint32_t reg_ret;
	struct db_fail f;
};

static uint32_t storage_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t ptypes,
			       union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	struct sys_run *r = smcsim_ta_priv(s);
	unsigned int i;

	(void)cmd;
	(void)ptypes;
	(void)params;
	for (i = 0; i < STORAGE_MAX_ITER; i++) {
		if (r->regulator_on)
			return TEE_SUCCESS;
		smcsim_ta_suspend(s, 1);
	}
	return TEE_ERROR_TIMEOUT;
}

static uint32_t regulator_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
				 uint32_t ptypes,
				 union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	struct sys_run *r = smcsim_ta_priv(s);

	(void)cmd;
	(void)ptypes;
	(void)params;
	r->regulator_on = true;
	return TEE_SUCCESS;
}

static const struct smcsim_ta_ops storage_ops = { .invoke = storage_invoke };
static const struct smcsim_ta_ops regulator_ops = { .invoke = regulator_invoke };

static int open_on(struct tee_context *ctx, const struct smcsim_uuid *uuid,
		   uint32_t *session, struct db_fail *f)
{
	struct tee_ioctl_open_session_arg oa = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};
	int rc;

	smcsim_uuid_to_octets(uuid, oa.uuid);
	rc = tee_client_open_session(ctx, &oa, NULL);
	if (rc || oa.ret) {
		db_failf(f, "open session: %d, ret 0x%x", rc, oa.ret);
		return -1;
	}
	*session = oa.session;
	return 0;
}

static uint32_t invoke0(struct tee_context *ctx, uint32_t session)
{
	const uint32_t types[4] = { NO, NO, NO, NO };
	uint64_t v[4][2] = { { 0 } };

	return db_invoke_value(ctx, session, 0, types, v);
}

struct storage_caller {
	struct sys_run *r;
	unsigned int i;
};

static void storage_fn(void *arg)
{
	struct storage_caller *c = arg;

	c->r->ret[c->i] = invoke0(c->r->cli, c->r->sess[c->i]);
}

static void regulator_fn(void *arg)
{
	struct sys_run *r = arg;

	/* Proposal: the session opens on the reserved thread, in the race. */
	if (r->proposal && open_on(r->svc, &regulator_uuid, &r->reg_sess, &r->f))
		return;
	r->reg_ret = invoke0(r->svc, r->reg_sess);
}

static int sys_setup(struct sys_run *r)
{
	const struct tb_opts o = {
		.profile = r->proposal ? SMCSIM_ABI_PROPOSAL : SMCSIM_ABI_UPSTREAM,
	};
	struct smcsim_ta_desc d;
	unsigned int i;
	int rc;

	rc = tb_try_start(&r->tb, &o);
	if (rc)
		goto err;
	d = (struct smcsim_ta_desc){ .uuid = storage_uuid, .name = "storage",
				     .ops = &storage_ops, .priv = r };
	rc = smcsim_sw_register_ta(r->tb.sw, &d);
	if (rc)
		goto err;
	d = (struct smcsim_ta_desc){ .uuid = regulator_uuid,
				     .name = "regulator",
				     .ops = &regulator_ops, .priv = r };
	rc = smcsim_sw_register_ta(r->tb.sw, &d);
	if (rc)
		goto err;
	rc = tee_client_open_context(r->tb.teedev, &r->svc);
	if (rc)
		goto err;
	rc = tee_client_open_context(r->tb.teedev, &r->cli);
	if (rc)
		goto err;
	if (r->proposal) {
		rc = tee_client_request_system_context(r->svc);
		if (rc)
			goto err;
	} else {
		if (open_on(r->svc, &regulator_uuid, &r->reg_sess, &r->f))
			return -1;
		rc = tee_client_system_session(r->svc, r->reg_sess);
		if (rc)
			goto err;
	}
	for (i = 0; i < STORAGE; i++)
		if (open_on(r->cli, &storage_uuid, &r->sess[i], &r->f))
			return -1;
	return 0;
err:
	db_failf(&r->f, "setup: %d", rc);
	return -1;
}

static void sys_scenario(void *arg)
{
	struct sys_run *r = arg;
	struct storage_caller c[STORAGE];
	struct db_thread ts[STORAGE], tr;
	unsigned int i;

	db_fail_reset(&r->f);
	r->regulator_on = false;
	r->reg_ret = UINT32_MAX;
	for (i = 0; i < STORAGE; i++)
		r->ret[i] = UINT32_MAX;
	/* A failed setup leaves the stack for tb_try_stop() to take down. */
	if (sys_setup(r) == 0) {
		for (i = 0; i < STORAGE; i++) {
			c[i] = (struct storage_caller){ .r = r, .i = i };
			db_spawn(&ts[i], "storage", storage_fn, &c[i], &r->f);
		}
		db_spawn(&tr, "regulator", regulator_fn, r, &r->f);
		for (i = 0; i < STORAGE; i++)
			db_join(&ts[i]);
		db_join(&tr);
		for (i = 0; i < STORAGE; i++) {
			if (r->ret[i] != TEE_SUCCESS)
				db_failf(&r->f, "storage call %u: ret 0x%x", i,
					 r->ret[i]);
			if (tee_client_close_session(r->cli, r->sess[i]))
				db_failf(&r->f, "close storage session %u", i);
		}
		if (r->reg_ret != TEE_SUCCESS)
			db_failf(&r->f, "regulator call: ret 0x%x", r->reg_ret);
		if (tee_client_close_session(r->svc, r->reg_sess))
			db_failf(&r->f, "close regulator session");
		tee_client_close_context(r->cli);
		tee_client_close_context(r->svc);
		if (smcsim_sw_reserved_threads(r->tb.sw))
			db_failf(&r->f, "threads left reserved");
	}
	if (r->tb.sw)
		db_stop(&r->tb, &r->f);
}

static const char *sys_check(void *arg)
{
	return db_fail_msg(&((struct sys_run *)arg)->f);
}

static void explore_sys(bool proposal, const char *sched)
{
	static struct sys_run r;
	struct smcsim_explore e = {
		.test = TEST,
		.name = proposal ? "reservation_proposal" :
			"system_session_upstream",
		.scenario = sys_scenario,
		.check = sys_check,
		.arg = &r,
		.seeds = db_seeds(DB_SEEDS),
		.sched = sched,
	};
	struct smcsim_explore_result res;

	memset(&r, 0, sizeof(r));
	r.proposal = proposal;
	res = db_explore(&e);
	if (res.runs > 1)
		assert_true(res.distinct > 1);
}

static void det_system_session_upstream_random(void **state)
{
	(void)state;
	explore_sys(false, "random");
}

static void det_system_session_upstream_pct(void **state)
{
	(void)state;
	explore_sys(false, "pct:3:1500");
}

static void det_system_reservation_proposal_random(void **state)
{
	(void)state;
	explore_sys(true, "random");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_system_session_upstream_random),
		cmocka_unit_test(det_system_session_upstream_pct),
		cmocka_unit_test(det_system_reservation_proposal_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
