// SPDX-License-Identifier: BSD-2-Clause
/*
 * End-to-end tests of TA sessions through the whole stack: optee_probe() on
 * a simulated secure world (smcsim_invoke_sim, with a trace wrapper and,
 * where a test needs it, a script or a hook in front), then the TEE client
 * API. They cover open/invoke/close of the built-in TAs with value and
 * memref params (dynamic shm registered by page list and sent as RMEM,
 * caller memory registered the same way, the reserved pool sent as TMEM by
 * PA, NULL memrefs), shared memory beyond 2 MiB, more callers than secure
 * threads with and without GET_THREAD_COUNT, forged RETURN_FROM_RPC, a
 * FOREIGN_INTR storm, the context and device life cycle of seed 000
 * (sessions closed only at release, unregister waiting for clients), shm
 * ids per context, a panicking TA and the driver's refusals. Every wait on
 * another thread is bounded, so a hang fails the test instead of stalling.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>

#define WAIT_MS		10000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Calls an e2e trace keeps: all of any test here (the storm makes 10,000+). */
#define E2E_TRACE_RECS	(1U << 15)

#define P_NONE		TEE_IOCTL_PARAM_ATTR_TYPE_NONE
#define P_VAL_IN	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define P_VAL_OUT	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define P_VAL_INOUT	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define P_MEM_IN	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT
#define P_MEM_OUT	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT

static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;
static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;
static const struct smcsim_uuid panic_uuid = SMCSIM_TA_PANIC_UUID;

/* ---- a hook in the call path -------------------------------------------- */

struct hook;
typedef void (*hook_fn)(struct hook *h, const unsigned long in[8],
			struct arm_smccc_res *res);

/**
 * struct hook - sees every call and its answer before the driver does
 * @inner:	the backend that answers
 * @fn:		if set, called with the registers in and the answer
 * @priv:	for @fn
 */
struct hook {
	struct smcsim_invoke inner;
	hook_fn fn;
	void *priv;
};

static void hook_invoke(void *ctx, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5, unsigned long a6, unsigned long a7,
			struct arm_smccc_res *res)
{
	const unsigned long in[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
	struct hook *h = ctx;

	smcsim_invoke_call(&h->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
	if (h->fn)
		h->fn(h, in, res);
}

/* ---- a whole stack: memory map, firmware, driver ------------------------- */

/**
 * struct e2e_opts - how to build the stack
 * @threads:		secure threads, 0 = OP-TEE's default (2)
 * @no_dynamic_shm:	the firmware offers only the reserved region
 * @hide_thread_count:	GET_THREAD_COUNT answers UNKNOWN_FUNCTION
 */
struct e2e_opts {
	unsigned int threads;
	bool no_dynamic_shm;
	bool hide_thread_count;
};

/**
 * struct e2e - one normal world on one simulated secure world
 * @removing:	a remover was started (teardown must not remove again)
 * @busy:	threads of the test that use the stack, not yet joined
 *
 * The call path is trace -> hook -> script (if any) -> simulator.
 */
struct e2e {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct smcsim_script script;
	bool scripted;
	struct hook hook;
	struct smcsim_trace trace;
	struct tee_class cls;
	struct optee *optee;
	struct tee_device *teedev;
	bool removing;
	unsigned int busy;
};

static const struct smcsim_script_step hide_thread_count_steps[] = {
	{ .a0 = OPTEE_SMC_GET_THREAD_COUNT,
	  .res = { .a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION } },
};

static void e2e_start(struct e2e *e, const struct e2e_opts *o)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct optee_probe_cfg cfg;
	struct smcsim_invoke inv;

	memset(e, 0, sizeof(*e));
	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_create(&pcfg, &e->phys), 0);
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_UPSTREAM, e->phys);
	if (o->threads)
		scfg.num_threads = o->threads;
	scfg.dynamic_shm = !o->no_dynamic_shm;
	assert_int_equal(smcsim_sw_create(&scfg, &e->sw), 0);
	inv = smcsim_invoke_sim(e->sw);
	if (o->hide_thread_count) {
		smcsim_script_init(&e->script, hide_thread_count_steps,
				   ARRAY_SIZE(hide_thread_count_steps), &inv);
		e->scripted = true;
		inv = smcsim_script_invoke(&e->script);
	}
	e->hook.inner = inv;
	inv = (struct smcsim_invoke){ .fn = hook_invoke, .ctx = &e->hook };
	/* Every call of a test is counted, a storm's 5000 and more too. */
	smcsim_trace_init_ring(&e->trace, inv, NULL, E2E_TRACE_RECS);
	tee_class_init(&e->cls);
	cfg = (struct optee_probe_cfg){
		.invoke = smcsim_trace_invoke(&e->trace),
		.phys = e->phys,
		.profile = SMCSIM_ABI_UPSTREAM,
		.cls = &e->cls,
		.notif_irq = smcsim_sw_notif_irq(e->sw),
	};
	assert_int_equal(optee_probe(&cfg, &e->optee), 0);
	e->teedev = optee_client_teedev(e->optee);
	if (o->hide_thread_count)
		assert_true(smcsim_script_done(&e->script));
}

/**
 * struct remover - optee_remove() on another thread
 * @e:		the stack whose driver it removes
 * @done:	completed when it returned
 * @thr:	the thread
 */
struct remover {
	struct e2e *e;
	struct rt_completion done;
	struct rt_thread *thr;
};

static void *remover_main(void *arg)
{
	struct remover *r = arg;

	optee_remove(r->e->optee);
	rt_complete(&r->done);
	return NULL;
}

static struct remover *remover_start(struct e2e *e)
{
	struct remover *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->e = e;
	e->removing = true;
	e->busy++;
	rt_completion_init(&r->done);
	assert_int_equal(rt_thread_create(&r->thr, "remover", remover_main, r),
			 0);
	return r;
}

/*
 * Wait for the remover. If it does not return (a client left open by a
 * failed test) the test fails and the remover and its stack are leaked,
 * never freed under it.
 */
static void remover_finish(struct remover *r)
{
	if (rt_wait_for_completion_timeout(&r->done, WAIT_MS))
		fail_msg("optee_remove did not return within %d ms", WAIT_MS);
	rt_thread_join(r->thr, NULL);
	rt_completion_destroy(&r->done);
	r->e->busy--;
	free(r);
}

