// SPDX-License-Identifier: BSD-2-Clause
/*
 * The test stack of testbed.h. Failures go through CMocka's assertions, so
 * a helper that cannot do its job fails the test that called it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testbed.h"

int tb_try_start(struct tb *tb, const struct tb_opts *o)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct smcsim_invoke inv;
	int rc;

	memset(tb, 0, sizeof(*tb));
	smcsim_phys_config_default(&pcfg);
	rc = smcsim_phys_create(&pcfg, &tb->phys);
	if (rc)
		return rc;
	smcsim_sw_config_default(&scfg, o->profile, tb->phys);
	if (o->threads)
		scfg.num_threads = o->threads;
	scfg.async_notif = !o->no_async_notif;
	scfg.static_protmem = o->static_protmem;
	scfg.dynamic_protmem = o->dynamic_protmem;
	scfg.dynamic_shm = !o->no_dynamic_shm;
	rc = smcsim_sw_create(&scfg, &tb->sw);
	if (rc)
		goto err_phys;
	inv = smcsim_invoke_sim(tb->sw);
	if (o->front)
		inv = o->front(o->front_ctx, inv);
	smcsim_trace_init(&tb->trace, inv, NULL);
	tee_class_init(&tb->cls);
	tb->cfg = (struct optee_probe_cfg){
		.invoke = smcsim_trace_invoke(&tb->trace),
		.phys = tb->phys,
		.profile = o->profile,
		.cls = &tb->cls,
		.notif_irq = o->no_irq ? NULL : smcsim_sw_notif_irq(tb->sw),
	};
	if (o->no_probe)
		return 0;
	rc = optee_probe(&tb->cfg, &tb->optee);
	if (rc)
		goto err_sw;
	tb->teedev = optee_client_teedev(tb->optee);
	return 0;

err_sw:
	tee_class_fini(&tb->cls);
	smcsim_trace_fini(&tb->trace);
	smcsim_sw_destroy(tb->sw);
err_phys:
	smcsim_phys_destroy(tb->phys);
	return rc;
}

void tb_start(struct tb *tb, const struct tb_opts *o)
{
	assert_int_equal(tb_try_start(tb, o), 0);
}

static uint32_t tb_remove_fn(void *arg)
{
	optee_remove(arg);
	return 0;
}

void tb_remove(struct tb *tb)
{
	struct tb_job j;

	if (!tb->optee)
		return;
	tb_job_start(&j, "remover", tb_remove_fn, tb->optee);
	tb_job_join(&j, TB_WAIT_MS);
	tb->optee = NULL;
	tb->teedev = NULL;
}

const char *tb_try_stop_left(struct tb *tb, const struct tb_left *left)
{
	static const struct tb_left none;
	const char *msg = NULL;

	if (!left)
		left = &none;
	if (tb->optee) {
		optee_remove(tb->optee);
		tb->optee = NULL;
		tb->teedev = NULL;
	}
	if (tee_class_devices_in_use(&tb->cls))
		msg = "a tee device still in use";
	else if (smcsim_sw_session_count(tb->sw) > left->sessions)
		msg = "secure sessions left open";
	else if (smcsim_sw_shm_count(tb->sw) > left->shms)
		msg = "shared memory left registered";
	else if (!left->lent && smcsim_phys_dram_pages_used(tb->phys))
		msg = "DRAM pages left allocated";
	smcsim_sw_destroy(tb->sw);
	smcsim_trace_fini(&tb->trace);
	tee_class_fini(&tb->cls);
	smcsim_phys_destroy(tb->phys);
	return msg;
}

const char *tb_try_stop(struct tb *tb)
{
	return tb_try_stop_left(tb, NULL);
}

void tb_stop(struct tb *tb)
{
	const char *left;

	tb_remove(tb);
	left = tb_try_stop(tb);
	if (left)
		fail_msg("tb_stop: %s", left);
}

const char *tb_quiet(struct tb *tb, const struct tb_left *left, char *buf,
		     size_t len)
{
	static const struct tb_left none;
	struct optee_notif_info ni;
	struct optee_cq_info cq;
	unsigned int i;

	if (!left)
		left = &none;
	for (i = 0; i < smcsim_sw_num_threads(tb->sw); i++) {
		if (smcsim_sw_thread_state(tb->sw, i) != SMCSIM_SW_THREAD_FREE) {
			snprintf(buf, len, "secure thread %u in state %d", i,
				 smcsim_sw_thread_state(tb->sw, i));
			return buf;
		}
	}
	if (smcsim_sw_session_count(tb->sw) > left->sessions) {
		snprintf(buf, len, "%u secure sessions open",
			 smcsim_sw_session_count(tb->sw));
		return buf;
	}
	if (smcsim_sw_reserved_threads(tb->sw) > left->reserved) {
		snprintf(buf, len, "%u system threads reserved",
			 smcsim_sw_reserved_threads(tb->sw));
		return buf;
	}
	if (smcsim_sw_protmem_lent_count(tb->sw) > left->lent) {
		snprintf(buf, len, "%u protected ranges lent",
			 smcsim_sw_protmem_lent_count(tb->sw));
		return buf;
	}
	if (!tb->optee)
		return NULL;
	optee_get_cq_info(tb->optee, &cq);
	if (cq.waiters || cq.free_thread_count != cq.total_thread_count ||
	    cq.sys_thread_req_count) {
		snprintf(buf, len,
			 "call queue: %u callers, %d of %d threads free, %d system requests",
			 cq.waiters, cq.free_thread_count,
			 cq.total_thread_count, cq.sys_thread_req_count);
		return buf;
	}
	optee_get_notif_info(tb->optee, &ni);
	if (ni.waiters) {
		snprintf(buf, len, "%u notification waiters", ni.waiters);
		return buf;
	}
	return NULL;
}

struct tee_context *tb_open_ctx(struct tb *tb)
{
	struct tee_context *ctx = NULL;

	assert_int_equal(tee_client_open_context(tb->teedev, &ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

uint32_t tb_open_session(struct tee_context *ctx, const struct smcsim_uuid *uuid,
			 uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};

	smcsim_uuid_to_octets(uuid, arg.uuid);
	assert_int_equal(tee_client_open_session(ctx, &arg, NULL), 0);
	*session = arg.session;
	return arg.ret;
}

uint32_t tb_try_invoke_values(struct tee_context *ctx, uint32_t session,
			      uint32_t func, const uint32_t types[4],
			      uint64_t v[4][2], int *rc)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func,
		.session = session,
		.num_params = 4,
	};
	struct tee_param p[4];
	unsigned int i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++) {
		p[i].attr = types[i];
		if (v) {
			p[i].u.value.a = v[i][0];
			p[i].u.value.b = v[i][1];
		}
	}
	*rc = tee_client_invoke_func(ctx, &arg, p);
	if (*rc)
		return UINT32_MAX;
	for (i = 0; v && i < 4; i++) {
		v[i][0] = p[i].u.value.a;
		v[i][1] = p[i].u.value.b;
	}
	return arg.ret;
}

uint32_t tb_invoke_values(struct tee_context *ctx, uint32_t session,
			  uint32_t func, const uint32_t types[4],
			  uint64_t v[4][2])
{
	uint32_t ret;
	int rc;

	ret = tb_try_invoke_values(ctx, session, func, types, v, &rc);
	assert_int_equal(rc, 0);
	return ret;
}

static void *tb_job_main(void *arg)
{
	struct tb_job *j = arg;

	j->ret = j->fn(j->arg);
	rt_complete(&j->done);
	return NULL;
}

void tb_job_start(struct tb_job *j, const char *name, uint32_t (*fn)(void *),
		  void *arg)
{
	j->fn = fn;
	j->arg = arg;
	j->ret = 0;
	rt_completion_init(&j->done);
	assert_int_equal(rt_thread_create(&j->thr, name, tb_job_main, j), 0);
}

bool tb_job_finished(struct tb_job *j)
{
	return rt_completion_done(&j->done);
}

uint32_t tb_job_join(struct tb_job *j, unsigned int ms)
{
	/* On timeout the thread is left running: the test fails anyway. */
	if (rt_wait_for_completion_timeout(&j->done, ms))
		fail_msg("job did not finish within %u ms", ms);
	rt_thread_join(j->thr, NULL);
	rt_completion_destroy(&j->done);
	return j->ret;
}

bool tb_wait_until(bool (*cond)(void *arg), void *arg, unsigned int ms)
{
	uint64_t end = rt_now_ms() + ms;

	while (!cond(arg)) {
		if (rt_now_ms() >= end)
			return cond(arg);
		rt_sleep_ms(1);
	}
	return true;
}

int tb_probe_read(const void *p)
{
	int rc = smcsim_phys_probe_read(p, TB_WAIT_MS);

	if (rc < 0)
		fail_msg("probe child for %p: %d (%s)", p, rc,
			 rc == -ETIMEDOUT ? "did not end in time" :
			 "ended neither reading nor faulting");
	return rc ? TB_PROBE_FAULTED : TB_PROBE_READ_OK;
}
