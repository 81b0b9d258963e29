// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure threads as OP-TEE runs them (sw_thread.c): a saved context on a
 * stack of its own, run by whichever normal-world OS thread enters it.
 *
 *  - a call suspended in an RPC by one OS thread is resumed by another,
 *    and from then on runs on that one (the TA sees the OS thread's name,
 *    a thread-local, change across its RPC);
 *  - a secure thread's stack overflow faults on the guard page below its
 *    stack (in a forked child) instead of running into other memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <smcsim/ctx.h>
#include <smcsim/rt.h>
#include <smcsim/tee_error.h>

#include "faultchild.h"
#include "swcall.h"

#define WAIT_MS		10000U

/* ---- resume on another OS thread ------------------------------------------ */

static const struct smcsim_uuid names_uuid = {
	0x7e570001, 0x0001, 0x0001,
	{ 0x6e, 0x61, 0x6d, 0x65, 0x73, 0x00, 0x00, 0x01 }
};

/**
 * struct names - what the names TA saw
 * @before:	rt_thread_name() when the call started
 * @after:	and after its one RPC
 * @rpc_ret:	what the RPC returned
 */
struct names {
	char before[32];
	char after[32];
	uint32_t rpc_ret;
};

static uint32_t names_open(struct smcsim_ta_sess *s, uint32_t ptypes,
			   union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	struct names *n = smcsim_ta_priv(s);
	uint64_t sec;
	uint32_t nsec;

	(void)ptypes;
	(void)params;
	strlcpy(n->before, rt_thread_name(), sizeof(n->before));
	n->rpc_ret = smcsim_ta_get_time(s, &sec, &nsec);
	strlcpy(n->after, rt_thread_name(), sizeof(n->after));
	return TEE_SUCCESS;
}

static uint32_t names_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			     uint32_t ptypes,
			     union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	return TEE_ERROR_NOT_SUPPORTED;
}

static const struct smcsim_ta_ops names_ops = {
	.open_session = names_open,
	.invoke = names_invoke,
};

/**
 * struct leg - one OS thread's part of the call
 * @c:		the worlds
 * @in:		the RPC to answer (the second leg)
 * @res:	the answer it got
 */
struct leg {
	struct swc *c;
	struct arm_smccc_res in;
	struct arm_smccc_res res;
};

static void *first_fn(void *arg)
{
	struct leg *l = arg;

	swc_open(l->c, &names_uuid, &l->res);
	return NULL;
}

static void *second_fn(void *arg)
{
	struct leg *l = arg;

	swc_return_from_rpc(l->c, &l->in, &l->res);
	return NULL;
}

static void run_leg(const char *name, void *(*fn)(void *), struct leg *l)
{
	struct rt_thread *th;

	assert_int_equal(rt_thread_create(&th, name, fn, l), 0);
	rt_thread_join(th, NULL);
}

/*
 * The worlds with the names TA, whose open OS thread "first" has started:
 * it left with the TA's RPC, and secure thread 0 waits in it, saved.
 */
static void names_first_leg(struct swc *c, struct names *n, struct leg *first)
{
	const struct smcsim_ta_desc d = {
		.uuid = names_uuid, .name = "names", .ops = &names_ops,
		.priv = n,
	};

	memset(n, 0, sizeof(*n));
	assert_int_equal(swc_start(c), 0);
	assert_int_equal(smcsim_sw_register_ta(c->sw, &d), 0);
	first->c = c;
	run_leg("first", first_fn, first);
	assert_int_equal(first->res.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(first->res.a3, 0);
	assert_int_equal(smcsim_sw_thread_state(c->sw, 0),
			 SMCSIM_SW_THREAD_SUSPENDED);
}

static void sw_thread_rpc_resumed_by_another_os_thread(void **state)
{
	struct leg first, second;
	struct names n;
	struct swc c;

	(void)state;
	names_first_leg(&c, &n, &first);
	assert_string_equal(n.before, "first");
	assert_string_equal(n.after, "");

	second.c = &c;
	second.in = first.res;
	run_leg("second", second_fn, &second);
	assert_int_equal(second.res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(n.rpc_ret, TEE_SUCCESS);
	assert_int_equal(c.arg->ret, TEE_SUCCESS);
	assert_int_not_equal(c.arg->session, 0);
	assert_int_equal(smcsim_sw_thread_state(c.sw, 0),
			 SMCSIM_SW_THREAD_FREE);
	/* The same call ran on "first", then on "second". */
	assert_string_equal(n.before, "first");
	assert_string_equal(n.after, "second");
	swc_stop(&c);
}

/*
 * Destroying a world with a thread suspended in an RPC: the destroyer
 * resumes it, its RPC fails (it is not answered by anyone), and the call
 * unwinds on the destroyer's own thread.
 */
static void sw_thread_destroy_fails_a_suspended_rpc(void **state)
{
	struct leg first;
	struct names n;
	struct swc c;

	(void)state;
	names_first_leg(&c, &n, &first);
	swc_stop(&c);
	assert_string_equal(n.before, "first");
	assert_string_equal(n.after, "main");
	assert_int_not_equal(n.rpc_ret, TEE_SUCCESS);
}

/* ---- the guard page ------------------------------------------------------- */

static const struct smcsim_uuid deep_uuid = {
	0x7e570001, 0x0001, 0x0002,
	{ 0x64, 0x65, 0x65, 0x70, 0x00, 0x00, 0x00, 0x01 }
};

static uint32_t deep_open(struct smcsim_ta_sess *s, uint32_t ptypes,
			  union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS])
{
	return fc_recurse(0, NULL) ? TEE_SUCCESS : TEE_ERROR_GENERIC;
}

static const struct smcsim_ta_ops deep_ops = {
	.open_session = deep_open,
	.invoke = names_invoke,
};

static void deep_child(void *arg)
{
	struct swc *c = arg;
	struct arm_smccc_res res;

	swc_open(c, &deep_uuid, &res);
}

static void sw_thread_stack_overflow_faults_on_guard_page(void **state)
{
	const struct smcsim_ta_desc d = {
		.uuid = deep_uuid, .name = "deep", .ops = &deep_ops,
	};
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t addr = 0, guard;
	const void *lo;
	size_t size;
	struct swc c;

	(void)state;
#ifdef SMCSIM_NO_OS
	/* Without an OS a stack is plain memory: no page to guard it. */
	skip();
#endif
	assert_int_equal(swc_start(&c), 0);
	assert_int_equal(smcsim_sw_register_ta(c.sw, &d), 0);
	/* The call takes thread 0; the page below its stack is the guard. */
	assert_int_equal(smcsim_sw_thread_stack(c.sw, 0, &lo, &size), 0);
	assert_true(size >= SMCSIM_STACK_DEFAULT);
	guard = (uintptr_t)lo - pg;
	assert_int_equal(fc_run(deep_child, &c, WAIT_MS, &addr), FC_FAULTED);
	assert_true(addr >= guard && addr < guard + pg);
	assert_int_equal(smcsim_sw_thread_stack(c.sw, 2, &lo, &size), -EINVAL);
	swc_stop(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sw_thread_rpc_resumed_by_another_os_thread),
		cmocka_unit_test(sw_thread_destroy_fails_a_suspended_rpc),
		cmocka_unit_test(sw_thread_stack_overflow_faults_on_guard_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
