/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names for register values, for traces and error messages.
 */
#ifndef SMCSIM_ABI_NAMES_H
#define SMCSIM_ABI_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/optee_smc.h>

/**
 * smcsim_smc_name() - name a function ID (an a0 going into the secure world)
 * @a0:		the function ID
 * @buf:	scratch for names that must be formatted ("unknown 0x...")
 * @len:	size of @buf
 *
 * Function IDs of both ABI profiles are named; proposal-only ones carry a
 * " (proposal)" suffix. Return: a constant name or @buf.
 */
const char *smcsim_smc_name(unsigned long a0, char *buf, size_t len);

/**
 * smcsim_smc_ret_name() - name a result (an a0 coming out of the secure world)
 *
 * "OK", "ETHREAD_LIMIT", ..., "RPC FOREIGN_INTR", "RPC 0x0001" for unassigned
 * RPC functions, else "unknown 0x...". Return: a constant name or @buf.
 */
const char *smcsim_smc_ret_name(unsigned long a0, char *buf, size_t len);

/**
 * smcsim_smc_returns_data() - whether a call's a0 out is data, not a status
 * @a0:		the function ID the call went in with
 *
 * The general-service and OS-identity calls answer with a UID word, a
 * revision or a count in a0. Return: true for those.
 */
bool smcsim_smc_returns_data(unsigned long a0);

/** smcsim_msg_cmd_name() - OPTEE_MSG_CMD_* name, or NULL */
const char *smcsim_msg_cmd_name(unsigned int cmd);
/** smcsim_rpc_cmd_name() - OPTEE_RPC_CMD_* name, or NULL */
const char *smcsim_rpc_cmd_name(unsigned int cmd);
/** smcsim_tee_err_name() - TEE_ERROR_* name, or NULL */
const char *smcsim_tee_err_name(unsigned int ret);

/**
 * smcsim_sec_caps_str() - names of the OPTEE_SMC_SEC_CAP_* bits in @caps,
 * space separated; a bit with no name is "BIT<n>"
 * @profile:	decides the name of bit 7 (RPMB_PROBE or SYSTEM_THREAD)
 * @buf, @len:	where the names go (cut short, NUL-terminated, if too small)
 * Return: @buf.
 */
const char *smcsim_sec_caps_str(uint32_t caps, enum smcsim_abi_profile profile,
				char *buf, size_t len);

#endif /* SMCSIM_ABI_NAMES_H */
