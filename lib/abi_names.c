// SPDX-License-Identifier: BSD-2-Clause
/*
 * Names of ABI values for traces and messages. The tables are indexed by
 * the constants of include/smcsim/, never by literals.
 */
#include <stdio.h>

#include <smcsim/abi_names.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/tee_error.h>

struct abi_name {
	unsigned long val;
	const char *name;
};

#define N(x) { x, #x }

static const struct abi_name smc_funcs[] = {
	N(OPTEE_SMC_CALLS_COUNT),
	N(OPTEE_SMC_CALLS_UID),
	N(OPTEE_SMC_CALLS_REVISION),
	N(OPTEE_SMC_CALL_LOAD_IMAGE),
	N(OPTEE_SMC_CALL_GET_OS_UUID),
	N(OPTEE_SMC_CALL_GET_OS_REVISION),
	N(OPTEE_SMC_CALL_RETURN_FROM_RPC),
	N(OPTEE_SMC_CALL_WITH_ARG),
	N(OPTEE_SMC_GET_SHM_CONFIG),
	N(OPTEE_SMC_L2CC_MUTEX),
	N(OPTEE_SMC_EXCHANGE_CAPABILITIES),
	N(OPTEE_SMC_DISABLE_SHM_CACHE),
	N(OPTEE_SMC_ENABLE_SHM_CACHE),
	N(OPTEE_SMC_BOOT_SECONDARY),
	N(OPTEE_SMC_VM_CREATED),
	N(OPTEE_SMC_VM_DESTROYED),
	N(OPTEE_SMC_GET_THREAD_COUNT),
	N(OPTEE_SMC_ENABLE_ASYNC_NOTIF),
	N(OPTEE_SMC_GET_ASYNC_NOTIF_VALUE),
	N(OPTEE_SMC_CALL_WITH_RPC_ARG),
	N(OPTEE_SMC_CALL_WITH_REGD_ARG),
	N(OPTEE_SMC_GET_PROTMEM_CONFIG),
	{ OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG,
	  "OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG (proposal)" },
	{ OPTEE_SMC_CALL_RESERVE_SYS_THREAD,
	  "OPTEE_SMC_CALL_RESERVE_SYS_THREAD (proposal, yielding)" },
	{ OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD,
	  "OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD (proposal, yielding)" },
	{ OPTEE_SMC_RESERVE_SYS_THREAD,
	  "OPTEE_SMC_RESERVE_SYS_THREAD (proposal, fast)" },
	{ OPTEE_SMC_UNRESERVE_SYS_THREAD,
	  "OPTEE_SMC_UNRESERVE_SYS_THREAD (proposal, fast)" },
};

static const struct abi_name smc_rets[] = {
	{ OPTEE_SMC_RETURN_OK, "OK" },
	{ OPTEE_SMC_RETURN_ETHREAD_LIMIT, "ETHREAD_LIMIT" },
	{ OPTEE_SMC_RETURN_EBUSY, "EBUSY" },
	{ OPTEE_SMC_RETURN_ERESUME, "ERESUME" },
	{ OPTEE_SMC_RETURN_EBADADDR, "EBADADDR" },
	{ OPTEE_SMC_RETURN_EBADCMD, "EBADCMD" },
	{ OPTEE_SMC_RETURN_ENOMEM, "ENOMEM" },
	{ OPTEE_SMC_RETURN_ENOTAVAIL, "ENOTAVAIL" },
	{ OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, "UNKNOWN_FUNCTION" },
	{ OPTEE_SMC_RETURN_RPC_ALLOC, "RPC ALLOC" },
	{ OPTEE_SMC_RETURN_RPC_FREE, "RPC FREE" },
	{ OPTEE_SMC_RETURN_RPC_FOREIGN_INTR, "RPC FOREIGN_INTR" },
	{ OPTEE_SMC_RETURN_RPC_CMD, "RPC CMD" },
};

static const struct abi_name msg_cmds[] = {
	N(OPTEE_MSG_CMD_OPEN_SESSION),
	N(OPTEE_MSG_CMD_INVOKE_COMMAND),
	N(OPTEE_MSG_CMD_CLOSE_SESSION),
	N(OPTEE_MSG_CMD_CANCEL),
	N(OPTEE_MSG_CMD_REGISTER_SHM),
	N(OPTEE_MSG_CMD_UNREGISTER_SHM),
	N(OPTEE_MSG_CMD_DO_BOTTOM_HALF),
	N(OPTEE_MSG_CMD_STOP_ASYNC_NOTIF),
	N(OPTEE_MSG_CMD_LEND_PROTMEM),
	N(OPTEE_MSG_CMD_RECLAIM_PROTMEM),
	N(OPTEE_MSG_CMD_GET_PROTMEM_CONFIG),
	N(OPTEE_MSG_CMD_ASSIGN_PROTMEM),
};

