// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding calls, one caller: what a world switch to a secure thread and
 * back costs. Four figures:
 *
 *  - yield_driver_echo_add: tee_client_invoke_func() of the echo TA's ADD
 *    through the probed driver (argument from the driver's cache, sent with
 *    CALL_WITH_REGD_ARG, no RPC): one SMC per call;
 *  - yield_raw_echo_add: the same message built by hand in one page of
 *    normal-world DRAM and sent with CALL_WITH_ARG through the invoke hook,
 *    no driver: what the secure side and the hand-off cost alone;
 *  - yield_driver_rpc: the sleep TA's CMD_RPC with OPTEE_RPC_CMD_GET_TIME,
 *    one RPC CMD round trip (the driver serves it in kernel): two SMCs;
 *  - yield_raw_rpc: the same by hand with CALL_WITH_RPC_ARG, the RPC
 *    answered in the benchmark.
 *
 * Beside them, ref_rt_handoff: a bare round trip to another rt thread (one
 * mutex, a condition variable each way, flags), the pattern of the first
 * version's world switch, when each secure thread was a pthread. Now the
 * caller switches into the secure thread's context itself (sw_thread.c),
 * and a yielding call costs a fraction of this hand-off.
 *
 * SMCs per operation are counted from the world's call counter and printed,
 * so a figure that silently took another path would show.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/rt.h>
#include <smcsim/tee_error.h>

#include "bench.h"

#define YIELD_ITERS	2000

/* ---- reference: a bare hand-off to another thread and back --------------- */

/**
 * struct handoff - a server thread that answers one request at a time
 * @lock:	protects every field below
 * @cond_in:	signalled when @in_ready is set or @stop
 * @cond_out:	signalled when @out_ready is set
 * @in_ready:	a request waits for the server
 * @out_ready:	the answer waits for the caller
 * @stop:	the server should leave
 * @value:	request in, answer out
 */
struct handoff {
	struct rt_mutex lock;
	struct rt_cond cond_in;
	struct rt_cond cond_out;
	bool in_ready;
	bool out_ready;
	bool stop;
	unsigned long value;
};

static void *handoff_server(void *p)
{
	struct handoff *h = p;

	rt_mutex_lock(&h->lock);
	for (;;) {
		while (!h->in_ready && !h->stop)
			rt_cond_wait(&h->cond_in, &h->lock);
		if (!h->in_ready)
			break;
		h->in_ready = false;
		h->value++;
		h->out_ready = true;
		rt_cond_signal(&h->cond_out);
	}
	rt_mutex_unlock(&h->lock);
	return NULL;
}

static int handoff_body(void *arg, unsigned long iters)
{
	struct handoff *h = arg;
	unsigned long i;
	int bad = 0;

	rt_mutex_lock(&h->lock);
	for (i = 0; i < iters; i++) {
		h->value = i;
		h->in_ready = true;
		rt_cond_signal(&h->cond_in);
		while (!h->out_ready)
			rt_cond_wait(&h->cond_out, &h->lock);
		h->out_ready = false;
		bad |= h->value != i + 1;
	}
	rt_mutex_unlock(&h->lock);
	return bad ? -1 : 0;
}

static int bench_handoff(double floor_ns)
{
	struct handoff h = { 0 };
	struct rt_thread *th;
	struct bench_stats st;
	int rc;

	rt_mutex_init(&h.lock);
	rt_cond_init(&h.cond_in);
	rt_cond_init(&h.cond_out);
	rc = rt_thread_create(&th, "handoff", handoff_server, &h);
	if (rc)
		goto out;
	rc = bench_measure(handoff_body, NULL, &h, bench_iters(YIELD_ITERS),
			   bench_runs(BENCH_DEFAULT_RUNS), &st);
	rt_mutex_lock(&h.lock);
	h.stop = true;
	rt_cond_signal(&h.cond_in);
	rt_mutex_unlock(&h.lock);
	rt_thread_join(th, NULL);
	if (!rc)
		bench_row("ref_rt_handoff", &st, floor_ns, NULL);
out:
	rt_cond_destroy(&h.cond_out);
	rt_cond_destroy(&h.cond_in);
	rt_mutex_destroy(&h.lock);
	return rc;
}

/* ---- through the driver ------------------------------------------------- */

struct drv_ctx {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t rpc_ret;	/* what CMD_RPC answered at its first call */
	bool rpc_ret_known;
};

static int drv_echo_body(void *arg, unsigned long iters)
{
	struct drv_ctx *d = arg;
	unsigned long i;

	for (i = 0; i < iters; i++)
		if (bench_echo_add(d->ctx, d->session, (uint32_t)i, 7))
			return -1;
	return 0;
}