/* Remove the driver (unless a test did) and check nothing was left behind. */
static void e2e_stop(struct e2e *e)
{
	if (!e->removing)
		remover_finish(remover_start(e));
	assert_int_equal(tee_class_devices_in_use(&e->cls), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	assert_int_equal(smcsim_sw_shm_count(e->sw), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(e->phys), 0);
	smcsim_sw_destroy(e->sw);
	smcsim_trace_fini(&e->trace);
	if (e->scripted)
		smcsim_script_fini(&e->script);
	tee_class_fini(&e->cls);
	smcsim_phys_destroy(e->phys);
}

/*
 * Fixtures. The stack lives on the heap: a test that fails while another
 * thread still uses it leaks it rather than freeing it under that thread.
 */
static int e2e_setup_opts(void **state, const struct e2e_opts *o)
{
	struct e2e *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e2e_start(e, o);
	*state = e;
	return 0;
}

static int setup_default(void **state)
{
	const struct e2e_opts o = { 0 };

	return e2e_setup_opts(state, &o);
}

static int setup_reserved(void **state)
{
	const struct e2e_opts o = { .no_dynamic_shm = true };

	return e2e_setup_opts(state, &o);
}

static int teardown(void **state)
{
	struct e2e *e = *state;

	/* A thread that never returned still uses the stack: leak it. */
	if (e->busy)
		fail_msg("%u threads still use the stack", e->busy);
	e2e_stop(e);
	free(e);
	return 0;
}

/* ---- client helpers ------------------------------------------------------ */

static struct tee_context *open_ctx(struct e2e *e)
{
	struct tee_context *ctx = NULL;

	assert_int_equal(tee_client_open_context(e->teedev, &ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

/* Open a session; Return: the TEE's ret (rc must be 0). */
static uint32_t try_open(struct tee_context *ctx, const struct smcsim_uuid *u,
			 uint32_t *session, uint32_t *origin)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};

	smcsim_uuid_to_octets(u, arg.uuid);
	assert_int_equal(tee_client_open_session(ctx, &arg, NULL), 0);
	*session = arg.session;
	if (origin)
		*origin = arg.ret_origin;
	return arg.ret;
}

static uint32_t open_ok(struct tee_context *ctx, const struct smcsim_uuid *u)
{
	uint32_t session, origin;

	assert_int_equal(try_open(ctx, u, &session, &origin), TEE_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	return session;
}

/* Invoke @func; Return: the TEE's ret (rc must be 0). */
static uint32_t invoke(struct tee_context *ctx, uint32_t session,
		       uint32_t func, struct tee_param *p, uint32_t n,
		       uint32_t *origin)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func,
		.session = session,
		.num_params = n,
	};

	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), 0);
	if (origin)
		*origin = arg.ret_origin;
	return arg.ret;
}

static struct tee_param memref(uint64_t attr, struct tee_shm *shm,
			       size_t offs, size_t size)
{
	return (struct tee_param){
		.attr = attr,
		.u.memref = { .shm_offs = offs, .size = size, .shm = shm },
	};
}

static struct tee_param value(uint64_t attr, uint64_t a, uint64_t b)
{
	return (struct tee_param){
		.attr = attr,
		.u.value = { .a = a, .b = b },
	};
}

/* ECHO: @len bytes of @in at @in_offs to @out at @out_offs. */
static uint32_t echo(struct tee_context *ctx, uint32_t session,
		     struct tee_shm *in, size_t in_offs, size_t len,
		     struct tee_shm *out, size_t out_offs, size_t out_len,
		     struct tee_param p[3])
{
	p[0] = memref(P_MEM_IN, in, in_offs, len);
	p[1] = memref(P_MEM_OUT, out, out_offs, out_len);
	p[2] = value(P_VAL_OUT, 0xdead, 0xdead);
	return invoke(ctx, session, SMCSIM_TA_ECHO_CMD_ECHO, p, 3, NULL);
}

/* FILL @len bytes at @offs of @shm with @seed + i. */
static void ta_fill(struct tee_context *ctx, uint32_t session,
		    struct tee_shm *shm, size_t offs, size_t len, uint32_t seed)
{
	struct tee_param p[2] = {
		memref(P_MEM_OUT, shm, offs, len),
		value(P_VAL_IN, seed, 0),
	};

	assert_int_equal(invoke(ctx, session, SMCSIM_TA_ECHO_CMD_FILL, p, 2,
				NULL), TEE_SUCCESS);
	assert_int_equal(p[0].u.memref.size, len);
}

/*
 * CHECK @len bytes at @offs of @shm against @seed + i.
 * Return: the mismatch count, *@first the index of the first.
 */
static uint32_t ta_check(struct tee_context *ctx, uint32_t session,
			 struct tee_shm *shm, size_t offs, size_t len,
			 uint32_t seed, uint32_t *first)
{
	struct tee_param p[3] = {
		memref(P_MEM_IN, shm, offs, len),
		value(P_VAL_IN, seed, 0),
		value(P_VAL_OUT, 0, 0),
	};

	assert_int_equal(invoke(ctx, session, SMCSIM_TA_ECHO_CMD_CHECK, p, 3,
				NULL), TEE_SUCCESS);
	if (first)
		*first = (uint32_t)p[2].u.value.b;
	return (uint32_t)p[2].u.value.a;
}

/* Normal-world DRAM pages, mapped: what a kernel client owns. */
static uint8_t *dram_pages(struct e2e *e, size_t npages, uint64_t *pa)
{
	uint8_t *va;

	assert_int_equal(smcsim_phys_alloc_pages(e->phys, npages, pa), 0);
	va = smcsim_phys_map(e->phys, SMCSIM_WORLD_NORMAL, *pa,
			     npages * SMCSIM_PAGE_SIZE);
	assert_non_null(va);
	return va;
}

static size_t count_trace(struct e2e *e, unsigned long out_a0)
{
	struct smcsim_trace_rec rec;
	size_t i, n = 0;

	/* A count of every call: none may have left the ring. */
	assert_int_equal(smcsim_trace_first(&e->trace), 0);
	for (i = 0; i < smcsim_trace_count(&e->trace); i++) {
		assert_int_equal(smcsim_trace_get(&e->trace, i, &rec), 0);
		if ((uint32_t)rec.out[0] == (uint32_t)out_a0)
			n++;
	}
	return n;
}

/* ---- echo TA: values and memrefs ----------------------------------------- */

static void e2e_session_echo_values(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_param p[2];
	uint32_t sess, origin;

	sess = open_ok(ctx, &echo_uuid);
	assert_int_equal(smcsim_sw_session_count(e->sw), 1);

	p[0] = value(P_VAL_IN, 40, 2);
	p[1] = value(P_VAL_OUT, 7, 7);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_ADD, p, 2,
				&origin), TEE_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(p[1].u.value.a, 42);
	assert_int_equal(p[1].u.value.b, 0);
	/* Inputs do not come back changed. */
	assert_int_equal(p[0].u.value.a, 40);

	p[0] = value(P_VAL_INOUT, 0xFFFFFFFFU, 9);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_INC_VALUE, p, 1,
				NULL), TEE_SUCCESS);
	/* The TA sees 32-bit values: a wraps. */
	assert_int_equal(p[0].u.value.a, 0);
	assert_int_equal(p[0].u.value.b, 10);

	/* Wrong parameter types: the TA refuses, the session lives on. */
	p[0] = value(P_VAL_IN, 1, 1);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_ADD, p, 1,
				&origin), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(invoke(ctx, sess, 99, NULL, 0, NULL),
			 TEE_ERROR_NOT_SUPPORTED);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	tee_client_close_context(ctx);
}

