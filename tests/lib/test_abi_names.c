// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of lib/abi_names.c and of the inline helpers of smccc.h and
 * optee_smc.h. Every function ID is checked both by its header constant and
 * by the literal value of docs/abi.md, so a typo in a header macro and a
 * missing name in the table both fail here; formatted names ("unknown 0x...",
 * "RPC 0x0001") are checked to land in the caller's buffer and never to run
 * past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/abi_names.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/smccc.h>
#include <smcsim/tee_error.h>

struct named_id {
	unsigned long id;	/* from the header */
	unsigned long wire;	/* from docs/abi.md */
	const char *name;
};

static const struct named_id upstream_ids[] = {
	{ OPTEE_SMC_CALLS_COUNT, 0xBF00FF00UL, "OPTEE_SMC_CALLS_COUNT" },
	{ OPTEE_SMC_CALLS_UID, 0xBF00FF01UL, "OPTEE_SMC_CALLS_UID" },
	{ OPTEE_SMC_CALLS_REVISION, 0xBF00FF03UL, "OPTEE_SMC_CALLS_REVISION" },
	{ OPTEE_SMC_CALL_LOAD_IMAGE, 0xBF000002UL, "OPTEE_SMC_CALL_LOAD_IMAGE" },
	{ OPTEE_SMC_CALL_GET_OS_UUID, 0xB2000000UL,
	  "OPTEE_SMC_CALL_GET_OS_UUID" },
	{ OPTEE_SMC_CALL_GET_OS_REVISION, 0xB2000001UL,
	  "OPTEE_SMC_CALL_GET_OS_REVISION" },
	{ OPTEE_SMC_CALL_RETURN_FROM_RPC, 0x32000003UL,
	  "OPTEE_SMC_CALL_RETURN_FROM_RPC" },
	{ OPTEE_SMC_CALL_WITH_ARG, 0x32000004UL, "OPTEE_SMC_CALL_WITH_ARG" },
	{ OPTEE_SMC_GET_SHM_CONFIG, 0xB2000007UL, "OPTEE_SMC_GET_SHM_CONFIG" },
	{ OPTEE_SMC_L2CC_MUTEX, 0xB2000008UL, "OPTEE_SMC_L2CC_MUTEX" },
	{ OPTEE_SMC_EXCHANGE_CAPABILITIES, 0xB2000009UL,
	  "OPTEE_SMC_EXCHANGE_CAPABILITIES" },
	{ OPTEE_SMC_DISABLE_SHM_CACHE, 0xB200000AUL,
	  "OPTEE_SMC_DISABLE_SHM_CACHE" },
	{ OPTEE_SMC_ENABLE_SHM_CACHE, 0xB200000BUL,
	  "OPTEE_SMC_ENABLE_SHM_CACHE" },
	{ OPTEE_SMC_BOOT_SECONDARY, 0xB200000CUL, "OPTEE_SMC_BOOT_SECONDARY" },
	{ OPTEE_SMC_VM_CREATED, 0xB200000DUL, "OPTEE_SMC_VM_CREATED" },
	{ OPTEE_SMC_VM_DESTROYED, 0xB200000EUL, "OPTEE_SMC_VM_DESTROYED" },
	{ OPTEE_SMC_GET_THREAD_COUNT, 0xB200000FUL,
	  "OPTEE_SMC_GET_THREAD_COUNT" },
	{ OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0xB2000010UL,
	  "OPTEE_SMC_ENABLE_ASYNC_NOTIF" },
	{ OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0xB2000011UL,
	  "OPTEE_SMC_GET_ASYNC_NOTIF_VALUE" },
	{ OPTEE_SMC_CALL_WITH_RPC_ARG, 0x32000012UL,
	  "OPTEE_SMC_CALL_WITH_RPC_ARG" },
	{ OPTEE_SMC_CALL_WITH_REGD_ARG, 0x32000013UL,
	  "OPTEE_SMC_CALL_WITH_REGD_ARG" },
	{ OPTEE_SMC_GET_PROTMEM_CONFIG, 0xB2000014UL,
	  "OPTEE_SMC_GET_PROTMEM_CONFIG" },
};