/*
 * The driver's GET_TIME wants one VALUE_OUTPUT param and the TA sends none,
 * so the answer may be BAD_PARAMETERS: the RPC round trip is what counts.
 * Any answer is accepted as long as it is the same every time.
 */
static int drv_rpc_body(void *arg, unsigned long iters)
{
	struct drv_ctx *d = arg;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		struct tee_ioctl_invoke_arg ia = {
			.func = SMCSIM_TA_SLEEP_CMD_RPC,
			.session = d->session,
			.num_params = 1,
		};
		struct tee_param p = {
			.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
			.u.value = { .a = OPTEE_RPC_CMD_GET_TIME },
		};

		if (tee_client_invoke_func(d->ctx, &ia, &p))
			return -1;
		if (!d->rpc_ret_known) {
			d->rpc_ret = ia.ret;
			d->rpc_ret_known = true;
		}
		if (ia.ret != d->rpc_ret)
			return -1;
	}
	return 0;
}

/* ---- by hand, at the SMC level ----------------------------------------- */

/**
 * struct raw_ctx - a message page and the hook, no driver
 * @inv:	the sim backend
 * @pa:		the page, in non-secure DRAM (page aligned)
 * @arg:	its normal-world mapping
 * @session:	the session opened by hand
 * @rpcs:	RPCs answered so far
 */
struct raw_ctx {
	struct smcsim_invoke inv;
	uint64_t pa;
	struct optee_msg_arg *arg;
	uint32_t session;
	unsigned long rpcs;
};

/*
 * One yielding call of the message at r->pa; an RPC CMD is answered with
 * TEE_SUCCESS in the RPC argument that follows the message. Return: a0.
 */
static unsigned long raw_call(struct raw_ctx *r, bool with_rpc)
{
	struct optee_msg_arg *rpc;
	struct arm_smccc_res res;

	smcsim_invoke_call(&r->inv,
			   with_rpc ? OPTEE_SMC_CALL_WITH_RPC_ARG :
				      OPTEE_SMC_CALL_WITH_ARG,
			   reg_pair_hi(r->pa), reg_pair_lo(r->pa), 0, 0, 0, 0,
			   0, &res);
	while (optee_smc_return_is_rpc(res.a0)) {
		if (res.a0 != OPTEE_SMC_RETURN_RPC_CMD || !with_rpc)
			return res.a0;
		rpc = (struct optee_msg_arg *)((char *)r->arg +
			OPTEE_MSG_GET_ARG_SIZE(r->arg->num_params));
		rpc->ret = TEE_SUCCESS;
		rpc->ret_origin = 0;
		r->rpcs++;
		smcsim_invoke_call(&r->inv, OPTEE_SMC_CALL_RETURN_FROM_RPC,
				   res.a1, res.a2, res.a3, 0, 0, 0, 0, &res);
	}
	return res.a0;
}

static int raw_open(struct raw_ctx *r, const struct smcsim_uuid *uuid)
{
	struct optee_msg_arg *a = r->arg;

	memset(a, 0, OPTEE_MSG_GET_ARG_SIZE(2));
	a->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	a->num_params = 2;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	a->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	smcsim_uuid_to_octets(uuid, a->params[0].u.octets);
	a->params[1].u.value.c = OPTEE_MSG_LOGIN_REE_KERNEL;
	if (raw_call(r, false) != OPTEE_SMC_RETURN_OK || a->ret != TEE_SUCCESS) {
		fprintf(stderr, "bench: raw open session: ret 0x%x\n", a->ret);
		return -EIO;
	}
	r->session = a->session;
	return 0;
}

static void raw_close(struct raw_ctx *r)
{
	struct optee_msg_arg *a = r->arg;

	memset(a, 0, OPTEE_MSG_GET_ARG_SIZE(0));
	a->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	a->session = r->session;
	raw_call(r, false);
}

static int raw_echo_body(void *arg, unsigned long iters)
{
	struct raw_ctx *r = arg;
	struct optee_msg_arg *a = r->arg;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		memset(a, 0, OPTEE_MSG_GET_ARG_SIZE(2));
		a->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
		a->func = SMCSIM_TA_ECHO_CMD_ADD;
		a->session = r->session;
		a->num_params = 2;
		a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		a->params[0].u.value.a = (uint32_t)i;
		a->params[0].u.value.b = 7;
		a->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
		if (raw_call(r, false) != OPTEE_SMC_RETURN_OK ||
		    a->ret != TEE_SUCCESS ||
		    a->params[1].u.value.a != (uint32_t)(i + 7))
			return -1;
	}
	return 0;
}

