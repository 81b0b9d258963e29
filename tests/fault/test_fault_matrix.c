/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fault matrix: each scenario (probe and remove, a session on the echo
 * TA over dynamic and over reserved shm, registered shared memory, a notification wait, a system session in
 * both ABI profiles, a protected-memory buffer) runs once through the
 * fault wrapper in count mode, which numbers its SMCs; then, from scratch,
 * once for every (call k, injected answer) cell with that answer at call k.
 *
 * Every cell must end with each API call giving a clear error or success
 * (a success with the right result), no hang (each run, optee_remove()
 * included, is bounded), the stack at rest (tb_quiet(): secure threads
 * FREE, no session, no reservation, nothing lent, the call queue empty
 * with every thread free, no notification waiter), the client device's
 * users back at their value after probe, and then optee_remove() and the
 * world's destruction leaving nothing behind (tb_try_stop_left(): no
 * device, session, registered shm or DRAM page). The calls counted are the
 * scenario's and remove's. Leaks of heap memory are LeakSanitizer's: the
 * asan stage runs this suite.
 *
 * A refused undo: when the injected answer keeps call k from the secure
 * world and, in count mode, that call (with the RPCs that carry it on)
 * closed a session, unregistered shm, gave back a reservation or reclaimed
 * lent memory, the secure world keeps that one thing; no driver can redo
 * it (Linux does not retry either). The cell allows exactly what the
 * count run saw undone there, and checks everything else.
 *
 * Which answers apply to call k (from the count run's trace):
 *  - the error answers (ETHREAD_LIMIT, EBUSY, ENOMEM, EBADADDR, EBADCMD) to
 *    every call but RETURN_FROM_RPC: OP-TEE answers that one by resuming
 *    the thread (or ERESUME for a thread it does not know), and an error
 *    that does not resume it leaves a secure thread suspended for good,
 *    which no driver can undo;
 *  - the RPC storm to the calls that run on a secure thread (a fast call,
 *    or the proposal's RESERVE/UNRESERVE_SYS_THREAD, cannot be suspended);
 *  - corrupting a1..a3 to calls whose real answer is not an RPC request
 *    (whose a3 is the thread id the driver must echo: corrupted, the
 *    thread is lost the same way).
 * ETHREAD_LIMIT is injected once, at call k: the driver waits for a
 * thread and retries, and the retry reaches the secure world.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/abi_names.h>
#include <smcsim/dma_buf.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define FM_NOTIF_KEY		5
#define FM_NOTIF_TIMEOUT_MS	50
#define FM_MAX_CALLS		512

/**
 * struct fm_answer - one injected answer
 * @name:	for the report
 * @spec:	what the wrapper does at call k
 */
struct fm_answer {
	const char *name;
	struct smcsim_fault_spec spec;
};

#define FM_RETURN(code) { \
	.name = #code, \
	.spec = { .action = SMCSIM_FAULT_RETURN, \
		  .res = { OPTEE_SMC_RETURN_##code } }, \
}

static const struct fm_answer fm_answers[] = {
	FM_RETURN(ETHREAD_LIMIT),
	FM_RETURN(EBUSY),
	FM_RETURN(ENOMEM),
	FM_RETURN(EBADADDR),
	FM_RETURN(EBADCMD),
	{
		.name = "storm5",
		.spec = { .action = SMCSIM_FAULT_RPC_STORM, .storm = 5 },
	},
	{
		.name = "corrupt_a1a3",
		.spec = { .action = SMCSIM_FAULT_OVERRIDE, .mask = 0xe,
			  .res = { 0, 0xdead0001UL, 0xdead0002UL,
				   0xdead0003UL } },
	},
};

#define FM_NUM_ANSWERS	(sizeof(fm_answers) / sizeof(fm_answers[0]))

/**
 * struct fm_run - one run of a scenario
 * @tb:		the stack, the fault wrapper in front of the simulator
 * @flt:	the fault wrapper
 * @err:	the first thing that went wrong, "" if none
 * @users0:	the client device's users after probe (0: probed in the run)
 * @base:	the fault wrapper's index of the scenario's first call
 * @sample:	count mode: the secure world's counters before each call
 *		(NULL otherwise)
 */
struct fm_run {
	struct tb tb;
	struct smcsim_fault flt;
	char err[256];
	unsigned int users0;
	uint64_t base;
	struct tb_left *sample;
};

static void fm_fail(struct fm_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fm_fail(struct fm_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

/* A client call's result: 0 or a negative errno, nothing else. */
static bool fm_rc_ok(struct fm_run *r, const char *what, int rc)
{
	if (rc > 0 || rc < -4095)
		fm_fail(r, "%s: result %d is no errno", what, rc);
	return !rc;
}

/* ---- scenarios ------------------------------------------------------------ */

static const struct smcsim_uuid fm_echo_uuid = SMCSIM_TA_ECHO_UUID;
static const struct smcsim_uuid fm_notif_uuid = SMCSIM_TA_NOTIF_UUID;

static int fm_open_session(struct fm_run *r, struct tee_context *ctx,
			   const struct smcsim_uuid *uuid, uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};
	unsigned int before = smcsim_sw_session_count(r->tb.sw);
	int rc;

	smcsim_uuid_to_octets(uuid, arg.uuid);
	rc = tee_client_open_session(ctx, &arg, NULL);
	if (!fm_rc_ok(r, "open session", rc))
		return rc;
	if (arg.ret != TEE_SUCCESS)
		return -EIO;
	/* A success is real: the secure world has the session. */
	if (smcsim_sw_session_count(r->tb.sw) != before + 1)
		fm_fail(r, "open session succeeded, %u secure sessions",
			smcsim_sw_session_count(r->tb.sw));
	*session = arg.session;
	return 0;
}

/* ADD on the echo TA; a success must carry the sum. */
static void fm_invoke_add(struct fm_run *r, struct tee_context *ctx,
			  uint32_t session)
{
	static const uint32_t types[4] = {
		TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT,
		TEE_IOCTL_PARAM_ATTR_TYPE_NONE,
		TEE_IOCTL_PARAM_ATTR_TYPE_NONE,
	};
	uint64_t v[4][2] = { { 40, 2 } };
	uint32_t ret;
	int rc;

	ret = tb_try_invoke_values(ctx, session, SMCSIM_TA_ECHO_CMD_ADD, types,
				   v, &rc);
	if (fm_rc_ok(r, "invoke", rc) && ret == TEE_SUCCESS && v[1][0] != 42)
		fm_fail(r, "invoke succeeded with 40 + 2 = %" PRIu64, v[1][0]);
}

static void fm_close_session(struct fm_run *r, struct tee_context *ctx,
			     uint32_t session)
{
	fm_rc_ok(r, "close session", tee_client_close_session(ctx, session));
}

static struct tee_context *fm_open_ctx(struct fm_run *r)
{
	struct tee_context *ctx = NULL;

	if (!fm_rc_ok(r, "open context",
		      tee_client_open_context(r->tb.teedev, &ctx)))
		return NULL;
	return ctx;
}

static void fm_probe(struct fm_run *r)
{
	struct optee *optee = NULL;
	int rc;

	rc = optee_probe(&r->tb.cfg, &optee);
	if (!fm_rc_ok(r, "probe", rc))
		return;
	if (!optee_client_teedev(optee))
		fm_fail(r, "probe succeeded without a client device");
	/* Probe succeeded: what it set up must come down again. */
	optee_remove(optee);
}

/* FILL on the echo TA into pool memory; a success must have filled it. */
static void fm_invoke_fill(struct fm_run *r, struct tee_context *ctx,
			   uint32_t session)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = SMCSIM_TA_ECHO_CMD_FILL,
		.session = session,
		.num_params = 2,
	};
	struct tee_param p[2];
	struct tee_shm *shm;
	uint8_t *va;
	size_t i;

	if (!fm_rc_ok(r, "alloc shm", tee_shm_alloc_kernel_buf(ctx, 64, &shm)))
		return;
	va = tee_shm_get_va(shm, 0);
	memset(va, 0, 64);
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p[0].u.memref.shm = shm;
	p[0].u.memref.size = 64;
	p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	p[1].u.value.a = 0x30;
	if (fm_rc_ok(r, "invoke fill", tee_client_invoke_func(ctx, &arg, p)) &&
	    arg.ret == TEE_SUCCESS) {
		for (i = 0; i < 64; i++) {
			if (va[i] != (uint8_t)(0x30 + i)) {
				fm_fail(r, "fill succeeded, byte %zu is 0x%x",
					i, va[i]);
				break;
			}
		}
	}
	tee_shm_free(shm);
}

static void fm_session(struct fm_run *r)
{
	struct tee_context *ctx = fm_open_ctx(r);
	uint32_t session;

	if (!ctx)
		return;
	if (!fm_open_session(r, ctx, &fm_echo_uuid, &session)) {
		fm_invoke_add(r, ctx, session);
		fm_invoke_fill(r, ctx, session);
		fm_close_session(r, ctx, session);
	}
	tee_client_close_context(ctx);
}

static void fm_shm(struct fm_run *r)
{
	struct tee_context *ctx = fm_open_ctx(r);
	struct tee_shm *shm = NULL;
	uint64_t pa;
	uint8_t *va;

	if (!ctx)
		return;
	if (smcsim_phys_alloc_pages(r->tb.phys, 2, &pa)) {
		fm_fail(r, "no DRAM for the client's buffer");
		goto out_ctx;
	}
	va = smcsim_phys_map(r->tb.phys, SMCSIM_WORLD_NORMAL, pa,
			     2 * SMCSIM_PAGE_SIZE);
	if (!va) {
		fm_fail(r, "client buffer not mapped");
		goto out_pages;
	}
	/* Not page aligned: the page list carries the offset. */
	if (fm_rc_ok(r, "register shm",
		     tee_shm_register_kernel_buf(ctx, va + 100,
						 SMCSIM_PAGE_SIZE, &shm))) {
		if (!tee_shm_is_dynamic(shm) ||
		    !smcsim_sw_shm_registered(r->tb.sw, shm->sec_world_id))
			fm_fail(r, "register shm succeeded, not registered");
		tee_shm_free(shm);
	}
out_pages:
	smcsim_phys_free_pages(r->tb.phys, pa, 2);
out_ctx:
	tee_client_close_context(ctx);
}

static void fm_notif(struct fm_run *r)
{
	static const uint32_t types[4] = {
		TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
	};
	struct tee_context *ctx = fm_open_ctx(r);
	uint64_t v[4][2] = { { FM_NOTIF_KEY, FM_NOTIF_TIMEOUT_MS } };
	uint32_t session, ret;
	int rc;

	if (!ctx)
		return;
	if (fm_open_session(r, ctx, &fm_notif_uuid, &session))
		goto out_ctx;
	/*
	 * One caller: the send comes first and stays pending in the driver,
	 * the wait then finds it (RPC NOTIFICATION SEND, then WAIT).
	 */
	ret = tb_try_invoke_values(ctx, session, SMCSIM_TA_NOTIF_CMD_SEND,
				   types, v, &rc);
	if (fm_rc_ok(r, "notif send", rc) && ret == TEE_SUCCESS) {
		v[0][0] = FM_NOTIF_KEY;
		v[0][1] = FM_NOTIF_TIMEOUT_MS;
		ret = tb_try_invoke_values(ctx, session,
					   SMCSIM_TA_NOTIF_CMD_WAIT, types, v,
					   &rc);
		fm_rc_ok(r, "notif wait", rc);
	}
	fm_close_session(r, ctx, session);
out_ctx:
	tee_client_close_context(ctx);
}

/* Upstream profile: the merged system session keeps a thread free. */
static void fm_system_session(struct fm_run *r)
{
	struct tee_context *ctx = fm_open_ctx(r);
	uint32_t session;

	if (!ctx)
		return;
	if (!fm_open_session(r, ctx, &fm_echo_uuid, &session)) {
		if (fm_rc_ok(r, "system session",
			     tee_client_system_session(ctx, session)))
			fm_invoke_add(r, ctx, session);
		fm_close_session(r, ctx, session);
	}
	tee_client_close_context(ctx);
}

/* Proposal profile: reserve a system thread, call on it, give it back. */
static void fm_system_context(struct fm_run *r)
{
	struct tee_context *ctx = fm_open_ctx(r);
	uint32_t session;
	int rc;

	if (!ctx)
		return;
	rc = tee_client_request_system_context(ctx);
	if (fm_rc_ok(r, "request system context", rc) &&
	    smcsim_sw_reserved_threads(r->tb.sw) != 1)
		fm_fail(r, "system context granted, %u threads reserved",
			smcsim_sw_reserved_threads(r->tb.sw));
	if (!fm_open_session(r, ctx, &fm_echo_uuid, &session)) {
		fm_invoke_add(r, ctx, session);
		fm_close_session(r, ctx, session);
	}
	if (!rc)
		tee_client_release_system_context(ctx);
	tee_client_close_context(ctx);
}

static void fm_protmem(struct fm_run *r)
{
	struct tee_context *ctx = fm_open_ctx(r);
	struct dma_buf *dmabuf = NULL;
	struct tee_shm *shm = NULL;

	if (!ctx)
		return;
	if (fm_rc_ok(r, "dma-heap alloc",
		     tee_dma_heap_alloc(&r->tb.cls,
					tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
					SMCSIM_PAGE_SIZE, &dmabuf))) {
		if (!smcsim_sw_protmem_lent_count(r->tb.sw))
			fm_fail(r, "alloc succeeded with nothing lent");
		if (fm_rc_ok(r, "register fd",
			     tee_shm_register_fd(ctx, dmabuf, &shm)))
			tee_shm_free(shm);
		dma_buf_put(dmabuf);
	}
	tee_client_close_context(ctx);
}

/**
 * struct fm_scenario - one row of the matrix
 * @name:	for the report
 * @opts:	the stack it runs on
 * @run:	the API calls; probes itself when @opts.no_probe
 */
struct fm_scenario {
	const char *name;
	struct tb_opts opts;
	void (*run)(struct fm_run *r);
};

static const struct fm_scenario fm_scenarios[] = {
	{
		.name = "probe",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_probe = true },
		.run = fm_probe,
	},
	{
		.name = "session",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true },
		.run = fm_session,
	},
	{
		/* Firmware without dynamic shm: arguments by address. */
		.name = "session_reserved_shm",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true, .no_dynamic_shm = true },
		.run = fm_session,
	},
	{
		.name = "shm",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true },
		.run = fm_shm,
	},
	{
		.name = "notif",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true },
		.run = fm_notif,
	},
	{
		.name = "system_session",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true },
		.run = fm_system_session,
	},
	{
		.name = "system_context",
		.opts = { .profile = SMCSIM_ABI_PROPOSAL, .threads = 2,
			  .no_async_notif = true },
		.run = fm_system_context,
	},
	{
		.name = "protmem",
		.opts = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 2,
			  .no_async_notif = true, .dynamic_protmem = true },
		.run = fm_protmem,
	},
};

