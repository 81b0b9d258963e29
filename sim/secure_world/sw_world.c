// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated secure world's life cycle and its monitor entry: every SMC
 * lands in smcsim_sw_smc(), which splits fast from yielding calls as the
 * secure monitor and OP-TEE's entry vector do. Handlers work on a copy of
 * the caller's registers, so a register a call does not set comes back as
 * the caller's input (observed on real OP-TEE, abi-facts.md section 10).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/log.h>
#include <smcsim/pgalloc.h>

#include "sw_private.h"

void smcsim_sw_config_default(struct smcsim_sw_config *cfg,
			      enum smcsim_abi_profile profile,
			      struct smcsim_phys *phys)
{
	*cfg = (struct smcsim_sw_config){
		.profile = profile,
		.num_threads = SMCSIM_SW_DEFAULT_THREADS,
		.phys = phys,
		.reserved_shm = true,
		.shm_cached = true,
		.dynamic_shm = true,
		.async_notif = true,
		.rpmb_probe = true,
		.system_threads = true,
		.os_revision_major = 4,
		.os_revision_minor = 10,
		.os_build_id = SMCSIM_SW_DEFAULT_BUILD_ID,
		.smccc_version = SMCSIM_SW_TFA_SMCCC_VERSION,
		.psci_version = SMCSIM_SW_TFA_PSCI_VERSION,
	};
}

void sw_log(const struct smcsim_sw *sw, const char *fmt, ...)
{
	va_list ap;

	if (!sw->cfg.log)
		return;
	va_start(ap, fmt);
	smcsim_vlog("sw", fmt, ap);
	va_end(ap);
}

static uint32_t sw_compute_sec_caps(const struct smcsim_sw_config *cfg)
{
	uint32_t caps = OPTEE_SMC_SEC_CAP_MEMREF_NULL | OPTEE_SMC_SEC_CAP_RPC_ARG;

	if (cfg->reserved_shm)
		caps |= OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
	if (cfg->dynamic_shm)
		caps |= OPTEE_SMC_SEC_CAP_DYNAMIC_SHM;
	if (cfg->async_notif)
		caps |= OPTEE_SMC_SEC_CAP_ASYNC_NOTIF;
	if (cfg->profile == SMCSIM_ABI_PROPOSAL && cfg->system_threads)
		caps |= OPTEE_SMC_SEC_CAP_SYSTEM_THREAD;
	if (cfg->profile == SMCSIM_ABI_UPSTREAM && cfg->rpmb_probe)
		caps |= OPTEE_SMC_SEC_CAP_RPMB_PROBE;
	if (cfg->static_protmem)
		caps |= OPTEE_SMC_SEC_CAP_PROTMEM;
	if (cfg->dynamic_protmem)
		caps |= OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM;
	return caps;
}

static int sw_config_check(const struct smcsim_sw_config *cfg)
{
	struct smcsim_phys_region r;

	if (cfg->profile != SMCSIM_ABI_PROPOSAL &&
	    cfg->profile != SMCSIM_ABI_UPSTREAM)
		return -EINVAL;
	if (!cfg->num_threads || cfg->num_threads > SMCSIM_SW_MAX_THREADS)
		return -EINVAL;
	if (!cfg->phys)
		return -EINVAL;
	if (cfg->reserved_shm &&
	    smcsim_phys_region_get(cfg->phys, SMCSIM_MEM_NS_SHM, &r))
		return -EINVAL;
	if (cfg->static_protmem &&
	    smcsim_phys_region_get(cfg->phys, SMCSIM_MEM_PROTMEM, &r))
		return -EINVAL;
	/* OP-TEE builds one or the other protected-memory flavour. */
	if (cfg->static_protmem && cfg->dynamic_protmem)
		return -EINVAL;
	/* Lending is page-granular: a power-of-two alignment of whole pages. */
	if (cfg->protmem_align && (cfg->protmem_align < SMCSIM_PAGE_SIZE ||
				   (cfg->protmem_align &
				    (cfg->protmem_align - 1))))
		return -EINVAL;
	return 0;
}

