/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoded probe (probe_print.h): the fast calls a driver makes before
 * it trusts the firmware, with each answer decoded by the project's
 * decoders (abi_names.c, smcsim_sec_caps_str()). Fast calls only, in
 * Linux's order, none that changes the firmware's state. Any backend:
 * the simulator's, or `smc` to real firmware from the bare-metal image.
 */
#include <stdbool.h>
#include <stdio.h>

#include <smcsim/abi_names.h>
#include <smcsim/optee_smc.h>
#include <smcsim/probe_print.h>

struct probe_out {
	const struct smcsim_invoke *inv;
	FILE *f;
	const char *prefix;
};

/*
 * One fast call, printed. @status: a0 is a return code (named), else a
 * value (a UID word, a revision, a count).
 */
static struct arm_smccc_res fast(const struct probe_out *o, unsigned long fid,
				 bool status)
{
	struct arm_smccc_res r;
	char b1[48], b2[48];

	smcsim_invoke_call(o->inv, fid, 0, 0, 0, 0, 0, 0, 0, &r);
	fprintf(o->f, "%s%-32s -> a0 %#lx%s%s%s a1 %#lx a2 %#lx a3 %#lx\n",
		o->prefix, smcsim_smc_name(fid, b1, sizeof(b1)), r.a0,
		status ? " (" : "",
		status ? smcsim_smc_ret_name(r.a0, b2, sizeof(b2)) : "",
		status ? ")" : "", r.a1, r.a2, r.a3);
	return r;
}

static void uuid_words(const struct probe_out *o, const char *what,
		       const struct arm_smccc_res *r)
{
	/* SMCCC UID words: time_low; time_mid:hi; then 8 bytes big-endian. */
	fprintf(o->f, "%s  %s %08lx-%04lx-%04lx-%04lx-%04lx%08lx\n", o->prefix, what,
		r->a0 & 0xffffffffUL, (r->a1 >> 16) & 0xffff, r->a1 & 0xffff,
		(r->a2 >> 16) & 0xffff, r->a2 & 0xffff, r->a3 & 0xffffffffUL);
}

/* What each capability bit promises, by its optee_smc.h name. */
static const struct {
	unsigned long cap;
	const char *meaning;
} cap_meanings[] = {
	{ OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM,
	  "a reserved shared-memory region exists (GET_SHM_CONFIG)" },
	{ OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM,
	  "unregistered shm: any non-secure memory as tmem" },
	{ OPTEE_SMC_SEC_CAP_DYNAMIC_SHM,
	  "dynamic shm: registered page lists (REGISTER_SHM, fmem)" },
	{ OPTEE_SMC_SEC_CAP_VIRTUALIZATION,
	  "NS virtualization: one guest per VM id" },
	{ OPTEE_SMC_SEC_CAP_MEMREF_NULL,
	  "a NULL memref (size 0, no buffer) is accepted" },
	{ OPTEE_SMC_SEC_CAP_ASYNC_NOTIF,
	  "async notifications: interrupt + GET_ASYNC_NOTIF_VALUE" },
	{ OPTEE_SMC_SEC_CAP_RPC_ARG,
	  "RPC argument in the call (CALL_WITH_RPC_ARG/REGD_ARG)" },
	/* The same bit as OPTEE_SMC_SEC_CAP_SYSTEM_THREAD. */
	{ OPTEE_SMC_SEC_CAP_RPMB_PROBE,
	  "upstream: RPMB probing through the kernel (proposal: system threads)" },
	{ OPTEE_SMC_SEC_CAP_PROTMEM,
	  "a static protected-memory pool (GET_PROTMEM_CONFIG)" },
	{ OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM,
	  "dynamic protected memory (LEND/RECLAIM_PROTMEM)" },
};

static const char *cap_meaning(unsigned long cap)
{
	size_t i;

	for (i = 0; i < sizeof(cap_meanings) / sizeof(cap_meanings[0]); i++)
		if (cap_meanings[i].cap == cap)
			return cap_meanings[i].meaning;
	return "unknown to this build";
}

void smcsim_probe_print(const struct smcsim_invoke *inv, FILE *out,
			const char *prefix)
{
	const struct probe_out o = { .inv = inv, .f = out, .prefix = prefix };
	struct arm_smccc_res r;
	char caps[160];
	unsigned int bit;

	fprintf(out, "%s-- probe: fast calls to the firmware --\n", prefix);
	r = fast(&o, OPTEE_SMC_CALLS_UID, false);
	uuid_words(&o, "API UID", &r);
	r = fast(&o, OPTEE_SMC_CALLS_REVISION, false);
	fprintf(out, "%s  API revision %lu.%lu\n", prefix, r.a0, r.a1);
	r = fast(&o, OPTEE_SMC_CALLS_COUNT, false);
	fprintf(out, "%s  %lu calls\n", prefix, r.a0);
	r = fast(&o, OPTEE_SMC_CALL_GET_OS_UUID, false);
	uuid_words(&o, "OS UUID", &r);
	r = fast(&o, OPTEE_SMC_CALL_GET_OS_REVISION, false);
	fprintf(out, "%s  OP-TEE %lu.%lu, build id %#018lx (a2)\n", prefix,
		r.a0, r.a1, r.a2);
	r = fast(&o, OPTEE_SMC_EXCHANGE_CAPABILITIES, true);
	if (!r.a0) {
		smcsim_sec_caps_str((uint32_t)r.a1, SMCSIM_ABI_UPSTREAM, caps,
				   sizeof(caps));
		fprintf(out, "%s  secure caps %#lx [%s]\n", prefix, r.a1, caps);
		for (bit = 0; bit < 32; bit++) {
			if (!(r.a1 & (1UL << bit)))
				continue;
			fprintf(out, "%s    bit %2u: %s\n", prefix, bit,
				cap_meaning(1UL << bit));
		}
		if (r.a1 & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
			fprintf(out, "%s  a2: max async notification value %lu\n",
				prefix, r.a2);
		if (r.a1 & OPTEE_SMC_SEC_CAP_RPC_ARG)
			fprintf(out, "%s  a3: RPC argument of %lu params\n", prefix,
				r.a3 & OPTEE_SMC_RPC_PARAM_COUNT_MASK);
	}
	r = fast(&o, OPTEE_SMC_GET_THREAD_COUNT, true);
	if (!r.a0)
		fprintf(out, "%s  %lu secure threads\n", prefix, r.a1);
	r = fast(&o, OPTEE_SMC_GET_SHM_CONFIG, true);
	if (!r.a0)
		fprintf(out, "%s  reserved shm %#lx + %#lx, %s\n", prefix, r.a1,
			r.a2, r.a3 == OPTEE_SMC_SHM_CACHED ? "cached" :
							      "not cached");
	fast(&o, OPTEE_SMC_GET_PROTMEM_CONFIG, true);
}
