/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A secure world driven by hand, one SMC at a time, without the driver:
 * for tests that must choose which OS thread makes each call of a
 * yielding call (the first SMC, each RETURN_FROM_RPC). The message and its
 * RPC argument live at the start of the reserved shm and are passed with
 * CALL_WITH_RPC_ARG, so a call makes no RPC ALLOC or FREE of its own: the
 * only RPCs are the ones its TA makes.
 */
#ifndef SMCSIM_SWCALL_H
#define SMCSIM_SWCALL_H

#include <stdint.h>

#include <smcsim/optee_msg.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>

/**
 * struct swc - the worlds
 * @phys:	memory map
 * @sw:		secure world (OP-TEE's defaults, upstream profile)
 * @arg:	the normal world's view of the message
 * @rpc_arg:	and of the RPC argument behind it
 */
struct swc {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct optee_msg_arg *arg;
	struct optee_msg_arg *rpc_arg;
};

/** swc_start() - build the worlds; Return: 0 or a negative errno */
int swc_start(struct swc *c);
void swc_stop(struct swc *c);

/**
 * swc_open() - issue OPEN_SESSION to @uuid (login PUBLIC, no params)
 * @res:	the first answer: done, or the first RPC of the TA
 */
void swc_open(struct swc *c, const struct smcsim_uuid *uuid,
	      struct arm_smccc_res *res);

/**
 * swc_return_from_rpc() - answer RPC CMD @rpc with success (the RPC
 * argument as the secure world wrote it, ret 0) and resume its thread
 * @res:	the next answer
 */
void swc_return_from_rpc(struct swc *c, const struct arm_smccc_res *rpc,
			 struct arm_smccc_res *res);

#endif /* SMCSIM_SWCALL_H */
