/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMC Calling Convention: function-ID encoding and the register block that
 * crosses a world switch. Both worlds and every invoke backend use these; the
 * layout of a function ID is fixed by Arm's SMCCC (DEN0028).
 */
#ifndef SMCSIM_SMCCC_H
#define SMCSIM_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

#define ARM_SMCCC_STD_CALL		0UL
#define ARM_SMCCC_FAST_CALL		1UL
#define ARM_SMCCC_TYPE_SHIFT		31

#define ARM_SMCCC_SMC_32		0UL
#define ARM_SMCCC_SMC_64		1UL
#define ARM_SMCCC_CALL_CONV_SHIFT	30

#define ARM_SMCCC_OWNER_MASK		0x3FUL
#define ARM_SMCCC_OWNER_SHIFT		24
#define ARM_SMCCC_FUNC_MASK		0xFFFFUL
/*
 * Bit 16 is the SVE hint of SMCCC 1.3 ("no live SVE state"); bits 23:17
 * are reserved and must be zero in a fast call. TF-A clears the hint and
 * answers SMC_UNK to a fast call with reserved bits set.
 */
#define ARM_SMCCC_SVE_HINT		0x00010000UL
#define ARM_SMCCC_FC_RESERVED_MASK	0x00FE0000UL

#define ARM_SMCCC_OWNER_ARCH		0
#define ARM_SMCCC_OWNER_CPU		1
#define ARM_SMCCC_OWNER_SIP		2
#define ARM_SMCCC_OWNER_OEM		3
#define ARM_SMCCC_OWNER_STANDARD	4
#define ARM_SMCCC_OWNER_STANDARD_HYP	5
#define ARM_SMCCC_OWNER_VENDOR_HYP	6
#define ARM_SMCCC_OWNER_TRUSTED_APP	48
#define ARM_SMCCC_OWNER_TRUSTED_APP_END	49
#define ARM_SMCCC_OWNER_TRUSTED_OS	50
#define ARM_SMCCC_OWNER_TRUSTED_OS_END	63

/*
 * Calls the secure monitor (TF-A) answers itself, and its "unknown" answer:
 * SMC_UNK is -1 in all of x0 (0xFFFFFFFF in W0), which is also SMCCC's and
 * PSCI's NOT_SUPPORTED. OP-TEE's own UNKNOWN_FUNCTION sets only W0.
 */
#define ARM_SMCCC_VERSION_FUNC_ID	0x80000000UL
#define ARM_SMCCC_ARCH_FEATURES_FUNC_ID	0x80000001UL
#define PSCI_0_2_FN_PSCI_VERSION	0x84000000UL
#define ARM_SMCCC_RET_NOT_SUPPORTED	((unsigned long)-1L)

/**
 * ARM_SMCCC_CALL_VAL() - build a 32-bit function ID
 * @type:	ARM_SMCCC_FAST_CALL or ARM_SMCCC_STD_CALL
 * @conv:	ARM_SMCCC_SMC_32 or ARM_SMCCC_SMC_64
 * @owner:	owning entity number (0..63)
 * @func:	function number (0..0xFFFF)
 */
#define ARM_SMCCC_CALL_VAL(type, conv, owner, func)			\
	(((unsigned long)(type) << ARM_SMCCC_TYPE_SHIFT) |		\
	 ((unsigned long)(conv) << ARM_SMCCC_CALL_CONV_SHIFT) |		\
	 (((unsigned long)(owner) & ARM_SMCCC_OWNER_MASK) <<		\
	  ARM_SMCCC_OWNER_SHIFT) |					\
	 ((unsigned long)(func) & ARM_SMCCC_FUNC_MASK))

/**
 * struct arm_smccc_res - what a world switch hands back: a0..a3
 *
 * Named and laid out as Linux's, so ported driver code reads the same. On
 * AArch64 these are x0..x3; OP-TEE only defines their low 32 bits.
 */
struct arm_smccc_res {
	unsigned long a0;
	unsigned long a1;
	unsigned long a2;
	unsigned long a3;
};

/* Decoding helpers. They look at the low 32 bits only (SMCCC: the ID is W0). */
static inline bool smccc_is_fast(unsigned long fid)
{
	return (fid >> ARM_SMCCC_TYPE_SHIFT) & 1;
}

static inline bool smccc_is_64(unsigned long fid)
{
	return (fid >> ARM_SMCCC_CALL_CONV_SHIFT) & 1;
}

static inline unsigned int smccc_owner(unsigned long fid)
{
	return (fid >> ARM_SMCCC_OWNER_SHIFT) & ARM_SMCCC_OWNER_MASK;
}

static inline unsigned int smccc_func_num(unsigned long fid)
{
	return fid & ARM_SMCCC_FUNC_MASK;
}

/* Split and join 64-bit quantities the way OP-TEE's registers carry them. */
static inline unsigned long reg_pair_hi(uint64_t v)
{
	return (unsigned long)(uint32_t)(v >> 32);
}

static inline unsigned long reg_pair_lo(uint64_t v)
{
	return (unsigned long)(uint32_t)v;
}

static inline uint64_t reg_pair_to_64(unsigned long hi, unsigned long lo)
{
	return ((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo;
}

#endif /* SMCSIM_SMCCC_H */