static const struct named_id proposal_ids[] = {
	{ OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG, 0x32000014UL,
	  "OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG" },
	{ OPTEE_SMC_CALL_RESERVE_SYS_THREAD, 0x32000015UL,
	  "OPTEE_SMC_CALL_RESERVE_SYS_THREAD" },
	{ OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD, 0x32000016UL,
	  "OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD" },
	{ OPTEE_SMC_RESERVE_SYS_THREAD, 0xB2000015UL,
	  "OPTEE_SMC_RESERVE_SYS_THREAD" },
	{ OPTEE_SMC_UNRESERVE_SYS_THREAD, 0xB2000016UL,
	  "OPTEE_SMC_UNRESERVE_SYS_THREAD" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void abi_names_smc_ids_match_abi_facts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(upstream_ids); i++)
		assert_int_equal(upstream_ids[i].id, upstream_ids[i].wire);
	for (i = 0; i < ARRAY_SIZE(proposal_ids); i++)
		assert_int_equal(proposal_ids[i].id, proposal_ids[i].wire);
}

static void abi_names_smc_name_every_upstream_id(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(upstream_ids); i++) {
		const char *name;

		memset(buf, 0, sizeof(buf));
		name = smcsim_smc_name(upstream_ids[i].id, buf, sizeof(buf));
		assert_non_null(name);
		assert_string_equal(name, upstream_ids[i].name);
		assert_null(strstr(name, "proposal"));
	}
}

static void abi_names_smc_name_proposal_ids_marked(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(proposal_ids); i++) {
		const char *name;
		size_t n = strlen(proposal_ids[i].name);

		name = smcsim_smc_name(proposal_ids[i].id, buf, sizeof(buf));
		assert_non_null(name);
		/* The base name, then " (proposal" and any detail. */
		assert_int_equal(strncmp(name, proposal_ids[i].name, n), 0);
		assert_int_equal(strncmp(name + n, " (proposal", 10), 0);
		assert_non_null(strchr(name + n, ')'));
	}
}

/* No two IDs share a name: the table has no duplicate or aliased entry. */
static void abi_names_smc_names_distinct(void **state)
{
	const char *names[ARRAY_SIZE(upstream_ids) + ARRAY_SIZE(proposal_ids)];
	char buf[64];
	size_t n = 0, i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(upstream_ids); i++)
		names[n++] = smcsim_smc_name(upstream_ids[i].id, buf,
					     sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(proposal_ids); i++)
		names[n++] = smcsim_smc_name(proposal_ids[i].id, buf,
					     sizeof(buf));
	for (i = 0; i < n; i++) {
		assert_ptr_not_equal(names[i], buf);
		for (j = i + 1; j < n; j++)
			assert_int_not_equal(strcmp(names[i], names[j]), 0);
	}
}

