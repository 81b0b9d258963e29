/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests of lib/invoke_smc.c, the `smc` and `hvc` backends, in Linux user
 * space on aarch64 (the cross stage, under qemu-aarch64): the instructions
 * trap (SIGILL at EL0) and tests/helpers/smc_trap.c emulates them through a
 * chosen backend. Checked: every one of x0..x7 arrives exactly and x0..x3
 * come back; what the backend must preserve is preserved even when the
 * emulated callee corrupts all that SMCCC lets it (x4..x17): callee-saved
 * x19..x28, checked from assembly (invoke_regs.S), and a caller's values
 * live across the call; the trap itself keeps x4..x28 as OP-TEE's
 * dispatcher does; the normal-world driver probes and runs a yielding call
 * with RPCs through the real instruction into the simulator, and both
 * sides of the instruction see the same registers call by call; a SIGILL
 * that is not smc/hvc still kills.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>
#include <smcsim/rt.h>
#include <smcsim/tee_error.h>

#include "smc_trap.h"
#include "testbed.h"

/* ---- register handling against a script ----------------------------------- */

/* Distinct in every byte and every register, none a valid function ID. */
static const unsigned long in_regs[8] = {
	0x8a0b0c0d0e0f1011UL, 0x1122334455667788UL, 0x2233445566778899UL,
	0x33445566778899aaUL, 0x445566778899aabbUL, 0x5566778899aabbccUL,
	0x66778899aabbccddUL, 0x778899aabbccddeeUL,
};

static const struct smcsim_script_step answer_step = {
	.a0 = 0x8a0b0c0d0e0f1011UL,
	.res = { 0xa0a1a2a3a4a5a6a7UL, 0xb0b1b2b3b4b5b6b7UL,
		 0xc0c1c2c3c4c5c6c7UL, 0xd0d1d2d3d4d5d6d7UL },
};

/**
 * struct rs - a script behind a trace, as the trap's backend
 * @script:	one answer
 * @trace:	what reached the emulated secure side
 */
struct rs {
	struct smcsim_script script;
	struct smcsim_trace trace;
};