static int raw_rpc_body(void *arg, unsigned long iters)
{
	struct raw_ctx *r = arg;
	struct optee_msg_arg *a = r->arg;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		/* The message and the RPC argument after it. */
		memset(a, 0, OPTEE_MSG_GET_ARG_SIZE(1) +
			     OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS));
		a->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
		a->func = SMCSIM_TA_SLEEP_CMD_RPC;
		a->session = r->session;
		a->num_params = 1;
		a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		a->params[0].u.value.a = OPTEE_RPC_CMD_GET_TIME;
		if (raw_call(r, true) != OPTEE_SMC_RETURN_OK ||
		    a->ret != TEE_SUCCESS)
			return -1;
	}
	return 0;
}

/* ---- main ----------------------------------------------------------------- */

/* Measure @body and print it with SMCs (and RPCs) per operation. */
static int measure_row(const char *name, struct bench_world *w,
		       bench_body_fn body, void *arg, const unsigned long *rpcs,
		       double floor_ns)
{
	unsigned long iters = bench_iters(YIELD_ITERS);
	unsigned int runs = bench_runs(BENCH_DEFAULT_RUNS);
	uint64_t calls0 = smcsim_sw_calls(w->sw);
	unsigned long rpcs0 = rpcs ? *rpcs : 0;
	double ops = (double)iters * (runs + 1);	/* with the warm-up */
	struct bench_stats st;
	char extra[96];
	int n;

	if (bench_measure(body, NULL, arg, iters, runs, &st)) {
		fprintf(stderr, "bench: %s: a call failed\n", name);
		return -1;
	}
	n = snprintf(extra, sizeof(extra), "  %.2f SMC/op",
		     (double)(smcsim_sw_calls(w->sw) - calls0) / ops);
	if (rpcs)
		snprintf(extra + n, sizeof(extra) - (size_t)n,
			 ", %.2f RPC/op", (double)(*rpcs - rpcs0) / ops);
	bench_row(name, &st, floor_ns, extra);
	return 0;
}

static int bench_driver(double floor_ns)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	static const struct smcsim_uuid sleep = SMCSIM_TA_SLEEP_UUID;
	struct drv_ctx d = { 0 };
	struct bench_world w;
	int rc;

	if (bench_world_create(&w, SMCSIM_SW_DEFAULT_THREADS, true))
		return -1;
	rc = bench_open_session(&w, &echo, &d.ctx, &d.session);
	if (rc)
		goto out;
	rc = measure_row("yield_driver_echo_add", &w, drv_echo_body, &d, NULL,
			 floor_ns);
	bench_close_session(d.ctx, d.session);
	if (rc)
		goto out;

	rc = bench_open_session(&w, &sleep, &d.ctx, &d.session);
	if (rc)
		goto out;
	rc = measure_row("yield_driver_rpc", &w, drv_rpc_body, &d, NULL,
			 floor_ns);
	if (!rc)
		printf("%-30s (CMD_RPC GET_TIME answered 0x%08x)\n", "",
		       d.rpc_ret);
	bench_close_session(d.ctx, d.session);
out:
	bench_world_destroy(&w);
	return rc;
}

static int bench_raw(double floor_ns)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	static const struct smcsim_uuid sleep = SMCSIM_TA_SLEEP_UUID;
	struct raw_ctx r = { 0 };
	struct bench_world w;
	int rc;

	if (bench_world_create(&w, SMCSIM_SW_DEFAULT_THREADS, false))
		return -1;
	r.inv = smcsim_invoke_sim(w.sw);
	rc = smcsim_phys_alloc_pages(w.phys, 1, &r.pa);
	if (rc) {
		fprintf(stderr, "bench: smcsim_phys_alloc_pages: %d\n", rc);
		goto out;
	}
	r.arg = smcsim_phys_map(w.phys, SMCSIM_WORLD_NORMAL, r.pa,
				SMCSIM_PAGE_SIZE);
	if (!r.arg) {
		rc = -EFAULT;
		goto out_free_page;
	}

	rc = raw_open(&r, &echo);
	if (rc)
		goto out_free_page;
	rc = measure_row("yield_raw_echo_add", &w, raw_echo_body, &r,
			 &r.rpcs, floor_ns);
	raw_close(&r);
	if (rc)
		goto out_free_page;

	rc = raw_open(&r, &sleep);
	if (rc)
		goto out_free_page;
	rc = measure_row("yield_raw_rpc", &w, raw_rpc_body, &r, &r.rpcs,
			 floor_ns);
	raw_close(&r);
out_free_page:
	smcsim_phys_free_pages(w.phys, r.pa, 1);
out:
	bench_world_destroy(&w);
	return rc;
}

int main(void)
{
	struct bench_stats floor;

	bench_title("yielding calls, one caller, 2 secure threads");
	bench_floor(&floor);
	bench_row("floor_indirect_call", &floor, floor.median, NULL);
	if (bench_handoff(floor.median) || bench_driver(floor.median) ||
	    bench_raw(floor.median))
		return 1;
	return 0;
}
