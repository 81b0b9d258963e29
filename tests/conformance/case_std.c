/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: yielding calls at the invoke hook. Unknown functions and message
 * commands, where the argument may lie (DRAM, the reserved shm, secure
 * memory, one page, num_params), and the RPCs a call makes (ALLOC, FREE,
 * CMD) with the RPC argument the normal world supplies or lends. The
 * threads, their limit and the RPC-argument cache are case_thread.c's.
 * Expected answers: OP-TEE 4.10's thread_optee_smc.c and entry_std.c, and
 * what real firmware answered (docs/abi.md
 * section 13).
 *
 * A call that must make RPCs opens a session to a TA no firmware has:
 * OP-TEE then needs the normal world (storage lookups, LOAD_TA) and ends
 * with an error; no state is left behind.
 */
#include <string.h>

#include "conf_priv.h"

/* ---- unknown functions and commands ------------------------------------- */

/*
 * An unknown yielding function takes a thread and answers EBADCMD; a
 * finished yielding call returns a1..a3 = 0.
 */
static void std_unknown_function_ebadcmd(struct conf *c)
{
	static const unsigned long ids[] = { 0x32000014UL, 0x32000015UL,
					     0x32000016UL, 0x3200FFFFUL };
	unsigned int i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const unsigned long a[8] = { ids[i], 0x1111UL, 0x2222UL,
					     0x3333UL, 0, 0, 0, 0 };
		struct arm_smccc_res r;

		conf_smc(c, a, &r);
		CONF_ASSERT(c, CONF_W(r.a0) == OPTEE_SMC_RETURN_EBADCMD,
			    "0x%lx: a0 0x%x", ids[i], CONF_W(r.a0));
		CONF_ASSERT(c, !CONF_W(r.a1) && !CONF_W(r.a2) && !CONF_W(r.a3),
			    "0x%lx: a1..a3 0x%x 0x%x 0x%x", ids[i],
			    CONF_W(r.a1), CONF_W(r.a2), CONF_W(r.a3));
	}
}

static void std_unknown_msg_cmd(struct conf *c)
{
	struct conf_msg m;

	CONF_ASSERT_OK(c, conf_msg_new(c, &m, 99, 0));
	CONF_ASSERT_EQ(c, conf_msg_call_a0(c, &m, NULL),
		       OPTEE_SMC_RETURN_EBADCMD);
}

/*
 * With async notification built in, these two commands succeed at the SMC
 * level (a0 OK); OP-TEE's dispatcher delivers the event and writes nothing
 * into the message: ret and origin stay as the normal world left them
 * (firmware: a message with ret 0x5a5a comes back with 0x5a5a).
 */
static void std_msg_ret_untouched(struct conf *c, uint32_t cmd)
{
	struct conf_msg m;

	CONF_ASSERT_OK(c, conf_msg_new(c, &m, cmd, 0));
	m.arg->ret = 0x5a5a;
	m.arg->ret_origin = 0x77;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, 0x5a5a, 0x77);
}

static void std_msg_do_bottom_half(struct conf *c)
{
	std_msg_ret_untouched(c, OPTEE_MSG_CMD_DO_BOTTOM_HALF);
}

static void std_msg_stop_async_notif(struct conf *c)
{
	std_msg_ret_untouched(c, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF);
}

/* ---- where the argument may lie ---------------------------------------- */

/* INVOKE on session 0, which never exists: a harmless complete call. */
static unsigned long std_invoke_nothing_at(struct conf *c, unsigned long fid,
					   uint64_t pa, void *va,
					   uint32_t num_params, uint32_t *ret)
{
	struct optee_msg_arg *arg = va;
	unsigned long a[8];
	struct arm_smccc_res r;
	struct conf_nw *nw = conf_nw_new(c);

	if (!nw)
		return ~0UL;
	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(num_params));
	arg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	arg->num_params = num_params;
	arg->ret = 0x5a5a;
	if (fid == OPTEE_SMC_CALL_WITH_RPC_ARG)
		nw->rpc_arg = (struct optee_msg_arg *)
			((char *)va + OPTEE_MSG_GET_ARG_SIZE(num_params));
	conf_std_regs(a, fid, pa);
	if (!conf_call(c, nw, a, false, &r))
		return ~0UL;
	*ret = arg->ret;
	return CONF_W(r.a0);
}