static int rs_setup(void **state)
{
	struct rs *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	smcsim_script_init(&r->script, &answer_step, 1, NULL);
	smcsim_trace_init(&r->trace, smcsim_script_invoke(&r->script), NULL);
	if (smc_trap_install(smcsim_trace_invoke(&r->trace))) {
		smcsim_trace_fini(&r->trace);
		smcsim_script_fini(&r->script);
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

/* CMocka replaced the SIGILL action for this function: take it back. */
static struct rs *rs_arm(void **state)
{
	struct rs *r = *state;

	assert_int_equal(smc_trap_install(smcsim_trace_invoke(&r->trace)), 0);
	return r;
}

static int rs_teardown(void **state)
{
	struct rs *r = *state;

	smc_trap_uninstall();
	smcsim_trace_fini(&r->trace);
	smcsim_script_fini(&r->script);
	free(r);
	return 0;
}

static void check_one_call(struct rs *r, const struct arm_smccc_res *res)
{
	struct smcsim_trace_rec rec;
	int i;

	assert_int_equal(smcsim_trace_count(&r->trace), 1);
	assert_int_equal(smcsim_trace_get(&r->trace, 0, &rec), 0);
	for (i = 0; i < 8; i++)
		if (rec.in[i] != in_regs[i])
			fail_msg("x%d arrived as 0x%lx, passed 0x%lx", i,
				 rec.in[i], in_regs[i]);
	assert_true(smcsim_script_done(&r->script));
	assert_int_equal(res->a0, answer_step.res.a0);
	assert_int_equal(res->a1, answer_step.res.a1);
	assert_int_equal(res->a2, answer_step.res.a2);
	assert_int_equal(res->a3, answer_step.res.a3);
}

static void call_backend(struct smcsim_invoke inv, struct arm_smccc_res *res)
{
	smcsim_invoke_call(&inv, in_regs[0], in_regs[1], in_regs[2],
			   in_regs[3], in_regs[4], in_regs[5], in_regs[6],
			   in_regs[7], res);
}

static void invoke_smc_registers_in_and_out(void **state)
{
	struct rs *r = rs_arm(state);
	struct arm_smccc_res res = { 0 };
	struct smc_trap_stats st;

	call_backend(smcsim_invoke_smc(), &res);
	check_one_call(r, &res);
	smc_trap_stats(&st);
	assert_int_equal(st.smc, 1);
	assert_int_equal(st.hvc, 0);
	assert_int_equal(st.last_imm, 0);
}

static void invoke_hvc_registers_in_and_out(void **state)
{
	struct rs *r = rs_arm(state);
	struct arm_smccc_res res = { 0 };
	struct smc_trap_stats st;

	call_backend(smcsim_invoke_hvc(), &res);
	check_one_call(r, &res);
	smc_trap_stats(&st);
	assert_int_equal(st.smc, 0);
	assert_int_equal(st.hvc, 1);
	assert_int_equal(st.last_imm, 0);
}

/* ---- what the backend must preserve --------------------------------------- */

/* invoke_regs.S: the layout its offsets assume. */
struct invoke_regs_call {
	smcsim_invoke_fn fn;
	void *ctx;
	unsigned long a[8];
	struct arm_smccc_res *res;
	uint64_t pattern;
};
_Static_assert(offsetof(struct invoke_regs_call, ctx) == 8, "layout");
_Static_assert(offsetof(struct invoke_regs_call, a) == 16, "layout");
_Static_assert(offsetof(struct invoke_regs_call, res) == 80, "layout");
_Static_assert(offsetof(struct invoke_regs_call, pattern) == 88, "layout");

void invoke_regs_call(const struct invoke_regs_call *c, uint64_t out[10]);
void raw_smc_regs(uint64_t regs[29]);

/*
 * With the emulated callee corrupting x4..x17 (SMCCC allows it), x19..x28
 * of the caller survive each backend, and the answer is still right (the
 * backend kept nothing it needs in a register it did not declare
 * clobbered).
 */
static void invoke_smc_keeps_callee_saved(void **state)
{
	const struct smcsim_invoke backends[2] = { smcsim_invoke_smc(),
						   smcsim_invoke_hvc() };
	struct rs *r = rs_arm(state);
	int b, i;

	smc_trap_set_scramble(true);
	for (b = 0; b < 2; b++) {
		struct arm_smccc_res res = { 0 };
		struct invoke_regs_call c = {
			.fn = backends[b].fn,
			.ctx = backends[b].ctx,
			.res = &res,
			.pattern = 0x5a5a000000000000ULL + ((uint64_t)b << 32),
		};
		uint64_t out[10];

		memcpy(c.a, in_regs, sizeof(c.a));
		smcsim_script_fini(&r->script);
		smcsim_script_init(&r->script, &answer_step, 1, NULL);
		smcsim_trace_fini(&r->trace);
		smcsim_trace_init(&r->trace, smcsim_script_invoke(&r->script),
				  NULL);
		invoke_regs_call(&c, out);
		for (i = 0; i < 10; i++)
			if (out[i] != c.pattern + 19 + (uint64_t)i)
				fail_msg("%s: x%d is 0x%lx after the call",
					 b ? "hvc" : "smc", 19 + i,
					 (unsigned long)out[i]);
		check_one_call(r, &res);
	}
}

/* Keep @v live and opaque to the optimiser. */
#define OPAQUE(v) __asm__ volatile("" : "+r"(v))

/*
 * Values the caller holds across calls (more than the callee-saved
 * registers: some are spilled) come back intact through many calls with a
 * corrupting callee.
 */
static void invoke_smc_caller_values_live_across_calls(void **state)
{
	const struct smcsim_invoke smc = smcsim_invoke_smc();
	struct rs *r = rs_arm(state);
	unsigned long v[16];
	unsigned long sum_before = 0, sum_after = 0;
	int n, i;

	smc_trap_set_scramble(true);
	for (i = 0; i < 16; i++) {
		v[i] = 0x1000UL * (unsigned long)(i + 1) + 7;
		OPAQUE(v[i]);
		sum_before += v[i] * (unsigned long)(i + 3);
	}
	for (n = 0; n < 32; n++) {
		struct arm_smccc_res res = { 0 };
		unsigned long a0 = 0x8a000000UL + (unsigned long)n;

		/* No step matches: UNKNOWN_FUNCTION, and a mismatch counted. */
		smcsim_invoke_call(&smc, a0, v[0], v[1], v[2], v[3], v[4],
				   v[5], v[6], &res);
		assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
		for (i = 0; i < 16; i++)
			OPAQUE(v[i]);
	}
	for (i = 0; i < 16; i++)
		sum_after += v[i] * (unsigned long)(i + 3);
	assert_int_equal(sum_after, sum_before);
	for (i = 0; i < 16; i++)
		assert_int_equal(v[i], 0x1000UL * (unsigned long)(i + 1) + 7);
	assert_int_equal(smcsim_trace_count(&r->trace), 32);
}

/*
 * The trap as a callee: x0..x3 are the answer; without scrambling x4..x28
 * come back as passed (OP-TEE's dispatcher leaves x4..x7 so), with it
 * x4..x17 are garbage and x18..x28 still as passed; the immediate is read.
 */
static void invoke_smc_trap_keeps_registers(void **state)
{
	struct rs *r = rs_arm(state);
	uint64_t regs[29], want[29];
	struct smc_trap_stats st;
	int scramble, i;

	for (scramble = 0; scramble < 2; scramble++) {
		smc_trap_set_scramble(scramble);
		for (i = 0; i < 29; i++)
			regs[i] = 0x0101010101010101ULL * (uint64_t)(i + 1);
		regs[0] = answer_step.a0;
		memcpy(want, regs, sizeof(want));
		raw_smc_regs(regs);
		assert_int_equal(regs[0], answer_step.res.a0);
		assert_int_equal(regs[1], answer_step.res.a1);
		assert_int_equal(regs[2], answer_step.res.a2);
		assert_int_equal(regs[3], answer_step.res.a3);
		for (i = 4; i < 29; i++) {
			bool may_change = scramble && i <= 17;

			if (!may_change && regs[i] != want[i])
				fail_msg("x%d: 0x%lx, passed 0x%lx (scramble %d)",
					 i, (unsigned long)regs[i],
					 (unsigned long)want[i], scramble);
			if (may_change && regs[i] == want[i])
				fail_msg("x%d kept with scramble on", i);
		}
		smc_trap_stats(&st);
		assert_int_equal(st.last_imm, 0x1234);
		/* The script answers once; re-arm it for the second round. */
		smcsim_script_fini(&r->script);
		smcsim_script_init(&r->script, &answer_step, 1, NULL);
	}
}

/* ---- a SIGILL that is not ours -------------------------------------------- */

static void undefined_insn(void)
{
	__asm__ volatile(".inst 0x00000000");	/* UDF #0 */
}

/* Fork; in the child run @how; Return: the signal the child died of, or -1. */
static int child_dies_of(int how)
{
	uint64_t end;
	int status = 0;
	pid_t pid, w;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (how == 0)
			undefined_insn();
		else
			kill(getpid(), SIGILL);
		_exit(0);
	}
	end = rt_now_ms() + TB_WAIT_MS;
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && rt_now_ms() < end)
		rt_sleep_ms(1);
	if (w != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

static void invoke_smc_trap_lets_other_sigill_kill(void **state)
{
	struct rs *r = rs_arm(state);

	assert_int_equal(child_dies_of(0), SIGILL);
	assert_int_equal(child_dies_of(1), SIGILL);
	assert_int_equal(smcsim_trace_count(&r->trace), 0);
}

/* ---- the driver through the instruction into the simulator ---------------- */

/**
 * struct thru - the stack of testbed.h with the real instruction between
 * the driver and the simulator: driver -> tb.trace -> smc -> SIGILL ->
 * smc_trap -> @sw_side -> simulator
 * @tb:		the stack
 * @sw_side:	what reached the simulator
 */
struct thru {
	struct tb tb;
	struct smcsim_trace sw_side;
};

static struct smcsim_invoke thru_front(void *ctx, struct smcsim_invoke sim)
{
	struct thru *t = ctx;

	smcsim_trace_init(&t->sw_side, sim, NULL);
	assert_int_equal(smc_trap_install(smcsim_trace_invoke(&t->sw_side)), 0);
	return smcsim_invoke_smc();
}

static int thru_setup(void **state)
{
	struct thru *t = calloc(1, sizeof(*t));
	struct tb_opts o = {
		.profile = SMCSIM_ABI_UPSTREAM,
		.front = thru_front,
	};

	if (!t)
		return -1;
	o.front_ctx = t;
	tb_start(&t->tb, &o);
	*state = t;
	return 0;
}

static struct thru *thru_arm(void **state)
{
	struct thru *t = *state;

	assert_int_equal(smc_trap_install(smcsim_trace_invoke(&t->sw_side)), 0);
	return t;
}

static int thru_teardown(void **state)
{
	struct thru *t = thru_arm(state);

	tb_stop(&t->tb);
	smc_trap_uninstall();
	smcsim_trace_fini(&t->sw_side);
	free(t);
	return 0;
}

/*
 * Every call the driver made reached the simulator with the same a0..a7,
 * and the driver got the simulator's a0..a3 back: the two traces hold the
 * same records (as multisets: concurrent callers may interleave).
 */
static void check_traces_agree(struct thru *t)
{
	size_t n = smcsim_trace_count(&t->tb.trace);
	struct smc_trap_stats st;
	bool *used;
	size_t i, j;

	smc_trap_stats(&st);
	assert_true(n > 0);
	assert_int_equal(smcsim_trace_count(&t->sw_side), n);
	assert_int_equal(st.smc, n);
	assert_int_equal(st.hvc, 0);
	used = calloc(n, sizeof(*used));
	assert_non_null(used);
	for (i = 0; i < n; i++) {
		struct smcsim_trace_rec d, s;
		bool found = false;

		assert_int_equal(smcsim_trace_get(&t->tb.trace, i, &d), 0);
		for (j = 0; j < n && !found; j++) {
			if (used[j])
				continue;
			assert_int_equal(smcsim_trace_get(&t->sw_side, j, &s), 0);
			if (!memcmp(d.in, s.in, sizeof(d.in)) &&
			    !memcmp(d.out, s.out, sizeof(d.out))) {
				used[j] = true;
				found = true;
			}
		}
		if (!found) {
			char line[256];

			smcsim_trace_format(&d, line, sizeof(line));
			free(used);
			fail_msg("driver call %zu not seen alike by the simulator: %s",
				 i, line);
		}
	}
	free(used);
}

static void invoke_smc_driver_probes_through_trap(void **state)
{
	struct thru *t = thru_arm(state);
	struct smcsim_trace_rec rec;
	bool saw_uid = false;
	size_t i;

	/* tb_start() probed: the driver is up through the instruction. */
	assert_non_null(t->tb.optee);
	assert_non_null(t->tb.teedev);
	for (i = 0; i < smcsim_trace_count(&t->sw_side); i++) {
		assert_int_equal(smcsim_trace_get(&t->sw_side, i, &rec), 0);
		if (rec.in[0] == OPTEE_SMC_CALLS_UID) {
			saw_uid = true;
			assert_int_equal(rec.out[0], OPTEE_MSG_UID_0);
		}
	}
	assert_true(saw_uid);
	check_traces_agree(t);
}

static void invoke_smc_yielding_call_with_rpcs(void **state)
{
	static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;
	static const uint32_t types[4] = { TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT };
	struct thru *t = thru_arm(state);
	struct smcsim_trace_rec rec;
	struct tee_context *ctx;
	uint64_t v[4][2] = { { 1, 3 } };	/* 1 ms, 3 times */
	unsigned int rpc_cmd = 0, from_rpc = 0;
	uint32_t session;
	size_t i;

	ctx = tb_open_ctx(&t->tb);
	assert_int_equal(tb_open_session(ctx, &sleep_uuid, &session),
			 TEE_SUCCESS);
	assert_int_equal(tb_invoke_values(ctx, session,
					  SMCSIM_TA_SLEEP_CMD_SUSPEND, types, v),
			 TEE_SUCCESS);
	assert_int_equal(tee_client_close_session(ctx, session), 0);
	tee_client_close_context(ctx);

	for (i = 0; i < smcsim_trace_count(&t->sw_side); i++) {
		assert_int_equal(smcsim_trace_get(&t->sw_side, i, &rec), 0);
		if (rec.out[0] == OPTEE_SMC_RETURN_RPC_CMD)
			rpc_cmd++;
		if (rec.in[0] == OPTEE_SMC_CALL_RETURN_FROM_RPC)
			from_rpc++;
	}
	/* Three SUSPENDs at least, each answered and resumed. */
	assert_true(rpc_cmd >= 3);
	assert_true(from_rpc >= rpc_cmd);
	check_traces_agree(t);
}

#define RS(f) cmocka_unit_test_setup_teardown(f, rs_setup, rs_teardown)
#define THRU(f) cmocka_unit_test_setup_teardown(f, thru_setup, thru_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RS(invoke_smc_registers_in_and_out),
		RS(invoke_hvc_registers_in_and_out),
		RS(invoke_smc_keeps_callee_saved),
		RS(invoke_smc_caller_values_live_across_calls),
		RS(invoke_smc_trap_keeps_registers),
		RS(invoke_smc_trap_lets_other_sigill_kill),
		THRU(invoke_smc_driver_probes_through_trap),
		THRU(invoke_smc_yielding_call_with_rpcs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