static void abi_names_smc_name_unknown_in_buffer(void **state)
{
	char buf[64];
	const char *name;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	name = smcsim_smc_name(0xB2001234UL, buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(buf, "unknown 0xb2001234");

	/* Function 20 yielding is a proposal ID; 23 is nothing at all. */
	name = smcsim_smc_name(OPTEE_SMC_STD_CALL_VAL(23), buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(buf, "unknown 0x32000017");

	name = smcsim_smc_name(0, buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(buf, "unknown 0x0");
}

static void abi_names_smc_name_tiny_buffer_not_overrun(void **state)
{
	struct {
		char before[16];
		char buf[8];
		char after[16];
	} g;
	const char *name;
	size_t i;

	(void)state;
	memset(&g, 0xA5, sizeof(g));
	name = smcsim_smc_name(0xDEADBEEFUL, g.buf, sizeof(g.buf));
	assert_ptr_equal(name, g.buf);
	/* Truncated and terminated inside the 8 bytes. */
	assert_int_equal(g.buf[sizeof(g.buf) - 1], '\0');
	assert_string_equal(g.buf, "unknown");
	for (i = 0; i < sizeof(g.before); i++)
		assert_int_equal((unsigned char)g.before[i], 0xA5);
	for (i = 0; i < sizeof(g.after); i++)
		assert_int_equal((unsigned char)g.after[i], 0xA5);

	memset(&g, 0xA5, sizeof(g));
	name = smcsim_smc_ret_name(0xFFFF0001UL, g.buf, sizeof(g.buf));
	assert_ptr_equal(name, g.buf);
	assert_int_equal(strlen(g.buf), sizeof(g.buf) - 1);
	for (i = 0; i < sizeof(g.before); i++)
		assert_int_equal((unsigned char)g.before[i], 0xA5);
	for (i = 0; i < sizeof(g.after); i++)
		assert_int_equal((unsigned char)g.after[i], 0xA5);
}

static void abi_names_smc_ret_name_codes(void **state)
{
	static const struct {
		unsigned long v;
		const char *name;
	} rets[] = {
		{ OPTEE_SMC_RETURN_OK, "OK" },
		{ OPTEE_SMC_RETURN_ETHREAD_LIMIT, "ETHREAD_LIMIT" },
		{ OPTEE_SMC_RETURN_EBUSY, "EBUSY" },
		{ OPTEE_SMC_RETURN_ERESUME, "ERESUME" },
		{ OPTEE_SMC_RETURN_EBADADDR, "EBADADDR" },
		{ OPTEE_SMC_RETURN_EBADCMD, "EBADCMD" },
		{ OPTEE_SMC_RETURN_ENOMEM, "ENOMEM" },
		{ OPTEE_SMC_RETURN_ENOTAVAIL, "ENOTAVAIL" },
		{ 0xFFFFFFFFUL, "UNKNOWN_FUNCTION" },
		{ 0xFFFF0000UL, "RPC ALLOC" },
		{ 0xFFFF0002UL, "RPC FREE" },
		{ 0xFFFF0004UL, "RPC FOREIGN_INTR" },
		{ 0xFFFF0005UL, "RPC CMD" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rets); i++) {
		const char *name = smcsim_smc_ret_name(rets[i].v, buf,
						       sizeof(buf));

		assert_non_null(name);
		assert_string_equal(name, rets[i].name);
	}
	/* The return codes are 0..7 as in docs/abi.md section 4.1. */
	assert_int_equal(OPTEE_SMC_RETURN_ENOTAVAIL, 7);
}

static void abi_names_smc_ret_name_unassigned_rpc(void **state)
{
	char buf[64];
	const char *name;

	(void)state;
	name = smcsim_smc_ret_name(0xFFFF0001UL, buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(name, "RPC 0x0001");

	name = smcsim_smc_ret_name(0xFFFF0003UL, buf, sizeof(buf));
	assert_string_equal(name, "RPC 0x0003");

	name = smcsim_smc_ret_name(0xFFFFFFFEUL, buf, sizeof(buf));
	assert_string_equal(name, "RPC 0xfffe");
}

static void abi_names_smc_ret_name_unknown(void **state)
{
	char buf[64];
	const char *name;

	(void)state;
	name = smcsim_smc_ret_name(8, buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(name, "unknown 0x8");

	name = smcsim_smc_ret_name(0x12345678UL, buf, sizeof(buf));
	assert_ptr_equal(name, buf);
	assert_string_equal(name, "unknown 0x12345678");

	/* Just below the RPC prefix is no RPC. */
	name = smcsim_smc_ret_name(0xFFFEFFFFUL, buf, sizeof(buf));
	assert_string_equal(name, "unknown 0xfffeffff");
}

static void abi_names_msg_cmd_name(void **state)
{
	(void)state;
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_OPEN_SESSION),
			    "OPTEE_MSG_CMD_OPEN_SESSION");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_INVOKE_COMMAND),
			    "OPTEE_MSG_CMD_INVOKE_COMMAND");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_CLOSE_SESSION),
			    "OPTEE_MSG_CMD_CLOSE_SESSION");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_CANCEL),
			    "OPTEE_MSG_CMD_CANCEL");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_REGISTER_SHM),
			    "OPTEE_MSG_CMD_REGISTER_SHM");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_UNREGISTER_SHM),
			    "OPTEE_MSG_CMD_UNREGISTER_SHM");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_DO_BOTTOM_HALF),
			    "OPTEE_MSG_CMD_DO_BOTTOM_HALF");
	assert_string_equal(
		smcsim_msg_cmd_name(OPTEE_MSG_CMD_STOP_ASYNC_NOTIF),
		"OPTEE_MSG_CMD_STOP_ASYNC_NOTIF");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_LEND_PROTMEM),
			    "OPTEE_MSG_CMD_LEND_PROTMEM");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_RECLAIM_PROTMEM),
			    "OPTEE_MSG_CMD_RECLAIM_PROTMEM");
	assert_string_equal(
		smcsim_msg_cmd_name(OPTEE_MSG_CMD_GET_PROTMEM_CONFIG),
		"OPTEE_MSG_CMD_GET_PROTMEM_CONFIG");
	assert_string_equal(smcsim_msg_cmd_name(OPTEE_MSG_CMD_ASSIGN_PROTMEM),
			    "OPTEE_MSG_CMD_ASSIGN_PROTMEM");
	assert_null(smcsim_msg_cmd_name(12));
	assert_null(smcsim_msg_cmd_name(0xFFFFFFFFU));
}

