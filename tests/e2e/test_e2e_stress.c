// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stress test of the whole stack: many client threads, each running a
 * fixed number of randomly chosen (seeded, so each run does the same work)
 * operations against one simulated secure world through the OP-TEE driver:
 * sessions opened, invoked and closed on private and shared contexts, pool
 * shm allocated and freed, caller memory registered and unregistered, user
 * shm looked up by id, calls that hold a secure thread in an RPC, and
 * contexts closed with a session and shm still alive. Run against 2 and 8
 * secure threads, and against 2 with GET_THREAD_COUNT hidden. Afterwards
 * nothing may be lost or leaked: every operation succeeded, the call queue
 * is idle, and after remove the secure world holds no session and no
 * shared memory. Meant to be clean under ThreadSanitizer and
 * AddressSanitizer; every wait is bounded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

#define CLIENTS		16
#define ITERATIONS	200
/* For the whole run, generous for sanitizer builds. */
#define RUN_MS		50000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;
static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;

/* ---- the stack ----------------------------------------------------------- */

/**
 * struct stack - a simulated secure world and the driver on it
 * @phys:	memory map
 * @sw:		the firmware
 * @script:	hides GET_THREAD_COUNT when @scripted
 * @scripted:	@script is in the call path
 * @cls:	device class
 * @optee:	the driver
 * @teedev:	its client device
 * @shared:	a context every client uses besides its own
 */
struct stack {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct smcsim_script script;
	bool scripted;
	struct tee_class cls;
	struct optee *optee;
	struct tee_device *teedev;
	struct tee_context *shared;
};

static const struct smcsim_script_step hide_thread_count_steps[] = {
	{ .a0 = OPTEE_SMC_GET_THREAD_COUNT,
	  .res = { .a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION } },
};

static void stack_start(struct stack *st, unsigned int threads, bool hide)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct optee_probe_cfg cfg;
	struct smcsim_invoke inv;

	memset(st, 0, sizeof(*st));
	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_create(&pcfg, &st->phys), 0);
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_UPSTREAM, st->phys);
	scfg.num_threads = threads;
	assert_int_equal(smcsim_sw_create(&scfg, &st->sw), 0);
	inv = smcsim_invoke_sim(st->sw);
	if (hide) {
		smcsim_script_init(&st->script, hide_thread_count_steps,
				   ARRAY_SIZE(hide_thread_count_steps), &inv);
		st->scripted = true;
		inv = smcsim_script_invoke(&st->script);
	}
	tee_class_init(&st->cls);
	cfg = (struct optee_probe_cfg){
		.invoke = inv,
		.phys = st->phys,
		.profile = SMCSIM_ABI_UPSTREAM,
		.cls = &st->cls,
		.notif_irq = smcsim_sw_notif_irq(st->sw),
	};
	assert_int_equal(optee_probe(&cfg, &st->optee), 0);
	st->teedev = optee_client_teedev(st->optee);
	assert_int_equal(tee_client_open_context(st->teedev, &st->shared), 0);
}

static void stack_stop(struct stack *st)
{
	tee_client_close_context(st->shared);
	optee_remove(st->optee);
	assert_int_equal(tee_class_devices_in_use(&st->cls), 0);
	assert_int_equal(smcsim_sw_session_count(st->sw), 0);
	assert_int_equal(smcsim_sw_shm_count(st->sw), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(st->phys), 0);
	smcsim_sw_destroy(st->sw);
	if (st->scripted)
		smcsim_script_fini(&st->script);
	tee_class_fini(&st->cls);
	smcsim_phys_destroy(st->phys);
}

/* ---- what a client does --------------------------------------------------- */

enum op {
	OP_ADD,			/* open, ADD, close on own or shared ctx */
	OP_FILL_CHECK,		/* pool shm: FILL, check, CHECK, free */
	OP_REGISTER_ECHO,	/* caller pages registered, ECHO, unregister */
	OP_SLEEP,		/* a call held in RPC SUSPEND */
	OP_USER_SHM_ID,		/* user shm found by id, used, freed */
	OP_CLOSE_LIVE,		/* ctx closed with a session and shm alive */
	NUM_OPS
};