/* Pool memory of a dynamic world: registered by page list, sent as RMEM. */
static void e2e_session_echo_memref_kernel_buf(void **state)
{
	static const char msg[] = "through the whole stack";
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_shm *in, *out;
	struct tee_param p[3];
	unsigned int shms;
	uint32_t sess;

	sess = open_ok(ctx, &echo_uuid);
	shms = smcsim_sw_shm_count(e->sw);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 100, &in), 0);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 3 * SMCSIM_PAGE_SIZE,
						  &out), 0);
	assert_true(tee_shm_is_dynamic(in));
	assert_true(tee_shm_is_dynamic(out));
	assert_int_equal(in->id, -1);
	/* Both known to the secure world by their cookies. */
	assert_int_equal(smcsim_sw_shm_count(e->sw), shms + 2);
	assert_true(smcsim_sw_shm_registered(e->sw, in->sec_world_id));
	assert_true(smcsim_sw_shm_registered(e->sw, out->sec_world_id));

	memcpy(tee_shm_get_va(in, 0), msg, sizeof(msg));
	memset(tee_shm_get_va(out, 0), 0x5a, out->size);
	/* Into the middle of the second page, across into the third. */
	assert_int_equal(echo(ctx, sess, in, 0, sizeof(msg), out,
			      2 * SMCSIM_PAGE_SIZE - 10, 64, p), TEE_SUCCESS);
	assert_int_equal(p[1].u.memref.size, sizeof(msg));
	assert_int_equal(p[2].u.value.a, sizeof(msg));
	assert_memory_equal(tee_shm_get_va(out, 2 * SMCSIM_PAGE_SIZE - 10),
			    msg, sizeof(msg));
	/* Nothing outside what was echoed changed. */
	assert_int_equal(*(uint8_t *)tee_shm_get_va(out,
						    2 * SMCSIM_PAGE_SIZE - 11),
			 0x5a);
	assert_int_equal(*(uint8_t *)tee_shm_get_va(out,
				2 * SMCSIM_PAGE_SIZE - 10 + sizeof(msg)), 0x5a);

	/* An output too small: SHORT_BUFFER with the size needed, no write. */
	assert_int_equal(echo(ctx, sess, in, 0, sizeof(msg), out, 0, 5, p),
			 TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(p[1].u.memref.size, sizeof(msg));
	assert_int_equal(*(uint8_t *)tee_shm_get_va(out, 0), 0x5a);

	tee_shm_free(in);
	tee_shm_free(out);
	/* Freeing unregisters. */
	assert_int_equal(smcsim_sw_shm_count(e->sw), shms);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* A TA that writes only the first two bytes of its output memref. */
static uint32_t partial_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t pt, union smcsim_ta_param p[4])
{
	uint8_t *b = p[0].memref.buffer;

	(void)s;
	(void)cmd;
	if (SMCSIM_TA_PARAM_TYPE_GET(pt, 0) != SMCSIM_TA_PARAM_MEMREF_OUTPUT ||
	    p[0].memref.size < 2)
		return TEE_ERROR_BAD_PARAMETERS;
	b[0] = 0x11;
	b[1] = 0x22;
	return TEE_SUCCESS;
}

static const struct smcsim_ta_ops partial_ops = { .invoke = partial_invoke };

/*
 * In OP-TEE a TA works on the caller's memory itself, so bytes of an
 * output buffer it does not write keep what the caller had there; the
 * simulator's private copy must not turn them into zeros.
 */
static void e2e_session_output_memref_unwritten_bytes_kept(void **state)
{
	static const struct smcsim_ta_desc desc = {
		.uuid = { 0x534d4353, 0x7e57, 0x4000,
			  { 0x80, 0x00, 0x70, 0x61, 0x72, 0x74, 0x69, 0x6c } },
		.name = "partial",
		.ops = &partial_ops,
	};
	struct e2e *e = *state;
	struct tee_ioctl_invoke_arg arg = { .num_params = 1 };
	struct tee_context *ctx;
	struct tee_param p;
	struct tee_shm *out;
	uint8_t *va;
	size_t i;

	assert_int_equal(smcsim_sw_register_ta(e->sw, &desc), 0);
	ctx = open_ctx(e);
	arg.session = open_ok(ctx, &desc.uuid);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 64, &out), 0);
	va = tee_shm_get_va(out, 0);
	memset(va, 0x5a, 64);
	p = (struct tee_param){ .attr = P_MEM_OUT };
	p.u.memref.shm = out;
	p.u.memref.shm_offs = 8;
	p.u.memref.size = 32;
	assert_int_equal(tee_client_invoke_func(ctx, &arg, &p), 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(p.u.memref.size, 32);
	assert_int_equal(va[8], 0x11);
	assert_int_equal(va[9], 0x22);
	for (i = 0; i < 64; i++)
		if (i != 8 && i != 9)
			assert_int_equal(va[i], 0x5a);
	tee_shm_free(out);
	assert_int_equal(tee_client_close_session(ctx, arg.session), 0);
	tee_client_close_context(ctx);
}