static void abi_names_rpc_cmd_name(void **state)
{
	unsigned int cmd;

	(void)state;
	assert_string_equal(smcsim_rpc_cmd_name(OPTEE_RPC_CMD_LOAD_TA),
			    "OPTEE_RPC_CMD_LOAD_TA");
	assert_string_equal(smcsim_rpc_cmd_name(OPTEE_RPC_CMD_NOTIFICATION),
			    "OPTEE_RPC_CMD_NOTIFICATION");
	assert_string_equal(smcsim_rpc_cmd_name(OPTEE_RPC_CMD_SHM_ALLOC),
			    "OPTEE_RPC_CMD_SHM_ALLOC");
	assert_string_equal(smcsim_rpc_cmd_name(OPTEE_RPC_CMD_SUPP_PLUGIN),
			    "OPTEE_RPC_CMD_SUPP_PLUGIN");
	assert_string_equal(smcsim_rpc_cmd_name(OPTEE_RPC_CMD_RPMB_FRAMES),
			    "OPTEE_RPC_CMD_RPMB_FRAMES");
	/* 0..12 and 20..24 are assigned, the gap between is not. */
	for (cmd = 0; cmd <= 12; cmd++)
		assert_non_null(smcsim_rpc_cmd_name(cmd));
	for (cmd = 13; cmd < 20; cmd++)
		assert_null(smcsim_rpc_cmd_name(cmd));
	for (cmd = 20; cmd <= 24; cmd++)
		assert_non_null(smcsim_rpc_cmd_name(cmd));
	assert_null(smcsim_rpc_cmd_name(25));
}

static void abi_names_tee_err_name(void **state)
{
	(void)state;
	assert_string_equal(smcsim_tee_err_name(TEE_SUCCESS), "TEE_SUCCESS");
	assert_string_equal(smcsim_tee_err_name(0xFFFF0006U),
			    "TEE_ERROR_BAD_PARAMETERS");
	assert_string_equal(smcsim_tee_err_name(0xFFFF000CU),
			    "TEE_ERROR_OUT_OF_MEMORY");
	assert_string_equal(smcsim_tee_err_name(0xFFFF3024U),
			    "TEE_ERROR_TARGET_DEAD");
	assert_string_equal(smcsim_tee_err_name(0xF0100003U),
			    "TEE_ERROR_STORAGE_NOT_AVAILABLE");
	assert_string_equal(smcsim_tee_err_name(TEE_ERROR_SHORT_BUFFER),
			    "TEE_ERROR_SHORT_BUFFER");
	assert_null(smcsim_tee_err_name(0xFFFF0011U));
	assert_null(smcsim_tee_err_name(1));
}

