// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's SMC ABI: probe and remove (after Linux's
 * drivers/tee/optee/smc_abi.c, docs/abi.md section 12.1).
 *
 * Sections:
 *   1. queries of the firmware (UID, revisions, thread count, capabilities)
 *   2. shared-memory configuration and the SHM cache
 *   3. parameters: tee_param <-> optee_msg_param
 *   4. yielding calls and their RPCs
 *   5. registering shared memory
 *   6. asynchronous notification: the interrupt's top and bottom halves
 *   7. probe and remove
 *
 * Probe talks to the firmware only through cfg->invoke, so it runs the same
 * against the simulator, a script, or real OP-TEE.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/irq.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/optee_pta.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

static void optee_smc(const struct optee_probe_cfg *cfg, unsigned long a0,
		      unsigned long a1, struct arm_smccc_res *res)
{
	smcsim_invoke_call(&cfg->invoke, a0, a1, 0, 0, 0, 0, 0, 0, res);
}

/* ---- 1. queries --------------------------------------------------------- */

static bool optee_msg_api_uid_is_optee_api(const struct optee_probe_cfg *cfg)
{
	struct arm_smccc_res res;

	optee_smc(cfg, OPTEE_SMC_CALLS_UID, 0, &res);
	return res.a0 == OPTEE_MSG_UID_0 && res.a1 == OPTEE_MSG_UID_1 &&
	       res.a2 == OPTEE_MSG_UID_2 && res.a3 == OPTEE_MSG_UID_3;
}

static void optee_msg_get_os_revision(const struct optee_probe_cfg *cfg,
				      struct optee_info *info)
{
	struct arm_smccc_res res;

	/* a2 stays 0 if the firmware does not set it. */
	smcsim_invoke_call(&cfg->invoke, OPTEE_SMC_CALL_GET_OS_REVISION,
			   0, 0, 0, 0, 0, 0, 0, &res);
	info->os_revision_major = (uint32_t)res.a0;
	info->os_revision_minor = (uint32_t)res.a1;
	/* The whole register, printed as wide as it is (as Linux does). */
	info->os_build_id = res.a2;
	if (info->os_build_id)
		optee_log(cfg, "revision %u.%u (%0*lx)", info->os_revision_major,
			  info->os_revision_minor,
			  (int)sizeof(res.a2) * 2, res.a2);
	else
		optee_log(cfg, "revision %u.%u", info->os_revision_major,
			  info->os_revision_minor);
}

static bool optee_msg_api_revision_is_compatible(
	const struct optee_probe_cfg *cfg, struct optee_info *info)
{
	struct arm_smccc_res res;

	optee_smc(cfg, OPTEE_SMC_CALLS_REVISION, 0, &res);
	info->api_major = (uint32_t)res.a0;
	info->api_minor = (uint32_t)res.a1;
	/* Minor revisions only add; any minor of major 2 will do. */
	return res.a0 == OPTEE_MSG_REVISION_MAJOR &&
	       (int32_t)res.a1 >= OPTEE_MSG_REVISION_MINOR;
}

/* More secure threads than any firmware has: a count above is garbage. */
#define OPTEE_MAX_THREAD_COUNT	4096

static uint32_t optee_msg_get_thread_count(const struct optee_probe_cfg *cfg)
{
	struct arm_smccc_res res;

	optee_smc(cfg, OPTEE_SMC_GET_THREAD_COUNT, 0, &res);
	/* Old firmware does not know the call: count unknown, no accounting. */
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		return 0;
	/*
	 * The call queue counts in an int: a count that does not fit (a
	 * corrupted a1) went negative there and every caller slept for good
	 * (fault matrix: probe, GET_THREAD_COUNT, a1..a3 corrupted;
	 * fuzz_nw_driver: a count past INT_MAX). Treat it as unknown;
	 * ETHREAD_LIMIT still guards the real limit.
	 */
	if (!res.a1 || res.a1 > OPTEE_MAX_THREAD_COUNT) {
		optee_log(cfg, "GET_THREAD_COUNT: %lu threads ignored", res.a1);
		return 0;
	}
	return (uint32_t)res.a1;
}

static bool optee_msg_exchange_capabilities(const struct optee_probe_cfg *cfg,
					    struct optee_info *info)
{
	unsigned long nsec = cfg->uniprocessor ?
			     OPTEE_SMC_NSEC_CAP_UNIPROCESSOR : 0;
	struct arm_smccc_res res;