/*
 * An INVOKE of @num_params params (session 0) at the start of a fresh
 * page: taken (a0 OK), then refused by the TEE (BAD_PARAMETERS).
 */
static void std_invoke_at_fresh_page(struct conf *c, uint32_t num_params)
{
	uint64_t pa;
	void *va = conf_pages(c, 1, &pa);
	uint32_t ret = 0;

	CONF_ASSERT_OK(c, va);
	CONF_ASSERT_EQ(c, std_invoke_nothing_at(c, OPTEE_SMC_CALL_WITH_ARG, pa,
						va, num_params, &ret),
		       OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_BAD_PARAMETERS);
}

static void std_arg_dram_page_aligned(struct conf *c)
{
	std_invoke_at_fresh_page(c, 0);
}

static void std_arg_dram_misaligned(struct conf *c)
{
	uint64_t pa;
	char *va = conf_pages(c, 1, &pa);
	uint32_t ret = 0;

	CONF_ASSERT_OK(c, va);
	CONF_ASSERT_EQ(c, std_invoke_nothing_at(c, OPTEE_SMC_CALL_WITH_ARG,
						pa + 8, va + 8, 0, &ret),
		       OPTEE_SMC_RETURN_EBADADDR);
	CONF_ASSERT_EQ(c, ret, 0x5a5a);
}

/* In the reserved shm an argument needs only 8-byte alignment. */
static void std_arg_reserved_shm_aligned(struct conf *c)
{
	uint64_t base, size;
	char *va;
	uint32_t ret = 0;

	CONF_ASSERT_OK(c, conf_shm_config(c, &base, &size));
	va = conf_map(c, base, 4096);
	CONF_ASSERT(c, va, "reserved shm 0x%llx not mapped",
		    (unsigned long long)base);
	CONF_ASSERT_EQ(c, std_invoke_nothing_at(c, OPTEE_SMC_CALL_WITH_ARG,
						base + 8, va + 8, 0, &ret),
		       OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_BAD_PARAMETERS);
}

static void std_arg_reserved_shm_misaligned(struct conf *c)
{
	uint64_t base, size;
	unsigned long a[8];
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, conf_shm_config(c, &base, &size));
	/* Refused for its address alone: nothing is written there (a
	 * message at +4 would be a misaligned structure). */
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, base + 4);
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
}

/* In the reserved shm an argument may cross a 4 KiB page boundary. */
static void std_arg_reserved_shm_crosses_page(struct conf *c)
{
	uint64_t base, size;
	char *va;
	uint32_t ret = 0;

	CONF_ASSERT_OK(c, conf_shm_config(c, &base, &size));
	va = conf_map(c, base, 8192);
	CONF_ASSERT(c, va, "reserved shm not mapped");
	/* 32 + 32 bytes from 0xfe0: the one param lies in the next page. */
	CONF_ASSERT_EQ(c, std_invoke_nothing_at(c, OPTEE_SMC_CALL_WITH_ARG,
						base + 0xfe0, va + 0xfe0, 1,
						&ret), OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_BAD_PARAMETERS);
}

/* ... but not past the end of the reserved shm. */
static void std_arg_reserved_shm_past_end(struct conf *c)
{
	uint64_t base, size;
	struct optee_msg_arg *arg;
	unsigned long a[8];
	struct arm_smccc_res r;
	uint32_t ret = 0;

	CONF_ASSERT_OK(c, conf_shm_config(c, &base, &size));
	arg = conf_map(c, base + size - 32, 32);
	CONF_ASSERT(c, arg, "reserved shm not mapped");
	/* The header alone fits in the last 32 bytes: accepted. */
	CONF_ASSERT_EQ(c, std_invoke_nothing_at(c, OPTEE_SMC_CALL_WITH_ARG,
						base + size - 32, arg, 0, &ret),
		       OPTEE_SMC_RETURN_OK);
	/* One param more would lie past the end: refused. */
	arg->num_params = 1;
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, base + size - 32);
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
}

