// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a secure thread does with a yielding call (OP-TEE's
 * thread_optee_smc.c and entry_std.c, docs/abi.md sections 3.2,
 * 6 and 13): find the message argument, copy it into secure memory once, check
 * it, dispatch the message command, and write the results back.
 *
 * Where the argument may be:
 *  - CALL_WITH_ARG / CALL_WITH_RPC_ARG: by physical address; inside the
 *    reserved shm it must be 8-byte aligned, elsewhere in non-secure DRAM
 *    page aligned, and then only that one page is mapped, so the argument
 *    (and the RPC argument that follows it) must fit in it;
 *  - CALL_WITH_REGD_ARG: at an offset in registered shm named by cookie.
 * Anything else is EBADADDR, as is num_params > 127.
 */
#include <stdlib.h>
#include <string.h>

#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

/*
 * REGISTER_SHM as OP-TEE 4.10's register_shm(): exactly one param, of
 * exactly TMEM_OUTPUT | NONCONTIG (no other attribute bits, no other
 * direction). Only arg->ret is written: ret_origin keeps what the normal
 * world left there, as on OP-TEE.
 */
static void msg_register_shm(struct sw_thread *t, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = &arg->params[0];

	/* params[0] exists only when num_params says so: check that first. */
	if (arg->num_params != 1 ||
	    p->attr != (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			OPTEE_MSG_ATTR_NONCONTIG)) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	arg->ret = sw_shm_register(t->sw, p->u.tmem.shm_ref, p->u.tmem.buf_ptr,
				   p->u.tmem.size);
}

/*
 * UNREGISTER_SHM as OP-TEE 4.10's unregister_shm(): with one param its
 * cookie (rmem.shm_ref, whatever the attribute) is released and only ret
 * is written (BAD_PARAMETERS for a cookie not registered); any other
 * param count is BAD_PARAMETERS with origin TEE.
 */
static void msg_unregister_shm(struct sw_thread *t, struct optee_msg_arg *arg)
{
	if (arg->num_params != 1) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		arg->ret_origin = TEEC_ORIGIN_TEE;
		return;
	}
	arg->ret = sw_shm_unregister(t->sw, arg->params[0].u.rmem.shm_ref);
}

/* Return: a0 for the normal world. */
static unsigned long sw_msg_dispatch(struct sw_thread *t,
				     struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;

	switch (arg->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		sw_ta_open_session(t, arg);
		break;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		sw_ta_invoke(t, arg);
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
		sw_ta_close_session(t, arg);
		break;
	case OPTEE_MSG_CMD_CANCEL:
		sw_ta_cancel(t, arg);
		break;
	case OPTEE_MSG_CMD_REGISTER_SHM:
		if (!sw->cfg.dynamic_shm)
			return OPTEE_SMC_RETURN_EBADCMD;
		msg_register_shm(t, arg);
		break;
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		if (!sw->cfg.dynamic_shm)
			return OPTEE_SMC_RETURN_EBADCMD;
		msg_unregister_shm(t, arg);
		break;
	case OPTEE_MSG_CMD_DO_BOTTOM_HALF:
	case OPTEE_MSG_CMD_STOP_ASYNC_NOTIF:
		/* Without CFG_CORE_ASYNC_NOTIF these are unknown commands. */
		if (!sw->cfg.async_notif)
			return OPTEE_SMC_RETURN_EBADCMD;
		/* OP-TEE writes neither ret nor ret_origin here (observed). */
		sw_notif_yielding_event(sw, arg->cmd == OPTEE_MSG_CMD_DO_BOTTOM_HALF ?
					SMCSIM_SW_NOTIF_EVENT_DO_BOTTOM_HALF :
					SMCSIM_SW_NOTIF_EVENT_STOPPED);
		break;
	case OPTEE_MSG_CMD_LEND_PROTMEM:
	case OPTEE_MSG_CMD_RECLAIM_PROTMEM:
	case OPTEE_MSG_CMD_GET_PROTMEM_CONFIG:
		/* Without CFG_CORE_DYN_PROTMEM these are unknown commands. */
		if (!sw_protmem_msg(t, arg))
			return OPTEE_SMC_RETURN_EBADCMD;
		break;
	default:
		/* TEE_ERROR_NOT_IMPLEMENTED from the dispatcher -> EBADCMD */
		sw_log(sw, "thread %u: unknown message command %u", t->id,
		       arg->cmd);
		return OPTEE_SMC_RETURN_EBADCMD;
	}
	return OPTEE_SMC_RETURN_OK;
}

/*
 * Run the message in @mem (offset 0). With @with_rpc an RPC argument of
 * OPTEE_MSG_GET_ARG_SIZE(4) bytes follows it and the thread uses that one.
 */