/* Memory the client owns, registered with tee_shm_register_kernel_buf. */
static void e2e_session_echo_memref_registered(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_shm *in, *out;
	struct tee_param p[3];
	uint64_t pa_in, pa_out, cookie;
	uint8_t *in_va, *out_va;
	uint32_t sess;
	size_t i, len = SMCSIM_PAGE_SIZE + 300;

	sess = open_ok(ctx, &echo_uuid);
	in_va = dram_pages(e, 3, &pa_in);
	out_va = dram_pages(e, 2, &pa_out);
	/* Not page aligned: the page list carries the offset. */
	for (i = 0; i < len; i++)
		in_va[100 + i] = (uint8_t)(i * 7 + 1);
	memset(out_va, 0, 2 * SMCSIM_PAGE_SIZE);
	assert_int_equal(tee_shm_register_kernel_buf(ctx, in_va + 100, len,
						     &in), 0);
	assert_int_equal(tee_shm_register_kernel_buf(ctx, out_va + 7,
						     len + 8, &out), 0);
	assert_true(tee_shm_is_dynamic(in));
	assert_int_equal(in->num_pages, 2);
	assert_int_equal(in->paddr, pa_in + 100);
	assert_true(smcsim_sw_shm_registered(e->sw, in->sec_world_id));

	assert_int_equal(echo(ctx, sess, in, 0, len, out, 1, len + 7, p),
			 TEE_SUCCESS);
	assert_int_equal(p[1].u.memref.size, len);
	assert_int_equal(p[2].u.value.a, len);
	assert_memory_equal(out_va + 8, in_va + 100, len);
	assert_int_equal(out_va[7], 0);
	assert_int_equal(out_va[8 + len], 0);

	/* Offsets into a registered buffer count from its first byte. */
	assert_int_equal(echo(ctx, sess, in, len - 10, 10, out, 0, 10, p),
			 TEE_SUCCESS);
	assert_memory_equal(out_va + 7, in_va + 100 + len - 10, 10);

	cookie = in->sec_world_id;
	tee_shm_free(in);
	tee_shm_free(out);
	/* Unregistered; the pages are the client's again. */
	assert_false(smcsim_sw_shm_registered(e->sw, cookie));
	assert_int_equal(smcsim_phys_free_pages(e->phys, pa_in, 3), 0);
	assert_int_equal(smcsim_phys_free_pages(e->phys, pa_out, 2), 0);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* Without dynamic shm: the reserved pool, memrefs by PA (TMEM). */
static void e2e_session_echo_reserved_pool(void **state)
{
	static const char msg[] = "by physical address";
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_shm *in, *out, *reg;
	struct optee_info info;
	struct tee_param p[3];
	uint64_t pa, base, calls;
	uint8_t *va;
	uint32_t sess;

	optee_get_info(e->optee, &info);
	assert_false(info.dynamic_shm);
	base = info.shm_base;
	sess = open_ok(ctx, &echo_uuid);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 64, &in), 0);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 64, &out), 0);
	assert_false(tee_shm_is_dynamic(in));
	assert_true(in->paddr >= base && in->paddr < base + info.shm_size);
	assert_int_equal(smcsim_sw_shm_count(e->sw), 0);

	memcpy(tee_shm_get_va(in, 0), msg, sizeof(msg));
	assert_int_equal(echo(ctx, sess, in, 0, sizeof(msg), out, 8, 32, p),
			 TEE_SUCCESS);
	assert_int_equal(p[1].u.memref.size, sizeof(msg));
	assert_memory_equal(tee_shm_get_va(out, 8), msg, sizeof(msg));

	/* Large, in the reserved region too. */
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 5 * SMCSIM_PAGE_SIZE + 1,
						  &reg), 0);
	ta_fill(ctx, sess, reg, 3, reg->size - 3, 0x40);
	assert_int_equal(ta_check(ctx, sess, reg, 3, reg->size - 3, 0x40,
				  NULL), 0);
	assert_int_equal(((uint8_t *)tee_shm_get_va(reg, 3))[1000],
			 (uint8_t)(0x40 + 1000));
	tee_shm_free(reg);

	/*
	 * The firmware cannot register memory: registering caller memory
	 * fails cleanly and nothing stays registered or pinned.
	 */
	va = dram_pages(e, 1, &pa);
	calls = smcsim_sw_calls(e->sw);
	assert_true(tee_shm_register_kernel_buf(ctx, va, 64, &reg) < 0);
	assert_true(smcsim_sw_calls(e->sw) > calls);
	assert_int_equal(smcsim_sw_shm_count(e->sw), 0);
	assert_int_equal(smcsim_phys_free_pages(e->phys, pa, 1), 0);

	tee_shm_free(in);
	tee_shm_free(out);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* A NULL memref (shm NULL, size 0) as ECHO's output asks for the size. */
static void check_null_memref(struct e2e *e)
{
	struct tee_context *ctx = open_ctx(e);
	struct tee_param p[3];
	struct tee_shm *in;
	uint32_t sess, origin;

	assert_true(ctx->cap_memref_null);
	sess = open_ok(ctx, &echo_uuid);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 300, &in), 0);
	p[0] = memref(P_MEM_IN, in, 0, 123);
	p[1] = memref(P_MEM_OUT, NULL, 0, 0);
	p[2] = value(P_VAL_OUT, 0, 0);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_ECHO, p, 3,
				&origin), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(p[1].u.memref.size, 123);
	assert_null(p[1].u.memref.shm);
	assert_int_equal(p[2].u.value.a, 123);

	/* A NULL input of size 0 echoes nothing into a real output. */
	p[0] = memref(P_MEM_IN, NULL, 0, 0);
	p[1] = memref(P_MEM_OUT, in, 0, 300);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_ECHO, p, 3,
				NULL), TEE_SUCCESS);
	assert_int_equal(p[1].u.memref.size, 0);
	assert_int_equal(p[2].u.value.a, 0);

	tee_shm_free(in);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

static void e2e_session_null_memref_short_buffer(void **state)
{
	check_null_memref(*state);
}

/* ---- beyond 2 MiB -------------------------------------------------------- */

/* 2 MiB + 3 pages: 515 entries, more than one list page (511) holds. */
#define BIG_PAGES	(2 * 1024 * 1024 / SMCSIM_PAGE_SIZE + 3)
#define BIG_SIZE	(BIG_PAGES * SMCSIM_PAGE_SIZE)

static void check_big_shm(struct tee_context *ctx, uint32_t sess,
			  struct tee_shm *shm, uint8_t *va, size_t len)
{
	uint32_t first;
	size_t i, bad = 0;

	memset(va, 0xEE, len);
	ta_fill(ctx, sess, shm, 0, len, 0x11);
	for (i = 0; i < len; i++)
		bad += va[i] != (uint8_t)(0x11 + i);
	assert_int_equal(bad, 0);
	assert_int_equal(ta_check(ctx, sess, shm, 0, len, 0x11, &first), 0);
	assert_int_equal(first, UINT32_MAX);

	/* Bytes changed by the normal world are seen, in the last pages too. */
	va[1] ^= 1;
	va[len - SMCSIM_PAGE_SIZE] ^= 1;
	va[len - 1] ^= 0x80;
	assert_int_equal(ta_check(ctx, sess, shm, 0, len, 0x11, &first), 3);
	assert_int_equal(first, 1);
	/* A window at the end, through the second list page only. */
	assert_int_equal(ta_check(ctx, sess, shm, len - 2 * SMCSIM_PAGE_SIZE,
				  2 * SMCSIM_PAGE_SIZE,
				  (uint32_t)(0x11 + len - 2 * SMCSIM_PAGE_SIZE),
				  &first), 2);
	assert_int_equal(first, SMCSIM_PAGE_SIZE);
}