	optee_smc(cfg, OPTEE_SMC_EXCHANGE_CAPABILITIES, nsec, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		return false;
	info->sec_caps = (uint32_t)res.a1;
	/* a2 and a3 mean something only with their capability bits. */
	if (info->sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
		info->max_notif_value = (uint32_t)res.a2;
	else
		info->max_notif_value = OPTEE_DEFAULT_MAX_NOTIF_VALUE;
	if (info->sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG)
		info->rpc_param_count = (uint8_t)res.a3;
	else
		info->rpc_param_count = 0;
	/* Bit 7 means what the profile says, never both. */
	info->system_thread = cfg->profile == SMCSIM_ABI_PROPOSAL &&
			      (info->sec_caps & OPTEE_SMC_SEC_CAP_SYSTEM_THREAD);
	info->rpmb_probe = cfg->profile == SMCSIM_ABI_UPSTREAM &&
			   (info->sec_caps & OPTEE_SMC_SEC_CAP_RPMB_PROBE);
	return true;
}

/* ---- 2. shared memory --------------------------------------------------- */

/*
 * The reserved region must be cached and large enough for the driver's
 * private pages (Linux wants two times OPTEE_SHM_NUM_PRIV_PAGES, 1 each).
 */
#define OPTEE_SHM_MIN_RES_PAGES	2

static int optee_config_shm_memremap(const struct optee_probe_cfg *cfg,
				     struct optee_info *info,
				     struct tee_shm_pool **pool)
{
	struct arm_smccc_res res;
	uint64_t begin, end;
	int rc;

	optee_smc(cfg, OPTEE_SMC_GET_SHM_CONFIG, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		optee_log(cfg, "static shm service not available");
		return -ENOENT;
	}
	if (res.a3 != OPTEE_SMC_SHM_CACHED) {
		optee_log(cfg, "only normal cached shared memory supported");
		return -EINVAL;
	}
	/* A region that wraps the address space is no region. */
	if ((uint64_t)res.a1 + (uint64_t)res.a2 < (uint64_t)res.a1) {
		optee_log(cfg, "shared memory area wraps around");
		return -EINVAL;
	}
	/* Use whole pages only. */
	begin = ((uint64_t)res.a1 + SMCSIM_PAGE_MASK) & ~(uint64_t)SMCSIM_PAGE_MASK;
	end = ((uint64_t)res.a1 + (uint64_t)res.a2) & ~(uint64_t)SMCSIM_PAGE_MASK;
	if (end <= begin ||
	    end - begin < OPTEE_SHM_MIN_RES_PAGES * SMCSIM_PAGE_SIZE) {
		optee_log(cfg, "too small shared memory area");
		return -EINVAL;
	}
	rc = tee_shm_pool_alloc_res_mem(cfg->phys, begin, end - begin, pool);
	if (rc == -EINVAL)
		optee_log(cfg, "shared memory ioremap failed");
	if (rc)
		return rc;
	info->shm_base = begin;
	info->shm_size = end - begin;
	return 0;
}

/*
 * Drain OP-TEE's cache of RPC arguments. At probe the cookies it hands back
 * belong to an earlier kernel (kexec) and are ignored (@is_mapped false); at
 * remove they are RPC arguments this driver allocated, and are freed.
 */
static void optee_disable_shm_cache(struct optee *optee, bool is_mapped)
{
	unsigned int busy = 0, drained = 0;
	struct arm_smccc_res res;

	for (;;) {
		optee_smc(&optee->cfg, OPTEE_SMC_DISABLE_SHM_CACHE, 0, &res);
		if (res.a0 == OPTEE_SMC_RETURN_ENOTAVAIL)
			break;
		if (res.a0 == OPTEE_SMC_RETURN_OK) {
			struct tee_shm *shm = NULL;

			/* Cached RPC arguments are kernel memory. */
			if (is_mapped)
				shm = optee_rpc_shm_take_typed(optee,
							       reg_pair_to_64(res.a1,
									      res.a2),
							       false);
			tee_shm_free(shm);
			if (++drained < OPTEE_SHM_CACHE_DRAIN_MAX)
				continue;
			optee_log(&optee->cfg,
				  "shm cache drain: firmware keeps answering OK, giving up");
			break;
		}
		if (res.a0 == OPTEE_SMC_RETURN_EBUSY &&
		    ++busy < OPTEE_SHM_CACHE_BUSY_RETRIES) {
			rt_sleep_ms(1);
			continue;
		}
		optee_log(&optee->cfg, "shm cache drain stopped: a0 0x%lx",
			  res.a0);
		break;
	}
	optee->info.shm_cache_enabled = false;
}

static void optee_enable_shm_cache(struct optee *optee)
{
	struct arm_smccc_res res;
	unsigned int busy;

	for (busy = 0; busy < OPTEE_SHM_CACHE_BUSY_RETRIES; busy++) {
		optee_smc(&optee->cfg, OPTEE_SMC_ENABLE_SHM_CACHE, 0, &res);
		if (res.a0 == OPTEE_SMC_RETURN_OK) {
			optee->info.shm_cache_enabled = true;
			return;
		}
		if (res.a0 != OPTEE_SMC_RETURN_EBUSY)
			break;
		rt_sleep_ms(1);
	}
	optee_log(&optee->cfg, "could not enable the shm cache: a0 0x%lx",
		  res.a0);
}

/* ---- 3. parameters ------------------------------------------------------ */

int optee_to_msg_param(struct optee *optee, struct optee_msg_param *msg_params,
		       size_t num_params, const struct tee_param *params)
{
	size_t n;

	(void)optee;
	for (n = 0; n < num_params; n++) {
		const struct tee_param *p = params + n;
		struct optee_msg_param *mp = msg_params + n;
		struct tee_shm *shm = p->u.memref.shm;
		uint64_t pa;

		memset(mp, 0, sizeof(*mp));
		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_NONE:
			mp->attr = OPTEE_MSG_ATTR_TYPE_NONE;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			mp->attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT + p->attr -
				   TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
			mp->u.value.a = p->u.value.a;
			mp->u.value.b = p->u.value.b;
			mp->u.value.c = p->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			if (shm && shm->parent_shm) {
				/*
				 * A buffer in lent protected memory goes as a
				 * window of the lent shm. Linux rewrites the
				 * memref so in tee_core for user space; the
				 * in-kernel API has no such step, so it is
				 * done here for both.
				 */
				mp->attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT +
					   p->attr -
					   TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
				mp->u.rmem.shm_ref =
					shm->parent_shm->sec_world_id;
				mp->u.rmem.size = p->u.memref.size;
				mp->u.rmem.offs = shm->parent_offs +
						  p->u.memref.shm_offs;
				break;
			}
			if (tee_shm_is_dynamic(shm)) {
				/* Registered: by cookie and offset. */
				mp->attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT +
					   p->attr -
					   TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
				mp->u.rmem.shm_ref = shm->sec_world_id;
				mp->u.rmem.size = p->u.memref.size;
				mp->u.rmem.offs = p->u.memref.shm_offs;
				break;
			}
			mp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + p->attr -
				   TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
			mp->attr |= (uint64_t)OPTEE_MSG_ATTR_CACHE_PREDEFINED <<
				    OPTEE_MSG_ATTR_CACHE_SHIFT;
			mp->u.tmem.size = p->u.memref.size;
			if (shm) {
				/* By physical address (a NULL memref has none). */
				if (tee_shm_get_pa(shm, 0, &pa))
					return -EINVAL;
				mp->u.tmem.buf_ptr = pa + p->u.memref.shm_offs;
				mp->u.tmem.shm_ref = shm->sec_world_id;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

int optee_from_msg_param(struct optee *optee, struct tee_param *params,
			 size_t num_params,
			 const struct optee_msg_param *msg_params)
{
	size_t n;

	(void)optee;
	/*
	 * Only the outputs come back: values, and memref sizes. The memref's
	 * shm stays the one the client passed; the secure world's shm_ref is
	 * not trusted to name it.
	 */
	for (n = 0; n < num_params; n++) {
		struct tee_param *p = params + n;
		const struct optee_msg_param *mp = msg_params + n;

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p->u.value.a = mp->u.value.a;
			p->u.value.b = mp->u.value.b;
			p->u.value.c = mp->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			p->u.memref.size =
				tee_shm_is_dynamic(p->u.memref.shm) ||
				(p->u.memref.shm &&
				 p->u.memref.shm->parent_shm) ?
				mp->u.rmem.size : mp->u.tmem.size;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* ---- 4. yielding calls and their RPCs ----------------------------------- */

static void optee_handle_rpc(struct tee_context *ctx, struct optee *optee,
			     struct optee_msg_arg *rpc_arg, unsigned long a[8],
			     struct optee_call_ctx *call_ctx)
{
	struct tee_shm *shm;
	uint64_t cookie, pa;
	size_t size;

	switch (optee_smc_return_rpc_func(a[0])) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		size = (uint32_t)a[1];
		a[1] = a[2] = a[4] = a[5] = 0;
		if (!size || tee_shm_alloc_priv_buf(optee->ctx, size, &shm))
			break;
		cookie = optee_rpc_shm_add(optee, shm);
		if (!cookie || tee_shm_get_pa(shm, 0, &pa)) {
			if (cookie)
				optee_rpc_shm_take(optee, cookie);
			tee_shm_free(shm);
			break;
		}
		a[1] = reg_pair_hi(pa);
		a[2] = reg_pair_lo(pa);
		a[4] = reg_pair_hi(cookie);
		a[5] = reg_pair_lo(cookie);
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		cookie = reg_pair_to_64(a[1], a[2]);
		/* RPC FREE is for the arguments RPC ALLOC gave: kernel memory. */
		shm = optee_rpc_shm_take_typed(optee, cookie, false);
		if (shm)
			tee_shm_free(shm);
		else
			optee_log(&optee->cfg, "RPC FREE of unknown cookie 0x%llx",
				  (unsigned long long)cookie);
		break;
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		/* The interrupt was taken by the normal world: nothing to do. */
		break;
	case OPTEE_SMC_RPC_FUNC_CMD:
		if (rpc_arg) {
			optee_rpc_cmd(ctx, optee, rpc_arg,
				      OPTEE_MSG_GET_ARG_SIZE(optee->info.rpc_param_count),
				      call_ctx);
			break;
		}
		cookie = reg_pair_to_64(a[1], a[2]);
		/*
		 * Held across the command: another thread may FREE it. Only
		 * the driver's own memory: the supplicant can write its own.
		 */
		shm = optee_rpc_shm_get(optee, cookie);
		if (shm && shm->ctx != optee->ctx) {
			tee_shm_put(shm);
			shm = NULL;
		}
		if (!shm) {
			optee_log(&optee->cfg, "RPC CMD with unknown cookie 0x%llx",
				  (unsigned long long)cookie);
			break;
		}
		optee_rpc_cmd(ctx, optee, tee_shm_get_va(shm, 0), shm->size,
			      call_ctx);
		tee_shm_put(shm);
		break;
	default:
		optee_log(&optee->cfg, "unknown RPC function 0x%x",
			  optee_smc_return_rpc_func(a[0]));
		break;
	}
	a[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
}

int optee_smc_do_call_with_arg(struct tee_context *ctx, struct tee_shm *shm,
			       unsigned int offs, bool system_thread)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_msg_arg *arg = tee_shm_get_va(shm, offs);
	struct optee_msg_arg *rpc_arg = NULL;
	struct optee_call_ctx call_ctx = { 0 };
	unsigned long a[8] = { 0 };
	struct optee_call_waiter w;
	struct arm_smccc_res res;
	uint64_t pa;
	int rc;

	if (!arg)
		return -EINVAL;
	if (optee->info.rpc_param_count) {
		/* The RPC argument follows the call's, in the same buffer. */
		rpc_arg = tee_shm_get_va(shm, offs +
					 OPTEE_MSG_GET_ARG_SIZE(arg->num_params));
		if (!rpc_arg)
			return -EINVAL;
	}
	if (rpc_arg && tee_shm_is_dynamic(shm)) {
		/*
		 * Proposal profile: a context holding reserved threads calls
		 * on them. (Only this form has a system variant.)
		 */
		if (optee->info.system_thread &&
		    atomic_load(&ctx->system_ctx_count)) {
			a[0] = OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG;
			system_thread = true;
		} else {
			a[0] = OPTEE_SMC_CALL_WITH_REGD_ARG;
		}
		a[1] = reg_pair_hi(shm->sec_world_id);
		a[2] = reg_pair_lo(shm->sec_world_id);
		a[3] = offs;
	} else {
		if (tee_shm_get_pa(shm, offs, &pa))
			return -EINVAL;
		a[0] = rpc_arg ? OPTEE_SMC_CALL_WITH_RPC_ARG :
				 OPTEE_SMC_CALL_WITH_ARG;
		a[1] = reg_pair_hi(pa);
		a[2] = reg_pair_lo(pa);
	}

	smcsim_tev_call(SMCSIM_TEV_BEGIN, arg,
			OPTEE_MSG_GET_ARG_SIZE(arg->num_params), 0);
	optee_cq_wait_init(&optee->call_queue, &w, system_thread);
	for (;;) {
		smcsim_invoke_call(&optee->cfg.invoke, a[0], a[1], a[2], a[3],
				   a[4], a[5], a[6], a[7], &res);
		if (res.a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT) {
			/* Out of threads: wait for a caller to leave, retry. */
			optee_cq_wait_for_completion(&optee->call_queue, &w);
			continue;
		}
		if (optee_smc_return_is_rpc(res.a0)) {
			a[0] = res.a0;
			a[1] = res.a1;
			a[2] = res.a2;
			a[3] = res.a3;
			a[4] = a[5] = a[6] = a[7] = 0;
			optee_handle_rpc(ctx, optee, rpc_arg, a, &call_ctx);
			continue;
		}
		rc = res.a0 == OPTEE_SMC_RETURN_OK ? 0 : -EIO;
		if (rc)
			optee_log(&optee->cfg, "yielding call 0x%lx: a0 0x%lx",
				  a[0], res.a0);
		break;
	}
	optee_rpc_finalize_call(optee, &call_ctx);
	optee_cq_wait_final(&optee->call_queue, &w);
	smcsim_tev_call(SMCSIM_TEV_END, arg,
			OPTEE_MSG_GET_ARG_SIZE(arg->num_params), rc);
	return rc;
}

/*
 * Proposal profile (seed 002): reserve a system invocation thread. The seed
 * issues the yielding encoding directly, outside the call queue; the
 * firmware answers without taking a thread. Anything but OK (ETHREAD_LIMIT,
 * or EBADCMD / UNKNOWN_FUNCTION from firmware without the proposal) is
 * -EINVAL.
 */
int optee_request_sys_ctx(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct arm_smccc_res res;

	if (!optee->info.system_thread)
		return -EINVAL;
	optee_smc(&optee->cfg, OPTEE_SMC_CALL_RESERVE_SYS_THREAD, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		optee_log(&optee->cfg, "reserve system thread: a0 0x%lx",
			  res.a0);
		return -EINVAL;
	}
	return 0;
}

void optee_release_sys_ctx(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct arm_smccc_res res;

	if (!optee->info.system_thread)
		return;
	optee_smc(&optee->cfg, OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD, 0, &res);
	/*
	 * The thread is ordinary again: a caller that got ETHREAD_LIMIT
	 * while everything was reserved may wait for no call to end.
	 */
	optee_cq_wake_one(&optee->call_queue);
}

/* ---- 5. registering shared memory --------------------------------------- */

/*
 * Registering and unregistering use a private temporary argument: the
 * argument cache may itself be allocating registered memory right now.
 */
static int optee_simple_call(struct optee *optee,
			     void (*fill)(struct optee_msg_arg *, const void *),
			     const void *data)
{
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm_arg;
	int rc;

	rc = tee_shm_alloc_priv_buf(optee->ctx,
				    optee_msg_arg_size(optee->info.rpc_param_count),
				    &shm_arg);
	if (rc)
		return rc;
	msg_arg = tee_shm_get_va(shm_arg, 0);
	memset(msg_arg, 0, shm_arg->size);
	fill(msg_arg, data);
	if (optee_smc_do_call_with_arg(optee->ctx, shm_arg, 0, false) ||
	    msg_arg->ret != TEE_SUCCESS)
		rc = -EINVAL;
	tee_shm_free(shm_arg);
	return rc;
}

struct optee_reg_req {
	struct tee_shm *shm;
	uint64_t list_pa;
};

static void fill_register(struct optee_msg_arg *msg_arg, const void *data)
{
	const struct optee_reg_req *req = data;

	msg_arg->cmd = OPTEE_MSG_CMD_REGISTER_SHM;
	msg_arg->num_params = 1;
	msg_arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
				  OPTEE_MSG_ATTR_NONCONTIG;
	msg_arg->params[0].u.tmem.shm_ref = req->shm->sec_world_id;
	msg_arg->params[0].u.tmem.size = req->shm->size;
	msg_arg->params[0].u.tmem.buf_ptr = req->list_pa;
}

static void fill_unregister(struct optee_msg_arg *msg_arg, const void *data)
{
	const struct tee_shm *shm = data;

	msg_arg->cmd = OPTEE_MSG_CMD_UNREGISTER_SHM;
	msg_arg->num_params = 1;
	msg_arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	msg_arg->params[0].u.rmem.shm_ref = shm->sec_world_id;
}

int optee_shm_register(struct tee_context *ctx, struct tee_shm *shm,
		       const uint64_t *pages, size_t num_pages, uintptr_t start)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_reg_req req = { .shm = shm };
	size_t num_entries;
	int rc;

	(void)start;
	if (!num_pages || !optee->ctx)
		return -EINVAL;
	rc = optee_pages_list_alloc(optee, pages, num_pages, shm->offset,
				    &req.list_pa, &num_entries);
	if (rc)
		return rc;
	shm->sec_world_id = optee_new_cookie(optee);
	rc = optee_simple_call(optee, fill_register, &req);
	optee_pages_list_free(optee, req.list_pa, num_entries);
	if (rc)
		shm->sec_world_id = 0;
	else
		shm->flags |= TEE_SHM_DYNAMIC;
	return rc;
}

int optee_shm_unregister(struct tee_context *ctx, struct tee_shm *shm)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);

	return optee_simple_call(optee, fill_unregister, shm);
}

/* ---- 6. asynchronous notification --------------------------------------- */

/*
 * A message command with no params through the call queue, on the driver's
 * own context (Linux's simple_call_with_arg()).
 */
static int optee_smc_simple_cmd(struct optee *optee, uint32_t cmd)
{
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	rc = optee_get_msg_arg(optee->ctx, 0, &entry, &shm, &offs, &msg_arg);
	if (rc)
		return rc;
	msg_arg->cmd = cmd;
	rc = optee_smc_do_call_with_arg(optee->ctx, shm, offs, false);
	optee_free_msg_arg(optee->ctx, entry, offs);
	return rc;
}

int optee_smc_get_protmem_config(struct optee *optee, uint64_t *base,
				 uint64_t *size, unsigned int *pa_width)
{
	struct arm_smccc_res res;

	optee_smc(&optee->cfg, OPTEE_SMC_GET_PROTMEM_CONFIG, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		optee_log(&optee->cfg, "GET_PROTMEM_CONFIG: a0 0x%lx", res.a0);
		return -EINVAL;
	}
	/* The pool checks alignment and that the range is memory. */
	if (!res.a3 || res.a3 > 64 || !res.a2)
		return -EINVAL;
	*base = res.a1;
	*size = res.a2;
	*pa_width = (unsigned int)res.a3;
	return 0;
}

int optee_smc_lend_protmem(struct optee *optee, struct tee_shm *protmem,
			   uint32_t use_case)
{
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	rc = optee_get_msg_arg(optee->ctx, 2, &entry, &shm, &offs, &msg_arg);
	if (rc)
		return rc;
	protmem->sec_world_id = optee_new_cookie(optee);
	msg_arg->cmd = OPTEE_MSG_CMD_LEND_PROTMEM;
	msg_arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	msg_arg->params[0].u.value.a = use_case;
	msg_arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	msg_arg->params[1].u.tmem.buf_ptr = protmem->paddr;
	msg_arg->params[1].u.tmem.size = protmem->size;
	msg_arg->params[1].u.tmem.shm_ref = protmem->sec_world_id;
	rc = optee_smc_do_call_with_arg(optee->ctx, shm, offs, false);
	if (!rc && msg_arg->ret != TEE_SUCCESS)
		rc = -EINVAL;
	if (rc)
		protmem->sec_world_id = 0;
	optee_free_msg_arg(optee->ctx, entry, offs);
	return rc;
}

int optee_smc_reclaim_protmem(struct optee *optee, struct tee_shm *protmem)
{
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	rc = optee_get_msg_arg(optee->ctx, 1, &entry, &shm, &offs, &msg_arg);
	if (rc)
		return rc;
	msg_arg->cmd = OPTEE_MSG_CMD_RECLAIM_PROTMEM;
	msg_arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	msg_arg->params[0].u.rmem.shm_ref = protmem->sec_world_id;
	rc = optee_smc_do_call_with_arg(optee->ctx, shm, offs, false);
	if (!rc && msg_arg->ret != TEE_SUCCESS)
		rc = -EINVAL;
	optee_free_msg_arg(optee->ctx, entry, offs);
	return rc;
}

/*
 * GET_ASYNC_NOTIF_VALUE. Return: false when nothing valid came back (an
 * error in a0, or VALID clear); *@pending is the PENDING flag.
 */
static bool optee_get_async_notif_value(struct optee *optee, uint64_t *value,
					bool *pending)
{
	struct arm_smccc_res res;

	optee_smc(&optee->cfg, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK ||
	    !(res.a2 & OPTEE_SMC_ASYNC_NOTIF_VALID))
		return false;
	/* The whole register: a value truncated to 32 bits could alias a key. */
	*value = res.a1;
	*pending = res.a2 & OPTEE_SMC_ASYNC_NOTIF_PENDING;
	return true;
}

/*
 * The top half: fetch values while the firmware says more are pending,
 * send each to its waiter, remember a bottom-half request for the thread.
 */
static enum smcsim_irqreturn optee_notif_irq_handler(void *dev_id)
{
	struct optee *optee = dev_id;
	struct optee_notif_irq *ni = &optee->notif_irq;
	bool do_bottom_half = false, pending = false;
	unsigned int n, got = 0;
	uint64_t value;

	atomic_fetch_add(&ni->runs, 1);
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_BEGIN, -1, 0, "IRQ top half",
			  "IRQ notification: top half");
	for (n = 0; n < OPTEE_NOTIF_IRQ_MAX_VALUES; n++) {
		if (!optee_get_async_notif_value(optee, &value, &pending))
			break;
		atomic_fetch_add(&ni->values, 1);
		got++;
		if (value == OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF) {
			do_bottom_half = true;
		} else if (optee_notif_send(optee, value)) {
			atomic_fetch_add(&ni->bad_values, 1);
			optee_log(&optee->cfg,
				  "async notification value 0x%llx above %u",
				  (unsigned long long)value, optee->notif.max_key);
		}
		if (!pending)
			break;
	}
	if (n == OPTEE_NOTIF_IRQ_MAX_VALUES) {
		atomic_fetch_add(&ni->bounded, 1);
		optee_log(&optee->cfg, "async notification: still pending after %u values",
			  n);
	}
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_END, -1, 0, "IRQ top half",
			  "IRQ top half: %u value(s)%s", got,
			  do_bottom_half ? ", bottom half woken" : "");
	return do_bottom_half ? SMCSIM_IRQ_WAKE_THREAD : SMCSIM_IRQ_HANDLED;
}

/* The threaded half: one DO_BOTTOM_HALF call, as any caller makes one. */
static enum smcsim_irqreturn optee_notif_irq_thread_fn(void *dev_id)
{
	struct optee *optee = dev_id;

