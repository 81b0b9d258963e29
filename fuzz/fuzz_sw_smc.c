// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: raw registers into the simulated secure world's SMC entry.
 *
 * Input layout: byte 0 selects the world's configuration (bit 0 profile,
 * bit 1 async notification off, bit 2 reserved shm off, bit 3 dynamic shm
 * off, bit 4 static protmem on, bits 5..7 thread count - 1); then up to 32
 * records of 64 bytes, each a0..a7 as little-endian u64, issued in order on
 * one world so that state carries from call to call. A short last record is
 * zero-filled.
 *
 * Checked after every call: the answer is a valid OP-TEE status (or the
 * data word of a call that returns data), fast calls never answer an RPC,
 * and a fast call that answers UNKNOWN_FUNCTION leaves a1..a3 as they were.
 * A call the monitor answers itself (an owner other than the Trusted OS, or
 * a fast call with reserved bits) is SMC_UNK with a1..a3 as they were, or
 * one of the monitor's modelled version answers.
 * The secure world must never crash: the sanitizers watch for the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC_SIZE	64
#define MAX_RECS	32

static struct smcsim_phys *fuzz_phys;

static void fuzz_fail(const char *why, const unsigned long a[8],
		      const struct arm_smccc_res *res)
{
	fprintf(stderr, "fuzz_sw_smc: %s: a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx"
		" -> 0x%lx 0x%lx 0x%lx 0x%lx\n", why, a[0], a[1], a[2], a[3],
		res->a0, res->a1, res->a2, res->a3);
	abort();
}

static bool is_status(unsigned long v)
{
	return v <= OPTEE_SMC_RETURN_ENOTAVAIL ||
	       v == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
}

static void check_answer(const struct smcsim_sw_config *cfg,
			 const unsigned long a[8],
			 const struct arm_smccc_res *res)
{
	/* As the monitor does: W0, with SMCCC 1.3's SVE hint cleared. */
	uint32_t fid = (uint32_t)a[0] & ~(uint32_t)ARM_SMCCC_SVE_HINT;

	unsigned int owner = smccc_owner(fid);

	if ((smccc_is_fast(fid) && (fid & ARM_SMCCC_FC_RESERVED_MASK)) ||
	    owner < ARM_SMCCC_OWNER_TRUSTED_OS) {
		if (res->a0 == ARM_SMCCC_RET_NOT_SUPPORTED) {
			if (res->a1 != a[1] || res->a2 != a[2] ||
			    res->a3 != a[3])
				fuzz_fail("SMC_UNK changed a1..a3", a, res);
			return;
		}
		if ((fid == ARM_SMCCC_VERSION_FUNC_ID &&
		     res->a0 == cfg->smccc_version) ||
		    (fid == ARM_SMCCC_ARCH_FEATURES_FUNC_ID && res->a0 == 0) ||
		    (fid == PSCI_0_2_FN_PSCI_VERSION &&
		     res->a0 == cfg->psci_version))
			return;
		fuzz_fail("the monitor answered something else", a, res);
	}

	switch (fid) {
	case OPTEE_SMC_CALLS_COUNT:
		if (res->a0 != OPTEE_SMC_CALLS_COUNT_VALUE)
			fuzz_fail("CALLS_COUNT", a, res);
		return;
	case OPTEE_SMC_CALLS_UID:
		if (res->a0 != OPTEE_MSG_UID_0 || res->a3 != OPTEE_MSG_UID_3)
			fuzz_fail("CALLS_UID", a, res);
		return;
	case OPTEE_SMC_CALLS_REVISION:
		if (res->a0 != OPTEE_MSG_REVISION_MAJOR)
			fuzz_fail("CALLS_REVISION", a, res);
		return;
	case OPTEE_SMC_CALL_GET_OS_UUID:
		if (res->a0 != OPTEE_MSG_OS_OPTEE_UUID_0)
			fuzz_fail("GET_OS_UUID", a, res);
		return;
	case OPTEE_SMC_CALL_GET_OS_REVISION:
		if (res->a0 != cfg->os_revision_major)
			fuzz_fail("GET_OS_REVISION", a, res);
		return;
	default:
		break;
	}

	if (smccc_is_fast(fid)) {
		if (!is_status(res->a0))
			fuzz_fail("fast call answered no status", a, res);
		if (res->a0 == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION &&
		    (res->a1 != a[1] || res->a2 != a[2] || res->a3 != a[3]))
			fuzz_fail("UNKNOWN_FUNCTION changed a1..a3", a, res);
		return;
	}
	if (!is_status(res->a0) && !optee_smc_return_is_rpc(res->a0))
		fuzz_fail("yielding call answered no status", a, res);
}

static uint64_t get_le64(const uint8_t *p, size_t avail)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8 && i < avail; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
	size_t off, recs = 0;
	uint8_t sel;

	if (!size)
		return 0;
	if (!fuzz_phys) {
		struct smcsim_phys_config pcfg;

		smcsim_phys_config_default(&pcfg);
		if (smcsim_phys_create(&pcfg, &fuzz_phys))
			abort();
	}

	sel = data[0];
	smcsim_sw_config_default(&cfg, (sel & 1) ? SMCSIM_ABI_UPSTREAM :
						   SMCSIM_ABI_PROPOSAL,
				 fuzz_phys);
	cfg.async_notif = !(sel & 2);
	cfg.reserved_shm = !(sel & 4);
	cfg.dynamic_shm = !(sel & 8);
	cfg.static_protmem = sel & 16;
	cfg.num_threads = 1 + (sel >> 5);
	if (smcsim_sw_create(&cfg, &sw))
		abort();

	for (off = 1; off < size && recs < MAX_RECS; off += REC_SIZE, recs++) {
		struct arm_smccc_res res;
		unsigned long a[8];
		int i;

		for (i = 0; i < 8; i++) {
			size_t at = off + (size_t)i * 8;

			a[i] = at < size ?
			       (unsigned long)get_le64(data + at, size - at) : 0;
		}
		smcsim_sw_smc(sw, a, &res);
		check_answer(&cfg, a, &res);
	}
	smcsim_sw_destroy(sw);
	return 0;
}