static void e2e_session_shm_beyond_2mib(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_shm *shm;
	uint64_t pa;
	uint8_t *va;
	uint32_t sess;

	assert_true(BIG_PAGES > OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE);
	sess = open_ok(ctx, &echo_uuid);

	/* Caller memory, registered. */
	va = dram_pages(e, BIG_PAGES, &pa);
	assert_int_equal(tee_shm_register_kernel_buf(ctx, va, BIG_SIZE, &shm),
			 0);
	assert_int_equal(shm->num_pages, BIG_PAGES);
	assert_true(smcsim_sw_shm_registered(e->sw, shm->sec_world_id));
	check_big_shm(ctx, sess, shm, va, BIG_SIZE);
	tee_shm_free(shm);
	assert_int_equal(smcsim_phys_free_pages(e->phys, pa, BIG_PAGES), 0);

	/* Pool memory of the same size, at an odd length. */
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, BIG_SIZE - 5, &shm), 0);
	assert_true(tee_shm_is_dynamic(shm));
	check_big_shm(ctx, sess, shm, tee_shm_get_va(shm, 0), BIG_SIZE - 5);
	tee_shm_free(shm);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* ---- more callers than secure threads ------------------------------------ */

#define SLEEPERS	8
#define SLEEP_ROUNDS	4
#define SLEEP_MS	3

/**
 * struct sleeper - a client thread that keeps a secure thread busy
 * @e:		the stack
 * @go:		completed (all) by the test when every sleeper is ready
 * @completed:	invokes that returned TEE_SUCCESS, all sleepers together
 * @failed:	anything else (cmocka cannot assert off the main thread)
 * @bad_rc:	the first failed invoke's rc
 * @bad_ret:	its ret
 * @bad_origin:	its ret_origin
 * @done:	completed when the thread is finished
 * @thr:	the thread
 */
struct sleeper {
	struct e2e *e;
	struct rt_completion *go;
	atomic_uint *completed;
	atomic_uint *failed;
	int bad_rc;
	uint32_t bad_ret;
	uint32_t bad_origin;
	struct rt_completion done;
	struct rt_thread *thr;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	struct tee_ioctl_open_session_arg oa = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};
	struct tee_context *ctx;
	unsigned int r;

	if (tee_client_open_context(s->e->teedev, &ctx)) {
		atomic_fetch_add(s->failed, 1);
		goto out;
	}
	smcsim_uuid_to_octets(&sleep_uuid, oa.uuid);
	if (tee_client_open_session(ctx, &oa, NULL) || oa.ret) {
		atomic_fetch_add(s->failed, 1);
		goto out_ctx;
	}
	if (rt_wait_for_completion_timeout(s->go, WAIT_MS)) {
		atomic_fetch_add(s->failed, 1);
		goto out_sess;
	}
	for (r = 0; r < SLEEP_ROUNDS; r++) {
		struct tee_param p = value(P_VAL_IN, SLEEP_MS, 1);
		struct tee_ioctl_invoke_arg ia = {
			.func = SMCSIM_TA_SLEEP_CMD_SUSPEND,
			.session = oa.session,
			.num_params = 1,
		};

		int rc = tee_client_invoke_func(ctx, &ia, &p);

		if (!rc && ia.ret == TEE_SUCCESS) {
			atomic_fetch_add(s->completed, 1);
			continue;
		}
		if (atomic_fetch_add(s->failed, 1) == 0) {
			s->bad_rc = rc;
			s->bad_ret = ia.ret;
			s->bad_origin = ia.ret_origin;
		}
	}
out_sess:
	if (tee_client_close_session(ctx, oa.session))
		atomic_fetch_add(s->failed, 1);
out_ctx:
	tee_client_close_context(ctx);
out:
	rt_complete(&s->done);
	return NULL;
}

/**
 * struct sleep_run - the sleepers and what they share, on the heap: if one
 * never finishes the test fails and leaks this rather than pull it from
 * under the others
 */
struct sleep_run {
	struct sleeper s[SLEEPERS];
	struct rt_completion go;
	atomic_uint completed;
	atomic_uint failed;
};

/* Return: the most waiters the call queue had while the sleepers ran. */
static unsigned int run_sleepers(struct e2e *e)
{
	struct sleep_run *run = calloc(1, sizeof(*run));
	struct sleeper *s;
	struct optee_cq_info cq;
	unsigned int i, max_waiters = 0;
	uint64_t deadline;

	assert_non_null(run);
	s = run->s;
	atomic_init(&run->completed, 0);
	atomic_init(&run->failed, 0);
	rt_completion_init(&run->go);
	for (i = 0; i < SLEEPERS; i++) {
		s[i] = (struct sleeper){ .e = e, .go = &run->go,
					 .completed = &run->completed,
					 .failed = &run->failed };
		rt_completion_init(&s[i].done);
		assert_int_equal(rt_thread_create(&s[i].thr, "sleeper",
						  sleeper_main, &s[i]), 0);
		e->busy++;
	}
	/* Let them all go at once, once every session is open. */
	deadline = rt_now_ms() + WAIT_MS;
	while (smcsim_sw_session_count(e->sw) +
	       atomic_load(&run->failed) < SLEEPERS) {
		if (rt_now_ms() > deadline)
			fail_msg("sleepers did not open their sessions");
		rt_sleep_ms(1);
	}
	rt_complete_all(&run->go);
	for (i = 0; i < SLEEPERS; i++) {
		while (!rt_completion_done(&s[i].done)) {
			optee_get_cq_info(e->optee, &cq);
			if (cq.waiters > max_waiters)
				max_waiters = cq.waiters;
			if (rt_now_ms() > deadline + WAIT_MS)
				fail_msg("sleeper %u did not finish", i);
			rt_sleep_ms(1);
		}
		rt_thread_join(s[i].thr, NULL);
		rt_completion_destroy(&s[i].done);
		e->busy--;
	}
	rt_completion_destroy(&run->go);
	for (i = 0; i < SLEEPERS; i++)
		if (s[i].bad_rc || s[i].bad_ret)
			fail_msg("%u calls failed; sleeper %u: rc %d ret 0x%x "
				 "origin %u", atomic_load(&run->failed), i,
				 s[i].bad_rc, s[i].bad_ret, s[i].bad_origin);
	assert_int_equal(atomic_load(&run->failed), 0);
	/* None lost. */
	assert_int_equal(atomic_load(&run->completed),
			 SLEEPERS * SLEEP_ROUNDS);
	free(run);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);

	optee_get_cq_info(e->optee, &cq);
	assert_int_equal(cq.free_thread_count, cq.total_thread_count);
	assert_int_equal(cq.waiters, 0);
	for (i = 0; i < smcsim_sw_num_threads(e->sw); i++)
		assert_int_equal(smcsim_sw_thread_state(e->sw, i),
				 SMCSIM_SW_THREAD_FREE);
	return max_waiters;
}