/* ---- running a cell ------------------------------------------------------- */

static struct smcsim_invoke fm_front(void *arg, struct smcsim_invoke sim)
{
	struct fm_run *r = arg;

	smcsim_fault_init(&r->flt, sim);
	return smcsim_fault_invoke(&r->flt);
}

/**
 * struct fm_cell - what runs on the scenario's thread
 * @r:		the run
 * @s:		the scenario
 * @allow:	secure state it may leave (NULL: none)
 */
struct fm_cell {
	struct fm_run *r;
	const struct fm_scenario *s;
	const struct tb_left *allow;
};

static void fm_sample_now(struct fm_run *r, struct tb_left *t)
{
	t->sessions = smcsim_sw_session_count(r->tb.sw);
	t->shms = smcsim_sw_shm_count(r->tb.sw);
	t->reserved = smcsim_sw_reserved_threads(r->tb.sw);
	t->lent = smcsim_sw_protmem_lent_count(r->tb.sw);
}

/* Count mode's predicate: fires never, samples the secure world's state. */
static bool fm_sample(void *arg, uint64_t index, const unsigned long a[8])
{
	struct fm_run *r = arg;

	if (index >= r->base && index - r->base < FM_MAX_CALLS)
		fm_sample_now(r, &r->sample[index - r->base]);
	return false;
}