/**
 * struct client - one client thread
 * @st:		the stack
 * @id:		its number, also its random seed
 * @rng:	xorshift state
 * @ctx:	its own context
 * @echo:	a session on @ctx kept for the whole run
 * @done_ops:	operations that succeeded, by kind
 * @failed_op:	the first operation that failed, -1 if none
 * @failed_line: where it failed
 * @done:	completed when the thread is finished
 * @thr:	the thread
 */
struct client {
	struct stack *st;
	unsigned int id;
	uint32_t rng;
	struct tee_context *ctx;
	uint32_t echo;
	unsigned int done_ops[NUM_OPS];
	int failed_op;
	int failed_line;
	struct rt_completion done;
	struct rt_thread *thr;
};

static uint32_t rnd(struct client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 17;
	c->rng ^= c->rng << 5;
	return c->rng;
}

/* cmocka cannot assert off the main thread: note the first failure. */
#define CHECK(c, cond)						\
	do {							\
		if (!(cond)) {					\
			(c)->failed_line = __LINE__;		\
			return false;				\
		}						\
	} while (0)

/* Return: 0 and *@session, or -1. */
static int open_session(struct tee_context *ctx, const struct smcsim_uuid *u,
			uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};

	smcsim_uuid_to_octets(u, arg.uuid);
	if (tee_client_open_session(ctx, &arg, NULL) || arg.ret != TEE_SUCCESS)
		return -1;
	*session = arg.session;
	return 0;
}

/* Return: the TEE's ret, or TEE_ERROR_GENERIC if the call was refused. */
static uint32_t call(struct tee_context *ctx, uint32_t session, uint32_t func,
		     struct tee_param *p, uint32_t n)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func,
		.session = session,
		.num_params = n,
	};

	if (tee_client_invoke_func(ctx, &arg, p))
		return TEE_ERROR_GENERIC;
	return arg.ret;
}

static struct tee_param mref(uint64_t attr, struct tee_shm *shm, size_t offs,
			     size_t size)
{
	return (struct tee_param){
		.attr = attr,
		.u.memref = { .shm_offs = offs, .size = size, .shm = shm },
	};
}

static struct tee_param val(uint64_t attr, uint64_t a, uint64_t b)
{
	return (struct tee_param){ .attr = attr, .u.value = { a, b, 0 } };
}

static bool op_add(struct client *c)
{
	struct tee_context *ctx = rnd(c) & 1 ? c->ctx : c->st->shared;
	uint32_t a = rnd(c), b = rnd(c), sess;
	struct tee_param p[2] = {
		val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT, a, b),
		val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT, 0, 0),
	};

	CHECK(c, !open_session(ctx, &echo_uuid, &sess));
	CHECK(c, call(ctx, sess, SMCSIM_TA_ECHO_CMD_ADD, p, 2) == TEE_SUCCESS);
	CHECK(c, p[1].u.value.a == (uint32_t)(a + b));
	CHECK(c, !tee_client_close_session(ctx, sess));
	return true;
}

/* FILL then CHECK @len bytes at @offs; the normal world checks too. */
static bool fill_check(struct client *c, struct tee_shm *shm, size_t offs,
		       size_t len)
{
	uint32_t seed = rnd(c);
	struct tee_param p[3] = {
		mref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, shm, offs, len),
		val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT, seed, 0),
		val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT, 1, 1),
	};
	uint8_t *va = tee_shm_get_va(shm, offs);
	size_t i;

	CHECK(c, va);
	CHECK(c, call(c->ctx, c->echo, SMCSIM_TA_ECHO_CMD_FILL, p, 2) ==
		 TEE_SUCCESS);
	for (i = 0; i < len; i++)
		CHECK(c, va[i] == (uint8_t)(seed + i));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
	CHECK(c, call(c->ctx, c->echo, SMCSIM_TA_ECHO_CMD_CHECK, p, 3) ==
		 TEE_SUCCESS);
	CHECK(c, p[2].u.value.a == 0);
	return true;
}

static bool op_fill_check(struct client *c)
{
	size_t len = 1 + rnd(c) % (3 * SMCSIM_PAGE_SIZE);
	struct tee_shm *shm;
	bool ok;

	CHECK(c, !tee_shm_alloc_kernel_buf(c->ctx, len, &shm));
	ok = fill_check(c, shm, 0, len);
	tee_shm_free(shm);
	return ok;
}