static unsigned long sw_std_call_mem(struct sw_thread *t, struct sw_mem *mem,
				     bool with_rpc)
{
	struct smcsim_sw *sw = t->sw;
	struct optee_msg_arg hdr, *arg;
	size_t size, need;
	unsigned long a0;
	uint32_t num;

	if (sw_mem_read(sw, mem, 0, &hdr, sizeof(hdr)))
		return OPTEE_SMC_RETURN_EBADADDR;
	num = hdr.num_params;
	if (num > OPTEE_MSG_MAX_NUM_PARAMS)
		return OPTEE_SMC_RETURN_EBADADDR;
	size = OPTEE_MSG_GET_ARG_SIZE(num);
	need = size + (with_rpc ? SW_RPC_ARG_SIZE : 0);
	if (need > mem->size)
		return OPTEE_SMC_RETURN_EBADADDR;

	/* One copy of the whole message; the count checked above wins. */
	arg = (struct optee_msg_arg *)t->msg_buf;
	if (sw_mem_read(sw, mem, 0, arg, size))
		return OPTEE_SMC_RETURN_EBADADDR;
	arg->num_params = num;
	smcsim_tev_msg(SMCSIM_TEV_BEGIN, (int)t->id, arg, size, 0);

	if (with_rpc) {
		/*
		 * The RPC argument follows the message in the same memory
		 * (checked above to fit): a window inside the message's,
		 * which holds the registered shm for both and is released
		 * after it.
		 */
		if (mem->shm)
			t->rpc_mem = (struct sw_mem){
				.shm = mem->shm,
				.borrowed = true,
				.offs = mem->offs + size,
				.size = SW_RPC_ARG_SIZE,
			};
		else
			t->rpc_mem = (struct sw_mem){
				.va = mem->va + size,
				.size = SW_RPC_ARG_SIZE,
			};
		t->rpc_mem_valid = true;
		t->rpc_from_nw = true;
	}
	a0 = sw_msg_dispatch(t, arg);
	smcsim_tev_msg(SMCSIM_TEV_END, (int)t->id, arg, size, a0);
	/*
	 * The call's FS buffer goes back now, while a supplied RPC
	 * argument is still there to carry the SHM_FREE (OP-TEE clears the
	 * thread's shm cache right after the message command).
	 */
	sw_fs_shm_release(t);
	if (a0 == OPTEE_SMC_RETURN_OK) {
		/* Only what the secure world answers goes back. */
		sw_mem_write(sw, mem, offsetof(struct optee_msg_arg, session),
			     &arg->session, sizeof(arg->session));
		sw_mem_write(sw, mem, offsetof(struct optee_msg_arg, ret),
			     &arg->ret, sizeof(arg->ret) * 2);
		sw_mem_write(sw, mem, sizeof(*arg), arg->params,
			     num * sizeof(arg->params[0]));
	}
	if (with_rpc) {
		/* It lives in the message's memory: gone with the message. */
		sw_mem_release(sw, &t->rpc_mem);
		t->rpc_mem_valid = false;
	}
	return a0;
}

static unsigned long sw_std_call_pa(struct sw_thread *t, uint64_t pa,
				    bool with_rpc)
{
	struct smcsim_sw *sw = t->sw;
	struct smcsim_phys_region r;
	enum smcsim_mem_kind kind;
	struct sw_mem mem;
	uint64_t window;
	unsigned long a0;

	if (smcsim_phys_kind(sw->cfg.phys, pa, sizeof(struct optee_msg_arg),
			     &kind))
		return OPTEE_SMC_RETURN_EBADADDR;
	if (kind == SMCSIM_MEM_NS_SHM) {
		if (pa & 7)
			return OPTEE_SMC_RETURN_EBADADDR;
		smcsim_phys_region_get(sw->cfg.phys, kind, &r);
		window = r.base + r.size - pa;
	} else if (kind == SMCSIM_MEM_NS_DRAM) {
		/*
		 * Outside the reserved shm only one page is mapped, and only
		 * with CFG_CORE_DYN_SHM (OP-TEE's map_cmd_buffer()).
		 */
		if (!sw->cfg.dynamic_shm || (pa & SMCSIM_PAGE_MASK))
			return OPTEE_SMC_RETURN_EBADADDR;
		window = SMCSIM_PAGE_SIZE;
	} else {
		sw_log(sw, "thread %u: argument at 0x%llx is not non-secure",
		       t->id, (unsigned long long)pa);
		return OPTEE_SMC_RETURN_EBADADDR;
	}
	if (sw_mem_from_pa(sw, pa, window, &mem))
		return OPTEE_SMC_RETURN_EBADADDR;
	a0 = sw_std_call_mem(t, &mem, with_rpc);
	sw_mem_release(sw, &mem);
	return a0;
}

static unsigned long sw_std_call_regd(struct sw_thread *t, uint64_t cookie,
				      uint64_t offs)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_mem mem;
	unsigned long a0;

	if (sw_mem_from_shm(sw, cookie, offs, SW_MEM_TO_END, &mem))
		return OPTEE_SMC_RETURN_EBADADDR;
	a0 = sw_std_call_mem(t, &mem, true);
	sw_mem_release(sw, &mem);
	return a0;
}

void sw_thread_std_call(struct sw_thread *t, struct sw_args *args)
{
	uint32_t fid = sw_reg32(args->a[0]);
	unsigned long a0;

	sw_thread_preempt_point(t);
	switch (fid) {
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
		a0 = sw_std_call_pa(t, reg_pair_to_64(args->a[1], args->a[2]),
				    fid == OPTEE_SMC_CALL_WITH_RPC_ARG);
		break;
	case OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG:
		/* Only reaches a thread in the proposal profile (reserved). */
		if (t->sw->cfg.profile != SMCSIM_ABI_PROPOSAL ||
		    !t->sw->cfg.system_threads) {
			a0 = OPTEE_SMC_RETURN_EBADCMD;
			break;
		}
		/* fall through */
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
		a0 = sw_std_call_regd(t, reg_pair_to_64(args->a[1], args->a[2]),
				      sw_reg32(args->a[3]));
		break;
	default:
		/* An unknown yielding function, after taking a thread. */
		a0 = OPTEE_SMC_RETURN_EBADCMD;
		break;
	}
	sw_rpc_call_done(t);
	sw_thread_preempt_point(t);
	args->a[0] = a0;
}
