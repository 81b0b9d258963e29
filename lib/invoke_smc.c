/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The `smc` and `hvc` invoke backends (aarch64 only): the real conduit to
 * firmware. SMC Calling Convention (DEN0028) for a 64-bit caller: the
 * function ID and arguments in x0..x7, results in x0..x3. The callee may
 * corrupt x4..x17 (SMCCC 1.0 lets it; 1.1+ preserves x4..x17 only when
 * the caller knows it), so they are declared clobbered, with "memory":
 * the call reads and writes shared buffers the compiler cannot see.
 *
 * Each call is an SMC event of the decoded trace (include/smcsim/trace.h),
 * as at the sim backend, so a firmware run prints its conversation in the
 * simulator's format. (Under tests/helpers/smc_trap, whose backend is
 * usually the sim one, a traced SMC is therefore recorded twice.)
 */
#include <smcsim/invoke.h>
#include <smcsim/trace.h>

#if defined(__aarch64__)

#define SMCSIM_SMCCC_ASM(insn)						\
	do {								\
		register unsigned long r0 __asm__("x0") = a0;		\
		register unsigned long r1 __asm__("x1") = a1;		\
		register unsigned long r2 __asm__("x2") = a2;		\
		register unsigned long r3 __asm__("x3") = a3;		\
		register unsigned long r4 __asm__("x4") = a4;		\
		register unsigned long r5 __asm__("x5") = a5;		\
		register unsigned long r6 __asm__("x6") = a6;		\
		register unsigned long r7 __asm__("x7") = a7;		\
									\
		__asm__ volatile(insn " #0"				\
				 : "+r"(r0), "+r"(r1), "+r"(r2),	\
				   "+r"(r3), "+r"(r4), "+r"(r5),	\
				   "+r"(r6), "+r"(r7)			\
				 :					\
				 : "x8", "x9", "x10", "x11", "x12",	\
				   "x13", "x14", "x15", "x16", "x17",	\
				   "memory");				\
		res->a0 = r0;						\
		res->a1 = r1;						\
		res->a2 = r2;						\
		res->a3 = r3;						\
	} while (0)

/* The SMC events around the instruction, when that kind is traced. */
#define SMCSIM_SMCCC_TRACED(insn)					\
	do {								\
		if (smcsim_tracing(SMCSIM_TEV_SMC)) {			\
			const unsigned long in[8] = { a0, a1, a2, a3,	\
						      a4, a5, a6, a7 };	\
									\
			smcsim_tev_smc(in, NULL);			\
			SMCSIM_SMCCC_ASM(insn);				\
			smcsim_tev_smc(in, (const unsigned long[4]){	\
				res->a0, res->a1, res->a2, res->a3 });	\
		} else {						\
			SMCSIM_SMCCC_ASM(insn);				\
		}							\
	} while (0)

static void smc_invoke(void *ctx, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3, unsigned long a4,
		       unsigned long a5, unsigned long a6, unsigned long a7,
		       struct arm_smccc_res *res)
{
	(void)ctx;
	SMCSIM_SMCCC_TRACED("smc");
}

static void hvc_invoke(void *ctx, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3, unsigned long a4,
		       unsigned long a5, unsigned long a6, unsigned long a7,
		       struct arm_smccc_res *res)
{
	(void)ctx;
	SMCSIM_SMCCC_TRACED("hvc");
}

struct smcsim_invoke smcsim_invoke_smc(void)
{
	return (struct smcsim_invoke){ .fn = smc_invoke, .ctx = NULL };
}

struct smcsim_invoke smcsim_invoke_hvc(void)
{
	return (struct smcsim_invoke){ .fn = hvc_invoke, .ctx = NULL };
}

#endif /* __aarch64__ */