static void std_arg_in_secure_memory(struct conf *c)
{
	uint64_t sec;
	unsigned long a[8];
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, conf_secure_base(c, &sec));
	/* Page aligned, as the normal world could not have written it. */
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, sec);
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_RPC_ARG, sec + 0x1000);
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
}

/* 127 params fill one page exactly: accepted (INVOKE then refuses them). */
static void std_num_params_127(struct conf *c)
{
	std_invoke_at_fresh_page(c, 127);
}

/* An INVOKE of @num_params params at two fresh pages, by @fid: EBADADDR. */
static void std_arg_too_big(struct conf *c, unsigned long fid,
			    uint32_t num_params)
{
	uint64_t pa;
	struct optee_msg_arg *arg = conf_pages(c, 2, &pa);
	unsigned long a[8];
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, arg);
	arg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	arg->num_params = num_params;
	conf_std_regs(a, fid, pa);
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
}

static void std_num_params_128(struct conf *c)
{
	std_arg_too_big(c, OPTEE_SMC_CALL_WITH_ARG, 128);
}

/*
 * Outside the reserved shm one page is mapped: an argument and the RPC
 * argument behind it that do not fit in it are refused.
 */
static void std_arg_outside_one_page(struct conf *c)
{
	std_arg_too_big(c, OPTEE_SMC_CALL_WITH_RPC_ARG, 127);
}

static void std_regd_arg_unknown_cookie(struct conf *c)
{
	const unsigned long a[8] = { OPTEE_SMC_CALL_WITH_REGD_ARG, 0,
				     0x7a5c0000UL, 0, 0, 0, 0, 0 };
	struct arm_smccc_res r;

	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADADDR);
}

/* ---- RPCs and the RPC argument ----------------------------------------- */

/*
 * CALL_WITH_ARG and no RPC argument cached: the thread's first RPC is
 * ALLOC of GET_ARG_SIZE(4) = 160 bytes, and with the cache disabled (its
 * state at rest) the call FREEs it before it ends.
 */
static void std_rpc_alloc_then_free(struct conf *c)
{
	struct conf_nw *nw;
	struct conf_msg m;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, conf_start_missing(c, &nw, &m, false, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT(c, nw->n >= 2, "%u RPCs", nw->n);
	CONF_ASSERT_EQ(c, nw->rec[0].func, OPTEE_SMC_RPC_FUNC_ALLOC);
	CONF_ASSERT_EQ(c, nw->rec[0].a1, OPTEE_MSG_GET_ARG_SIZE(4));
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_ALLOC, -1), 1);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_FREE, -1), 1);
	CONF_ASSERT(c, nw->n <= CONF_RPC_LOG, "%u RPCs", nw->n);
	CONF_ASSERT_EQ(c, nw->rec[nw->n - 1].func, OPTEE_SMC_RPC_FUNC_FREE);
	CONF_ASSERT_EQ(c, nw->rec[nw->n - 1].cookie, nw->rec[0].cookie);
}

/* Every RPC CMD names the lent argument by the cookie answered to ALLOC. */
static void std_rpc_cmd_names_alloc_cookie(struct conf *c)
{
	struct conf_nw *nw;
	struct conf_msg m;
	struct arm_smccc_res r;
	unsigned int i;

	CONF_ASSERT_OK(c, conf_start_missing(c, &nw, &m, false, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD, -1) >= 1,
		    "no RPC CMD");
	for (i = 0; i < nw->n && i < CONF_RPC_LOG; i++)
		if (nw->rec[i].func == OPTEE_SMC_RPC_FUNC_CMD)
			CONF_ASSERT_EQ(c, nw->rec[i].cookie, nw->rec[0].cookie);
}