int smcsim_sw_create(const struct smcsim_sw_config *cfg, struct smcsim_sw **out)
{
	struct smcsim_sw *sw;
	int rc;

	rc = sw_config_check(cfg);
	if (rc)
		return rc;

	sw = smcsim_zalloc(sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	sw->threads = smcsim_calloc(cfg->num_threads, sizeof(*sw->threads));
	if (!sw->threads) {
		rc = -ENOMEM;
		goto err_free_sw;
	}
	sw->cfg = *cfg;
	sw->sec_caps = sw_compute_sec_caps(cfg);
	sw->notif_value_max = cfg->notif_value_max ? cfg->notif_value_max :
			      SMCSIM_SW_NOTIF_SYNC_VALUE_BASE + cfg->num_threads;
	atomic_init(&sw->calls, 0);
	atomic_init(&sw->foreign_intr_pending, 0);
	rt_mutex_init(&sw->lock);
	rt_mutex_set_name(&sw->lock, "secure world");
	rt_mutex_init(&sw->shm_lock);
	rt_mutex_set_name(&sw->shm_lock, "secure world shm");
	RB_INIT(&sw->shm_tree);
	LIST_INIT(&sw->protmem);
	rt_mutex_init(&sw->wq_lock);
	rc = sw_notif_init(sw);
	if (rc)
		goto err_destroy_locks;
	rc = smcsim_sw_mutex_create(sw, &sw->ta_mutex);
	if (rc)
		goto err_notif_fini;
	rc = sw_ta_init(sw);
	if (rc)
		goto err_ta_fini;
	rc = sw_threads_init(sw);
	if (rc)
		goto err_ta_fini;
	*out = sw;
	return 0;

err_ta_fini:
	sw_ta_fini(sw);
	smcsim_sw_mutex_destroy(sw->ta_mutex);
err_notif_fini:
	sw_notif_fini(sw);
err_destroy_locks:
	rt_mutex_destroy(&sw->wq_lock);
	rt_mutex_destroy(&sw->shm_lock);
	rt_mutex_destroy(&sw->lock);
	smcsim_free(sw->threads);
err_free_sw:
	smcsim_free(sw);
	return rc;
}

void smcsim_sw_destroy(struct smcsim_sw *sw)
{
	if (!sw)
		return;
	sw_threads_stop(sw);
	sw_ta_fini(sw);
	sw_shm_destroy_all(sw);
	sw_protmem_destroy_all(sw);
	smcsim_sw_mutex_destroy(sw->ta_mutex);
	sw_notif_fini(sw);
	rt_mutex_destroy(&sw->wq_lock);
	rt_mutex_destroy(&sw->shm_lock);
	rt_mutex_destroy(&sw->lock);
	smcsim_free(sw->threads);
	smcsim_free(sw);
}

/* ---- the secure monitor (TF-A 2.14, SPD=opteed) ------------------------ */

/* TF-A's SMC_UNK: -1 in all of x0; a1..a3 keep the caller's values. */
static void sw_monitor_unknown(struct sw_args *args)
{
	args->a[0] = ARM_SMCCC_RET_NOT_SUPPORTED;
}

/* Owner 0, fast: the Arm architecture service, as far as it is modelled. */
static void sw_monitor_arch(struct smcsim_sw *sw, uint32_t fid,
			    struct sw_args *args)
{
	unsigned long what = args->a[1];

	if (fid == ARM_SMCCC_VERSION_FUNC_ID && sw->cfg.smccc_version) {
		args->a[0] = sw->cfg.smccc_version;
		return;
	}
	if (fid == ARM_SMCCC_ARCH_FEATURES_FUNC_ID && sw->cfg.smccc_version) {
		/* All of x1 is compared; only these two are known here. */
		args->a[0] = (what == ARM_SMCCC_VERSION_FUNC_ID ||
			      what == ARM_SMCCC_ARCH_FEATURES_FUNC_ID) ?
			     0 : ARM_SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	sw_monitor_unknown(args);
}

/* Owner 4, fast: the standard service; only PSCI_VERSION is modelled. */
static void sw_monitor_std(struct smcsim_sw *sw, uint32_t fid,
			   struct sw_args *args)
{
	if (fid == PSCI_0_2_FN_PSCI_VERSION && sw->cfg.psci_version) {
		args->a[0] = sw->cfg.psci_version;
		return;
	}
	sw_monitor_unknown(args);
}

/*
 * Route one SMC as TF-A's runtime-service table does (smcsim_sw_smc() in
 * secure_world.h): only W0 counts; the SVE hint is cleared; then the owner
 * and the call type pick the service.
 */
static void sw_monitor(struct smcsim_sw *sw, struct sw_args *args)
{
	uint32_t fid = sw_reg32(args->a[0]) & ~(uint32_t)ARM_SMCCC_SVE_HINT;
	unsigned int owner = smccc_owner(fid);
	bool fast = smccc_is_fast(fid);

	if (fast && (fid & ARM_SMCCC_FC_RESERVED_MASK)) {
		sw_monitor_unknown(args);
		return;
	}
	args->a[0] = fid;
	if (owner >= ARM_SMCCC_OWNER_TRUSTED_OS &&
	    owner <= ARM_SMCCC_OWNER_TRUSTED_OS_END) {
		if (fast)
			sw_entry_fast(sw, args);
		else
			sw_entry_std(sw, args);
		return;
	}
	if (fast && owner == ARM_SMCCC_OWNER_ARCH)
		sw_monitor_arch(sw, fid, args);
	else if (fast && owner == ARM_SMCCC_OWNER_STANDARD)
		sw_monitor_std(sw, fid, args);
	else
		sw_monitor_unknown(args);
}

void smcsim_sw_smc(struct smcsim_sw *sw, const unsigned long a[8],
		   struct arm_smccc_res *res)
{
	struct sw_args args;

	memcpy(args.a, a, sizeof(args.a));
	atomic_fetch_add(&sw->calls, 1);
	sw_monitor(sw, &args);
	res->a0 = args.a[0];
	res->a1 = args.a[1];
	res->a2 = args.a[2];
	res->a3 = args.a[3];
}

unsigned int smcsim_sw_num_threads(const struct smcsim_sw *sw)
{
	return sw->cfg.num_threads;
}

enum smcsim_sw_thread_state smcsim_sw_thread_state(struct smcsim_sw *sw,
						   unsigned int idx)
{
	enum smcsim_sw_thread_state st = SMCSIM_SW_THREAD_FREE;

	if (idx >= sw->cfg.num_threads)
		return st;
	rt_mutex_lock(&sw->lock);
	st = sw->threads[idx].state;
	rt_mutex_unlock(&sw->lock);
	return st;
}

uint32_t smcsim_sw_sec_caps(const struct smcsim_sw *sw)
{
	return sw->sec_caps;
}

unsigned int smcsim_sw_notif_value_max(const struct smcsim_sw *sw)
{
	return sw->notif_value_max;
}

uint64_t smcsim_sw_calls(struct smcsim_sw *sw)
{
	return atomic_load(&sw->calls);
}

uint64_t smcsim_sw_rpc_arg_cached(struct smcsim_sw *sw, unsigned int idx)
{
	uint64_t cookie = 0;

	if (idx >= sw->cfg.num_threads)
		return 0;
	rt_mutex_lock(&sw->lock);
	cookie = sw->threads[idx].rpc_arg_cookie;
	rt_mutex_unlock(&sw->lock);
	return cookie;
}
