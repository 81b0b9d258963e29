// SPDX-License-Identifier: BSD-2-Clause
/*
 * RPCs from a secure thread to the normal world (OP-TEE's thread_rpc_cmd
 * and friends, docs/abi.md sections 4.2 and 13):
 *
 *  - the RPC argument is the one the normal world supplied with the call
 *    (CALL_WITH_RPC_ARG / CALL_WITH_REGD_ARG; RPC CMD then carries cookie
 *    0), else the thread's cached one, else one asked for with RPC ALLOC of
 *    OPTEE_MSG_GET_ARG_SIZE(4) = 160 bytes;
 *  - at the end of the call an allocated argument is given back with
 *    RPC FREE unless the prealloc cache is on, in which case it stays with
 *    the thread until DISABLE_SHM_CACHE hands it back.
 *
 * What the normal world writes into the argument is read back once.
 */
#include <string.h>

#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

static void sw_rpc_free_arg(struct sw_thread *t, uint64_t cookie)
{
	struct sw_args resume;

	sw_thread_rpc(t, OPTEE_SMC_RETURN_RPC_FREE, reg_pair_hi(cookie),
		      reg_pair_lo(cookie), &resume);
}

/*
 * Where OP-TEE accepts an RPC argument from RPC ALLOC (rpc_shm_mobj_alloc(),
 * docs/abi.md section 4.2): 8-byte aligned inside the reserved shm, or,
 * with dynamic shm, a page-aligned page of non-secure DRAM.
 */
static bool sw_rpc_arg_pa_ok(struct smcsim_sw *sw, uint64_t pa)
{
	enum smcsim_mem_kind kind;

	if (!pa || (pa & 7) ||
	    smcsim_phys_kind(sw->cfg.phys, pa, SW_RPC_ARG_SIZE, &kind))
		return false;
	if (kind == SMCSIM_MEM_NS_SHM)
		return true;
	return kind == SMCSIM_MEM_NS_DRAM && sw->cfg.dynamic_shm &&
	       !(pa & SMCSIM_PAGE_MASK);
}

/* Make t->rpc_mem a window on an RPC argument. Return: TEE result. */
static uint32_t sw_rpc_get_arg(struct sw_thread *t)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_args resume;
	uint64_t pa, cookie;

	if (t->rpc_mem_valid)
		return TEE_SUCCESS;

	if (!t->rpc_arg_cookie) {
		if (!sw_thread_rpc(t, OPTEE_SMC_RETURN_RPC_ALLOC,
				   SW_RPC_ARG_SIZE, 0, &resume))
			return TEE_ERROR_COMMUNICATION;
		pa = reg_pair_to_64(resume.a[1], resume.a[2]);
		cookie = reg_pair_to_64(resume.a[4], resume.a[5]);
		if (!cookie || !sw_rpc_arg_pa_ok(sw, pa)) {
			sw_log(sw, "thread %u: RPC ALLOC answered pa 0x%llx "
			       "cookie 0x%llx", t->id, (unsigned long long)pa,
			       (unsigned long long)cookie);
			if (cookie)
				sw_rpc_free_arg(t, cookie);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
		rt_mutex_lock(&sw->lock);
		t->rpc_arg_cookie = cookie;
		t->rpc_arg_pa = pa;
		rt_mutex_unlock(&sw->lock);
	}
	if (sw_mem_from_pa(sw, t->rpc_arg_pa, SW_RPC_ARG_SIZE, &t->rpc_mem))
		return TEE_ERROR_OUT_OF_MEMORY;
	t->rpc_mem_valid = true;
	t->rpc_from_nw = false;
	return TEE_SUCCESS;
}

uint32_t sw_rpc_cmd(struct sw_thread *t, uint32_t cmd,
		    struct optee_msg_param *params, uint32_t num_params)
{
	struct smcsim_sw *sw = t->sw;
	uint8_t buf[SW_RPC_ARG_SIZE];
	struct optee_msg_arg *arg = (struct optee_msg_arg *)buf;
	uint64_t cookie;
	struct sw_args resume;
	uint32_t res;

	if (num_params > OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)
		return TEE_ERROR_BAD_PARAMETERS;
	sw_thread_preempt_point(t);
	res = sw_rpc_get_arg(t);
	if (res)
		return res;

	memset(buf, 0, sizeof(buf));
	arg->cmd = cmd;
	arg->num_params = num_params;
	if (num_params)
		memcpy(arg->params, params, num_params * sizeof(*params));
	if (sw_mem_write(sw, &t->rpc_mem, 0, buf,
			 OPTEE_MSG_GET_ARG_SIZE(num_params)))
		return TEE_ERROR_COMMUNICATION;

	cookie = t->rpc_from_nw ? 0 : t->rpc_arg_cookie;
	smcsim_tev_rpc_cmd(SMCSIM_TEV_BEGIN, (int)t->id, arg,
			   OPTEE_MSG_GET_ARG_SIZE(num_params));
	/* Read the answer once; only ret and the params we sent count. */
	if (!sw_thread_rpc(t, OPTEE_SMC_RETURN_RPC_CMD, reg_pair_hi(cookie),
			   reg_pair_lo(cookie), &resume) ||
	    sw_mem_read(sw, &t->rpc_mem, 0, buf,
			OPTEE_MSG_GET_ARG_SIZE(num_params))) {
		arg->cmd = cmd;
		arg->ret = TEE_ERROR_COMMUNICATION;
		arg->ret_origin = TEEC_ORIGIN_COMMS;
		arg->num_params = 0;
		smcsim_tev_rpc_cmd(SMCSIM_TEV_END, (int)t->id, arg,
				   sizeof(*arg));
		return TEE_ERROR_COMMUNICATION;
	}
	smcsim_tev_rpc_cmd(SMCSIM_TEV_END, (int)t->id, arg,
			   OPTEE_MSG_GET_ARG_SIZE(num_params));
	if (num_params)
		memcpy(params, arg->params, num_params * sizeof(*params));
	sw_thread_preempt_point(t);
	return arg->ret;
}

void sw_rpc_call_done(struct sw_thread *t)
{
	struct smcsim_sw *sw = t->sw;
	uint64_t cookie = 0;

	/* Normally gone already (sw_msg.c); the RPC argument goes last. */
	sw_fs_shm_release(t);
	if (t->rpc_mem_valid)
		sw_mem_release(sw, &t->rpc_mem);
	t->rpc_mem_valid = false;
	t->rpc_from_nw = false;

	/*
	 * Only this thread sets its cookie, and DISABLE_SHM_CACHE clears it
	 * only while every thread is FREE: without one there is nothing to
	 * look at under the lock (a call whose RPC argument came with it).
	 */
	if (!t->rpc_arg_cookie)
		return;
	rt_mutex_lock(&sw->lock);
	if (!sw->prealloc_rpc_cache) {
		cookie = t->rpc_arg_cookie;
		t->rpc_arg_cookie = 0;
		t->rpc_arg_pa = 0;
	}
	rt_mutex_unlock(&sw->lock);
	if (cookie)
		sw_rpc_free_arg(t, cookie);
}
