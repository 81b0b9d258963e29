// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fast calls: one switch of one-screen handlers, run on the caller's thread
 * (OP-TEE's entry_fast.c behaviour, docs/abi.md sections 3, 5 and 13).
 * A handler sets only the registers its call defines; the others keep the
 * caller's values.
 */
#include <smcsim/optee_msg.h>

#include "sw_private.h"

static void fast_calls_count(struct smcsim_sw *sw, struct sw_args *args)
{
	(void)sw;
	args->a[0] = OPTEE_SMC_CALLS_COUNT_VALUE;
}

static void fast_calls_uid(struct smcsim_sw *sw, struct sw_args *args)
{
	(void)sw;
	args->a[0] = OPTEE_MSG_UID_0;
	args->a[1] = OPTEE_MSG_UID_1;
	args->a[2] = OPTEE_MSG_UID_2;
	args->a[3] = OPTEE_MSG_UID_3;
}

static void fast_calls_revision(struct smcsim_sw *sw, struct sw_args *args)
{
	(void)sw;
	args->a[0] = OPTEE_MSG_REVISION_MAJOR;
	args->a[1] = OPTEE_MSG_REVISION_MINOR;
}

static void fast_os_uuid(struct smcsim_sw *sw, struct sw_args *args)
{
	(void)sw;
	args->a[0] = OPTEE_MSG_OS_OPTEE_UUID_0;
	args->a[1] = OPTEE_MSG_OS_OPTEE_UUID_1;
	args->a[2] = OPTEE_MSG_OS_OPTEE_UUID_2;
	args->a[3] = OPTEE_MSG_OS_OPTEE_UUID_3;
}

static void fast_os_revision(struct smcsim_sw *sw, struct sw_args *args)
{
	args->a[0] = sw->cfg.os_revision_major;
	args->a[1] = sw->cfg.os_revision_minor;
	/* All of x2: OP-TEE 4.10 on arm64 answers a 64-bit build id. */
	args->a[2] = (unsigned long)sw->cfg.os_build_id;
}

static void fast_get_shm_config(struct smcsim_sw *sw, struct sw_args *args)
{
	struct smcsim_phys_region r;

	/* Without CFG_CORE_RESERVED_SHM OP-TEE has no such case at all. */
	if (!sw->cfg.reserved_shm ||
	    smcsim_phys_region_get(sw->cfg.phys, SMCSIM_MEM_NS_SHM, &r)) {
		args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		return;
	}
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = (unsigned long)r.base;
	args->a[2] = (unsigned long)r.size;
	args->a[3] = sw->cfg.shm_cached ? OPTEE_SMC_SHM_CACHED :
					  OPTEE_SMC_SHM_NONCACHED;
}

static void fast_exchange_caps(struct smcsim_sw *sw, struct sw_args *args)
{
	/*
	 * Only UNIPROCESSOR is known. On refusal OP-TEE sets only a0: the
	 * spec promises the secure caps in a1, the implementation does not.
	 */
	if (sw_reg32(args->a[1]) & ~OPTEE_SMC_NSEC_CAP_UNIPROCESSOR) {
		sw_log(sw, "EXCHANGE_CAPABILITIES: unknown normal-world caps 0x%x",
		       sw_reg32(args->a[1]));
		args->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = sw->sec_caps;
	/* a2 is left alone unless notifications are built in. */
	if (sw->sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
		args->a[2] = sw->notif_value_max;
	args->a[3] = OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS;
}

static bool sw_all_threads_free(struct smcsim_sw *sw)
{
	unsigned int i;

	for (i = 0; i < sw->cfg.num_threads; i++)
		if (sw->threads[i].state != SMCSIM_SW_THREAD_FREE)
			return false;
	return true;
}

static void fast_disable_shm_cache(struct smcsim_sw *sw, struct sw_args *args)
{
	uint64_t cookie = 0;
	unsigned int i;

	rt_mutex_lock(&sw->lock);
	if (!sw_all_threads_free(sw)) {
		rt_mutex_unlock(&sw->lock);
		args->a[0] = OPTEE_SMC_RETURN_EBUSY;
		return;
	}
	/* Hand back one cached RPC argument per call, then say "empty". */
	for (i = 0; i < sw->cfg.num_threads && !cookie; i++) {
		cookie = sw->threads[i].rpc_arg_cookie;
		sw->threads[i].rpc_arg_cookie = 0;
	}
	if (!cookie)
		sw->prealloc_rpc_cache = false;
	rt_mutex_unlock(&sw->lock);

	if (!cookie) {
		args->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = reg_pair_hi(cookie);
	args->a[2] = reg_pair_lo(cookie);
}

static void fast_enable_shm_cache(struct smcsim_sw *sw, struct sw_args *args)
{
	rt_mutex_lock(&sw->lock);
	if (sw_all_threads_free(sw)) {
		sw->prealloc_rpc_cache = true;
		args->a[0] = OPTEE_SMC_RETURN_OK;
	} else {
		args->a[0] = OPTEE_SMC_RETURN_EBUSY;
	}
	rt_mutex_unlock(&sw->lock);
}

static void fast_boot_secondary(struct smcsim_sw *sw, struct sw_args *args)
{
	/* CFG_BOOT_SECONDARY_REQUEST is off on QEMU v8. */
	(void)sw;
	args->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
}

static void fast_get_thread_count(struct smcsim_sw *sw, struct sw_args *args)
{
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = sw->cfg.num_threads;
}

static void fast_enable_async_notif(struct smcsim_sw *sw, struct sw_args *args)
{
	if (!sw->cfg.async_notif) {
		args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		return;
	}
	if (!sw_notif_start(sw))
		sw_log(sw, "async notifications: already started");
	args->a[0] = OPTEE_SMC_RETURN_OK;
}

static void fast_get_async_notif_value(struct smcsim_sw *sw,
				       struct sw_args *args)
{
	bool valid, pending;
	unsigned int value;

	if (!sw->cfg.async_notif) {
		args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		return;
	}
	value = sw_notif_get_value(sw, &valid, &pending);
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = value;
	args->a[2] = (valid ? OPTEE_SMC_ASYNC_NOTIF_VALID : 0) |
		     (pending ? OPTEE_SMC_ASYNC_NOTIF_PENDING : 0);
}

static void fast_get_protmem_config(struct smcsim_sw *sw, struct sw_args *args)
{
	struct smcsim_phys_region r;
	unsigned int i;

	/* Only a static pool answers here; the dynamic one uses messages. */
	if (!sw->cfg.static_protmem ||
	    smcsim_phys_region_get(sw->cfg.phys, SMCSIM_MEM_PROTMEM, &r)) {
		args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		return;
	}
	/*
	 * a2..a6 must be zero. The ABI documents only ENOTAVAIL as an error,
	 * so that is what a caller breaking the rule gets.
	 */
	for (i = 2; i <= 6; i++) {
		if (sw_reg32(args->a[i])) {
			args->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
			return;
		}
	}
	args->a[0] = OPTEE_SMC_RETURN_OK;
	args->a[1] = (unsigned long)r.base;
	args->a[2] = (unsigned long)r.size;
	args->a[3] = sizeof(long) * 8;
}

void sw_entry_fast(struct smcsim_sw *sw, struct sw_args *args)
{
	switch (sw_reg32(args->a[0])) {
	case OPTEE_SMC_CALLS_COUNT:
		fast_calls_count(sw, args);
		break;
	case OPTEE_SMC_CALLS_UID:
		fast_calls_uid(sw, args);
		break;
	case OPTEE_SMC_CALLS_REVISION:
		fast_calls_revision(sw, args);
		break;
	case OPTEE_SMC_CALL_GET_OS_UUID:
		fast_os_uuid(sw, args);
		break;
	case OPTEE_SMC_CALL_GET_OS_REVISION:
		fast_os_revision(sw, args);
		break;
	case OPTEE_SMC_GET_SHM_CONFIG:
		fast_get_shm_config(sw, args);
		break;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		fast_exchange_caps(sw, args);
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		fast_disable_shm_cache(sw, args);
		break;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		fast_enable_shm_cache(sw, args);
		break;
	case OPTEE_SMC_BOOT_SECONDARY:
		fast_boot_secondary(sw, args);
		break;
	case OPTEE_SMC_GET_THREAD_COUNT:
		fast_get_thread_count(sw, args);
		break;
	case OPTEE_SMC_ENABLE_ASYNC_NOTIF:
		fast_enable_async_notif(sw, args);
		break;
	case OPTEE_SMC_GET_ASYNC_NOTIF_VALUE:
		fast_get_async_notif_value(sw, args);
		break;
	case OPTEE_SMC_GET_PROTMEM_CONFIG:
		fast_get_protmem_config(sw, args);
		break;
	case OPTEE_SMC_RESERVE_SYS_THREAD:
	case OPTEE_SMC_UNRESERVE_SYS_THREAD:
		/* The proposal's secure-side encoding; unknown upstream. */
		if (sw->cfg.profile != SMCSIM_ABI_PROPOSAL ||
		    !sw->cfg.system_threads) {
			args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
			break;
		}
		if (sw_reg32(args->a[0]) == OPTEE_SMC_RESERVE_SYS_THREAD)
			sw_reserve_sys_thread(sw, args);
		else
			sw_unreserve_sys_thread(sw, args);
		break;
	/*
	 * L2CC_MUTEX exists on ARM32 only; VM_CREATED/VM_DESTROYED need
	 * CFG_NS_VIRTUALIZATION, which the simulator does not model. Both
	 * answer as OP-TEE on AArch64 without virtualization does.
	 */
	case OPTEE_SMC_L2CC_MUTEX:
	case OPTEE_SMC_VM_CREATED:
	case OPTEE_SMC_VM_DESTROYED:
	default:
		args->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		break;
	}
}