static bool op_register_echo(struct client *c)
{
	size_t npages = 1 + rnd(c) % 3;
	size_t offs = rnd(c) % 256, len = 1 + rnd(c) % 2000;
	struct tee_shm *reg = NULL, *out = NULL;
	struct tee_param p[3];
	bool ok = false;
	uint64_t pa;
	uint8_t *va;
	size_t i;

	CHECK(c, !smcsim_phys_alloc_pages(c->st->phys, npages, &pa));
	va = smcsim_phys_map(c->st->phys, SMCSIM_WORLD_NORMAL, pa,
			     npages * SMCSIM_PAGE_SIZE);
	if (!va || tee_shm_register_kernel_buf(c->ctx, va + offs, len, &reg)) {
		c->failed_line = __LINE__;
		goto out_pages;
	}
	for (i = 0; i < len; i++)
		va[offs + i] = (uint8_t)(c->id + i);
	if (tee_shm_alloc_kernel_buf(c->ctx, len, &out)) {
		c->failed_line = __LINE__;
		goto out_reg;
	}
	p[0] = mref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, reg, 0, len);
	p[1] = mref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, out, 0, len);
	p[2] = val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	if (call(c->ctx, c->echo, SMCSIM_TA_ECHO_CMD_ECHO, p, 3) !=
	    TEE_SUCCESS || p[2].u.value.a != len ||
	    memcmp(tee_shm_get_va(out, 0), va + offs, len)) {
		c->failed_line = __LINE__;
		goto out_out;
	}
	/* And the registered buffer as an output. */
	ok = fill_check(c, reg, 0, len);
out_out:
	tee_shm_free(out);
out_reg:
	tee_shm_free(reg);
out_pages:
	if (smcsim_phys_free_pages(c->st->phys, pa, npages))
		ok = false;
	return ok;
}

static bool op_sleep(struct client *c)
{
	struct tee_context *ctx = rnd(c) & 1 ? c->ctx : c->st->shared;
	struct tee_param p = val(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT, 1,
				 1 + rnd(c) % 2);
	uint32_t sess;

	CHECK(c, !open_session(ctx, &sleep_uuid, &sess));
	CHECK(c, call(ctx, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, &p, 1) ==
		 TEE_SUCCESS);
	CHECK(c, !tee_client_close_session(ctx, sess));
	return true;
}

static bool op_user_shm_id(struct client *c)
{
	struct tee_shm *shm, *found = NULL;
	bool ok;

	CHECK(c, !tee_shm_alloc_user_buf(c->ctx, 1 + rnd(c) % 5000, &shm));
	/* Not from another context, even while it lives. */
	ok = shm->id > 0 &&
	     tee_shm_get_from_id(c->st->shared, shm->id, &found) == -EINVAL &&
	     !tee_shm_get_from_id(c->ctx, shm->id, &found) && found == shm;
	if (ok) {
		ok = fill_check(c, found, 0, 64);
		tee_shm_put(found);
	} else {
		c->failed_line = __LINE__;
	}
	tee_shm_free(shm);
	return ok;
}

/* Seed 000: the session is closed at release, when the shm goes. */
static bool op_close_live(struct client *c)
{
	struct tee_context *ctx;
	struct tee_shm *shm;
	uint32_t sess;

	CHECK(c, !tee_client_open_context(c->st->teedev, &ctx));
	if (open_session(ctx, &echo_uuid, &sess)) {
		tee_client_close_context(ctx);
		c->failed_line = __LINE__;
		return false;
	}
	if (tee_shm_alloc_kernel_buf(ctx, 100, &shm)) {
		tee_client_close_context(ctx);
		c->failed_line = __LINE__;
		return false;
	}
	tee_client_close_context(ctx);
	tee_shm_free(shm);
	return true;
}