	atomic_fetch_add(&optee->notif_irq.bottom_halves, 1);
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_BEGIN, -1, 0,
			  "IRQ bottom half", "IRQ notification: bottom half");
	if (optee_smc_simple_cmd(optee, OPTEE_MSG_CMD_DO_BOTTOM_HALF))
		optee_log(&optee->cfg, "DO_BOTTOM_HALF failed");
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_END, -1, 0,
			  "IRQ bottom half", "IRQ bottom half done");
	return SMCSIM_IRQ_HANDLED;
}

static int optee_smc_notif_init_irq(struct optee *optee)
{
	struct smcsim_irq *irq = optee->cfg.notif_irq;
	int rc;

	if (!irq) {
		/* platform_get_irq() found no interrupt 0. */
		optee_log(&optee->cfg, "platform_get_irq: ret %d", -ENXIO);
		return -ENXIO;
	}
	rc = smcsim_irq_request_threaded(irq, optee_notif_irq_handler,
					 optee_notif_irq_thread_fn, optee);
	if (rc)
		return rc;
	optee->notif_irq.irq = irq;
	return 0;
}

/*
 * Stop notifications, then detach. Linux sends STOP_ASYNC_NOTIF and then
 * frees the IRQ, so an interrupt between the two is still handled and may
 * even make a DO_BOTTOM_HALF call after STOP. Masking the line first (and
 * waiting for the handlers, as disable_irq() does) closes that window: no
 * interrupt is handled once the secure world has been told to stop.
 */