static void e2e_session_more_callers_than_threads(void **state)
{
	struct e2e *e = *state;
	struct optee_cq_info cq;
	unsigned int max_waiters;

	optee_get_cq_info(e->optee, &cq);
	assert_int_equal(cq.total_thread_count, 2);
	max_waiters = run_sleepers(e);
	/* Callers queued in the driver... */
	assert_true(max_waiters > 2);
	/* ...which counted threads, so the firmware never ran out. */
	assert_int_equal(count_trace(e, OPTEE_SMC_RETURN_ETHREAD_LIMIT), 0);
}

static int setup_hidden_thread_count(void **state)
{
	const struct e2e_opts o = { .hide_thread_count = true };

	return e2e_setup_opts(state, &o);
}

/* No GET_THREAD_COUNT: only ETHREAD_LIMIT and the wake-up token. */
static void e2e_session_more_callers_no_thread_count(void **state)
{
	struct e2e *e = *state;
	struct optee_cq_info cq;
	struct optee_info info;

	optee_get_info(e->optee, &info);
	assert_int_equal(info.thread_count, 0);
	optee_get_cq_info(e->optee, &cq);
	assert_int_equal(cq.total_thread_count, 0);
	run_sleepers(e);
	/* Eight callers at once on two threads: the firmware said no. */
	assert_true(count_trace(e, OPTEE_SMC_RETURN_ETHREAD_LIMIT) > 0);
}

/* ---- forged RETURN_FROM_RPC ---------------------------------------------- */

/**
 * struct forger - at the first RPC CMD, resumes threads that are not the
 * one suspended, straight into the secure world
 * @sw:		the world
 * @tid:	the suspended thread (a3 of the RPC)
 * @forged:	how many forged calls were made
 * @answers:	their a0
 * @states_before, @states_after: every thread's state around them
 * @sessions_before, @sessions_after: open sessions around them
 */
struct forger {
	struct smcsim_sw *sw;
	unsigned long tid;
	unsigned int forged;
	unsigned long answers[2];
	enum smcsim_sw_thread_state states_before[2];
	enum smcsim_sw_thread_state states_after[2];
	unsigned int sessions_before;
	unsigned int sessions_after;
};

static void forge_hook(struct hook *h, const unsigned long in[8],
		       struct arm_smccc_res *res)
{
	struct forger *f = h->priv;
	struct arm_smccc_res fres;
	unsigned int i;

	(void)in;
	if (f->forged || (uint32_t)res->a0 != OPTEE_SMC_RETURN_RPC_CMD)
		return;
	f->tid = res->a3;
	for (i = 0; i < 2; i++)
		f->states_before[i] = smcsim_sw_thread_state(f->sw, i);
	f->sessions_before = smcsim_sw_session_count(f->sw);
	/* Thread 7 does not exist; the other thread is free. */
	for (i = 0; i < 2; i++) {
		const unsigned long a[8] = {
			OPTEE_SMC_CALL_RETURN_FROM_RPC, 0, 0,
			i ? 1 - f->tid : 7, 0, 0, 0, 0,
		};

		smcsim_sw_smc(f->sw, a, &fres);
		f->answers[i] = fres.a0;
	}
	for (i = 0; i < 2; i++)
		f->states_after[i] = smcsim_sw_thread_state(f->sw, i);
	f->sessions_after = smcsim_sw_session_count(f->sw);
	f->forged = 2;
}

static void e2e_session_forged_return_from_rpc(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct forger f = { .sw = e->sw };
	struct tee_param p;
	uint32_t sess;
	unsigned int i;

	assert_int_equal(smcsim_sw_num_threads(e->sw), 2);
	sess = open_ok(ctx, &sleep_uuid);
	e->hook.priv = &f;
	e->hook.fn = forge_hook;
	p = value(P_VAL_IN, 1, 2);
	/* The real call still completes. */
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, &p, 1,
				NULL), TEE_SUCCESS);
	e->hook.fn = NULL;

	assert_int_equal(f.forged, 2);
	assert_true(f.tid < 2);
	assert_int_equal(f.answers[0], OPTEE_SMC_RETURN_ERESUME);
	assert_int_equal(f.answers[1], OPTEE_SMC_RETURN_ERESUME);
	assert_int_equal(f.states_before[f.tid], SMCSIM_SW_THREAD_SUSPENDED);
	assert_int_equal(f.states_before[1 - f.tid], SMCSIM_SW_THREAD_FREE);
	/* Nothing changed. */
	for (i = 0; i < 2; i++)
		assert_int_equal(f.states_after[i], f.states_before[i]);
	assert_int_equal(f.sessions_after, f.sessions_before);
	for (i = 0; i < 2; i++)
		assert_int_equal(smcsim_sw_thread_state(e->sw, i),
				 SMCSIM_SW_THREAD_FREE);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
}

/* ---- a storm of foreign interrupts --------------------------------------- */

#define STORM	5000
_Static_assert(STORM < E2E_TRACE_RECS / 2, "the trace holds a storm's calls");

static void e2e_session_foreign_intr_storm(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_param p[2];
	struct tee_shm *shm;
	size_t before;
	uint32_t sess;

	sess = open_ok(ctx, &echo_uuid);
	before = count_trace(e, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	assert_int_equal(before, 0);
	assert_int_equal(smcsim_sw_inject_foreign_intr(e->sw, STORM), 0);

	p[0] = value(P_VAL_IN, 1000, 234);
	p[1] = value(P_VAL_OUT, 0, 0);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_ECHO_CMD_ADD, p, 2, NULL),
			 TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, 1234);
	/* Every interrupt left the secure world once, and was resumed. */
	assert_int_equal(count_trace(e, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR),
			 STORM);

	/* Nothing stuck: memory and calls still work. */
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 2 * SMCSIM_PAGE_SIZE,
						  &shm), 0);
	ta_fill(ctx, sess, shm, 0, shm->size, 3);
	assert_int_equal(ta_check(ctx, sess, shm, 0, shm->size, 3, NULL), 0);
	tee_shm_free(shm);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	tee_client_close_context(ctx);
	assert_int_equal(count_trace(e, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR),
			 STORM);
}

/* ---- seed 000: context and device life cycle ------------------------------ */

/*
 * Closing the context runs close_context at once (OP-TEE's driver has
 * none), but a shm still holds the context: its sessions are closed only
 * at release, when that shm is freed.
 */