static bool (*const ops[NUM_OPS])(struct client *c) = {
	[OP_ADD] = op_add,
	[OP_FILL_CHECK] = op_fill_check,
	[OP_REGISTER_ECHO] = op_register_echo,
	[OP_SLEEP] = op_sleep,
	[OP_USER_SHM_ID] = op_user_shm_id,
	[OP_CLOSE_LIVE] = op_close_live,
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	unsigned int i;

	c->failed_op = -1;
	if (tee_client_open_context(c->st->teedev, &c->ctx)) {
		c->failed_op = NUM_OPS;
		goto out;
	}
	if (open_session(c->ctx, &echo_uuid, &c->echo)) {
		c->failed_op = NUM_OPS;
		goto out_ctx;
	}
	for (i = 0; i < ITERATIONS; i++) {
		unsigned int op = rnd(c) % NUM_OPS;

		if (!ops[op](c)) {
			c->failed_op = (int)op;
			break;
		}
		c->done_ops[op]++;
	}
	if (tee_client_close_session(c->ctx, c->echo) && c->failed_op < 0)
		c->failed_op = NUM_OPS;
out_ctx:
	tee_client_close_context(c->ctx);
out:
	rt_complete(&c->done);
	return NULL;
}

static void run_stress(unsigned int threads, bool hide_thread_count)
{
	struct stack *st = calloc(1, sizeof(*st));
	struct client *c = calloc(CLIENTS, sizeof(*c));
	unsigned int i, op, total[NUM_OPS] = { 0 };
	struct optee_cq_info cq;
	uint64_t deadline;

	assert_non_null(st);
	assert_non_null(c);
	stack_start(st, threads, hide_thread_count);
	for (i = 0; i < CLIENTS; i++) {
		c[i].st = st;
		c[i].id = i;
		c[i].rng = 0x9e3779b9U * (i + 1);
		rt_completion_init(&c[i].done);
		assert_int_equal(rt_thread_create(&c[i].thr, "client",
						  client_main, &c[i]), 0);
	}
	/*
	 * If a client hangs the test fails and leaks the stack and the
	 * clients rather than freeing them under it.
	 */
	deadline = rt_now_ms() + RUN_MS;
	for (i = 0; i < CLIENTS; i++) {
		uint64_t now = rt_now_ms();

		if (now >= deadline ||
		    rt_wait_for_completion_timeout(&c[i].done,
						   (unsigned int)(deadline - now)))
			fail_msg("client %u did not finish within %d ms", i,
				 RUN_MS);
		rt_thread_join(c[i].thr, NULL);
		rt_completion_destroy(&c[i].done);
	}
	for (i = 0; i < CLIENTS; i++) {
		if (c[i].failed_op >= 0)
			fail_msg("client %u: operation %d failed at line %d", i,
				 c[i].failed_op, c[i].failed_line);
		for (op = 0; op < NUM_OPS; op++)
			total[op] += c[i].done_ops[op];
	}
	/* Every kind of operation ran, and nothing was lost. */
	for (op = 0, i = 0; op < NUM_OPS; op++) {
		assert_true(total[op] > 0);
		i += total[op];
	}
	assert_int_equal(i, CLIENTS * ITERATIONS);

	optee_get_cq_info(st->optee, &cq);
	assert_int_equal(cq.total_thread_count,
			 hide_thread_count ? 0 : (int)threads);
	assert_int_equal(cq.free_thread_count, cq.total_thread_count);
	assert_int_equal(cq.waiters, 0);
	/* Every session was closed, those of the shared context too. */
	assert_int_equal(smcsim_sw_session_count(st->sw), 0);
	for (i = 0; i < threads; i++)
		assert_int_equal(smcsim_sw_thread_state(st->sw, i),
				 SMCSIM_SW_THREAD_FREE);
	stack_stop(st);
	free(c);
	free(st);
}

static void e2e_stress_two_threads(void **state)
{
	run_stress(2, false);
}

static void e2e_stress_eight_threads(void **state)
{
	run_stress(8, false);
}

static void e2e_stress_two_threads_no_thread_count(void **state)
{
	run_stress(2, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e2e_stress_two_threads),
		cmocka_unit_test(e2e_stress_eight_threads),
		cmocka_unit_test(e2e_stress_two_threads_no_thread_count),
	};

	return cmocka_run_group_tests_name("e2e_stress", tests, NULL, NULL);
}
