/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoded probe: every fast call a driver makes before it trusts the
 * firmware, through the `smc` invoke backend, with each answer decoded by
 * the project's decoders (abi_names.c, optee_sec_caps_str()). Fast calls
 * only, in Linux's order, and nothing that changes the firmware's state
 * except what Linux's probe does too.
 */
#include <stdio.h>

#include <smcsim/abi_names.h>
#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/optee_smc.h>

#include "bm.h"

static struct arm_smccc_res fast(unsigned long fid, unsigned long a1)
{
	struct smcsim_invoke inv = smcsim_invoke_smc();
	struct arm_smccc_res r;
	char b1[48], b2[48];

	smcsim_invoke_call(&inv, fid, a1, 0, 0, 0, 0, 0, 0, &r);
	printf("# %-32s a1 %#lx -> a0 %#lx (%s) a1 %#lx a2 %#lx a3 %#lx\n",
	       smcsim_smc_name(fid, b1, sizeof(b1)), a1, r.a0,
	       smcsim_smc_ret_name(r.a0, b2, sizeof(b2)), r.a1, r.a2, r.a3);
	return r;
}

static void uuid_words(const char *what, const struct arm_smccc_res *r)
{
	/* SMCCC UID words: time_low; time_mid:hi; then 8 bytes big-endian. */
	printf("#   %s %08lx-%04lx-%04lx-%04lx-%04lx%08lx\n", what,
	       r->a0 & 0xffffffffUL, (r->a1 >> 16) & 0xffff, r->a1 & 0xffff,
	       (r->a2 >> 16) & 0xffff, r->a2 & 0xffff, r->a3 & 0xffffffffUL);
}

static const char *const cap_meaning[] = {
	"a reserved shared-memory region exists (GET_SHM_CONFIG)",
	"unregistered shm: any non-secure memory as tmem",
	"dynamic shm: registered page lists (REGISTER_SHM, fmem)",
	"NS virtualization: one guest per VM id",
	"a NULL memref (size 0, no buffer) is accepted",
	"async notifications: interrupt + GET_ASYNC_NOTIF_VALUE",
	"RPC argument in the call (CALL_WITH_RPC_ARG/REGD_ARG)",
	"upstream: RPMB probing through the kernel (proposal: system threads)",
	"a static protected-memory pool (GET_PROTMEM_CONFIG)",
	"dynamic protected memory (LEND/RECLAIM_PROTMEM)",
};

void bm_probe_print(void)
{
	struct arm_smccc_res r;
	char caps[160];
	unsigned int bit;

	printf("# -- probe: fast calls to the firmware (smc backend) --\n");
	r = fast(ARM_SMCCC_CALL_VAL(1, 0, 63, 0xff01), 0);
	uuid_words("API UID", &r);
	r = fast(ARM_SMCCC_CALL_VAL(1, 0, 63, 0xff03), 0);
	printf("#   API revision %lu.%lu\n", r.a0, r.a1);
	r = fast(ARM_SMCCC_CALL_VAL(1, 0, 63, 0xff00), 0);
	printf("#   %lu calls\n", r.a0);
	r = fast(OPTEE_SMC_CALL_GET_OS_UUID, 0);
	uuid_words("OS UUID", &r);
	r = fast(OPTEE_SMC_CALL_GET_OS_REVISION, 0);
	printf("#   OP-TEE %lu.%lu, build id %#018lx (64 bits, in a2)\n",
	       r.a0, r.a1, r.a2);
	r = fast(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0);
	if (!r.a0) {
		optee_sec_caps_str((uint32_t)r.a1, SMCSIM_ABI_UPSTREAM, caps,
				   sizeof(caps));
		printf("#   secure caps %#lx [%s]\n", r.a1, caps);
		for (bit = 0; bit < 32; bit++) {
			if (!(r.a1 & (1UL << bit)))
				continue;
			printf("#     bit %2u: %s\n", bit,
			       bit < sizeof(cap_meaning) / sizeof(cap_meaning[0]) ?
			       cap_meaning[bit] : "unknown to this build");
		}
		if (r.a1 & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
			printf("#   a2: max async notification value %lu\n", r.a2);
		if (r.a1 & OPTEE_SMC_SEC_CAP_RPC_ARG)
			printf("#   a3: RPC argument of %lu params\n",
			       r.a3 & OPTEE_SMC_RPC_PARAM_COUNT_MASK);
	}
	r = fast(OPTEE_SMC_GET_THREAD_COUNT, 0);
	if (!r.a0)
		printf("#   %lu secure threads\n", r.a1);
	r = fast(OPTEE_SMC_GET_SHM_CONFIG, 0);
	if (!r.a0)
		printf("#   reserved shm %#lx + %#lx, %s\n", r.a1, r.a2,
		       r.a3 == OPTEE_SMC_SHM_CACHED ? "cached" : "not cached");
	r = fast(OPTEE_SMC_GET_PROTMEM_CONFIG, 0);
}
