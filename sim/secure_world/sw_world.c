// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated secure world's life cycle, its configurations and its
 * read-only introspection. Every SMC enters through the monitor
 * (sw_monitor.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

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

void smcsim_sw_config_qemu_v8(struct smcsim_sw_config *cfg,
			      struct smcsim_phys *phys)
{
	smcsim_sw_config_default(cfg, SMCSIM_ABI_UPSTREAM, phys);
	/* Already the default's, restated: this is the firmware's build. */
	cfg->num_threads = 2;
	cfg->reserved_shm = true;
	cfg->shm_cached = true;
	cfg->dynamic_shm = true;
	cfg->async_notif = true;
	cfg->notif_value_max = 0;	/* 64 + 2 threads = 0x42 */
	cfg->rpmb_probe = true;
	cfg->static_protmem = false;
	cfg->dynamic_protmem = false;
	cfg->os_revision_major = 4;
	cfg->os_revision_minor = 10;
	cfg->smccc_version = SMCSIM_SW_TFA_SMCCC_VERSION;
	cfg->psci_version = SMCSIM_SW_TFA_PSCI_VERSION;
	/* What differs from the default. */
	cfg->os_build_id = SMCSIM_SW_QEMU_V8_FW_BUILD_ID;
	cfg->internal_tests_pta = true;
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
