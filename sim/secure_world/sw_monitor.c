// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure monitor in front of OP-TEE, as TF-A 2.14 with SPD=opteed
 * routes (its runtime_exceptions.S and runtime-service table): every SMC
 * lands in smcsim_sw_smc(); only W0 counts, the SVE hint is cleared, a
 * fast call with reserved bits is SMC_UNK, and the owner and call type
 * pick the service: OP-TEE for owners 50..63 (fast and yielding), TF-A's
 * own Arm-architecture and standard services for owners 0 and 4 (fast, in
 * part: secure_world.h), SMC_UNK for everything else. Handlers work on a
 * copy of the caller's registers, so a register a call does not set comes
 * back as the caller's input (observed on the firmware).
 */
#include <string.h>

#include "sw_private.h"

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