static const struct abi_name rpc_cmds[] = {
	N(OPTEE_RPC_CMD_LOAD_TA),
	N(OPTEE_RPC_CMD_RPMB),
	N(OPTEE_RPC_CMD_FS),
	N(OPTEE_RPC_CMD_GET_TIME),
	N(OPTEE_RPC_CMD_NOTIFICATION),
	N(OPTEE_RPC_CMD_SUSPEND),
	N(OPTEE_RPC_CMD_SHM_ALLOC),
	N(OPTEE_RPC_CMD_SHM_FREE),
	N(OPTEE_RPC_CMD_SQL_FS_RESERVED),
	N(OPTEE_RPC_CMD_GPROF),
	N(OPTEE_RPC_CMD_SOCKET),
	N(OPTEE_RPC_CMD_FTRACE),
	N(OPTEE_RPC_CMD_SUPP_PLUGIN),
	N(OPTEE_RPC_CMD_BENCH_REG),
	N(OPTEE_RPC_CMD_I2C_TRANSFER),
	N(OPTEE_RPC_CMD_RPMB_PROBE_RESET),
	N(OPTEE_RPC_CMD_RPMB_PROBE_NEXT),
	N(OPTEE_RPC_CMD_RPMB_FRAMES),
};

static const struct abi_name tee_errs[] = {
	N(TEE_SUCCESS),
	N(TEE_ERROR_STORAGE_NOT_AVAILABLE),
	N(TEE_ERROR_GENERIC),
	N(TEE_ERROR_ACCESS_DENIED),
	N(TEE_ERROR_CANCEL),
	N(TEE_ERROR_ACCESS_CONFLICT),
	N(TEE_ERROR_EXCESS_DATA),
	N(TEE_ERROR_BAD_FORMAT),
	N(TEE_ERROR_BAD_PARAMETERS),
	N(TEE_ERROR_BAD_STATE),
	N(TEE_ERROR_ITEM_NOT_FOUND),
	N(TEE_ERROR_NOT_IMPLEMENTED),
	N(TEE_ERROR_NOT_SUPPORTED),
	N(TEE_ERROR_NO_DATA),
	N(TEE_ERROR_OUT_OF_MEMORY),
	N(TEE_ERROR_BUSY),
	N(TEE_ERROR_COMMUNICATION),
	N(TEE_ERROR_SECURITY),
	N(TEE_ERROR_SHORT_BUFFER),
	N(TEE_ERROR_TIMEOUT),
	N(TEE_ERROR_OVERFLOW),
	N(TEE_ERROR_TARGET_DEAD),
};

#undef N

static const char *lookup(const struct abi_name *t, size_t n, unsigned long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return NULL;
}

#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof((t)[0]), (v))

const char *smcsim_smc_name(unsigned long a0, char *buf, size_t len)
{
	const char *name = LOOKUP(smc_funcs, a0);

	if (name)
		return name;
	snprintf(buf, len, "unknown 0x%lx", a0);
	return buf;
}

const char *smcsim_smc_ret_name(unsigned long a0, char *buf, size_t len)
{
	const char *name = LOOKUP(smc_rets, a0);

	if (name)
		return name;
	if (optee_smc_return_is_rpc(a0) && a0 <= 0xFFFFFFFFUL)
		snprintf(buf, len, "RPC 0x%04x", optee_smc_return_rpc_func(a0));
	else
		snprintf(buf, len, "unknown 0x%lx", a0);
	return buf;
}

bool smcsim_smc_returns_data(unsigned long a0)
{
	switch (a0) {
	case OPTEE_SMC_CALLS_COUNT:
	case OPTEE_SMC_CALLS_UID:
	case OPTEE_SMC_CALLS_REVISION:
	case OPTEE_SMC_CALL_GET_OS_UUID:
	case OPTEE_SMC_CALL_GET_OS_REVISION:
		return true;
	default:
		return false;
	}
}

const char *smcsim_msg_cmd_name(unsigned int cmd)
{
	return LOOKUP(msg_cmds, cmd);
}

const char *smcsim_rpc_cmd_name(unsigned int cmd)
{
	return LOOKUP(rpc_cmds, cmd);
}

const char *smcsim_tee_err_name(unsigned int ret)
{
	return LOOKUP(tee_errs, ret);
}

const char *smcsim_sec_caps_str(uint32_t caps, enum smcsim_abi_profile profile,
				char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM, "RESERVED_SHM" },
		{ OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM, "UNREGISTERED_SHM" },
		{ OPTEE_SMC_SEC_CAP_DYNAMIC_SHM, "DYNAMIC_SHM" },
		{ OPTEE_SMC_SEC_CAP_VIRTUALIZATION, "VIRTUALIZATION" },
		{ OPTEE_SMC_SEC_CAP_MEMREF_NULL, "MEMREF_NULL" },
		{ OPTEE_SMC_SEC_CAP_ASYNC_NOTIF, "ASYNC_NOTIF" },
		{ OPTEE_SMC_SEC_CAP_RPC_ARG, "RPC_ARG" },
		/* Bit 7 means one thing in each profile. */
		{ OPTEE_SMC_SEC_CAP_PROTMEM, "PROTMEM" },
		{ OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM, "DYNAMIC_PROTMEM" },
	};
	size_t off = 0, i;
	unsigned int bit;

	if (len)
		buf[0] = '\0';
	for (bit = 0; bit < 32 && off < len; bit++) {
		uint32_t mask = 1U << bit;
		const char *name = NULL;
		char other[16];
		int n;

		if (!(caps & mask))
			continue;
		if (mask == OPTEE_SMC_SEC_CAP_RPMB_PROBE)
			name = profile == SMCSIM_ABI_PROPOSAL ? "SYSTEM_THREAD" :
								"RPMB_PROBE";
		for (i = 0; !name && i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].bit == mask)
				name = names[i].name;
		if (!name) {
			snprintf(other, sizeof(other), "BIT%u", bit);
			name = other;
		}
		n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}