static void abi_names_smccc_call_val(void **state)
{
	(void)state;
	assert_int_equal(ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL,
					    ARM_SMCCC_SMC_32,
					    ARM_SMCCC_OWNER_TRUSTED_OS, 9),
			 0xB2000009UL);
	assert_int_equal(ARM_SMCCC_CALL_VAL(ARM_SMCCC_STD_CALL,
					    ARM_SMCCC_SMC_32,
					    ARM_SMCCC_OWNER_TRUSTED_OS, 4),
			 0x32000004UL);
	assert_int_equal(ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL,
					    ARM_SMCCC_SMC_32,
					    ARM_SMCCC_OWNER_TRUSTED_OS_END,
					    0xFF01),
			 0xBF00FF01UL);
	/* Out-of-range owner and function are masked, not spilled. */
	assert_int_equal(ARM_SMCCC_CALL_VAL(ARM_SMCCC_STD_CALL,
					    ARM_SMCCC_SMC_64, 0x7F, 0x1FFFF),
			 0x7F00FFFFUL);
}

static void abi_names_smccc_decode(void **state)
{
	(void)state;
	assert_true(smccc_is_fast(0xB2000009UL));
	assert_false(smccc_is_fast(0x32000004UL));
	assert_false(smccc_is_64(0xB2000009UL));
	assert_true(smccc_is_64(0xF2000009UL));
	assert_true(smccc_is_64(0x72000000UL));
	assert_int_equal(smccc_owner(0xB2000009UL), ARM_SMCCC_OWNER_TRUSTED_OS);
	assert_int_equal(smccc_owner(0xBF00FF01UL), 63);
	assert_int_equal(smccc_owner(0x84000000UL), ARM_SMCCC_OWNER_STANDARD);
	assert_int_equal(smccc_func_num(0xBF00FF01UL), 0xFF01);
	assert_int_equal(smccc_func_num(0x32000013UL), 19);
	/* Reserved bits 23:16 are not part of the function number. */
	assert_int_equal(smccc_func_num(0xB2AB0009UL), 9);
	assert_int_equal(smccc_owner(0xB2AB0009UL), ARM_SMCCC_OWNER_TRUSTED_OS);
}

static void abi_names_reg_pair_round_trip(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 0xFFFFFFFFULL, 0x100000000ULL, 0x123456789ABCDEF0ULL,
		UINT64_MAX, 0x8000000000000000ULL,
	};
	size_t i;

	(void)state;
	assert_int_equal(reg_pair_hi(0x123456789ABCDEF0ULL), 0x12345678UL);
	assert_int_equal(reg_pair_lo(0x123456789ABCDEF0ULL), 0x9ABCDEF0UL);
	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		unsigned long hi = reg_pair_hi(vals[i]);
		unsigned long lo = reg_pair_lo(vals[i]);

		assert_true(hi <= 0xFFFFFFFFUL);
		assert_true(lo <= 0xFFFFFFFFUL);
		assert_int_equal(reg_pair_to_64(hi, lo), vals[i]);
	}
	/* Upper halves of the registers are ignored on the way back. */
	assert_int_equal(reg_pair_to_64((unsigned long)0xAAAAAAAA00000001ULL,
					(unsigned long)0xBBBBBBBB00000002ULL),
			 0x0000000100000002ULL);
}