/* CALL_WITH_RPC_ARG: no ALLOC, no FREE; RPC CMD comes with cookie 0. */
static void std_rpc_arg_supplied(struct conf *c)
{
	struct conf_nw *nw = conf_nw_new(c);
	struct conf_msg m;
	unsigned int i;

	CONF_ASSERT_OK(c, nw);
	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_missing_ta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, nw));
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_ALLOC, -1), 0);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_FREE, -1), 0);
	CONF_ASSERT(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD, -1) >= 1,
		    "no RPC CMD");
	for (i = 0; i < nw->n && i < CONF_RPC_LOG; i++)
		if (nw->rec[i].func == OPTEE_SMC_RPC_FUNC_CMD)
			CONF_ASSERT_EQ(c, nw->rec[i].cookie, 0);
}

/*
 * The RPC registers: a3 carries the thread id (below the thread count),
 * and RETURN_FROM_RPC with it resumes exactly that call.
 */
static void std_rpc_thread_id(struct conf *c)
{
	struct conf_nw *nw;
	struct conf_msg m;
	struct arm_smccc_res r;
	unsigned int n = conf_thread_count(c);

	CONF_ASSERT_OK(c, n);
	CONF_ASSERT_OK(c, conf_start_missing(c, &nw, &m, true, &r));
	CONF_ASSERT(c, optee_smc_return_is_rpc(r.a0), "a0 0x%x", CONF_W(r.a0));
	CONF_ASSERT(c, CONF_W(r.a3) < n, "thread id %u of %u", CONF_W(r.a3), n);
	CONF_ASSERT_OK(c, conf_resume(c, nw, 0, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
}

/* Answering ALLOC with no memory makes the call fail, not hang. */
static void std_rpc_alloc_refused(struct conf *c)
{
	struct conf_nw *nw = conf_nw_new(c);
	struct conf_msg m;
	unsigned long a[8];
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, nw);
	nw->alloc_fail = true;
	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_missing_ta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, m.pa);
	CONF_ASSERT_OK(c, conf_call(c, nw, a, false, &r));
	conf_nw_dump(c, nw);
	conf_note(c, "ret 0x%x origin %u", m.arg->ret, m.arg->ret_origin);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	/* No RPC argument, no RPC CMD: the lookup fails for want of memory
	 * (firmware: two ALLOCs, then OUT_OF_MEMORY from the core). */
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, m.arg->session, 0);
	CONF_ASSERT(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_ALLOC, -1) >= 1,
		    "no ALLOC");
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD, -1), 0);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_FREE, -1), 0);
}

const struct conf_case conf_cases_std[] = {
	{ "std_unknown_function_ebadcmd", std_unknown_function_ebadcmd },
	{ "std_unknown_msg_cmd", std_unknown_msg_cmd },
	{ "std_msg_do_bottom_half", std_msg_do_bottom_half },
	{ "std_msg_stop_async_notif", std_msg_stop_async_notif },
	{ "std_arg_dram_page_aligned", std_arg_dram_page_aligned },
	{ "std_arg_dram_misaligned", std_arg_dram_misaligned },
	{ "std_arg_reserved_shm_aligned", std_arg_reserved_shm_aligned },
	{ "std_arg_reserved_shm_misaligned", std_arg_reserved_shm_misaligned },
	{ "std_arg_reserved_shm_crosses_page",
	  std_arg_reserved_shm_crosses_page },
	{ "std_arg_reserved_shm_past_end", std_arg_reserved_shm_past_end },
	{ "std_arg_in_secure_memory", std_arg_in_secure_memory },
	{ "std_num_params_127", std_num_params_127 },
	{ "std_num_params_128", std_num_params_128 },
	{ "std_arg_outside_one_page", std_arg_outside_one_page },
	{ "std_regd_arg_unknown_cookie", std_regd_arg_unknown_cookie },
	{ "std_rpc_alloc_then_free", std_rpc_alloc_then_free },
	{ "std_rpc_cmd_names_alloc_cookie", std_rpc_cmd_names_alloc_cookie },
	{ "std_rpc_arg_supplied", std_rpc_arg_supplied },
	{ "std_rpc_thread_id", std_rpc_thread_id },
	{ "std_rpc_alloc_refused", std_rpc_alloc_refused },
	{ NULL, NULL },
};