/*
 * The scenario, the check that it left the stack at rest, and the driver's
 * removal: all of it in the counted calls, all of it bounded.
 */
static uint32_t fm_cell_fn(void *arg)
{
	struct fm_cell *c = arg;
	struct fm_run *r = c->r;
	const char *busy;
	char buf[160];

	c->s->run(r);
	busy = tb_quiet(&r->tb, c->allow, buf, sizeof(buf));
	if (busy)
		fm_fail(r, "not at rest: %s", busy);
	if (r->users0 && tee_device_num_users(r->tb.teedev) != r->users0)
		fm_fail(r, "client device users %u, %u after probe",
			tee_device_num_users(r->tb.teedev), r->users0);
	if (r->tb.optee) {
		optee_remove(r->tb.optee);
		r->tb.optee = NULL;
		r->tb.teedev = NULL;
	}
	return 0;
}

/**
 * fm_run() - run @s from scratch, with @ans at call @k of its own calls
 * (@ans NULL: count mode); @trace, if not NULL, receives each call's
 * a0 in and a0 out (count mode)
 * Return: the calls the scenario made; @r->err says what went wrong.
 */
static uint64_t fm_run(struct fm_run *r, const struct fm_scenario *s,
		       uint64_t k, const struct fm_answer *ans,
		       const struct tb_left *allow, unsigned long (*trace)[2],
		       struct tb_left *sample)
{
	struct fm_cell c = { .r = r, .s = s, .allow = allow };
	struct tb_opts o = s->opts;
	const char *left;
	char buf[160];
	uint64_t base, n, i;
	size_t t0;
	struct tb_job j;