static void e2e_session_close_context_with_live_shm(void **state)
{
	struct e2e *e = *state;
	unsigned int users = tee_device_num_users(e->teedev);
	struct tee_context *ctx = open_ctx(e);
	struct tee_shm *shm;
	uint32_t sess;

	sess = open_ok(ctx, &echo_uuid);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 64, &shm), 0);
	assert_int_equal(tee_device_num_users(e->teedev), users + 2);
	assert_int_equal(rt_kref_read(&ctx->refcount), 2);

	tee_client_close_context(ctx);
	/* The file's reference and device user went; the shm's remain. */
	assert_int_equal(tee_device_num_users(e->teedev), users + 1);
	assert_int_equal(rt_kref_read(&ctx->refcount), 1);
	assert_false(atomic_load(&ctx->releasing));
	assert_int_equal(smcsim_sw_session_count(e->sw), 1);
	/* The shm itself is still shared with the TA. */
	ta_fill(ctx, sess, shm, 0, 64, 9);
	assert_int_equal(((uint8_t *)tee_shm_get_va(shm, 0))[63], 9 + 63);

	tee_shm_free(shm);
	/* The last reference: release closed the session. */
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	assert_int_equal(tee_device_num_users(e->teedev), users);
}

/* Release runs at the last put, not before, whoever holds it. */
static void e2e_session_release_at_last_put(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);

	open_ok(ctx, &echo_uuid);
	open_ok(ctx, &sleep_uuid);
	assert_int_equal(smcsim_sw_session_count(e->sw), 2);
	/* Another holder, as an in-flight request would be. */
	teedev_ctx_get(ctx);
	teedev_ctx_get(ctx);
	tee_client_close_context(ctx);
	assert_int_equal(smcsim_sw_session_count(e->sw), 2);
	teedev_ctx_put(ctx);
	assert_int_equal(smcsim_sw_session_count(e->sw), 2);
	assert_int_equal(rt_kref_read(&ctx->refcount), 1);
	teedev_ctx_put(ctx);
	/* Both sessions of the context closed with it. */
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
}

/*
 * Removing the driver waits for every client (as tee_device_unregister()
 * does): it blocks while a client context is open, and returns once that
 * is closed. A context with a session and a shm is the realistic case:
 * closing it then closes the session and unregisters the shm through a
 * driver that is being removed, which must still be whole.
 */
static void check_remove_waits(struct e2e *e, bool with_session)
{
	struct tee_context *ctx = open_ctx(e), *late;
	struct tee_shm *shm = NULL;
	struct remover *r;
	uint64_t deadline;
	int rc;

	if (with_session) {
		open_ok(ctx, &echo_uuid);
		assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 64, &shm), 0);
	}
	r = remover_start(e);
	/* Once removal began no new context opens. */
	deadline = rt_now_ms() + WAIT_MS;
	while (!(rc = tee_client_open_context(e->teedev, &late))) {
		tee_client_close_context(late);
		if (rt_now_ms() > deadline)
			fail_msg("contexts still open during removal");
		rt_sleep_ms(1);
	}
	assert_int_equal(rc, -EINVAL);
	/* Blocked: a bounded look, it must not have returned. */
	assert_int_equal(rt_wait_for_completion_timeout(&r->done, 100),
			 -ETIMEDOUT);
	assert_int_equal(tee_class_devices_in_use(&e->cls), 2);
	if (with_session) {
		assert_int_equal(smcsim_sw_session_count(e->sw), 1);
		tee_shm_free(shm);
		assert_int_equal(rt_wait_for_completion_timeout(&r->done, 50),
				 -ETIMEDOUT);
	}
	tee_client_close_context(ctx);
	remover_finish(r);
	/* The device is gone: nothing left to open a context on. */
	assert_int_equal(tee_class_devices_in_use(&e->cls), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
}

static void e2e_session_remove_waits_for_context(void **state)
{
	check_remove_waits(*state, false);
}

static void e2e_session_remove_waits_for_context_with_session(void **state)
{
	check_remove_waits(*state, true);
}

/* ---- shm ids ------------------------------------------------------------- */

static void e2e_session_shm_id_per_context(void **state)
{
	struct e2e *e = *state;
	struct tee_context *a = open_ctx(e), *b = open_ctx(e);
	struct tee_shm *shm, *found = NULL, *kern;
	uint32_t sess;
	int id;

	assert_int_equal(tee_shm_alloc_user_buf(a, 100, &shm), 0);
	assert_true(shm->id >= 1);
	assert_true(tee_shm_is_dynamic(shm));
	/* Another context cannot reach it by id. */
	assert_int_equal(tee_shm_get_from_id(b, shm->id, &found), -EINVAL);
	assert_null(found);
	/* Its own can, and holds a reference. */
	assert_int_equal(tee_shm_get_from_id(a, shm->id, &found), 0);
	assert_ptr_equal(found, shm);
	assert_int_equal(rt_kref_read(&shm->refcount), 2);

	/* Found by id, used as a memref on a's session. */
	sess = open_ok(a, &echo_uuid);
	ta_fill(a, sess, found, 0, 100, 0x70);
	assert_int_equal(((uint8_t *)tee_shm_get_va(shm, 0))[99],
			 (uint8_t)(0x70 + 99));
	tee_shm_put(found);
	assert_int_equal(tee_client_close_session(a, sess), 0);

	/* Kernel buffers have no id at all. */
	assert_int_equal(tee_shm_alloc_kernel_buf(a, 10, &kern), 0);
	assert_int_equal(kern->id, -1);
	assert_int_equal(tee_shm_get_from_id(a, -1, &found), -EINVAL);
	tee_shm_free(kern);

	id = shm->id;
	tee_shm_free(shm);
	/* Gone: no one finds it. */
	assert_int_equal(tee_shm_get_from_id(a, id, &found), -EINVAL);
	tee_client_close_context(a);
	tee_client_close_context(b);
}

/* ---- a panicking TA ------------------------------------------------------ */

static void e2e_session_panic_ta(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	uint32_t sess, other, origin;

	sess = open_ok(ctx, &panic_uuid);
	other = open_ok(ctx, &panic_uuid);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_PANIC_CMD_OK, NULL, 0,
				NULL), TEE_SUCCESS);
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_PANIC_CMD_PANIC, NULL, 0,
				&origin), TEE_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	/* Dead for good: later invokes too, even harmless ones. */
	assert_int_equal(invoke(ctx, sess, SMCSIM_TA_PANIC_CMD_OK, NULL, 0,
				&origin), TEE_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	/* Another session of the same TA lives on. */
	assert_int_equal(invoke(ctx, other, SMCSIM_TA_PANIC_CMD_OK, NULL, 0,
				NULL), TEE_SUCCESS);
	/* The secure thread came back. */
	assert_int_equal(smcsim_sw_thread_state(e->sw, 0),
			 SMCSIM_SW_THREAD_FREE);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 1);
	assert_int_equal(tee_client_close_session(ctx, other), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	tee_client_close_context(ctx);
}