static void optee_smc_notif_uninit_irq(struct optee *optee)
{
	if (!optee->notif_irq.irq)
		return;
	smcsim_irq_disable(optee->notif_irq.irq);
	if (optee_smc_simple_cmd(optee, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF))
		optee_log(&optee->cfg, "STOP_ASYNC_NOTIF failed");
	smcsim_irq_free(optee->notif_irq.irq);
	optee->notif_irq.irq = NULL;
}

/* ENABLE_ASYNC_NOTIF; Linux ignores the answer, and so do we (logged). */
static void optee_enable_async_notif(struct optee *optee)
{
	struct arm_smccc_res res;

	optee_smc(&optee->cfg, OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		optee_log(&optee->cfg, "ENABLE_ASYNC_NOTIF: a0 0x%lx", res.a0);
}

void optee_get_notif_info(struct optee *optee, struct optee_notif_info *ni)
{
	struct optee_notif_irq *irq = &optee->notif_irq;

	*ni = (struct optee_notif_info){ 0 };
	optee_notif_get_stats(optee, ni);
	ni->irq_attached = irq->irq != NULL;
	ni->irq_runs = atomic_load(&irq->runs);
	ni->irq_values = atomic_load(&irq->values);
	ni->irq_bad_values = atomic_load(&irq->bad_values);
	ni->irq_bounded = atomic_load(&irq->bounded);
	ni->bottom_halves = atomic_load(&irq->bottom_halves);
}

/* ---- 7. probe and remove ------------------------------------------------ */

static bool optee_supp_attached(struct optee *optee)
{
	bool attached;

	rt_mutex_lock(&optee->supp.mutex);
	attached = optee->supp.ctx != NULL;
	rt_mutex_unlock(&optee->supp.mutex);
	return attached;
}

/*
 * No new context opens from here on; wait until every open one (the
 * driver's own excepted) is released. Releasing a context closes its
 * sessions and freeing its shm unregisters it, both through the argument
 * cache and the driver's own context, which the caller takes apart next.
 * Application memory the secure world still holds keeps a supplicant's
 * context alive: once no supplicant is attached, the driver's references
 * on that memory are dropped so the context can go.
 */
static void optee_wait_for_clients(struct optee *optee)
{
	unsigned int own = optee->ctx ? 1 : 0;

	rt_mutex_lock(&optee->ctx_lock);
	optee->removing = true;
	while (optee->num_ctx > own) {
		rt_mutex_unlock(&optee->ctx_lock);
		if (!optee_supp_attached(optee))
			optee_rpc_shm_free_appl(optee);
		rt_mutex_lock(&optee->ctx_lock);
		if (optee->num_ctx <= own)
			break;
		rt_cond_wait(&optee->ctx_cond, &optee->ctx_lock);
	}
	rt_mutex_unlock(&optee->ctx_lock);
}

int optee_probe(const struct optee_probe_cfg *cfg, struct optee **out)
{
	struct optee_info info = { 0 };
	struct tee_shm_pool *pool;
	struct optee *optee;
	int rc;

	if (!cfg || !cfg->invoke.fn || !cfg->phys || !out)
		return -EINVAL;

	if (!optee_msg_api_uid_is_optee_api(cfg)) {
		optee_log(cfg, "api uid mismatch");
		return -EINVAL;
	}
	optee_msg_get_os_revision(cfg, &info);
	if (!optee_msg_api_revision_is_compatible(cfg, &info)) {
		optee_log(cfg, "api revision mismatch");
		return -EINVAL;
	}
	info.thread_count = optee_msg_get_thread_count(cfg);
	if (!optee_msg_exchange_capabilities(cfg, &info)) {
		optee_log(cfg, "capabilities mismatch");
		return -EINVAL;
	}

	/* Dynamic shared memory if the firmware has it, else the reserved. */
	if (info.sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) {
		info.dynamic_shm = true;
		rc = optee_shm_pool_alloc_pages(cfg->phys, &pool);
	} else {
		rc = optee_config_shm_memremap(cfg, &info, &pool);
	}
	if (rc)
		return rc;

	optee = smcsim_zalloc(sizeof(*optee));
	if (!optee) {
		rc = -ENOMEM;
		goto err_free_pool;
	}
	optee->cfg = *cfg;
	optee->info = info;
	optee->pool = pool;
	if (cfg->cls) {
		optee->cls = cfg->cls;
	} else {
		tee_class_init(&optee->own_cls);
		optee->cls = &optee->own_cls;
	}
	/* The class is one normal world: one memory map. */
	rt_mutex_lock(&optee->cls->lock);
	if (!optee->cls->phys)
		optee->cls->phys = cfg->phys;
	rc = optee->cls->phys == cfg->phys ? 0 : -EINVAL;
	rt_mutex_unlock(&optee->cls->lock);
	if (rc)
		goto err_free_optee;

	/*
	 * Everything a client reaches is set up before the devices are
	 * registered: a client may open one the moment it is.
	 *
	 * The proposal's driver (seed 002, before Linux counted threads)
	 * relies on ETHREAD_LIMIT alone: counting all threads would make a
	 * system call wait for a slot the ordinary callers hold, while its
	 * reserved thread sits free in the secure world.
	 */
	optee_cq_init(&optee->call_queue, optee->info.system_thread ? 0 :
			(int)optee->info.thread_count);
	optee_supp_init(&optee->supp);
	rt_mutex_init(&optee->servers_lock);
	TAILQ_INIT(&optee->servers);
	/*
	 * Arguments: with dynamic shm and a driver-supplied RPC argument,
	 * several per registered page (CALL_WITH_REGD_ARG); else one per
	 * private page, sent by physical address.
	 */
	optee_shm_arg_cache_init(optee, optee->info.dynamic_shm &&
				 optee->info.rpc_param_count ?
				 OPTEE_SHM_ARG_SHARED : OPTEE_SHM_ARG_ALLOC_PRIV);
	rt_mutex_init(&optee->rpc_lock);
	RB_INIT(&optee->rpc_shms);
	atomic_init(&optee->next_cookie, 0x1000);
	rt_mutex_init(&optee->ctx_lock);
	rt_cond_init(&optee->ctx_cond);
	optee_release_init(optee);
	rt_mutex_init(&optee->protmem_lock);
	rt_completion_init(&optee->protmem_gone);
	rt_completion_set_name(&optee->protmem_gone, "protmem pool gone");

	rc = tee_device_alloc(&optee_clnt_desc, optee->cls, pool, optee,
			      &optee->teedev);
	if (rc)
		goto err_uninit;
	/* The supplicant allocates application memory from the same pool. */
	rc = tee_device_alloc(&optee_supp_desc, optee->cls, pool, optee,
			      &optee->supp_teedev);
	if (rc)
		goto err_unreg_teedev;
	rc = tee_device_register(optee->teedev);
	if (rc)
		goto err_unreg_supp_teedev;
	rc = tee_device_register(optee->supp_teedev);
	if (rc)
		goto err_unreg_supp_teedev;

	rc = teedev_open(optee->teedev, &optee->ctx);
	if (rc)
		goto err_uninit_queues;
	/*
	 * The driver's own calls (bottom halves, releases) do not wait for a
	 * supplicant to appear: one that never comes would hang remove.
	 */
	optee->ctx->supp_nowait = true;
	rc = optee_release_start(optee);
	if (rc)
		goto err_close_ctx;

	rc = optee_notif_init(optee, optee->info.max_notif_value);
	if (rc)
		goto err_close_ctx;
	if (optee->info.sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) {
		rc = optee_smc_notif_init_irq(optee);
		if (rc)
			goto err_notif_uninit;
		optee_enable_async_notif(optee);
		optee_log(cfg, "Asynchronous notifications enabled");
	}

	/* Never fails the probe: without it there is just no heap. */
	optee_protmem_pool_init(optee);

	/*
	 * No RPC argument of an earlier kernel may linger in the firmware's
	 * cache when ours is enabled, or shutdown would hand it back to us.
	 */
	optee_disable_shm_cache(optee, false);
	/* With pre-allocated RPC arguments OP-TEE needs no cache. */
	if (!optee->info.rpc_param_count)
		optee_enable_shm_cache(optee);

	if (optee->info.dynamic_shm)
		optee_log(cfg, "dynamic shared memory is enabled");

	rc = optee_enumerate_devices(optee, PTA_CMD_GET_DEVICES);
	if (rc)
		goto err_disable_shm_cache;

	optee_log(cfg, "initialized driver");
	*out = optee;
	return 0;

err_disable_shm_cache:
	/* The devices are registered: clients may have opened them already. */
	optee_wait_for_clients(optee);
	/* Devices the enumeration registered before it failed (seed 003's review). */
	optee_unregister_devices(optee);
	optee_protmem_uninit(optee);
	if (!optee->info.rpc_param_count)
		optee_disable_shm_cache(optee, true);
	optee_smc_notif_uninit_irq(optee);
err_notif_uninit:
err_close_ctx:
	optee_wait_for_clients(optee);
	optee_release_stop(optee);
	/* Driver-owned shm holds the driver's context: free it first. */
	optee_shm_arg_cache_drain(optee);
	optee_rpc_shm_free_all(optee);
	teedev_close_context(optee->ctx);
	/*
	 * As in remove, after the argument cache: unregistering its pages
	 * is a call, and its RPCs may send notifications. (Linux uninits
	 * first, and a NOTIFICATION RPC then uses the freed bitmap.) Nothing
	 * to undo when optee_notif_init() was not reached or failed.
	 */
	optee_notif_uninit(optee);
	goto err_unreg_supp_teedev;
err_uninit_queues:
	optee_wait_for_clients(optee);
err_unreg_supp_teedev:
	tee_device_unregister(optee->supp_teedev);
err_unreg_teedev:
	tee_device_unregister(optee->teedev);
err_uninit:
	optee_supp_servers_fini(optee);
	optee_release_fini(optee);
	optee_shm_arg_cache_uninit(optee);
	rt_completion_destroy(&optee->protmem_gone);
	rt_mutex_destroy(&optee->protmem_lock);
	rt_cond_destroy(&optee->ctx_cond);
	rt_mutex_destroy(&optee->ctx_lock);
	rt_mutex_destroy(&optee->rpc_lock);
	rt_mutex_destroy(&optee->servers_lock);
	optee_supp_uninit(&optee->supp);
	optee_cq_uninit(&optee->call_queue);
err_free_optee:
	if (optee->cls == &optee->own_cls)
		tee_class_fini(&optee->own_cls);
	smcsim_free(optee);
err_free_pool:
	tee_shm_pool_free(pool);
	return rc;
}

void optee_remove(struct optee *optee)
{
	if (!optee)
		return;
	/*
	 * Wait for the clients first. Linux tears the driver down first and
	 * then blocks in tee_device_unregister(), so a client closing
	 * meanwhile would use it freed.
	 */
	optee_wait_for_clients(optee);
	/* Releases queued at close_context are delivered before we go on. */
	optee_release_stop(optee);

	optee_unregister_devices(optee);
	/*
	 * Unbind the protected heap and wait for its last buffer, which
	 * tee_device_unregister() would wait for anyway. Waiting here, while
	 * the driver still works, lets a dynamic pool reclaim its memory:
	 * Linux unbinds after taking the driver apart.
	 */
	optee_protmem_uninit(optee);
	/*
	 * Firmware with no RPC-argument support caches our arguments; take
	 * them back before the pool goes.
	 */
	if (!optee->info.rpc_param_count)
		optee_disable_shm_cache(optee, true);
	/* STOP_ASYNC_NOTIF needs the argument cache and the driver's context. */
	optee_smc_notif_uninit_irq(optee);

	/* Driver-owned shm holds the driver's context: free it first. */
	optee_shm_arg_cache_uninit(optee);
	optee_rpc_shm_free_all(optee);
	teedev_close_context(optee->ctx);
	optee_notif_uninit(optee);
	tee_device_unregister(optee->supp_teedev);
	tee_device_unregister(optee->teedev);
	tee_shm_pool_free(optee->pool);
	optee_supp_servers_fini(optee);
	optee_release_fini(optee);
	rt_completion_destroy(&optee->protmem_gone);
	rt_mutex_destroy(&optee->protmem_lock);
	rt_cond_destroy(&optee->ctx_cond);
	rt_mutex_destroy(&optee->ctx_lock);
	rt_mutex_destroy(&optee->rpc_lock);
	rt_mutex_destroy(&optee->servers_lock);
	optee_supp_uninit(&optee->supp);
	optee_cq_uninit(&optee->call_queue);
	if (optee->cls == &optee->own_cls)
		tee_class_fini(&optee->own_cls);
	smcsim_free(optee);
}

void optee_get_supp_info(struct optee *optee, struct optee_supp_info *si)
{
	optee_supp_get_info(&optee->supp, si);
}

void optee_get_info(const struct optee *optee, struct optee_info *info)
{
	*info = optee->info;
}

struct tee_device *optee_client_teedev(struct optee *optee)
{
	return optee->teedev;
}

struct tee_device *optee_supp_teedev(struct optee *optee)
{
	return optee->supp_teedev;
}