	memset(r, 0, sizeof(*r));
	r->sample = sample;
	o.front = fm_front;
	o.front_ctx = r;
	if (tb_try_start(&r->tb, &o)) {
		fm_fail(r, "stack set-up failed");
		return 0;
	}
	if (r->tb.teedev)
		r->users0 = tee_device_num_users(r->tb.teedev);
	base = r->base = smcsim_fault_calls(&r->flt);
	t0 = smcsim_trace_count(&r->tb.trace);
	if (ans)
		smcsim_fault_arm_at(&r->flt, base + k, &ans->spec);
	if (sample)
		smcsim_fault_set_pred(&r->flt, fm_sample, r, NULL);

	/* Bounded: a hang fails the test here. */
	tb_job_start(&j, "scenario", fm_cell_fn, &c);
	tb_job_join(&j, TB_WAIT_MS);

	smcsim_fault_disarm(&r->flt);
	n = smcsim_fault_calls(&r->flt) - base;
	if (sample && n < FM_MAX_CALLS)
		fm_sample_now(r, &sample[n]);
	if (ans && smcsim_fault_fired(&r->flt) != 1)
		fm_fail(r, "the fault did not fire");
	if (smcsim_fault_storms_active(&r->flt))
		fm_fail(r, "a storm never ended");
	for (i = 0; trace && i < n && i < FM_MAX_CALLS; i++) {
		struct smcsim_trace_rec rec;

		if (smcsim_trace_get(&r->tb.trace, t0 + i, &rec))
			break;
		trace[i][0] = rec.in[0];
		trace[i][1] = rec.out[0];
	}
	/* Removed: the secure world at rest still. */
	left = tb_quiet(&r->tb, allow, buf, sizeof(buf));
	if (left)
		fm_fail(r, "after remove: %s", left);
	left = tb_try_stop_left(&r->tb, allow);
	if (left)
		fm_fail(r, "after remove: %s", left);
	smcsim_fault_fini(&r->flt);
	return n;
}