/* ---- refusals ------------------------------------------------------------ */

static void e2e_session_invoke_unknown_session(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e), *other = open_ctx(e);
	struct tee_ioctl_invoke_arg arg = { .func = SMCSIM_TA_ECHO_CMD_ADD };
	uint64_t calls;
	uint32_t sess;

	sess = open_ok(ctx, &echo_uuid);
	calls = smcsim_sw_calls(e->sw);
	arg.session = sess + 1000;
	assert_int_equal(tee_client_invoke_func(ctx, &arg, NULL), -EINVAL);
	/* Another context's session is unknown here too. */
	arg.session = sess;
	assert_int_equal(tee_client_invoke_func(other, &arg, NULL), -EINVAL);
	assert_int_equal(tee_client_close_session(other, sess), -EINVAL);
	assert_int_equal(tee_client_cancel_req(other, 1, sess), -EINVAL);
	/* Refused by the driver: the secure world never saw them. */
	assert_int_equal(smcsim_sw_calls(e->sw), calls);

	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	/* A closed session is unknown. */
	assert_int_equal(tee_client_invoke_func(ctx, &arg, NULL), -EINVAL);
	assert_int_equal(tee_client_close_session(ctx, sess), -EINVAL);
	tee_client_close_context(ctx);
	tee_client_close_context(other);
}

static void e2e_session_open_missing_ta(void **state)
{
	static const struct smcsim_uuid missing = {
		0x534d4353, 0x00ff, 0x4000,
		{ 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } };
	/* The echo TA's UUID with its fields in host (little-endian) order. */
	const struct smcsim_uuid swapped = {
		__builtin_bswap32(echo_uuid.time_low),
		__builtin_bswap16(echo_uuid.time_mid),
		__builtin_bswap16(echo_uuid.time_hi_and_version),
		{ 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } };
	const struct smcsim_uuid pta = SMCSIM_PTA_DEVICE_UUID;
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	uint32_t sess = 0xabcd, origin;

	/*
	 * No tee-supplicant here: OP-TEE's first TA store (secure storage)
	 * cannot get application shm for its file-system requests and the
	 * search ends with OUT_OF_MEMORY from the TEE, as on OP-TEE 4.10
	 * (facts/firmware-answers.md). With a supplicant it is
	 * ITEM_NOT_FOUND (test_e2e_supplicant).
	 */
	assert_int_equal(try_open(ctx, &missing, &sess, &origin),
			 TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	assert_int_equal(try_open(ctx, &swapped, &sess, &origin),
			 TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	/*
	 * The device PTA exists and, as OP-TEE's, admits a PUBLIC login; the
	 * failed opens gave their ids back, so it is session 1.
	 */
	assert_int_equal(try_open(ctx, &pta, &sess, &origin), TEE_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(sess, 1);
	assert_int_equal(smcsim_sw_session_count(e->sw), 1);
	assert_int_equal(tee_client_close_session(ctx, sess), 0);
	assert_int_equal(smcsim_sw_session_count(e->sw), 0);
	tee_client_close_context(ctx);
}

static void e2e_session_memref_past_shm_end(void **state)
{
	struct e2e *e = *state;
	struct tee_context *ctx = open_ctx(e);
	struct tee_ioctl_invoke_arg arg = {
		.func = SMCSIM_TA_ECHO_CMD_ECHO,
		.num_params = 3,
	};
	struct tee_shm *shm, *small;
	struct tee_param p[3];
	uint64_t calls;
	size_t sz;

	arg.session = open_ok(ctx, &echo_uuid);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 2 * SMCSIM_PAGE_SIZE,
						  &shm), 0);
	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, 8, &small), 0);
	sz = shm->size;
	calls = smcsim_sw_calls(e->sw);

	p[0] = memref(P_MEM_IN, shm, 0, sz + 1);
	p[1] = memref(P_MEM_OUT, small, 0, 8);
	p[2] = value(P_VAL_OUT, 0, 0);
	/* One byte past the end. */
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* Starts past the end. */
	p[0] = memref(P_MEM_IN, shm, sz + 1, 0);
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* Offset + size wraps around. */
	p[0] = memref(P_MEM_IN, shm, 16, SIZE_MAX - 8);
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* The output past its end. */
	p[0] = memref(P_MEM_IN, shm, sz - 8, 8);
	p[1] = memref(P_MEM_OUT, small, small->size - 4, 8);
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* A NULL memref with an offset is no NULL memref. */
	p[1] = memref(P_MEM_OUT, NULL, 4, 0);
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* Unknown parameter type. */
	p[1] = memref(4, small, 0, 8);
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* More parameters than there may be. */
	p[1] = memref(P_MEM_OUT, small, 0, 8);
	arg.num_params = TEE_NUM_PARAMS + 1;
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), -EINVAL);
	/* Refused by the driver: the secure world never saw them. */
	assert_int_equal(smcsim_sw_calls(e->sw), calls);

	/* Ending exactly at the end is fine. */
	arg.num_params = 3;
	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(p[2].u.value.a, 8);

	tee_shm_free(shm);
	tee_shm_free(small);
	assert_int_equal(tee_client_close_session(ctx, arg.session), 0);
	tee_client_close_context(ctx);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(e2e_session_echo_values,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_echo_memref_kernel_buf, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_echo_memref_registered, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_output_memref_unwritten_bytes_kept,
			setup_default, teardown),
		cmocka_unit_test_setup_teardown(e2e_session_echo_reserved_pool,
						setup_reserved, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_null_memref_short_buffer, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_null_memref_short_buffer, setup_reserved,
			teardown),
		cmocka_unit_test_setup_teardown(e2e_session_shm_beyond_2mib,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_more_callers_than_threads, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_more_callers_no_thread_count,
			setup_hidden_thread_count, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_forged_return_from_rpc, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(e2e_session_foreign_intr_storm,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_close_context_with_live_shm, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(e2e_session_release_at_last_put,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_remove_waits_for_context, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_remove_waits_for_context_with_session,
			setup_default, teardown),
		cmocka_unit_test_setup_teardown(e2e_session_shm_id_per_context,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(e2e_session_panic_ta,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_invoke_unknown_session, setup_default,
			teardown),
		cmocka_unit_test_setup_teardown(e2e_session_open_missing_ta,
						setup_default, teardown),
		cmocka_unit_test_setup_teardown(
			e2e_session_memref_past_shm_end, setup_default,
			teardown),
	};

	/* A test name (or glob) on the command line runs only that. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("e2e_session", tests, NULL, NULL);
}