static void abi_names_return_is_rpc(void **state)
{
	(void)state;
	assert_true(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_ALLOC));
	assert_true(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_FREE));
	assert_true(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_FOREIGN_INTR));
	assert_true(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_CMD));
	assert_true(optee_smc_return_is_rpc(0xFFFF0001UL));
	assert_true(optee_smc_return_is_rpc(0xFFFFFFFEUL));
	assert_false(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION));
	assert_false(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_OK));
	assert_false(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_ETHREAD_LIMIT));
	assert_false(optee_smc_return_is_rpc(0xFFFEFFFFUL));
	assert_false(optee_smc_return_is_rpc(0x0000FFFFUL));

	assert_int_equal(optee_smc_return_rpc_func(OPTEE_SMC_RETURN_RPC_ALLOC),
			 OPTEE_SMC_RPC_FUNC_ALLOC);
	assert_int_equal(optee_smc_return_rpc_func(OPTEE_SMC_RETURN_RPC_FREE),
			 2);
	assert_int_equal(
		optee_smc_return_rpc_func(OPTEE_SMC_RETURN_RPC_FOREIGN_INTR), 4);
	assert_int_equal(optee_smc_return_rpc_func(OPTEE_SMC_RETURN_RPC_CMD), 5);
	assert_int_equal(optee_smc_return_rpc_func(0xFFFF1234UL), 0x1234);
}

/*
 * The capability bits by name: bit 7 by profile, a bit with no name as
 * BIT<n>, and a buffer too small is cut short, never overrun.
 */
static void abi_names_sec_caps_str(void **state)
{
	char buf[128], small[8];

	(void)state;
	assert_string_equal(smcsim_sec_caps_str(0xf5, SMCSIM_ABI_UPSTREAM,
						buf, sizeof(buf)),
			    "RESERVED_SHM DYNAMIC_SHM MEMREF_NULL ASYNC_NOTIF "
			    "RPC_ARG RPMB_PROBE");
	assert_string_equal(smcsim_sec_caps_str(0xf5, SMCSIM_ABI_PROPOSAL,
						buf, sizeof(buf)),
			    "RESERVED_SHM DYNAMIC_SHM MEMREF_NULL ASYNC_NOTIF "
			    "RPC_ARG SYSTEM_THREAD");
	assert_string_equal(smcsim_sec_caps_str(0x8000030a, SMCSIM_ABI_UPSTREAM,
						buf, sizeof(buf)),
			    "UNREGISTERED_SHM VIRTUALIZATION PROTMEM "
			    "DYNAMIC_PROTMEM BIT31");
	assert_string_equal(smcsim_sec_caps_str(0, SMCSIM_ABI_UPSTREAM, buf,
						sizeof(buf)), "");
	memset(small, 'x', sizeof(small));
	assert_ptr_equal(smcsim_sec_caps_str(0xf5, SMCSIM_ABI_UPSTREAM, small,
					     sizeof(small)), small);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "RESERVE", sizeof(small));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abi_names_smc_ids_match_abi_facts),
		cmocka_unit_test(abi_names_smc_name_every_upstream_id),
		cmocka_unit_test(abi_names_smc_name_proposal_ids_marked),
		cmocka_unit_test(abi_names_smc_names_distinct),
		cmocka_unit_test(abi_names_smc_name_unknown_in_buffer),
		cmocka_unit_test(abi_names_smc_name_tiny_buffer_not_overrun),
		cmocka_unit_test(abi_names_smc_ret_name_codes),
		cmocka_unit_test(abi_names_smc_ret_name_unassigned_rpc),
		cmocka_unit_test(abi_names_smc_ret_name_unknown),
		cmocka_unit_test(abi_names_msg_cmd_name),
		cmocka_unit_test(abi_names_rpc_cmd_name),
		cmocka_unit_test(abi_names_tee_err_name),
		cmocka_unit_test(abi_names_smccc_call_val),
		cmocka_unit_test(abi_names_smccc_decode),
		cmocka_unit_test(abi_names_reg_pair_round_trip),
		cmocka_unit_test(abi_names_return_is_rpc),
		cmocka_unit_test(abi_names_sec_caps_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