/* Does @a0 run on a secure thread, which an interrupt can suspend? */
static bool fm_runs_on_thread(unsigned long a0)
{
	switch (a0) {
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
	case OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG:
	case OPTEE_SMC_CALL_RETURN_FROM_RPC:
		return true;
	default:
		return false;
	}
}

/* Does @ans apply to a call that sent @a0 and got @ret in count mode? */
static bool fm_applies(const struct fm_answer *ans, unsigned long a0,
		       unsigned long ret)
{
	switch (ans->spec.action) {
	case SMCSIM_FAULT_RETURN:
		return a0 != OPTEE_SMC_CALL_RETURN_FROM_RPC;
	case SMCSIM_FAULT_RPC_STORM:
		return fm_runs_on_thread(a0);
	case SMCSIM_FAULT_OVERRIDE:
		return !optee_smc_return_is_rpc(ret);
	default:
		return false;
	}
}

static unsigned int fm_drop(unsigned int before, unsigned int after)
{
	return before > after ? before - after : 0;
}

/*
 * What the firmware may keep when it refuses call @k: whatever the call and
 * the RPCs that carry it on (k..m-1) undid in count mode, a close or an
 * unregister the normal world cannot redo. Only an answer that does not
 * reach the secure world refuses; ETHREAD_LIMIT is retried, but only by
 * the call queue (not RESERVE/UNRESERVE_SYS_THREAD, made outside it).
 */
static void fm_allow(const struct fm_answer *ans, uint64_t k, uint64_t n,
		     unsigned long (*trace)[2], const struct tb_left *sample,
		     struct tb_left *allow)
{
	uint64_t m = k + 1;

