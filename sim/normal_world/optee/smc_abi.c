// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's SMC ABI: probe and remove (after Linux's
 * drivers/tee/optee/smc_abi.c, abi-facts.md section 7g).
 *
 * Sections:
 *   1. queries of the firmware (UID, revisions, thread count, capabilities)
 *   2. shared-memory configuration and the SHM cache
 *   3. probe and remove
 *
 * Probe talks to the firmware only through cfg->invoke, so it runs the same
 * against the simulator, a script, or real OP-TEE.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

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
	info->os_build_id = (uint32_t)res.a2;
	if (info->os_build_id)
		optee_log(cfg, "revision %u.%u (%08x)", info->os_revision_major,
			  info->os_revision_minor, info->os_build_id);
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

static uint32_t optee_msg_get_thread_count(const struct optee_probe_cfg *cfg)
{
	struct arm_smccc_res res;

	optee_smc(cfg, OPTEE_SMC_GET_THREAD_COUNT, 0, &res);
	/* Old firmware does not know the call: count unknown, no accounting. */
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		return 0;
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
 * belong to an earlier kernel (kexec) and are ignored; at remove they would
 * be our own RPC arguments, which the argument cache of issue 3 frees.
 */
static void optee_disable_shm_cache(struct optee *optee)
{
	unsigned int busy = 0, drained = 0;
	struct arm_smccc_res res;

	for (;;) {
		optee_smc(&optee->cfg, OPTEE_SMC_DISABLE_SHM_CACHE, 0, &res);
		if (res.a0 == OPTEE_SMC_RETURN_ENOTAVAIL)
			break;
		if (res.a0 == OPTEE_SMC_RETURN_OK) {
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

/* ---- 3. probe and remove ------------------------------------------------ */

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

	rc = tee_device_alloc(&optee_clnt_desc, optee->cls, pool, optee,
			      &optee->teedev);
	if (rc)
		goto err_free_optee;
	rc = tee_device_alloc(&optee_supp_desc, optee->cls, NULL, optee,
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
		goto err_unreg_supp_teedev;

	/*
	 * No RPC argument of an earlier kernel may linger in the firmware's
	 * cache when ours is enabled, or shutdown would hand it back to us.
	 */
	optee_disable_shm_cache(optee);
	/* With pre-allocated RPC arguments OP-TEE needs no cache. */
	if (!optee->info.rpc_param_count)
		optee_enable_shm_cache(optee);

	if (optee->info.dynamic_shm)
		optee_log(cfg, "dynamic shared memory is enabled");
	optee_log(cfg, "initialized driver");
	*out = optee;
	return 0;

err_unreg_supp_teedev:
	tee_device_unregister(optee->supp_teedev);
err_unreg_teedev:
	tee_device_unregister(optee->teedev);
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
	 * Firmware with no RPC-argument support caches our arguments; take
	 * them back before the pool goes.
	 */
	if (!optee->info.rpc_param_count)
		optee_disable_shm_cache(optee);

	teedev_close_context(optee->ctx);
	tee_device_unregister(optee->supp_teedev);
	tee_device_unregister(optee->teedev);
	tee_shm_pool_free(optee->pool);
	if (optee->cls == &optee->own_cls)
		tee_class_fini(&optee->own_cls);
	smcsim_free(optee);
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