	memset(allow, 0, sizeof(*allow));
	if (ans->spec.action != SMCSIM_FAULT_RETURN ||
	    (ans->spec.res.a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT &&
	     fm_runs_on_thread(trace[k][0])))
		return;
	while (m < n && trace[m][0] == OPTEE_SMC_CALL_RETURN_FROM_RPC)
		m++;
	allow->sessions = fm_drop(sample[k].sessions, sample[m].sessions);
	allow->shms = fm_drop(sample[k].shms, sample[m].shms);
	allow->reserved = fm_drop(sample[k].reserved, sample[m].reserved);
	allow->lent = fm_drop(sample[k].lent, sample[m].lent);
}

/*
 * FM_CELL=scenario:call:answer runs that cell alone (to debug one); any
 * field may be "*".
 */
static bool fm_selected(const struct fm_scenario *s, uint64_t k,
			const struct fm_answer *ans)
{
	const char *sel = getenv("FM_CELL");
	char want[96];

	if (!sel)
		return true;
	snprintf(want, sizeof(want), "%s:%" PRIu64 ":%s", s->name, k,
		 ans->name);
	return !fnmatch(sel, want, 0);
}

static unsigned long fm_total_cells;
static unsigned long fm_total_calls;

static void fm_matrix(const struct fm_scenario *s)
{
	static unsigned long trace[FM_MAX_CALLS][2];
	static struct tb_left sample[FM_MAX_CALLS + 1];
	unsigned long cells = 0, skipped = 0, failed = 0, refused = 0;
	struct tb_left allow;
	struct fm_run *r = calloc(1, sizeof(*r));
	uint64_t n, k, again;
	unsigned int a;

	assert_non_null(r);
	n = fm_run(r, s, 0, NULL, NULL, trace, sample);
	if (r->err[0])
		fail_msg("%s: count run: %s", s->name, r->err);
	assert_in_range(n, 1, FM_MAX_CALLS);
	/* The calls are numbered the same way every time. */
	again = fm_run(r, s, 0, NULL, NULL, NULL, NULL);
	assert_int_equal(again, n);

	for (k = 0; k < n; k++) {
		for (a = 0; a < FM_NUM_ANSWERS; a++) {
			const struct fm_answer *ans = &fm_answers[a];

			if (!fm_selected(s, k, ans))
				continue;
			if (!fm_applies(ans, trace[k][0], trace[k][1])) {
				skipped++;
				continue;
			}
			if (getenv("FM_VERBOSE"))
				fprintf(stderr, "%s %" PRIu64 " %s\n", s->name,
					k, ans->name);
			fm_allow(ans, k, n, trace, sample, &allow);
			if (allow.sessions || allow.shms || allow.reserved ||
			    allow.lent)
				refused++;
			fm_run(r, s, k, ans, &allow, NULL, NULL);
			cells++;
			if (r->err[0]) {
				char name[48];

				failed++;
				print_error("fault matrix: %s call %" PRIu64
					    " (%s) answer %s: %s\n", s->name, k,
					    smcsim_smc_name(trace[k][0], name,
							    sizeof(name)),
					    ans->name, r->err);
			}
		}
	}
	printf("fault matrix: %s %" PRIu64 " calls x %zu answers = %" PRIu64
	       " cells, %lu run (%lu not applicable; %lu refused an undo), %lu failed\n",
	       s->name, n, FM_NUM_ANSWERS, n * FM_NUM_ANSWERS, cells, skipped,
	       refused, failed);
	fm_total_cells += cells;
	fm_total_calls += n;
	free(r);
	assert_int_equal(failed, 0);
}

#define FM_TEST(idx, fn)						\
	static void fn(void **state)					\
	{								\
		(void)state;						\
		fm_matrix(&fm_scenarios[idx]);				\
	}

FM_TEST(0, fault_matrix_probe)
FM_TEST(1, fault_matrix_session)
FM_TEST(2, fault_matrix_session_reserved_shm)
FM_TEST(3, fault_matrix_shm)
FM_TEST(4, fault_matrix_notif)
FM_TEST(5, fault_matrix_system_session)
FM_TEST(6, fault_matrix_system_context)
FM_TEST(7, fault_matrix_protmem)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fault_matrix_probe),
		cmocka_unit_test(fault_matrix_session),
		cmocka_unit_test(fault_matrix_session_reserved_shm),
		cmocka_unit_test(fault_matrix_shm),
		cmocka_unit_test(fault_matrix_notif),
		cmocka_unit_test(fault_matrix_system_session),
		cmocka_unit_test(fault_matrix_system_context),
		cmocka_unit_test(fault_matrix_protmem),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	printf("fault matrix: total %lu calls, %lu cells run\n", fm_total_calls,
	       fm_total_cells);
	return rc;
}
